// @ts-check
// The script-tag bundle's weight (issue 10, "Keep it small"): dist/rtc-call.js, as `npm run build` made it, at most
// 35 KB gzipped, measured as the benchmark measures it (bench/helpers/size.mjs: gzip -9 with Node's zlib). What is
// loaded only when needed (a language, the link step-down) is in the chunks next to it, not counted here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizes, lazyChunks } from '../../bench/helpers/size.mjs';

/** 35 KB. */
const MAX_GZIP_BYTES = 35 * 1024;

test('dist/rtc-call.js is at most 35 KB (35,840 bytes) gzip -9', () => {
  const { ours } = sizes();
  assert.ok(
    ours.gzipBytes <= MAX_GZIP_BYTES,
    `dist/rtc-call.js is ${ours.gzipBytes} bytes gzipped (${ours.bytes} minified), over the ${MAX_GZIP_BYTES} of issue 10: ` +
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
