import { expect } from '@open-wc/testing';
import { ConsoleLogger, parseLogLevel } from './logger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Captures what goes to the console's four methods while `run` runs. */
function capture(run: () => void): string[] {
  const lines: string[] = [];
  const levels: Level[] = ['debug', 'info', 'warn', 'error'];
  const saved = levels.map((l) => console[l]);
  for (const l of levels) console[l] = (...args: unknown[]) => void lines.push(`${l}: ${args.join(' ')}`);
  try {
    run();
  } finally {
    levels.forEach((l, i) => (console[l] = saved[i]));
  }
  return lines;
}

describe('ConsoleLogger', () => {
  const all = (log: ConsoleLogger) => {
    log.debug('d', 1);
    log.info('i');
    log.warn('w');
    log.error('e');
  };

  it('says nothing when off, which it is by default', () => {
    expect(capture(() => all(new ConsoleLogger()))).to.deep.equal([]);
  });

  it('says its level and those above it, labelled, with the values after the message', () => {
    expect(capture(() => all(new ConsoleLogger('debug', 'room-1')))).to.deep.equal([
      'debug: [rtc-call room-1] d 1',
      'info: [rtc-call room-1] i',
      'warn: [rtc-call room-1] w',
      'error: [rtc-call room-1] e',
    ]);
    expect(capture(() => all(new ConsoleLogger('warn')))).to.deep.equal(['warn: [rtc-call] w', 'error: [rtc-call] e']);
  });

  it('follows a change of level at once', () => {
    const log = new ConsoleLogger('error');
    expect(capture(() => log.info('before'))).to.deep.equal([]);
    log.level = 'info';
    expect(capture(() => log.info('after'))).to.deep.equal(['info: [rtc-call] after']);
  });

  it('reads a level from an attribute: absent is off, empty or unknown is debug', () => {
    expect(
      [null, undefined, 'false', '', 'true', 'debug', 'info', 'warn', 'error', 'off'].map(parseLogLevel),
    ).to.deep.equal(['off', 'off', 'off', 'debug', 'debug', 'debug', 'info', 'warn', 'error', 'off']);
  });
});
