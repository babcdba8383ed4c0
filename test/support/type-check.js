// @ts-check
/** Type-checking files as a TypeScript project that uses rtc-call would: for the package tests. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A consumer's settings: strict, a bundler's resolution (so `rtc-call/…` goes through package.json `exports`), the
 * DOM, React's JSX, no ambient types.
 * @type {ts.CompilerOptions}
 */
export const CONSUMER_OPTIONS = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  jsx: ts.JsxEmit.ReactJSX,
  types: [],
  skipLibCheck: true,
};

/**
 * Checks `files` with the consumer's settings (and `options` over them).
 * @param {string[]} files
 * @param {ts.CompilerOptions} [options]
 * @returns {{program: ts.Program, problems: string[]}} the program, and TypeScript's complaints as text
 */
export function checkFiles(files, options = {}) {
  const program = ts.createProgram(files, { ...CONSUMER_OPTIONS, ...options });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  return { program, problems };
}

/**
 * Type-checks `source` as the file `name` of a consumer project inside `root` (in its tmp/, so that `rtc-call`
 * resolves to that package through its `exports`), and returns TypeScript's complaints.
 * @param {string} root
 * @param {string} name
 * @param {string} source
 * @param {ts.CompilerOptions} [options]
 */
export function typeCheck(root, name, source, options = {}) {
  const dir = join(root, 'tmp', `types-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, source);
  try {
    return checkFiles([file], options).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @type {Map<string, ts.SourceFile | undefined>} source files already parsed, by language version and name */
const parsed = new Map();

/**
 * Type-checks files of the project of `tsconfig` (this repository's own settings), each with its text edited by its change.
 * @param {string} tsconfig
 * @param {Record<string, (text: string) => string>} changes by file, relative to the root
 * @returns {{problems: Record<string, string[]>, files: string[]}} the complaints about each changed file, and the
 *   program's source files
 */
export function checkChanged(tsconfig, changes) {
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
