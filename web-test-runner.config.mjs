// Element and engine tests: @web/test-runner in Debian's headless Chromium with fake camera and microphone,
// against real brokers started here on loopback (one open, one that needs room tokens and holds two people).
import net from 'node:net';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS } from './test/support/chromium.js';
import { findChromium } from './test/support/packages.js';
import { createRtcServer, parseConfig, mintRoomToken } from './server/dist/server/index.js';
import { createLogger } from './server/dist/server/log.js';
import { vendorPeerjs } from './scripts/vendor-peerjs.mjs';

// The sources import PeerJS from vendor/peerjs.js (see scripts/vendor-peerjs.mjs), built fresh for each run.
await vendorPeerjs();

async function broker(env, listenPort = 0) {
  const rtc = createRtcServer(parseConfig([], { LOG_LEVEL: 'silent', JOIN_RATE: '100000', ...env }), {
    log: createLogger('silent'),
  });
  const { port } = await rtc.listen(listenPort, '127.0.0.1');
  return { rtc, url: `http://127.0.0.1:${port}` };
}

const SECRET = 'test-room-secret-0123456789';
const open = await broker({});
const secured = await broker({ ROOM_SECRET: SECRET, ROOM_MAX: '2' });
// TURN credentials that lapse in 10 s, to see the widget refresh them. (Nothing listens on port 9: the calls here
// connect over loopback host candidates; the relay itself is tested end to end with coturn.)
const shortTurn = await broker({
  TURN_URLS: 'turn:127.0.0.1:9?transport=udp',
  TURN_SECRET: 'short-lived-turn-secret',
  TURN_TTL: '10',
});
// A secured broker of its own that the tests may restart (which tells every widget RTC-GOODBYE, so each takes a new
// seat), for the token-renewal test.
let renewal = await broker({ ROOM_SECRET: SECRET });
const RENEWAL_PORT = Number(new URL(renewal.url).port);
const brokers = {
  open: open.url,
  secured: secured.url,
  renewal: renewal.url,
  shortTurn: shortTurn.url,
  // Nothing listens here: a port we just had and gave back.
  unreachable: await (async () => {
    const b = await broker({});
    await b.rtc.close();
    return b.url;
  })(),
  tokens: {
    valid: mintRoomToken({ room: 'private', name: 'Token Name' }, SECRET),
    valid2: mintRoomToken({ room: 'private' }, SECRET),
    valid3: mintRoomToken({ room: 'private' }, SECRET),
    otherRoom: mintRoomToken({ room: 'elsewhere' }, SECRET),
    // Past the server's 30 s clock tolerance.
    expired: mintRoomToken({ room: 'private', ttl: -120 }, SECRET),
    forged: mintRoomToken({ room: 'private' }, 'not-the-secret-at-all-000'),
  },
};

const components = ['rtc-call', 'rtc-video-tile', 'rtc-device-picker', 'rtc-chat'];

// The test page's own server on a port the system hands out, not the first free one from 8000 up: two runs at once
// (several people on one machine) would otherwise both pick 8001, and the later one fail with EADDRINUSE.
const pagePort = await new Promise((resolve, reject) => {
  const probe = net.createServer().once('error', reject);
  probe.listen(0, () => {
    const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
    probe.close(() => resolve(port));
  });
});

export default {
  port: pagePort,
  nodeResolve: { browser: true },
  concurrency: 1,
  // A pending (skipped) or exclusive (.only) test fails the run instead of counting as passed.
  testFramework: { config: { timeout: 30000, forbidOnly: true, forbidPending: true } },
  browserStartTimeout: 60000,
  testsStartTimeout: 60000,
  testsFinishTimeout: 180000,
  groups: [
    ...components.map((name) => ({ name, files: `src/components/${name}/*.test.ts` })),
    { name: 'engine', files: 'src/engine/*.test.ts' },
  ],
  plugins: [
    {
      name: 'rtc-brokers',
      async serverStop() {
        await Promise.all([open.rtc.close(), secured.rtc.close(), shortTurn.rtc.close(), renewal.rtc.close()]);
      },
      // What a browser test may ask of the test runner (with executeServerCommand): room tokens minted now, as a
      // site's backend would, and a restart of the renewal broker. Nothing of this is in the server itself.
      async executeCommand({ command, payload }) {
        if (command === 'rtc-mint-token') return mintRoomToken(payload, SECRET);
        if (command === 'rtc-restart-renewal-broker') {
          await renewal.rtc.close();
          renewal = await broker({ ROOM_SECRET: SECRET }, RENEWAL_PORT);
          return true;
        }
        return undefined;
      },
    },
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
  ],
  // Two or three widgets of one room sit side by side in a test, so that all of them show on the 800x600 page: a
  // widget's tiles' area is at least 60% of the window tall, and a tile scrolled out of view is paused, as on a site.
  testRunnerHtml: (testFramework) => `<!doctype html><html lang="en"><head><title>rtc-call tests</title>
    <style>.calls { display: flex; gap: 4px; } .calls > rtc-call { flex: 1 1 0; min-width: 0; }</style></head><body>
    <script>window.RTC_TEST = ${JSON.stringify(brokers)};</script>
    <script type="module" src="${testFramework}"></script></body></html>`,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: findChromium(),
        headless: true,
        args: CHROMIUM_ARGS.map((a) =>
          a === '--use-fake-device-for-media-stream' ? '--use-fake-device-for-media-stream=device-count=3' : a,
        ),
      },
    }),
  ],
};
