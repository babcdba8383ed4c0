/** The widget's files: the bundle and what it loads later, and the demo (when the rtc-call package is installed). */
import express from 'express';
import { serveBuilt, serveChunks } from './bundle.js';
import { demoHeaders } from './demo-headers.js';
import type { Express } from 'express';
import type { Logger } from './log.js';

/**
 * The bundle's routes.
 *  @param root the widget package, if installed
 */
export function widgetRoutes(app: Express, root: string | undefined, log: Logger) {
  if (root) {
    app.get('/rtc-call.js', serveBuilt(`${root}/dist/rtc-call.js`, 'text/javascript; charset=utf-8'));
    app.get('/rtc-call.js.map', serveBuilt(`${root}/dist/rtc-call.js.map`, 'application/json; charset=utf-8'));
    // What rtc-call.js loads when it needs it (a language file), found relative to it: `import('./rtc-call-….js')`.
    app.get(/^\/rtc-call-[^/]+$/, serveChunks(`${root}/dist`));
    return;
  }
  // A broker on its own is useful (the site serves the script itself), but say so where the script is asked for.
  log.warn(
    'the widget (the rtc-call package) is not installed beside the server: /rtc-call.js and the demo answer 503',
  );
  app.get(/^\/rtc-call[^/]*$/, (_req, res) => {
    res
      .status(503)
      .type('text/plain')
      .send('The widget is not installed beside this server: `npm install rtc-call`.\n');
  });
}

/**
 * The demo, after every other route (it serves whatever file of demo/ is asked for).
 */
export function demoRoutes(app: Express, root: string | undefined) {
  if (root) app.use(demoHeaders, express.static(`${root}/demo`, { index: 'index.html', dotfiles: 'ignore' }));
}
