// @ts-check
/**
 * A rollup plugin for the script-tag bundle: the static text of our Lit templates (`html`, `svg` and `css` tagged
 * templates in lib/) loses its indentation and CSS comments. Terser keeps template text as written, and the elements'
 * styles and markup are indented for people: about 2.5 KB of the bundle, 0.2 KB gzipped.
 *
 * What may change is only what HTML and CSS ignore: a run of spaces becomes one, the indentation after a line break
 * goes (the line break stays, so the source map, which assumes lines did not move, stays right line by line), and in
 * CSS the spaces around `{ } ; >` and `/* comments *\/` go, but a declaration's value is left as written. A template with `<pre` or `<textarea` in it, where
 * spaces are content, is left alone.
 */

import { walk } from './estree.mjs';

/** @typedef {import('./estree.mjs').Node} Node */

/**
 * @param {string} text the static text between a template's expressions
 * @param {'html' | 'svg' | 'css'} kind
 */
export function trimTemplateText(text, kind) {
  if (kind === 'css') return trimCss(text);
  return text.replace(/[ \t]*\n\s*/g, lines).replace(/[ \t]+/g, ' ');
}

/** Only the line breaks of `s`. @param {string} s */
const lines = (s) => '\n'.repeat(s.split('\n').length - 1);

/**
 * CSS: comments go, and the whitespace between rules and declarations as for HTML; but the whitespace inside a
 * declaration's value stays as written, line breaks and indentation too. Chromium keeps the text of a value with
 * `var()` in it (and of a custom property) as it was written, so trimming it would change the `cssText` the page reads
 * (test/e2e/bundle.test.js compares them rule for rule).
 * @param {string} text
 */
function trimCss(text) {
  const bare = text.replace(/\/\*[^]*?\*\//g, lines);
  let out = '';
  let inValue = false;
  for (const { 0: part, index } of bare.matchAll(/\s+|[^\s:;{}]+|[:;{}]/g)) {
    if (/^\s/.test(part)) {
      const next = bare[index + part.length];
      out += inValue && next !== ';' && next !== '}' && next !== undefined ? part : lines(part) || ' ';
      continue;
    }
    // A colon starts a value when the next of `{ ; }` after it ends a declaration (not `:host {`, `(x: y) {`).
    if (part === ':' && !inValue) inValue = /^[^{;}]*(?:[;}]|$)/.test(bare.slice(index + 1));
    else if (part === ';' || part === '{' || part === '}') inValue = false;
    out += part;
  }
  return out.replace(/ ?([{};>]) ?/g, '$1');
}

const TAGS = new Set(['html', 'svg', 'css']);

/**
 * @param {RegExp} include the modules whose templates to trim (ours, not Lit's own)
 * @returns {import('rollup').Plugin}
 */
export function trimTemplates(include) {
  return {
    name: 'trim-templates',
    transform(code, id) {
      if (!include.test(id) || !/\b(html|svg|css) ?`/.test(code)) return null;
      /** @type {[number, number, string][]} */
      const edits = [];
      walk(this.parse(code), (node) => {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier' || !TAGS.has(node.tag.name))
          return;
        const quasis = /** @type {Node[]} */ (node.quasi.quasis);
        if (quasis.some((q) => /<(pre|textarea)\b/i.test(code.slice(q.start, q.end)))) return;
        for (const q of quasis)
          edits.push([q.start, q.end, trimTemplateText(code.slice(q.start, q.end), node.tag.name)]);
      });
      if (!edits.length) return null;
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0]))
        out = out.slice(0, start) + text + out.slice(end);
      // Lines stay where they were: the source map of lib/ still holds, to the line.
      return { code: out, map: null };
    },
  };
}
