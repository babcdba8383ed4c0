import { expect, fixture, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import { brokers, until, uniqueRoom } from '../../test-support.js';
import './rtc-call.js';

/** Records the element's events of these types, in the order they fire. */
function record(el: HTMLElement, types: string[]) {
  const log: { type: string; detail: unknown }[] = [];
  for (const type of types) el.addEventListener(type, (e) => log.push({ type, detail: (e as CustomEvent).detail }));
  return log;
}

describe('rtc-call: what the page sees', () => {
  afterEach(() => fixtureCleanup());

  it('for the second person to join, rtc-joined comes before rtc-participant-joined for those already there', async () => {
    const room = uniqueRoom();
    const a = await fixture<RtcCall>(html`<rtc-call server=${brokers.open} room=${room} name="Ana"></rtc-call>`);
    await oneEvent(a, 'rtc-joined');
    const b = document.createElement('rtc-call');
    Object.assign(b, { server: brokers.open, room, name: 'Ben' });
    const log = record(b, ['rtc-joined', 'rtc-participant-joined']);
    a.after(b);
    await until(() => log.some((e) => e.type === 'rtc-participant-joined'), 'Ben to hear of Ana');
    expect(log.map((e) => e.type)).to.deep.equal(['rtc-joined', 'rtc-participant-joined']);
    const ana = log[1].detail as { participant: { name: string; local: boolean } };
    expect(ana.participant).to.include({ name: 'Ana', local: false });
    b.remove();
  });
});
