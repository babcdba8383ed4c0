// @ts-check
/** Type-checking files as a TypeScript project that uses rtc-call would: for the package tests. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

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
