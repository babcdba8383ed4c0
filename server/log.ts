/** Structured logging: one JSON object per line on stderr, with a level. */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogLevel = keyof typeof LEVELS;
/**
 * Writes one line. `fields` may be a function that makes them, for a line on a hot path: it is called only when the
 * line is written (a level below the logger's costs nothing then).
 */
export type LogFn = (msg: string, fields?: Record<string, unknown> | (() => Record<string, unknown>)) => void;
export type Logger = { debug: LogFn; info: LogFn; warn: LogFn; error: LogFn };

export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

/**
 * @param level the lowest level that is written
 */
export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const min = LEVELS[level];

  const at = (lvl: Exclude<LogLevel, 'silent'>) =>
    ((msg, fields = {}) => {
      if (LEVELS[lvl] < min) return;
      const made = typeof fields === 'function' ? fields() : fields;
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...made }));
    }) as LogFn;
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Client-supplied strings go into logs only in this shape: printable ASCII, bounded.
 */
export function safe(value: unknown) {
  return String(value)
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 80);
}
