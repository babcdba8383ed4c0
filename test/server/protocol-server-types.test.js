// The wire protocol (seat, server pushes, signalling messages) is one module, src/engine/protocol.ts, that both the
// client and the server compile against. These tests change one side the way a drift would, in memory, and check
// that the type check of that side (with the project's own settings) refuses it, naming what changed (the sources as
// they are pass `npm run typecheck`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ts from 'typescript';
import { checkChanged } from '../support/type-check.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const PROTOCOL = join(ROOT, 'src/engine/protocol.ts');

test('the server compiles against the protocol module: a renamed field, an unknown reason, a missing secret', () => {
  const { problems, files } = checkChanged('tsconfig.server.json', {
    'server/rooms.ts': (s) =>
      s.replace(
        "{ type: 'RTC-JOINED', payload: { id, name: t.name } }",
        "{ type: 'RTC-JOINED', payload: { id, nick: t.name } }",
      ),
    'server/app.ts': (s) => s.replace("payload: { reason: 'token-expired' }", "payload: { reason: 'token-gone' }"),
    'server/http-seats.ts': (s) => s.replace('secret: ticket.secret,', 'key: ticket.secret,'),
  });
  assert.ok(files.includes(PROTOCOL), 'the server program includes src/engine/protocol.ts');
  assert.ok(
    problems['server/rooms.ts'].some((p) => /nick/.test(p)),
    problems['server/rooms.ts'].join('\n'),
  );
  assert.ok(
    problems['server/app.ts'].some((p) => /token-gone/.test(p)),
    problems['server/app.ts'].join('\n'),
  );
  assert.ok(
    problems['server/http-seats.ts'].some((p) => /key/.test(p)),
    problems['server/http-seats.ts'].join('\n'),
  );
});

test("@rtc-call/server's declarations, protocol included, compile in a Node project without the DOM library", () => {
  const entry = join(ROOT, 'server/dist/server/index.d.ts');
  const program = ts.createProgram([entry], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
  });
  const files = program.getSourceFiles().map((f) => f.fileName);
  assert.ok(files.includes(join(ROOT, 'server/dist/src/engine/protocol.d.ts')), 'the protocol ships with the server');
  const ours = program
    .getSourceFiles()
    .filter((f) => f.fileName.startsWith(join(ROOT, 'server/dist')))
    .flatMap((f) => program.getSemanticDiagnostics(f))
    .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  assert.deepEqual(ours, []);
});
