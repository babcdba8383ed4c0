// Seat ids and secrets: drawn from the system a block at a time, each byte handed out once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomToken } from '../../server/dist/server/random-token.js';

test('randomToken: the asked number of random bytes, never the same bytes twice, across blocks', () => {
  const seen = new Set();
  // 24 and 12 bytes as a seat takes them, well past several 4096-byte blocks.
  for (let i = 0; i < 2000; i++) {
    for (const bytes of [12, 24]) {
      const t = randomToken(bytes);
      assert.match(t, /^[A-Za-z0-9_-]+$/);
      assert.equal(Buffer.from(t, 'base64url').length, bytes);
      assert.ok(!seen.has(t), 'a token repeated');
      seen.add(t);
    }
  }
  // Random, not merely distinct: every byte value turns up among 72,000 bytes.
  const bytes = new Set();
  for (const t of seen) for (const b of Buffer.from(t, 'base64url')) bytes.add(b);
  assert.equal(bytes.size, 256);
  assert.throws(() => randomToken(0), RangeError);
  assert.throws(() => randomToken(4097), RangeError);
});
