// Fails when custom-elements.json no longer matches the elements' JSDoc: regenerate with `npm run analyze`.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

// cem resolves --outdir against the working directory, so the fresh copy goes to an ignored folder here.
const dir = '.cache/cem-check';
rmSync(dir, { recursive: true, force: true });
execFileSync('npx', ['--no-install', 'cem', 'analyze', '--outdir', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
const fresh = readFileSync(`${dir}/custom-elements.json`, 'utf8');
rmSync(dir, { recursive: true, force: true });
if (fresh !== readFileSync('custom-elements.json', 'utf8')) {
  console.error('custom-elements.json is stale: run `npm run analyze` and commit the result.');
  process.exit(1);
}
console.log('custom-elements.json matches the sources.');
