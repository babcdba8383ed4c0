// @ts-check
// vendor/peerjs.js's `Peer` does what stock PeerJS's `Peer` does with the broker, event for event: the same script of
// server messages, socket opens and drops, reconnects and sends, played against both over a fake WebSocket, gives the
// same events, state and frames sent (scripts/peerjs-slim.mjs took its helpers out from around it). And the emitter
// that stands in for eventemitter3 (vendor/shims/event-emitter.js) calls listeners as eventemitter3 does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { vendorPeerjs, VENDORED_PEERJS } from '../../scripts/vendor-peerjs.mjs';
import { EventEmitter } from '../../vendor/shims/event-emitter.js';

const require = createRequire(import.meta.url);

/** A WebSocket that the script opens, feeds and drops by hand; it records what is sent on it. */
class FakeWebSocket {
  /** @type {FakeWebSocket[]} */
  static made = [];
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.closed = false;
    /** @type {any[]} */
    this.sent = [];
    /** @type {null | (() => void)} */
    this.onopen = null;
    /** @type {null | ((e: { data: string }) => void)} */
    this.onmessage = null;
    /** @type {null | ((e: { code: number }) => void)} */
    this.onclose = null;
    FakeWebSocket.made.push(this);
  }
  /** @param {string} text */
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** @param {unknown} msg */
  push(msg) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

/** A connection PeerJS's support probe (stock, at import) can make: nothing in it reaches a network. */
class FakeRTCPeerConnection {
  createDataChannel() {
    return { ordered: true, binaryType: 'arraybuffer', close() {} };
  }
  close() {}
}

const g = /** @type {any} */ (globalThis);
const saved = { WebSocket: g.WebSocket, RTCPeerConnection: g.RTCPeerConnection };
/** @type {{ stock: any, ours: any }} */
const Peers = { stock: undefined, ours: undefined };

before(async () => {
  await vendorPeerjs();
  // Both read whether there is an RTCPeerConnection when they are imported.
  g.RTCPeerConnection = FakeRTCPeerConnection;
  g.WebSocket = FakeWebSocket;
  Peers.stock = (await import('peerjs/dist/bundler.mjs')).Peer;
  Peers.ours = (await import(`${VENDORED_PEERJS}?peer-test=${Date.now()}`)).Peer;
});

after(() => Object.assign(g, saved));

/** @param {() => boolean} condition */
async function until(condition, what = 'the condition', ms = 5000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not come within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Plays one broker connection's life against `Peer` and says what it saw.
 * @param {any} Peer
 */
async function play(Peer) {
  FakeWebSocket.made = [];
  /** @type {unknown[]} */
  const log = [];
  const options = {
    host: '127.0.0.1',
    port: 9,
    secure: false,
    path: 'broker',
    key: 'rtc-call&room=r',
    token: 'secret',
    debug: 0,
    pingInterval: 10,
    config: { iceServers: [] },
  };
  const peer = new Peer('seat1', options);
  for (const e of ['open', 'disconnected', 'close']) peer.on(e, (/** @type {unknown[]} */ ...a) => log.push([e, ...a]));
  peer.on('error', (/** @type {any} */ err) => log.push(['error', err.type, err.message, err instanceof Error]));
  peer.socket.on('message', (/** @type {unknown} */ m) => log.push(['message', m]));
  const state = (/** @type {string} */ when) =>
    log.push(['state', when, peer.id, peer.open, peer.disconnected, peer.destroyed, Object.keys(peer.connections)]);
  const socket = () => /** @type {FakeWebSocket} */ (FakeWebSocket.made.at(-1));
  const sent = (/** @type {FakeWebSocket} */ ws) => ws.sent.filter((m) => m.type !== 'HEARTBEAT');

  log.push(['options', peer.options]);
  state('made');
  const ws1 = socket();
  peer.socket.send({ type: 'BEFORE-OPEN' });
  ws1.open();
  ws1.push({ type: 'OPEN' });
  state('open');
  ws1.push({ type: 'RTC-ROOM', payload: { members: [{ id: 'b', name: 'Ben' }] } });
  ws1.push('not json');
  ws1.push({ type: 'LEAVE', src: 'b' });
  ws1.push({ type: 'EXPIRE', src: 'b' });
  ws1.push({ type: 'CANDIDATE', src: 'b', payload: { connectionId: 'dc_1', candidate: {} } });
  ws1.push({ type: 'ANSWER', src: 'b' });
  peer.socket.send({ type: 'RTC-SIGNAL', dst: 'b', payload: { candidate: { candidate: 'c' } } });
  await until(() => ws1.sent.some((m) => m.type === 'HEARTBEAT'), 'a heartbeat');
  ws1.push({ type: 'ERROR', payload: { msg: 'the server says no' } });
  state('after ERROR');
  log.push(['socket 1', ws1.url, ws1.closed, sent(ws1)]);

  for (const [i, end] of /** @type {[number, (ws: FakeWebSocket) => void][]} */ ([
    [2, (ws) => ws.drop()],
    [3, (ws) => ws.push({ type: 'ID-TAKEN' })],
    [4, (ws) => ws.push({ type: 'INVALID-KEY' })],
    // A frame without a type: the socket says so, and the Peer gives up the connection.
    [5, () => peer.socket.send({})],
  ])) {
    peer.reconnect();
    const ws = socket();
    ws.open();
    ws.push({ type: 'OPEN' });
    state(`reopened ${i}`);
    end(ws);
    state(`ended ${i}`);
    log.push([`socket ${i}`, ws.url, ws.closed, sent(ws)]);
  }
  peer.destroy();
  state('destroyed');
  log.push([
    'reconnect after destroy',
    (() => {
      try {
        peer.reconnect();
        return 'no error';
      } catch (e) {
        return /** @type {Error} */ (e).message;
      }
    })(),
  ]);
  log.push(['sockets', FakeWebSocket.made.length]);

  // An id PeerJS refuses: an error a moment later, and the Peer is destroyed (it never had a server id).
  const bad = new Peer('-bad-', options);
  const badLog = /** @type {unknown[]} */ ([]);
  bad.on('error', (/** @type {any} */ err) => badLog.push(['error', err.type, err.message]));
  bad.on('close', () => badLog.push(['close']));
  await until(() => badLog.length === 2, "the bad id's error and close");
  log.push(['bad id', badLog, bad.destroyed]);
  return log;
}

test("vendor/peerjs.js's Peer does with the broker what stock PeerJS's Peer does", async () => {
  const stock = await play(Peers.stock);
  const ours = await play(Peers.ours);
  assert.ok(stock.length > 30, `the script ran (${stock.length} entries)`);
  assert.deepEqual(ours, stock);
});

/**
 * Plays listeners being added and called against an emitter, and says who was called with what.
 * @param {new () => any} Emitter
 */
function playEmitter(Emitter) {
  const em = new Emitter();
  /** @type {unknown[]} */
  const log = [];
  /** @param {string} name */
  const listener = (name) =>
    function (/** @type {unknown[]} */ ...args) {
      // @ts-ignore: `this` is the emitter
      log.push([name, args, this === em]);
    };
  const a = listener('a');
  const b = listener('b');
  log.push(['emit with none', em.emit('x', 1)]);
  em.on('x', a);
  em.on('x', b);
  em.on('x', a);
  log.push(['emit', em.emit('x', 1, 2, 3, 4, 5, 6, 7)]);
  log.push(['emit again', em.emit('x', 'two')]);
  // Added while an emit is under way: that emit keeps the listeners it started with.
  em.on('y', () => {
    log.push(['adder']);
    em.on('y', listener('added'));
  });
  em.emit('y', 'three');
  em.emit('y', 'four');
  const sym = Symbol('s');
  em.on(sym, b);
  em.emit(sym, 'a symbol');
  log.push(['returns the emitter', [em.on('z', a), em.removeAllListeners('z')].every((r) => r === em)]);
  log.push(['z after removeAllListeners(z)', em.emit('z'), 'x still', em.emit('x', 'five')]);
  em.removeAllListeners();
  log.push(['after removeAllListeners()', em.emit('x'), em.emit('y'), em.emit(sym)]);
  log.push([
    'not a function',
    (() => {
      try {
        em.on('x', 'nope');
        return 'added';
      } catch (e) {
        return /** @type {Error} */ (e).message;
      }
    })(),
  ]);
  return log;
}

test('the emitter PeerJS extends calls its listeners as eventemitter3 does', () => {
  const EventEmitter3 = require('eventemitter3');
  const theirs = playEmitter(EventEmitter3);
  assert.ok(theirs.length > 10);
  assert.deepEqual(playEmitter(EventEmitter), theirs);
});

test('an OFFER (from a stock PeerJS client) reaches the left-out error at once, and the Peer goes on', () => {
  FakeWebSocket.made = [];
  const peer = new Peers.ours('seat2', { host: '127.0.0.1', port: 9, secure: false, token: 't', config: {} });
  /** @type {unknown[]} */
  const messages = [];
  peer.socket.on('message', (/** @type {unknown} */ m) => messages.push(m));
  const ws = /** @type {FakeWebSocket} */ (FakeWebSocket.made[0]);
  ws.open();
  ws.push({ type: 'OPEN' });
  for (const type of ['media', 'data', 'something else'])
    assert.throws(
      () => ws.push({ type: 'OFFER', src: 'b', payload: { type, connectionId: 'mc_1', serialization: 'json' } }),
      /not in rtc-call's copy of PeerJS/,
    );
  assert.deepEqual(Object.keys(peer.connections), []);
  ws.push({ type: 'RTC-ROOM', payload: { members: [] } });
  assert.equal(peer.open, true);
  // The Peer's own listener comes first, so the socket's later listeners never see an OFFER (as with the
  // connection classes that threw before).
  assert.deepEqual(
    messages.map((m) => /** @type {{ type: string }} */ (m).type),
    ['OPEN', 'RTC-ROOM'],
  );
  peer.destroy();
});
