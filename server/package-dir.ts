/** Where this package is: the built server runs from its `dist/server/`, two folders down. */
import { fileURLToPath } from 'node:url';

/** The directory of `@rtc-call/server` (its package.json, README, LICENSE): server/ in a checkout. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
