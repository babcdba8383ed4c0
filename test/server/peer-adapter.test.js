// The one module that depends on how `peer` and Node work inside checks that at start: a `peer` or Node whose
// insides changed shape stops the start with a PeerShapeError that says what changed, and leaves no timer behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import {
  mountPeer,
  checkTimerShape,
  PeerShapeError,
  PEER_CHECK_INTERVAL,
} from '../../server/dist/server/peer-adapter.js';

/** Hooks that are never called: no client connects in these tests. */
const hooks = new Proxy(
  {},
  {
    get: (_t, name) => () => assert.fail(`hook ${String(name)} called`),
  },
);

/** @param {typeof ExpressPeerServer} [peerServer] */
function mount(peerServer) {
  return mountPeer({
    server: http.createServer(),
    app: express(),
    path: '/broker',
    options: { key: 'k', alive_timeout: 1000 },
    maxPayload: 1024,
    hooks: /** @type {any} */ (hooks),
    peerServer,
  });
}

/** Timers that keep the process alive (an unref'd or cleared one is not listed). */
const liveTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('the stock peer passes the start checks, and its housekeeping loops hold no process open and stop', () => {
  const before = liveTimers();
  const broker = mount();
  assert.equal(liveTimers(), before, "peer's loops are unref'd");
  assert.ok(broker.sockets instanceof Set);
  broker.stop();
});

test('a peer that starts another timer when mounted stops the start, naming the timers, and leaves none running', () => {
  const before = liveTimers();
  /** @type {typeof ExpressPeerServer} */
  const changed = (server, options) => {
    const app = ExpressPeerServer(server, options);
    app.on('mount', () => setTimeout(() => assert.fail('a leftover timer fired'), 60000));
    return app;
  };
  assert.throws(
    () => mount(changed),
    (err) =>
      err instanceof PeerShapeError &&
      /peer's housekeeping changed: mounting it started timers of \[300, 1000, 60000\] ms/.test(err.message) &&
      /server\/peer-adapter\.ts/.test(err.message),
  );
  assert.equal(liveTimers(), before, 'the timers it started were stopped');
});

test('a peer whose loops run at other intervals stops the start', () => {
  /** @type {typeof ExpressPeerServer} */
  const changed = (server, options) => ExpressPeerServer(server, { ...options, cleanup_out_msgs: 2500 });
  assert.throws(() => mount(changed), /started timers of \[300, 2500\] ms, where \[300, 1000\] ms were expected/);
  assert.equal(PEER_CHECK_INTERVAL, 300);
});

test('a peer that makes its websocket server itself (the guard would not see a frame) stops the start', () => {
  /** @type {typeof ExpressPeerServer} */
  const changed = (server, options) => ExpressPeerServer(server, { ...options, createWebSocketServer: undefined });
  assert.throws(
    () => mount(changed),
    (err) => err instanceof PeerShapeError && /did not create its websocket server/.test(err.message),
  );
});

test("Node's Timeout shape is checked: one without _onTimeout or _idleTimeout is refused by name", () => {
  const t = setTimeout(() => {}, 1000);
  try {
    checkTimerShape(t);
  } finally {
    clearTimeout(t);
  }
  assert.throws(() => checkTimerShape({ _idleTimeout: 1 }), /no longer have _onTimeout and _idleTimeout/);
  assert.throws(() => checkTimerShape({ _onTimeout: () => {} }), PeerShapeError);
});
