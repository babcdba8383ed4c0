// @ts-check
// The package rendered on the server with Lit SSR (@lit-labs/ssr), as Astro, Eleventy or a Node page would: in a
// fresh Node without a DOM, each element renders to HTML with a declarative shadow root holding what a visitor sees
// before any script runs (and Chromium shows it so, with no script at all). Each render runs in a child process of its own, so nothing this test runner has loaded (or
// a global another test set) can make it pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../server/helpers.js';
import { launchBrowser } from '../support/browser.js';

const run = promisify(execFile);

/**
 * Renders `markup` (a Lit template's static HTML) with @lit-labs/ssr in a fresh Node, from the repository root.
 * @param {string} markup
 * @returns {Promise<{ hadDom: boolean, html: string, stderr: string }>}
 */
async function renderInNode(markup) {
  const script = `
    const hadDom = typeof window !== 'undefined' || typeof document !== 'undefined';
    const { render } = await import('@lit-labs/ssr');
    const { collectResult } = await import('@lit-labs/ssr/lib/render-result.js');
    const { html } = await import('lit');
    await import('rtc-call');
    const strings = Object.assign([${JSON.stringify(markup)}], { raw: [${JSON.stringify(markup)}] });
    console.log(JSON.stringify({ hadDom, html: await collectResult(render(html(strings))) }));`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    timeout: 60000,
  });
  return { ...JSON.parse(stdout.trim().split('\n').pop() ?? ''), stderr };
}

/** The HTML without Lit's hydration comments and the shadow roots' styles, to read what shows. */
const visible = (/** @type {string} */ html) =>
  html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/\s+/g, ' ');

/** The opening tag of a declarative shadow root, in either spelling (Chromium's old `shadowroot`, the standard's). */
const SHADOW_ROOT = /<template shadowroot="open" shadowrootmode="open">|<template shadowrootmode="open">/;

test('<rtc-call no-prejoin room name> renders on the server: a shadow root with the status and the Join button', async () => {
  const { hadDom, html, stderr } = await renderInNode('<rtc-call no-prejoin room="standup" name="Ana"></rtc-call>');
  assert.equal(hadDom, false, 'Node has no DOM here');
  assert.equal(stderr, '', 'nothing went wrong, not even a warning');
  const text = visible(html);
  assert.match(text, new RegExp(`^<rtc-call [^>]*room="standup" name="Ana"[^>]*>${SHADOW_ROOT.source}`));
  assert.match(text, /<rtc-call [^>]*state="idle"/, 'its state attribute, for the page CSS');
  assert.match(text, /<div part="status" role="status">Not in a call\.<\/div>/);
  assert.match(text, /<button part="control join-button"\s*>\s*Join\s*<\/button>/);
  assert.match(text, /<slot name="toolbar-start"><\/slot>/);
  // No device picker: it is built when opened in a call (the next test but one renders it, shadow root and all).
  assert.doesNotMatch(text, /<rtc-device-picker/);
  assert.match(text, /<\/template><\/rtc-call>$/);
});

test('<rtc-call room name> renders its pre-join screen on the server, with the prejoin slot, as the browser will', async () => {
  const { html } = await renderInNode('<rtc-call room="standup" name="Ana"><p slot="prejoin">Welcome</p></rtc-call>');
  const text = visible(html);
  assert.match(text, /<rtc-call [^>]*state="prejoin"/);
  assert.match(text, /<div part="prejoin"><slot name="prejoin"><\/slot><\/div>/);
  assert.match(text, /<button part="control join-button"\s*>\s*Join\s*<\/button>/);
  assert.match(
    text,
    /<\/template><p slot="prejoin">Welcome<\/p><\/rtc-call>$/,
    "the page's own content, in the light DOM",
  );
});

test('<rtc-video-tile> and <rtc-device-picker> render on their own', async () => {
  const { html, stderr } = await renderInNode(
    '<rtc-video-tile></rtc-video-tile><rtc-device-picker></rtc-device-picker>',
  );
  assert.equal(stderr, '');
  const text = visible(html);
  assert.match(
    text,
    new RegExp(`^<rtc-video-tile>${SHADOW_ROOT.source} <div part="base" role="group" aria-label="Guest">`),
  );
  assert.match(text, /<span part="name">Guest<\/span>/);
  assert.match(
    text,
    new RegExp(`<rtc-device-picker>${SHADOW_ROOT.source} <div part="base" role="group" aria-label="Devices">`),
  );
  assert.match(text, /<p part="empty">No cameras or microphones found\.<\/p>/);
});

test('Chromium shows the server render with no script: the shadow root is parsed, styled and laid out', async (t) => {
  const { html } = await renderInNode('<rtc-call room="standup" name="Ana" manual theme="dark"></rtc-call>');
  const { browser, close } = await launchBrowser();
  t.after(close);
  const page = await browser.newPage();
  // A navigation, so the HTML parser (not a script) makes the declarative shadow root; the page has no script.
  await page.goto(`data:text/html;charset=utf-8,${encodeURIComponent(`<!doctype html><body>${html}</body>`)}`);
  const seen = await page.evaluate(() => {
    const call = document.querySelector('rtc-call');
    const root = call?.shadowRoot;
    const join = root?.querySelector('[part~="join-button"]');
    const box = join?.getBoundingClientRect();
    return {
      scripts: document.scripts.length,
      defined: customElements.get('rtc-call') !== undefined,
      mode: root?.mode,
      status: root?.querySelector('[part~="status"]')?.textContent?.trim(),
      join: join?.textContent?.trim(),
      shown: !!box && box.width > 0 && box.height > 0,
      // The dark theme's background, from the shadow root's own styles.
      background:
        root && getComputedStyle(/** @type {Element} */ (root.querySelector('[part~="base"]'))).backgroundColor,
    };
  });
  assert.deepEqual(seen, {
    scripts: 0,
    defined: false,
    mode: 'open',
    status: 'Not in a call.',
    join: 'Join',
    shown: true,
    background: 'rgb(15, 18, 24)',
  });
});
