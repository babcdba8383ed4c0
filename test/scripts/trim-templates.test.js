// @ts-check
// scripts/trim-templates.mjs: the indentation of our Lit templates goes from the script-tag bundle, and only what
// HTML and CSS ignore changes. (test/e2e/bundle.test.js checks in Chromium that the bundled styles parse to the same
// rules as the sources'.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollup } from 'rollup';
import { trimTemplateText, trimTemplates } from '../../scripts/trim-templates.mjs';

test('indentation and CSS comments go; line breaks, single spaces and expressions stay', () => {
  assert.equal(
    trimTemplateText('\n  :host {\n    display: block; /* why */\n  }\n  a > b,\n  c { color: red }\n', 'css'),
    '\n:host{\ndisplay: block;\n}\na>b,\nc{color: red}\n',
  );
  assert.equal(trimTemplateText('/* two\n lines */a {}', 'css'), '\na{}', 'a comment keeps its line breaks');
  // A value is left as written (Chromium keeps the text of one with var() in it), selectors and at-rules are not.
  assert.equal(
    trimTemplateText(
      '\n  @media (x: y) {\n    a:hover,\n    b {\n      background: f(x),\n        var(--y) ;\n      --z: a  b;\n    }\n  }\n',
      'css',
    ),
    '\n@media (x: y){\na:hover,\nb{\nbackground: f(x),\n        var(--y);\n--z: a  b;\n}\n}\n',
  );
  assert.equal(
    trimTemplateText('\n      <div part="label">\n        <span>  a  b </span>\n      </div>\n', 'html'),
    '\n<div part="label">\n<span> a b </span>\n</div>\n',
  );
  assert.equal(trimTemplateText(' {a > b}; ', 'html'), ' {a > b}; ', 'HTML text keeps its punctuation');
});

test('the plugin trims html, svg and css templates of the modules it is given, and nothing else', async () => {
  const files = {
    '/lib/el.js': [
      "import { html, css, svg, other } from 'lit';",
      'export const a = html`\n    <b>\n      ${1}   x\n    </b>\n`;',
      'export const b = css`\n  :host {\n    display: block;\n  }\n`;',
      'export const c = svg `\n    <path d="M0 0"/>\n`;',
      'export const d = html`\n    <pre>\n  keep\n    </pre>\n`;',
      'export const e = other`\n    left   alone\n`;',
      "export { f } from '/vendor/x.js';",
    ].join('\n'),
    '/vendor/x.js': "import { html } from 'lit';\nexport const f = html`\n    theirs\n`;",
  };
  const bundle = await rollup({
    input: '/lib/el.js',
    external: ['lit'],
    plugins: [
      {
        name: 'files',
        resolveId: (id) => (id in files ? id : null),
        load: (id) => files[/** @type {keyof typeof files} */ (id)] ?? null,
      },
      trimTemplates(/^\/lib\//),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const code = output[0].code;
  assert.match(code, /html`\n<b>\n\$\{1\} x\n<\/b>\n`/);
  assert.match(code, /css`\n:host\{\ndisplay: block;\n\}\n`/);
  assert.match(code, /svg `\n<path d="M0 0"\/>\n`/);
  assert.match(code, /html`\n {4}<pre>\n {2}keep\n {4}<\/pre>\n`/, 'a template with <pre> is left alone');
  assert.match(code, /other`\n {4}left {3}alone\n`/, 'another tag is left alone');
  assert.match(code, /html`\n {4}theirs\n`/, 'a module not given is left alone');
});
