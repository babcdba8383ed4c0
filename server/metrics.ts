/** Counters and gauges in Prometheus text format. */

export class Metrics {
  #counters: Map<string, number> = new Map();

  #gauges: Map<string, () => number | Promise<number>> = new Map();

  #help: Map<string, string> = new Map();

  /**
   * @param read (async for what the room store counts)
   */
  gauge(name: string, help: string, read: () => number | Promise<number>) {
    this.#gauges.set(name, read);
    this.#help.set(name, help);
  }

  counter(name: string, help: string) {
    this.#help.set(name, help);
  }

  inc(name: string, labels?: Record<string, string>) {
    const key = labels
      ? `${name}{${Object.entries(labels)
          .map(([k, v]) => `${k}="${v}"`)
          .join(',')}}`
      : name;
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + 1);
  }

  /** @param key a series, as written in the text format */
  async value(key: string) {
    return this.#counters.get(key) ?? (await this.#gauges.get(key)?.()) ?? 0;
  }

  async text() {
    const out = [];
    for (const [name, help] of this.#help) {
      const gauge = this.#gauges.get(name);
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${gauge ? 'gauge' : 'counter'}`);
      // A gauge the room store cannot answer now (Redis unreachable) reads NaN: the rest of the page still comes.
      if (gauge)
        out.push(
          `${name} ${await Promise.resolve()
            .then(gauge)
            .catch(() => NaN)}`,
        );
      else {
        const series = [...this.#counters].filter(([k]) => k === name || k.startsWith(name + '{'));
        if (!series.length) out.push(`${name} 0`);
        for (const [k, v] of series) out.push(`${k} ${v}`);
      }
    }
    return out.join('\n') + '\n';
  }
}
