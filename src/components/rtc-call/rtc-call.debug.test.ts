import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import { brokers, rejection, until, uniqueRoom } from '../../test-support.js';
import './rtc-call.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Level[] = ['debug', 'info', 'warn', 'error'];

/** The widget's console lines while the test runs (everything else goes on to the console). */
function captureConsole() {
  const lines: string[] = [];
  const saved = LEVELS.map((l) => console[l]);
  LEVELS.forEach((l, i) => {
    console[l] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('[rtc-call')) lines.push(`${l}: ${args.join(' ')}`);
      else saved[i].apply(console, args);
    };
  });
  return { lines, restore: () => LEVELS.forEach((l, i) => (console[l] = saved[i])) };
}

describe('rtc-call: debug', () => {
  const md = navigator.mediaDevices;
  const enumerate = md.enumerateDevices;
  let log: ReturnType<typeof captureConsole>;
  beforeEach(() => {
    log = captureConsole();
    // A failure the call recovers from by itself (no devices listed), and so says nothing of without debug.
    md.enumerateDevices = () => Promise.reject(new DOMException('No', 'NotAllowedError'));
  });
  afterEach(() => {
    md.enumerateDevices = enumerate;
    log.restore();
    fixtureCleanup();
  });

  it('is silent without debug', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await until(() => el.state === 'joined' && el.participants[0]?.videoEnabled, 'joined with a camera');
    await el.leave();
    expect(log.lines).to.deep.equal([]);
  });

  it('with debug, says state changes and the failures it used to swallow; debug="warn" only warnings', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call no-prejoin debug server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await until(() => log.lines.some((l) => l.includes('enumerateDevices failed')), 'the swallowed failure');
    await until(() => el.state === 'joined', 'joined');
    expect(log.lines).to.include('info: [rtc-call] state joining');
    expect(log.lines).to.include('info: [rtc-call] state joined');
    expect(log.lines.find((l) => l.includes('enumerateDevices'))).to.match(/^debug: .*NotAllowedError/);

    el.debug = 'warn';
    await el.updateComplete;
    const before = log.lines.length;
    await el.leave();
    expect(log.lines.slice(before)).to.deep.equal([]);
    el.room = 'no spaces allowed';
    expect((await rejection(el.join())).code).to.equal('invalid-room');
    expect(log.lines.slice(before)).to.have.length(1);
    expect(log.lines.at(-1)).to.match(/^warn: \[rtc-call\] failed: invalid-room/);
  });
});
