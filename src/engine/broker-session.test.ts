import { expect } from '@open-wc/testing';
import type { PeerOptions } from 'peerjs';
import { BrokerSession, type BrokerPeer, type BrokerSessionEvents, type SeatApi } from './broker-session.js';
import { RtcError } from './errors.js';
import { DefaultReconnectPolicy, type ReconnectContext, type ReconnectPolicy } from './reconnect-policy.js';
import type { Seat } from './types.js';
import { until } from '../test-support.js';

/** A PeerJS `Peer` stand-in: the test plays the server (open, drop, pushes) and reads what the session did. */
class FakePeer implements BrokerPeer {
  open = false;
  disconnected = false;
  destroyed = false;
  reconnects = 0;
  readonly sent: object[] = [];
  readonly #listeners = new Map<string, Set<(arg?: unknown) => void>>();
  readonly #pushListeners = new Set<(msg: unknown) => void>();
  readonly socket = {
    on: (_event: 'message', listener: (msg: unknown) => void) => this.#pushListeners.add(listener),
    send: (msg: object) => void this.sent.push(msg),
  };

  constructor(
    readonly id: string,
    readonly options: PeerOptions,
  ) {}

  on(event: string, listener: (arg: never) => void): this {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (arg?: unknown) => void);
    return this;
  }

  // The server's side.
  opens(): void {
    this.open = true;
    this.disconnected = false;
    this.#emit('open', this.id);
  }
  push(type: string, payload?: unknown): void {
    for (const listener of this.#pushListeners) listener(payload === undefined ? { type } : { type, payload });
  }
  pushRaw(msg: unknown): void {
    for (const listener of this.#pushListeners) listener(msg);
  }
  drops(): void {
    this.open = false;
    this.disconnected = true;
    this.#emit('disconnected', this.id);
  }

  // What the session may do.
  reconnect(): void {
    this.reconnects++;
  }
  disconnect(): void {
    if (this.disconnected) return;
    this.drops();
  }
  destroy(): void {
    this.destroyed = true;
    this.open = false;
  }
  call(): never {
    throw new Error('no media in these tests');
  }
  connect(): never {
    throw new Error('no data connections in these tests');
  }

  #emit(event: string, arg?: unknown): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(arg);
  }
}

/** The server's HTTP side: numbered seats, and a record of what was asked. */
class FakeApi implements SeatApi {
  readonly requests: { room: string; token?: string; at: number }[] = [];
  readonly released: string[] = [];
  /** Answers for the next requests, in order; a seat when none is left. */
  readonly answers: RtcError[] = [];

  async requestSeat(_server: string, req: { room: string; token?: string }): Promise<Seat> {
    this.requests.push({ room: req.room, token: req.token, at: performance.now() });
    const answer = this.answers.shift();
    if (answer) throw answer;
    const id = `seat-${this.requests.length}`;
    return { id, secret: `secret-${id}`, name: '', broker: { path: '/broker/', key: 'k' }, iceServers: [], ttl: 0 };
  }
  releaseSeat(_server: string, seat: Seat): void {
    this.released.push(seat.id);
  }
  async refreshIce(): Promise<Pick<Seat, 'iceServers' | 'ttl'>> {
    return { iceServers: [], ttl: 0 };
  }
}

/** A page that can make its own seat, to ask for in the websocket upgrade. */
class OwnSeatApi extends FakeApi {
  own = 0;
  ownSeat(req: { name?: string }): Seat {
    const id = `own-${++this.own}`;
    return {
      id,
      secret: `secret-${id}`,
      name: req.name ?? '',
      broker: { path: '/broker/', key: 'k' },
      iceServers: [],
      ttl: 0,
    };
  }
}

/** Answers with fixed waits and remembers what it was asked. */
class RecordingPolicy implements ReconnectPolicy {
  readonly asked: ReconnectContext[] = [];
  constructor(private readonly answer: (c: ReconnectContext) => number | null = () => 5) {}
  nextRetryDelayInMs(context: ReconnectContext): number | null {
    this.asked.push(context);
    return this.answer(context);
  }
}

function setup(
  policy: ReconnectPolicy = new RecordingPolicy(),
  reconnectWaitMs = 20,
  ping: { pingIntervalMs?: number; pingDeadlineMs?: number } = {},
  announce?: (seat: Seat) => Promise<void>,
  api: FakeApi = new FakeApi(),
) {
  const peers: FakePeer[] = [];
  const session = new BrokerSession(
    { server: 'http://127.0.0.1:9', room: 'standup', token: 't1' },
    {
      api,
      policy,
      reconnectWaitMs,
      ...ping,
      announce,
      createPeer: (id, options) => {
        const peer = new FakePeer(id, options);
        peers.push(peer);
        return peer;
      },
    },
  );
  const events: string[] = [];
  const record = <K extends keyof BrokerSessionEvents>(type: K) =>
    session.on(type, (detail) => events.push(`${type} ${JSON.stringify(detail ?? '')}`));
  for (const type of ['room', 'member-joined', 'member-left', 'reconnecting', 'seat-ended', 'warning'] as const)
    record(type);
  const failed: RtcError[] = [];
  session.on('failed', (e) => failed.push(e));
  const peer = async (n: number) => {
    await until(() => peers.length >= n, `broker connection ${n}`, 5000);
    return peers[n - 1];
  };
  /** Plays the server letting peer n in: OPEN, then the room. */
  const admit = async (n: number, members: unknown[] = []) => {
    const p = await peer(n);
    p.opens();
    p.push('RTC-ROOM', { room: 'standup', self: { id: p.id, name: '' }, members });
    return p;
  };
  return { session, api, peers, events, failed, peer, admit };
}

/** Lets every callback already due run (promise jobs and zero-delay timers), so a test can see what did not happen. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('broker session', () => {
  it('start() resolves on the first RTC-ROOM, not on OPEN; pushes become typed events', async () => {
    const { session, api, events, peer } = setup();
    let started = false;
    const starting = session.start().then(() => (started = true));
    const p = await peer(1);
    expect(p.id).to.equal('seat-1');
    expect(p.options).to.deep.include({ host: '127.0.0.1', port: 9, token: 'secret-seat-1', path: '/broker/' });
    expect(api.requests[0]).to.deep.include({ room: 'standup', token: 't1' });
    p.opens();
    await settle();
    expect(started, 'resolved on OPEN, before the server said who is in the room').to.be.false;
    p.push('RTC-ROOM', { room: 'standup', members: [{ id: 'ana', name: 'Ana' }, { id: 7 }, null] });
    await starting;
    expect(session.seat!.id).to.equal('seat-1');
    p.push('RTC-JOINED', { id: 'ben', name: 'Ben' });
    p.push('RTC-LEFT', { id: 'ana' });
    // Hostile or malformed pushes are ignored.
    for (const junk of [
      null,
      'RTC-ROOM',
      { type: 5 },
      { type: 'RTC-JOINED', payload: { id: 7 } },
      { type: 'RTC-LEFT' },
    ])
      p.pushRaw(junk);
    p.push('RTC-JOINED', { id: 'cy', name: { not: 'a string' } });
    expect(events).to.deep.equal([
      'room {"members":[{"id":"ana","name":"Ana"}],"first":true}',
      'member-joined {"id":"ben","name":"Ben"}',
      'member-left {"id":"ana"}',
      'member-joined {"id":"cy","name":""}',
    ]);
    session.close();
    expect(p.sent, 'the seat is given back over the open broker connection').to.deep.equal([{ type: 'RTC-LEAVE' }]);
    expect(p.destroyed).to.be.true;
  });

  it('after RTC-GOODBYE, comes back with a new seat after the policy’s wait', async () => {
    const policy = new RecordingPolicy(() => 300);
    const { session, api, events, peer, admit } = setup(policy);
    const starting = session.start();
    const first = await admit(1);
    await starting;
    first.push('RTC-GOODBYE', { reason: 'restart' });
    const goodbyeAt = performance.now();
    expect(events.slice(1)).to.deep.equal([
      'reconnecting {"code":"connection-lost","message":"The connection to the call server was lost. Reconnecting…","fatal":false}',
      'seat-ended {"rejoining":true}',
    ]);
    expect(first.destroyed).to.be.true;
    expect(first.sent).to.deep.equal([{ type: 'RTC-LEAVE' }]);
    expect(policy.asked).to.deep.equal([{ retryCount: 0, elapsedMs: 0, reason: 'goodbye' }]);
    const second = await peer(2);
    // Not in the same millisecond as everyone else: the policy's wait came first (timers never fire early).
    expect(api.requests[1].at - goodbyeAt).to.be.at.least(295);
    expect(second.id).to.equal('seat-2');
    second.opens();
    second.push('RTC-ROOM', { members: [{ id: 'ana', name: 'Ana' }] });
    expect(events.at(-1)).to.equal('room {"members":[{"id":"ana","name":"Ana"}],"first":true}');
    expect(session.seat!.id).to.equal('seat-2');
    session.close();
  });

  it('uses the default policy’s jitter for the wait after RTC-GOODBYE', async () => {
    const waits: number[] = [];
    const jittered = new DefaultReconnectPolicy({ delaysMs: [400], random: () => 0.99 });
    const policy = new RecordingPolicy((c) => {
      const ms = jittered.nextRetryDelayInMs(c)!;
      waits.push(ms);
      return ms;
    });
    const { session, api, admit, peer } = setup(policy);
    const starting = session.start();
    const first = await admit(1);
    await starting;
    first.push('RTC-GOODBYE', { reason: 'restart' });
    const goodbyeAt = performance.now();
    await peer(2);
    // 400 ms ± 50 %, drawn high: 596 ms.
    expect(waits).to.deep.equal([596]);
    expect(api.requests[1].at - goodbyeAt).to.be.at.least(590);
    session.close();
  });

  it('a brief broker drop comes back with the same seat', async () => {
    const policy = new RecordingPolicy();
    // A long wait for each reconnect, so the test reads the first one before a second is made.
    const { session, api, events, peers, admit } = setup(policy, 60000);
    const starting = session.start();
    const p = await admit(1, [{ id: 'ana', name: 'Ana' }]);
    await starting;
    p.drops();
    expect(events.at(-1)).to.match(/^reconnecting /);
    await until(() => p.reconnects === 1, 'a reconnect with the same seat', 5000);
    p.opens();
    p.push('RTC-ROOM', { members: [{ id: 'ana', name: 'Ana' }] });
    expect(events.at(-1)).to.equal('room {"members":[{"id":"ana","name":"Ana"}],"first":false}');
    expect(policy.asked).to.deep.equal([{ retryCount: 0, elapsedMs: policy.asked[0].elapsedMs, reason: 'lost' }]);
    expect(peers.length).to.equal(1);
    expect(api.requests.length).to.equal(1);
    expect(session.seat!.id).to.equal('seat-1');
    session.close();
  });

  it('a broker that does not take us back: two tries with the same seat, then a new seat', async () => {
    const policy = new RecordingPolicy();
    const { session, api, events, peer, admit } = setup(policy);
    const starting = session.start();
    const first = await admit(1);
    await starting;
    first.drops();
    const second = await peer(2);
    expect(first.reconnects).to.equal(2);
    expect(first.destroyed).to.be.true;
    // The broker connection was down, so the old seat went back over HTTP.
    expect(api.released).to.deep.equal(['seat-1']);
    expect(policy.asked.map((c) => [c.retryCount, c.reason])).to.deep.equal([
      [0, 'lost'],
      [1, 'lost'],
      [0, 'lost'],
    ]);
    expect(events.filter((e) => e.startsWith('reconnecting')).length, 'one notice for the whole trouble').to.equal(1);
    expect(events).to.include('seat-ended {"rejoining":true}');
    second.opens();
    second.push('RTC-ROOM', { members: [] });
    expect(events.at(-1)).to.equal('room {"members":[],"first":true}');
    session.close();
  });

  it('retries a seat the server cannot give yet, and rejects start() on a fatal answer', async () => {
    const policy = new RecordingPolicy();
    const { session, api, events, admit } = setup(policy);
    api.answers.push(new RtcError('server-unreachable', 'The call server cannot be reached. Retrying…'));
    const starting = session.start();
    const p = await admit(1);
    await starting;
    expect(p.id, 'the second seat asked for').to.equal('seat-2');
    expect(events[0]).to.match(/^warning .*server-unreachable/);
    expect(policy.asked.map((c) => [c.retryCount, c.reason])).to.deep.equal([[0, 'unreachable']]);
    session.close();

    const refused = setup(policy);
    refused.api.answers.push(new RtcError('room-full', 'The room is full.', true));
    const err = await refused.session.start().then(
      () => undefined,
      (e: RtcError) => e,
    );
    expect(err?.code).to.equal('room-full');
    expect(refused.peers.length).to.equal(0);
  });

  it('a broker connection lost before the room was reached is a failed try, retried with a new seat', async () => {
    const { session, api, peer, admit } = setup();
    const starting = session.start();
    const first = await peer(1);
    first.opens();
    first.drops();
    await admit(2);
    await starting;
    expect(api.released).to.deep.equal(['seat-1']);
    session.close();
  });

  it('when the policy gives up, the session ends with a fatal error', async () => {
    const policy = new RecordingPolicy((c) => (c.retryCount < 1 ? 5 : null));
    const { session, failed, events, admit } = setup(policy);
    const starting = session.start();
    const p = await admit(1);
    await starting;
    p.drops();
    await until(() => failed.length === 1, 'the session to give up', 5000);
    expect(failed[0].fatal).to.be.true;
    expect(failed[0].code).to.equal('connection-lost');
    expect(p.destroyed).to.be.true;
    expect(events.at(-1)).to.equal('seat-ended {"rejoining":false}');
    expect(session.peer).to.be.undefined;
  });

  it('pings the server while in the room; a silent server past the deadline is a lost broker (same seat first)', async () => {
    const policy = new RecordingPolicy();
    const { session, events, peers, admit } = setup(policy, 60000, { pingIntervalMs: 100, pingDeadlineMs: 1000 });
    const starting = session.start();
    const p = await admit(1);
    await starting;
    const pings = () => p.sent.filter((m) => (m as { type: string }).type === 'RTC-PING').length;
    // The server answers every ping: the link stays, for many deadlines' worth of pings.
    let answered = 0;
    while (pings() < 30) {
      await until(() => pings() > answered, 'a ping', 5000);
      answered = pings();
      p.push('RTC-PONG');
    }
    expect(
      events.some((e) => e.startsWith('reconnecting')),
      'an answered link is never called lost',
    ).to.be.false;
    expect(p.disconnected).to.be.false;
    // Now the packets vanish: no answer, no close.
    const lastWordAt = performance.now();
    await until(() => events.some((e) => e.startsWith('reconnecting')), 'the silence to be noticed', 10000);
    const noticedAfter = performance.now() - lastWordAt;
    // Timers never fire early: not before the deadline.
    expect(noticedAfter).to.be.at.least(990);
    expect(p.disconnected, 'our end of the half-open link is closed').to.be.true;
    await until(() => p.reconnects === 1, 'a reconnect with the same seat', 5000);
    expect(policy.asked[0].reason).to.equal('lost');
    expect(peers.length).to.equal(1);
    // While reconnecting, nothing is sent on the dead link.
    const sentWhileDown = pings();
    await new Promise((r) => setTimeout(r, 200));
    expect(pings()).to.equal(sentWhileDown);
    // Back with the same seat: pinging goes on, and the deadline starts again.
    p.opens();
    p.push('RTC-ROOM', { members: [] });
    await until(() => pings() > sentWhileDown, 'pings again once back', 5000);
    session.close();
    const afterClose = p.sent.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(p.sent.length, 'nothing after close').to.equal(afterClose);
  });

  it('any message from the server counts as a sign of life, not only RTC-PONG', async () => {
    const { session, events, admit } = setup(new RecordingPolicy(), 60000, {
      pingIntervalMs: 40,
      pingDeadlineMs: 1500,
    });
    const starting = session.start();
    const p = await admit(1);
    await starting;
    const end = performance.now() + 4000;
    while (performance.now() < end) {
      p.push('RTC-JOINED', { id: 'ana', name: 'Ana' });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(events.some((e) => e.startsWith('reconnecting'))).to.be.false;
    expect(p.disconnected).to.be.false;
    session.close();
  });

  it('RTC-SIGNAL from the server becomes a signal event; ours goes out on the broker socket only while in the room', async () => {
    const { session, peer, admit } = setup();
    const signals: unknown[] = [];
    session.on('signal', (s) => signals.push(s));
    const starting = session.start();
    const p = await peer(1);
    expect(session.sendSignal('ana', { candidate: { candidate: 'c' } }), 'not open yet').to.be.false;
    await admit(1);
    await starting;
    const offer = { type: 'offer', sdp: 'v=0' };
    p.pushRaw({ type: 'RTC-SIGNAL', src: 'ana', payload: { description: offer } });
    p.pushRaw({ type: 'RTC-SIGNAL', src: 'ana', payload: { candidate: { candidate: 'a=x', sdpMid: '0' } } });
    // Malformed: no src, a description of no known type, neither kind.
    p.pushRaw({ type: 'RTC-SIGNAL', payload: { description: offer } });
    p.pushRaw({ type: 'RTC-SIGNAL', src: 'ana', payload: { description: { type: 'rollback', sdp: '' } } });
    p.pushRaw({ type: 'RTC-SIGNAL', src: 'ana', payload: {} });
    expect(signals).to.deep.equal([
      { src: 'ana', payload: { description: offer } },
      { src: 'ana', payload: { candidate: { candidate: 'a=x', sdpMid: '0' } } },
    ]);
    expect(session.sendSignal('ana', { description: { type: 'answer', sdp: 'v=0' } })).to.be.true;
    expect(p.sent.at(-1)).to.deep.equal({
      type: 'RTC-SIGNAL',
      dst: 'ana',
      payload: { description: { type: 'answer', sdp: 'v=0' } },
    });
    p.drops();
    expect(session.sendSignal('ana', { candidate: { candidate: 'c' } }), 'the broker is away').to.be.false;
    session.close();
  });

  it('announces every new seat before its broker connection opens, and waits for the announcement', async () => {
    const announced: string[] = [];
    let release = () => {};
    const { session, peers, peer, admit } = setup(new RecordingPolicy(() => 5), 20, {}, async (seat) => {
      announced.push(seat.id);
      if (seat.id === 'seat-2') await new Promise<void>((r) => (release = r));
    });
    const starting = session.start();
    const first = await admit(1);
    await starting;
    expect(announced).to.deep.equal(['seat-1']);
    first.push('RTC-GOODBYE', { reason: 'restart' });
    await until(() => announced.length === 2, 'the new seat to be announced', 5000);
    expect(announced).to.deep.equal(['seat-1', 'seat-2']);
    await new Promise((r) => setTimeout(r, 50));
    expect(peers.length, 'no broker connection before the announcement is done').to.equal(1);
    release();
    const second = await peer(2);
    expect(second.id).to.equal('seat-2');
    session.close();
  });

  it('a first join asks for its seat in the websocket upgrade; RTC-SEAT tells its name and ICE servers before the room', async () => {
    const { session, api, events, peer } = setup(undefined, 20, {}, undefined, new OwnSeatApi());
    const seats: string[] = [];
    session.on('seat', (seat) => seats.push(`${seat.id} ${seat.name} ${JSON.stringify(seat.iceServers)}`));
    const starting = session.start();
    const p = await peer(1);
    expect(p.id).to.equal('own-1');
    expect(api.requests, 'no join request').to.deep.equal([]);
    // PeerJS writes the key into the query as it is: the room and the room token ride after it, escaped.
    expect(p.options.key).to.equal('k&room=standup&jwt=t1');
    expect(p.options.token).to.equal('secret-own-1');
    p.opens();
    p.push('RTC-SEAT', {
      name: 'Ada',
      iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }],
      ttl: 600,
    });
    expect(seats).to.deep.equal(['own-1 Ada [{"urls":["turn:127.0.0.1:3478"],"username":"u","credential":"c"}]']);
    expect(session.seat).to.deep.include({ name: 'Ada', ttl: 600 });
    p.push('RTC-ROOM', { room: 'standup', members: [] });
    await starting;
    expect(events).to.deep.equal(['room {"members":[],"first":true}']);
    session.close();
  });

  it('an upgrade join that fails asks POST /rtc/join at once (no wait, no warning), whose answer says why', async () => {
    const policy = new RecordingPolicy();
    const { session, events, peer, admit } = setup(policy, 20, {}, undefined, new OwnSeatApi());
    const starting = session.start();
    const refused = await peer(1);
    expect(refused.id).to.equal('own-1');
    refused.drops();
    const p = await admit(2);
    await starting;
    expect(p.id, 'the seat from the join request').to.equal('seat-1');
    expect(policy.asked, 'no wait before asking over HTTP').to.deep.equal([]);
    expect(events, 'no warning').to.deep.equal(['seat-ended {"rejoining":true}', 'room {"members":[],"first":true}']);
    session.close();

    const full = setup(policy, 20, {}, undefined, new OwnSeatApi());
    full.api.answers.push(new RtcError('room-full', 'The room is full.', true));
    const failing = full.session.start().then(
      () => undefined,
      (e: RtcError) => e,
    );
    (await full.peer(1)).drops();
    expect((await failing)?.code).to.equal('room-full');
    expect(full.peers.length).to.equal(1);
  });

  it('a new seat after trouble comes from POST /rtc/join, not the upgrade', async () => {
    const { session, api, admit } = setup(new RecordingPolicy(() => 5), 20, {}, undefined, new OwnSeatApi());
    const starting = session.start();
    const first = await admit(1);
    await starting;
    expect(first.id).to.equal('own-1');
    first.push('RTC-GOODBYE', { reason: 'restart' });
    const second = await admit(2);
    expect(second.id).to.equal('seat-1');
    expect(api.own).to.equal(1);
    session.close();
  });
});
