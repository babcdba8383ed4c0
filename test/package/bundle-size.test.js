// @ts-check
// The script-tag bundle's weight (issue 10, "Keep it small"): dist/rtc-call.js, as `npm run build` made it, measured
// as the benchmark measures it (bench/helpers/size.mjs: gzip -9 with Node's zlib). What is loaded only when needed (a
// language, the link step-down) is in the chunks next to it, not counted here.
//
// Issue 10's target is 35 KB with everything of issue 8 in it. With issue 8's features in (pre-join, people, chat,
// screen sharing and layouts) it was 40,086 bytes; the steps since (README "Size") brought it to 39,349 with the
// features that came after: issue 10 is not met, and stays open. Until then this guard holds the line where it is,
// so nothing grows unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizes, lazyChunks } from '../../bench/helpers/size.mjs';

/**
 * 39,675 bytes (38.7 KB) now: issue 10's 35 KB is not met (see above). The line was 39,424 until the videos came first
 * (`videos-first`, README "How it is built"): it cost 309 bytes and took page load to first remote frame from about
 * 1.30x raw PeerJS to about 1.2x. It was 39,600 until a new connection's video was fitted from its first frame (49
 * bytes with the camera's rate asked while it opens; a 6-page mesh sees everyone sooner), and 39,650 until V8's
 * compile hint (21 bytes: the file's functions compiled off the main thread, page load about 30 ms sooner). The line
 * moved by those trades, written down in README "Size", not to let more in.
 */
const MAX_GZIP_BYTES = 39675;
const TARGET_GZIP_BYTES = 35 * 1024;

test('dist/rtc-call.js is at most 39,675 bytes gzip -9, the line held until issue 10 wins back 35 KB', () => {
  const { ours } = sizes();
  assert.ok(
    ours.gzipBytes <= MAX_GZIP_BYTES,
    `dist/rtc-call.js is ${ours.gzipBytes} bytes gzipped (${ours.bytes} minified), over the ${MAX_GZIP_BYTES} held now (issue 10's target: ${TARGET_GZIP_BYTES}): ` +
      'see "Size" in README.md for what was done before, and make a rarely used part a chunk of its own',
  );
});

test('the parts loaded when needed are chunks next to it, not inside it', () => {
  const names = Object.keys(lazyChunks());
  for (const chunk of ['zh-CN', 'link-quality'])
    assert.ok(
      names.some((n) => n.startsWith(`rtc-call-${chunk}-`)),
      `no rtc-call-${chunk}-<hash>.js in dist/ (${names.join(', ')})`,
    );
});
