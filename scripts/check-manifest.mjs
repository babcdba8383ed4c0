// `node scripts/check-manifest.mjs [file]`: fails when custom-elements.json (or `file`) does not follow the Custom
// Elements Manifest schema, or no longer matches the elements' JSDoc (regenerate with `npm run analyze`).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { manifestProblems, SCHEMA_VERSION } from './manifest-schema.mjs';

const file = process.argv[2] ?? 'custom-elements.json';
const text = readFileSync(file, 'utf8');
/** @type {unknown} */
let manifest;
try {
  manifest = JSON.parse(text);
} catch (err) {
  console.error(`${file} is not JSON: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
const problems = manifestProblems(manifest);
if (problems.length) {
  console.error(`${file} does not follow the Custom Elements Manifest schema ${SCHEMA_VERSION}:`);
  for (const problem of problems) console.error(`  ${problem}`);
  console.error('Fix the JSDoc of the elements (or the analyzer config), then run `npm run analyze`.');
  process.exit(1);
}

// cem resolves --outdir against the working directory, so the fresh copy goes to an ignored folder here.
const dir = '.cache/cem-check';
rmSync(dir, { recursive: true, force: true });
execFileSync('npx', ['--no-install', 'cem', 'analyze', '--outdir', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
const fresh = readFileSync(`${dir}/custom-elements.json`, 'utf8');
rmSync(dir, { recursive: true, force: true });
if (fresh !== text) {
  console.error(`${file} is stale: run \`npm run analyze\` and commit the result.`);
  process.exit(1);
}
console.log(`${file} follows the Custom Elements Manifest schema ${SCHEMA_VERSION} and matches the sources.`);
