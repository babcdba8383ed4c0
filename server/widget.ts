/**
 * Where the widget's files are (its `dist/` and `demo/`): in a checkout of the repository, the package this server
 * is a workspace of; installed from npm, the `rtc-call` package beside `@rtc-call/server`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PACKAGE_DIR } from './package-dir.js';

/** @returns the widget package's directory, or undefined when it is not installed */
export function widgetRoot(): string | undefined {
  const checkout = join(PACKAGE_DIR, '..');
  try {
    if (JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')).name === 'rtc-call') return checkout;
  } catch {
    // Not a checkout: installed from npm.
  }
  try {
    return dirname(createRequire(import.meta.url).resolve('rtc-call/package.json'));
  } catch {
    return undefined;
  }
}
