import { expect, fixture, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import { brokers, rejection, until, uniqueRoom } from '../../test-support.js';
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
    const a = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room=${room} name="Ana"></rtc-call>`,
    );
    await oneEvent(a, 'rtc-joined');
    const b = document.createElement('rtc-call');
    Object.assign(b, { noPrejoin: true, server: brokers.open, room, name: 'Ben' });
    const log = record(b, ['rtc-joined', 'rtc-participant-joined']);
    a.after(b);
    await until(() => log.some((e) => e.type === 'rtc-participant-joined'), 'Ben to hear of Ana');
    expect(log.map((e) => e.type)).to.deep.equal(['rtc-joined', 'rtc-participant-joined']);
    const ana = log[1].detail as { participant: { name: string; local: boolean } };
    expect(ana.participant).to.include({ name: 'Ana', local: false });
    b.remove();
  });

  const changes = (log: { detail: unknown }[]) =>
    log.map((e) => {
      const { previous, state } = e.detail as { previous: string; state: string };
      return `${previous}>${state}`;
    });

  it('by default, state and its attribute go prejoin, joining, joined, left, with rtc-state-change for each step', async () => {
    const el = document.createElement('rtc-call');
    Object.assign(el, { server: brokers.open, room: uniqueRoom() });
    const log = record(el, ['rtc-state-change']);
    const wrap = await fixture<HTMLDivElement>(html`<div></div>`);
    wrap.append(el);
    expect(el.state).to.equal('prejoin');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('prejoin');

    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="join-button"]')!.click();
    await until(() => el.state === 'joined', 'joined');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('joined');

    await el.leave();
    expect(el.state).to.equal('left');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('left');
    expect(changes(log)).to.deep.equal(['idle>prejoin', 'prejoin>joining', 'joining>joined', 'joined>left']);
    const event = (await Promise.all([oneEvent(el, 'rtc-state-change'), el.join()]))[0];
    expect(event.bubbles && event.composed).to.be.true;
    expect(event.detail).to.deep.equal({ state: 'joining', previous: 'left' });
  });

  it('joins by itself from idle; a refused join ends in failed; a page cannot set state', async () => {
    const el = document.createElement('rtc-call');
    Object.assign(el, { noPrejoin: true, server: brokers.open, room: 'no spaces allowed' });
    const log = record(el, ['rtc-state-change']);
    expect(el.state).to.equal('idle');
    const wrap = await fixture<HTMLDivElement>(html`<div></div>`);
    wrap.append(el);
    await until(() => el.state === 'failed', 'failed');
    expect(changes(log)).to.deep.equal(['idle>joining', 'joining>failed']);
    el.setAttribute('state', 'joined');
    await el.updateComplete;
    expect(el.state).to.equal('failed');
    expect(el.getAttribute('state')).to.equal('failed');
    expect(changes(log)).to.have.length(2);
    // join() from a script rejects with the reason, as an RtcError with its code.
    const refused = await rejection(el.join());
    expect([refused.name, refused.code]).to.deep.equal(['RtcError', 'invalid-room']);
    expect(el.state).to.equal('failed');
  });

  it('a manual no-prejoin element without a room is idle, and prejoin (waiting for join()) once it has one', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call manual no-prejoin server=${brokers.open}></rtc-call>`);
    expect(el.state).to.equal('idle');
    const change = oneEvent(el, 'rtc-state-change');
    el.room = uniqueRoom();
    expect((await change).detail).to.deep.equal({ state: 'prejoin', previous: 'idle' });
    expect(el.getAttribute('state')).to.equal('prejoin');
  });
});
