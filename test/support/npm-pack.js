// @ts-check
/** `npm pack` for the package tests: what npm would publish of a package of this repository. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Packs the package in `dir` as `npm run build` left it (--ignore-scripts: prepack would build again): with
 * `destination`, the tarball is written there; without, it is a dry run.
 * @param {string} dir
 * @param {string} [destination]
 * @returns {Promise<{name: string, files: Set<string>, tarball?: string}>} the files by their path in the package
 */
export async function npmPack(dir, destination) {
  const args = [
    'pack',
    '--json',
    '--ignore-scripts',
    ...(destination ? ['--pack-destination', destination] : ['--dry-run']),
  ];
  const { stdout } = await run('npm', args, { cwd: dir, timeout: 60000 });
  const [packed] = JSON.parse(stdout);
  return {
    name: packed.name,
    files: new Set(packed.files.map((/** @type {{path: string}} */ f) => f.path)),
    tarball: destination && join(destination, packed.filename),
  };
}
