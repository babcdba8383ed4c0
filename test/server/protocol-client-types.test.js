// The client's side of test/server/protocol-server-types.test.js (a file of its own, to keep each file short).
// The wire protocol (seat, server pushes, signalling messages) is one module, src/engine/protocol.ts, that both the
// client and the server compile against. These tests change one side the way a drift would, in memory, and check
// that the type check of that side (with the project's own settings) refuses it, naming what changed (the sources as
// they are pass `npm run typecheck`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkChanged } from '../support/type-check.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const PROTOCOL = join(ROOT, 'src/engine/protocol.ts');

test('the client compiles against the same module: a push the server never sends, a signal without its dst', () => {
  const file = 'src/engine/broker-session.ts';
  const { problems, files } = checkChanged('tsconfig.json', {
    [file]: (s) =>
      s
        .replace("case 'RTC-LEFT':", "case 'RTC-GONE':")
        .replace("{ type: 'RTC-SIGNAL', dst, payload }", "{ type: 'RTC-SIGNAL', to: dst, payload }"),
  });
  assert.ok(files.includes(PROTOCOL), 'the client program includes src/engine/protocol.ts');
  assert.ok(
    problems[file].some((p) => /RTC-GONE/.test(p)),
    problems[file].join('\n'),
  );
  assert.ok(
    problems[file].some((p) => /'to'/.test(p)),
    problems[file].join('\n'),
  );
});
