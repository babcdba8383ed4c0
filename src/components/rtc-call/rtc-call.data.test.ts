import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcDataDetail } from '../../events.js';
import { MAX_MESSAGE_BYTES } from '../../engine/data-topics.js';
import { brokers, rejection, until, uniqueRoom } from '../../test-support.js';
import './rtc-call.js';

/** Three calls in one room, each connected to the other two, and what each one's page is sent. */
async function trio() {
  const room = uniqueRoom('data');
  const wrap = await fixture<HTMLDivElement>(
    html`<div class="calls">
      <rtc-call no-prejoin id="a" server=${brokers.open} room=${room} name="Ana" start-camera-off></rtc-call>
      <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben" start-camera-off></rtc-call>
      <rtc-call no-prejoin id="c" server=${brokers.open} room=${room} name="Cai" start-camera-off></rtc-call>
    </div>`,
  );
  const [a, b, c] = (['a', 'b', 'c'] as const).map((id) => wrap.querySelector<RtcCall>(`#${id}`)!);
  const got = new Map<RtcCall, RtcDataDetail[]>();
  const events: CustomEvent<RtcDataDetail>[] = [];
  for (const el of [a, b, c]) {
    got.set(el, []);
    // Listened for above the element: the event bubbles out of it.
    wrap.addEventListener('rtc-data', (e) => {
      if (e.target !== el) return;
      events.push(e);
      got.get(el)!.push(e.detail);
    });
  }
  for (const el of [a, b, c]) {
    const ready = () => el.participants.length === 3 && el.participants.every((p) => p.connection === 'connected');
    await until(ready, `${el.id} to be connected to the other two`);
  }
  const id = (el: RtcCall) => el.participants[0].id;
  /** The topics el's page has been sent, in order. */
  const topics = (el: RtcCall) => got.get(el)!.map((d) => d.topic);
  return { a, b, c, got, events, id, topics };
}

describe('rtc-call: data topics (send and rtc-data)', () => {
  afterEach(() => fixtureCleanup());

  it('outside a call, send rejects with not-in-call', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    const err = await rejection(el.send('t', 1));
    expect(err.name).to.equal('RtcError');
    expect(err.code).to.equal('not-in-call');
  });

  it('a broadcast reaches everyone but the sender; { to } reaches only that person; order is kept', async () => {
    const { a, b, c, got, events, id, topics } = await trio();
    await a.send('counter', { value: 1 });
    await until(() => got.get(b)!.length === 1 && got.get(c)!.length === 1, 'Ben and Cai to get the broadcast');
    expect(got.get(b)![0]).to.deep.equal({ topic: 'counter', from: { id: id(a), name: 'Ana' }, data: { value: 1 } });
    expect(got.get(c)![0]).to.deep.equal(got.get(b)![0]);
    expect(events[0].bubbles && events[0].composed).to.be.true;

    // To Cai only, then a broadcast: the data channel keeps order, so once Ben has the broadcast, a message to him
    // sent before it would have arrived already.
    await a.send('secret', 'for Cai', { to: id(c) });
    await a.send('after', null);
    await until(() => topics(b).includes('after') && topics(c).includes('after'), 'the broadcast after it');
    expect(topics(b)).to.deep.equal(['counter', 'after']);
    expect(topics(c)).to.deep.equal(['counter', 'secret', 'after']);
    expect(got.get(c)![1]).to.deep.include({ data: 'for Cai', from: { id: id(a), name: 'Ana' } });
    expect(topics(a), 'the sender gets nothing of its own').to.deep.equal([]);

    // Many at once, from two senders: each sender's messages arrive in the order they were sent.
    const n = 200;
    await Promise.all(Array.from({ length: n }, (_, i) => b.send('seq', i)));
    await Promise.all(Array.from({ length: n }, (_, i) => c.send('seq', 1000 + i)));
    const seq = (el: RtcCall, from: RtcCall) =>
      got
        .get(el)!
        .filter((d) => d.topic === 'seq' && d.from.id === id(from))
        .map((d) => d.data);
    await until(() => seq(a, b).length === n && seq(a, c).length === n, 'Ana to get both sequences');
    expect(seq(a, b)).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    expect(seq(a, c)).to.deep.equal(Array.from({ length: n }, (_, i) => 1000 + i));
    expect(seq(c, b)).to.deep.equal(Array.from({ length: n }, (_, i) => i));
  });

  it('someone who has just joined gets what is sent to greet them, before their connection is open', async () => {
    const { a, b, c, got, id, topics } = await trio();
    const room = a.room;
    // Ana greets whoever joins at once: the server has said they are here, their connection is only being made.
    const greeted: string[] = [];
    a.addEventListener('rtc-participant-joined', (e) => {
      const who = e.detail.participant.id;
      greeted.push(e.detail.participant.connection);
      void a.send('hello', 'just you', { to: who });
      void a.send('all', 'everyone');
    });
    const d = document.createElement('rtc-call');
    Object.assign(d, { noPrejoin: true, server: brokers.open, room, name: 'Dee' });
    d.setAttribute('start-camera-off', '');
    got.set(d, []);
    d.addEventListener('rtc-data', (e) => got.get(d)!.push(e.detail));
    c.after(d);
    await until(() => topics(d).length === 2, 'Dee to get the greeting and the broadcast');
    expect(greeted).to.have.length(1);
    expect(greeted[0], 'sent before the connection was open').to.equal('connecting');
    expect(got.get(d)!).to.deep.equal([
      { topic: 'hello', from: { id: id(a), name: 'Ana' }, data: 'just you' },
      { topic: 'all', from: { id: id(a), name: 'Ana' }, data: 'everyone' },
    ]);
    await until(() => topics(b).includes('all') && topics(c).includes('all'), 'the others to get the broadcast');
    expect(topics(b)).to.deep.equal(['all']);
    expect(topics(c)).to.deep.equal(['all']);
  });

  it("a peer's message that is not valid is dropped, never thrown; the ones after it arrive", async () => {
    // The data channels the page makes (each call makes one to each of the others), to write on them as a broken
    // or hostile peer would.
    const channels: RTCDataChannel[] = [];
    const create = RTCPeerConnection.prototype.createDataChannel;
    RTCPeerConnection.prototype.createDataChannel = function (label, init) {
      const channel = create.call(this, label, init);
      if (label === 'rtc-data') channels.push(channel);
      return channel;
    };
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent | PromiseRejectionEvent) => errors.push('error' in e ? e.error : e.reason);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onError);
    // A listener of the engine that throws is caught and logged (emitter.ts): logged is thrown, here.
    const consoleError = console.error;
    console.error = (...args: unknown[]) => {
      errors.push(args);
      consoleError(...args);
    };
    try {
      const { a, b, c, got, id, topics } = await trio();
      await until(
        () => channels.length === 6 && channels.every((ch) => ch.readyState === 'open'),
        'the data channels between the three',
      );
      for (const channel of channels) {
        for (const raw of [
          'not json',
          '[1, 2]',
          JSON.stringify({ v: 1, topic: '', data: 1 }),
          JSON.stringify({ v: 1, topic: 'no data' }),
          JSON.stringify({ v: 2, topic: 't', data: 1 }),
          JSON.stringify({ v: 1, topic: 'huge', data: 'x'.repeat(MAX_MESSAGE_BYTES) }),
        ])
          channel.send(raw);
        channel.send(new Uint8Array([1, 2, 3]));
      }
      await Promise.all([a, b, c].map((el, i) => el.send('valid', i)));
      await until(
        () => [a, b, c].every((el) => topics(el).filter((t) => t === 'valid').length === 2),
        'everyone to get the valid messages after them',
      );
      const from = (el: RtcCall, i: number) => ({ topic: 'valid', from: { id: id(el), name: el.name }, data: i });
      const byName = (list: RtcDataDetail[]) => [...list].sort((x, y) => x.from.name.localeCompare(y.from.name));
      expect(byName(got.get(a)!)).to.deep.equal([from(b, 1), from(c, 2)]);
      expect(byName(got.get(b)!)).to.deep.equal([from(a, 0), from(c, 2)]);
      expect(byName(got.get(c)!)).to.deep.equal([from(a, 0), from(b, 1)]);
      expect(errors).to.deep.equal([]);
      for (const el of [a, b, c]) expect(el.state).to.equal('joined');
    } finally {
      RTCPeerConnection.prototype.createDataChannel = create;
      console.error = consoleError;
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onError);
    }
  });

  it('a message at the 64 KiB limit arrives whole; one byte more rejects with data-too-large and sends nothing', async () => {
    const { a, b, got, topics } = await trio();
    const overhead = JSON.stringify({ v: 1, topic: 'big', data: '' }).length;
    const largest = 'x'.repeat(MAX_MESSAGE_BYTES - overhead);
    const err = await rejection(a.send('big', largest + 'x'));
    expect(err.name).to.equal('RtcError');
    expect(err.code).to.equal('data-too-large');
    await a.send('big', largest);
    await a.send('end', true);
    await until(() => topics(b).includes('end'), 'Ben to get the message after it');
    expect(topics(b)).to.deep.equal(['big', 'end']);
    expect((got.get(b)![0].data as string).length).to.equal(largest.length);
    expect(got.get(b)![0].data).to.equal(largest);
  });

  it('a bad topic, data that JSON cannot hold or an unknown recipient rejects with its code, sending nothing', async () => {
    const { a, b, c, id, topics } = await trio();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const cases: [Promise<void>, string][] = [
      [a.send('', 1), 'invalid-topic'],
      [a.send('x'.repeat(65), 1), 'invalid-topic'],
      [a.send(42 as unknown as string, 1), 'invalid-topic'],
      [a.send('t', undefined), 'invalid-data'],
      [a.send('t', cycle), 'invalid-data'],
      [a.send('t', 10n), 'invalid-data'],
      [a.send('t', 1, { to: 'nobody-here' }), 'unknown-participant'],
      [a.send('t', 1, { to: id(a) }), 'unknown-participant'],
    ];
    for (const [p, code] of cases) {
      const err = await rejection(p);
      expect(err.name).to.equal('RtcError');
      expect(err.code).to.equal(code);
    }
    await a.send('x'.repeat(64), 'ok');
    await until(() => topics(b).length === 1 && topics(c).length === 1, 'the good one');
    expect(topics(b)).to.deep.equal(['x'.repeat(64)]);
    expect(topics(c)).to.deep.equal(['x'.repeat(64)]);

    await a.leave();
    expect((await rejection(a.send('t', 1))).code).to.equal('not-in-call');
  });
});
