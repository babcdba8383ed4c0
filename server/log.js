// @ts-check
/** Structured logging: one JSON object per line on stderr, with a level. */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** @typedef {keyof typeof LEVELS} LogLevel */
/** @typedef {(msg: string, fields?: Record<string, unknown>) => void} LogFn */
/** @typedef {{debug: LogFn, info: LogFn, warn: LogFn, error: LogFn}} Logger */

export const LOG_LEVELS = /** @type {LogLevel[]} */ (Object.keys(LEVELS));

/**
 * @param {LogLevel} level the lowest level that is written
 * @param {(line: string) => void} [write]
 * @returns {Logger}
 */
export function createLogger(level = 'info', write = (line) => process.stderr.write(line + '\n')) {
  const min = LEVELS[level];
  /** @param {Exclude<LogLevel, 'silent'>} lvl */
  const at = (lvl) =>
    /** @type {LogFn} */ (
      (msg, fields = {}) => {
        if (LEVELS[lvl] < min) return;
        write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
      }
    );
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Client-supplied strings go into logs only in this shape: printable ASCII, bounded.
 * @param {unknown} value
 */
export function safe(value) {
  return String(value)
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 80);
}
