// @ts-check
// scripts/trim-templates.mjs: the indentation of our Lit templates goes from the script-tag bundle, and only what
// HTML and CSS ignore changes. (test/e2e/bundle.test.js checks in Chromium that the bundled styles parse to the same
// rules as the sources'.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollup } from 'rollup';
import { parseAst } from 'rollup/parseAst';
import { trimTemplateText, trimTemplates } from '../../scripts/trim-templates.mjs';

test('indentation and CSS comments go; in CSS line breaks, spaces around punctuation and before values too', () => {
  assert.equal(
    trimTemplateText('\n  :host {\n    display: block; /* why */\n  }\n  a > b,\n  c { color: red }\n', 'css'),
    ' :host{display:block}a>b,c{color:red}',
  );
  assert.equal(trimTemplateText('/* two\n lines */a {}', 'css'), ' a{}', 'a comment goes with its line breaks');
  // A value is left as written (Chromium keeps the text of one with var() in it), selectors and at-rules are not;
  // the space before a value is not part of it.
  assert.equal(
    trimTemplateText(
      '\n  @media (x: y) {\n    a:hover,\n    b {\n      background: f(x),\n        var(--y) ;\n      --z: a  b;\n    }\n  }\n',
      'css',
    ),
    ' @media (x: y){a:hover,b{background:f(x),\n        var(--y);--z:a  b}}',
  );
  // A space that separates (a descendant combinator, or the edge next to an expression) stays, as one.
  assert.equal(trimTemplateText('\n  .a   b {\n  }\n  ', 'css'), ' .a b{}');
  assert.equal(trimTemplateText(' .a\n', 'css'), ' .a ');
  // An attribute selector's value loses its quotes where it is an identifier; a value's quotes stay.
  assert.equal(
    trimTemplateText(":host([theme='dark']) [part~='a-b'], [x=\"1a\"], [y='a b'] { content: '[z=\\'c\\']' }", 'css'),
    ":host([theme=dark]) [part~=a-b],[x=\"1a\"],[y='a b']{content:'[z=\\'c\\']'}",
  );
  assert.equal(
    trimTemplateText('\n      <div part="label">\n        <span>  a  b </span>\n      </div>\n', 'html'),
    '\n<div part=label>\n<span> a b </span>\n</div>\n',
  );
  assert.equal(trimTemplateText(' {a > b}; ', 'html'), ' {a > b}; ', 'HTML text keeps its punctuation');
  // Quotes go only around a value of letters, digits and dashes that a space or `>` ends (not `/>`, not a binding).
  assert.equal(
    trimTemplateText('<i part="a b" id="x-1" role="img"><input name="n"/><b title="', 'html'),
    '<i part="a b" id=x-1 role=img><input name="n"/><b title="',
  );
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
  assert.match(code, /css` :host\{display:block\}`/);
  assert.match(code, /svg `\n<path d="M0 0"\/>\n`/);
  assert.match(code, /html`\n {4}<pre>\n {2}keep\n {4}<\/pre>\n`/, 'a template with <pre> is left alone');
  assert.match(code, /other`\n {4}left {3}alone\n`/, 'another tag is left alone');
  assert.match(code, /html`\n {4}theirs\n`/, 'a module not given is left alone');
});

test("a CSS template's line breaks go after it, as the script's white space: the module's lines do not move", () => {
  const code =
    'const b = css`\n  :host {\n    display: block;\n  }\n`;\nconst c = css`\n  a {\n${x}\n  }\n`;\nnext();\n';
  const plugin = trimTemplates(/./);
  const transform = /** @type {Function} */ (plugin.transform);
  const { code: out } = transform.call({ parse: parseAst }, code, '/lib/el.js');
  assert.equal(out, 'const b = css` :host{display:block}`\n\n\n\n;\nconst c = css` a{${\n\nx}}`\n\n;\nnext();\n');
  assert.equal(out.split('\n').indexOf('next();'), code.split('\n').indexOf('next();'));
});
