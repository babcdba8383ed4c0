// The per-connection helpers of the guard: frames handled in arrival order although some wait for the room store,
// and the frame rate's token bucket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inOrder as runInOrder } from '../../server/dist/server/in-order.js';

/** One connection's order (its two fields), failing with `failed`. @param {(err: unknown) => void} failed */
const inOrder = (failed) => {
  const q = { chain: undefined, waiting: 0 };
  return (/** @type {any} */ out, /** @type {(v: any) => void} */ pass) =>
    runInOrder(q, out, pass, (tag, err) => (assert.equal(tag, 'c'), failed(err)), 'c');
};
import { takeFrame } from '../../server/dist/server/frame-rate.js';

test('inOrder: a frame that needs no store waits behind one that does, and a failure stops nothing after it', async () => {
  const failures = [];
  const order = inOrder((err) => failures.push(String(err)));
  const out = [];
  const pass = (v) => out.push(v);
  order('a', pass); // nothing waiting: at once
  assert.deepEqual(out, ['a']);
  let release;
  order(() => new Promise((r) => (release = () => r('b'))), pass);
  order('c', pass); // must not overtake b
  order(async () => {
    throw new Error('store down');
  }, pass);
  order('d', pass);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(out, ['a'], 'c and d wait for b');
  release();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(out, ['a', 'b', 'c', 'd']);
  assert.deepEqual(failures, ['Error: store down']);
  order('e', pass); // idle again: at once
  assert.deepEqual(out, ['a', 'b', 'c', 'd', 'e']);
});

test('takeFrame: bursts of `burst`, refilled at `rate` a second, cut off far past the limit', () => {
  const c = { tokens: 4, refill: 0, strikes: 0 };
  const t0 = 10_000;
  for (let i = 0; i < 4; i++) assert.equal(takeFrame(c, 2, 4, t0), 'ok');
  assert.equal(takeFrame(c, 2, 4, t0), 'refused');
  assert.equal(takeFrame(c, 2, 4, t0 + 499), 'refused', 'not a whole frame back after 0.5 s at 2/s');
  assert.equal(takeFrame(c, 2, 4, t0 + 510), 'ok', 'one frame back after 0.5 s');
  let last = '';
  for (let i = 0; i < 41; i++) last = takeFrame(c, 2, 4, t0 + 600);
  assert.equal(last, 'cut-off', 'more than 10 bursts refused within one second');
  assert.equal(takeFrame(c, 2, 4, t0 + 1700), 'ok', 'a new second, a refilled bucket');
});

test('inOrder: a handler runs in its turn: at once while idle (its plain result passed at once), else not before', async () => {
  const order = inOrder(() => {});
  const ran = [];
  const out = [];
  const pass = (v) => out.push(v);
  order(() => (ran.push('a'), 'a'), pass);
  assert.deepEqual([ran, out], [['a'], ['a']], 'idle: run and passed at once');
  let release;
  order(() => new Promise((r) => (release = () => r('b'))), pass);
  order(() => (ran.push('c'), 'c'), pass);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ['a'], 'c does not run (it might send) before b is done');
  release();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    [ran, out],
    [
      ['a', 'c'],
      ['a', 'b', 'c'],
    ],
  );
});
