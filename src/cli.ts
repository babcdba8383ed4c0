#!/usr/bin/env node
/**
 * The `rtc-call` command: the server's own (`rtc-call-server`, from `@rtc-call/server`), which is a package of its
 * own so that sites that only embed the widget install no server. Without it, this says how to get it.
 */
// A specifier in a variable: this package builds before the server's types exist, and needs none of them here.
const cli = '@rtc-call/server/cli';
try {
  await import(cli);
} catch (err) {
  if ((err as { code?: string })?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err).includes('@rtc-call/server'))
    throw err;
  console.error(
    'rtc-call: the server is a package of its own. Install it beside the widget: npm install @rtc-call/server',
  );
  (globalThis as unknown as { process: { exitCode?: number } }).process.exitCode = 1;
}

export {};
