// The wire protocol (seat, server pushes, signalling messages) is one module, src/engine/protocol.ts, that both the
// client and the server compile against. These tests change one side the way a drift would, in memory, and check
// that the type check of that side (with the project's own settings) refuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers.js';

const PROTOCOL = join(ROOT, 'src/engine/protocol.ts');

/**
 * Type-checks the project of `tsconfig` with `file`'s text edited by `change`.
 * @param {string} tsconfig @param {string} file relative to the root
 * @param {(text: string) => string} change
 * @returns {{problems: string[], files: string[]}} complaints about `file`, and the program's source files
 */
function checkChanged(tsconfig, file, change) {
  const path = join(ROOT, file);
  const { config } = ts.readConfigFile(join(ROOT, tsconfig), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const options = { ...parsed.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const original = readFileSync(path, 'utf8');
  const text = change(original);
  assert.notEqual(text, original, `the change applies to ${file}`);
  const read = host.readFile.bind(host);
  host.readFile = (name) => (name === path ? text : read(name));
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === path ? ts.createSourceFile(name, text, version) : getSource(name, version, ...rest);
  // The changed file and what it imports (the whole project would check the same, only slower).
  const program = ts.createProgram([path], options, host);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === path)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  return { problems, files: program.getSourceFiles().map((f) => f.fileName) };
}

test('the server compiles against the protocol module: a room event with a renamed field is refused', () => {
  const { problems, files } = checkChanged('tsconfig.server.json', 'server/rooms.js', (s) =>
    s.replace(
      "{ type: 'RTC-JOINED', payload: { id, name: t.name } }",
      "{ type: 'RTC-JOINED', payload: { id, nick: t.name } }",
    ),
  );
  assert.ok(files.includes(PROTOCOL), 'the server program includes src/engine/protocol.ts');
  assert.ok(
    problems.some((p) => /nick/.test(p)),
    problems.join('\n'),
  );
});

test('the server: a push the protocol does not know, or a goodbye for an unknown reason, is refused', () => {
  const unknown = checkChanged('tsconfig.server.json', 'server/app.js', (s) =>
    s.replace("payload: { reason: 'token-expired' }", "payload: { reason: 'token-gone' }"),
  );
  assert.ok(unknown.problems.length > 0, 'an unknown goodbye reason');
  const seat = checkChanged('tsconfig.server.json', 'server/http-seats.js', (s) =>
    s.replace('secret: ticket.secret,', 'key: ticket.secret,'),
  );
  assert.ok(seat.problems.length > 0, 'a join answer without its secret');
});

test('the client compiles against the same module: a push it handles that the server never sends is refused', () => {
  const { problems, files } = checkChanged('tsconfig.json', 'src/engine/broker-session.ts', (s) =>
    s.replace("case 'RTC-LEFT':", "case 'RTC-GONE':"),
  );
  assert.ok(files.includes(PROTOCOL), 'the client program includes src/engine/protocol.ts');
  assert.ok(
    problems.some((p) => /RTC-GONE/.test(p)),
    problems.join('\n'),
  );
  const sent = checkChanged('tsconfig.json', 'src/engine/broker-session.ts', (s) =>
    s.replace("{ type: 'RTC-SIGNAL', dst, payload }", "{ type: 'RTC-SIGNAL', to: dst, payload }"),
  );
  assert.ok(sent.problems.length > 0, 'RTC-SIGNAL without its dst');
});

test('the unchanged sources pass: the server and the client agree on the protocol today', () => {
  const server = checkChanged('tsconfig.server.json', 'server/rooms.js', (s) => s + '\n');
  const client = checkChanged('tsconfig.json', 'src/engine/broker-session.ts', (s) => s + '\n');
  assert.deepEqual([...server.problems, ...client.problems], []);
});

test("@rtc-call/server's declarations, protocol included, compile in a Node project without the DOM library", () => {
  const entry = join(ROOT, 'server/types/server/index.d.ts');
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
  assert.ok(files.includes(join(ROOT, 'server/types/src/engine/protocol.d.ts')), 'the protocol ships with the server');
  const ours = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.startsWith(join(ROOT, 'server/types')))
    .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  assert.deepEqual(ours, []);
});
