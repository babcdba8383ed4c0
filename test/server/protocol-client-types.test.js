// The client's side of test/server/protocol-server-types.test.js (a file of its own, to keep each file short).
// The wire protocol (seat, server pushes, signalling messages) is one module, src/engine/protocol.ts, that both the
// client and the server compile against. These tests change one side the way a drift would, in memory, and check
// that the type check of that side (with the project's own settings) refuses it, naming what changed (the sources as
// they are pass `npm run typecheck`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const PROTOCOL = join(ROOT, 'src/engine/protocol.ts');
/** @type {Map<string, ts.SourceFile | undefined>} source files already parsed, by language version and name */
const parsed = new Map();

/**
 * Type-checks files of the project of `tsconfig`, each with its text edited by its change.
 * @param {string} tsconfig
 * @param {Record<string, (text: string) => string>} changes by file, relative to the root
 * @returns {{problems: Record<string, string[]>, files: string[]}} the complaints about each changed file, and the
 *   program's source files
 */
function checkChanged(tsconfig, changes) {
  const { config } = ts.readConfigFile(join(ROOT, tsconfig), ts.sys.readFile);
  const options = { ...ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options, noEmit: true };
  /** @type {Map<string, string>} */
  const texts = new Map();
  for (const [file, change] of Object.entries(changes)) {
    const original = readFileSync(join(ROOT, file), 'utf8');
    const text = change(original);
    assert.notEqual(text, original, `the change applies to ${file}`);
    texts.set(join(ROOT, file), text);
  }
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (name) => texts.get(name) ?? read(name);
  const getSource = host.getSourceFile.bind(host);
  // Each file is parsed once for all the checks here (the DOM's and Node's declarations are most of the time).
  host.getSourceFile = (name, version, ...rest) => {
    const text = texts.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, version);
    const key = `${version}:${name}`;
    if (!parsed.has(key)) parsed.set(key, getSource(name, version, ...rest));
    return parsed.get(key);
  };
  const program = ts.createProgram([...texts.keys()], options, host);
  /** @type {Record<string, string[]>} */
  const problems = {};
  // Only the changed files are checked (the others pass the project's own type check).
  for (const file of Object.keys(changes)) {
    const source = program.getSourceFile(join(ROOT, file));
    problems[file] = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );
  }
  return { problems, files: program.getSourceFiles().map((f) => f.fileName) };
}

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
