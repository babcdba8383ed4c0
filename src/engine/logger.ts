/** How much the engine says: each level includes those after it; `off` says nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

/** Where the engine's diagnostics go. Every method takes a short message, then any values worth seeing. */
export interface Logger {
  debug(message: string, ...values: unknown[]): void;
  info(message: string, ...values: unknown[]): void;
  warn(message: string, ...values: unknown[]): void;
  error(message: string, ...values: unknown[]): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

/** `debug`, `info`, `warn`, `error` or `off`; anything else (an attribute with no value, `true`) is `debug`. */
export function parseLogLevel(value: string | null | undefined): LogLevel {
  if (value === null || value === undefined || value === 'false') return 'off';
  return value in RANK ? (value as LogLevel) : 'debug';
}

/**
 * A console logger with a level that can change at any time (`logger.level = 'off'`). Lines start with `[rtc-call]`
 * and a label (which call, say), so two calls on one page can be told apart. The console is looked up at each line,
 * so a page (or a test) that wraps it sees them.
 */
export class ConsoleLogger implements Logger {
  constructor(
    public level: LogLevel = 'off',
    readonly label = '',
  ) {}

  debug(message: string, ...values: unknown[]): void {
    this.#write('debug', message, values);
  }

  info(message: string, ...values: unknown[]): void {
    this.#write('info', message, values);
  }

  warn(message: string, ...values: unknown[]): void {
    this.#write('warn', message, values);
  }

  error(message: string, ...values: unknown[]): void {
    this.#write('error', message, values);
  }

  #write(level: Exclude<LogLevel, 'off'>, message: string, values: unknown[]): void {
    if (RANK[level] < RANK[this.level]) return;
    const prefix = this.label ? `[rtc-call ${this.label}]` : '[rtc-call]';
    globalThis.console?.[level](`${prefix} ${message}`, ...values);
  }
}
