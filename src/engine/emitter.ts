/** A small typed event emitter: the engine's only way of telling the outside world that something changed. */
export class Emitter<Events extends object> {
  #listeners = new Map<keyof Events, Set<(detail: never) => void>>();

  /** Listens for `type`; returns a function that stops listening. */
  on<K extends keyof Events>(type: K, listener: (detail: Events[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener as (detail: never) => void);
    return () => set.delete(listener as (detail: never) => void);
  }

  protected emit<K extends keyof Events>(type: K, detail: Events[K]): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      try {
        (listener as (detail: Events[K]) => void)(detail);
      } catch (err) {
        // One broken listener must not stop the call.
        console.error('[rtc-call] listener failed', err);
      }
    }
  }
}
