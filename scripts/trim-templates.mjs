// @ts-check
/**
 * A rollup plugin for the script-tag bundle: the static text of our Lit templates (`html`, `svg` and `css` tagged
 * templates in lib/) loses its indentation and CSS comments. Terser keeps template text as written, and the elements'
 * styles and markup are indented for people: about 2.5 KB of the bundle, 0.2 KB gzipped.
 *
 * What may change is only what HTML and CSS ignore. In HTML a run of spaces becomes one, the indentation after a
 * line break goes (the line break stays), and so do the quotes of an attribute's value of letters, digits and dashes. In CSS the comments and line breaks go, the spaces around `{ } ; > ,`,
 * the space after a declaration's colon (never part of the value), a block's last `;` and the quotes of an
 * attribute selector's value that is an identifier; a value itself is left as
 * written (Chromium keeps the text of one with `var()` in it, or of a custom property, as it was). A CSS template's
 * line breaks are put after it, as the script's own white space, which terser drops: the lines of the module do not
 * move, so the source map, which assumes they did not, stays right line by line. A template with `<pre` or
 * `<textarea` in it, where spaces are content, is left alone.
 */

import { walk } from './estree.mjs';

/** @typedef {import('./estree.mjs').Node} Node */

/**
 * @param {string} text the static text between a template's expressions
 * @param {'html' | 'svg' | 'css'} kind
 */
export function trimTemplateText(text, kind) {
  if (kind === 'css') return trimCss(text);
  // An attribute's value of letters, digits and dashes needs no quotes, but before `/>` (the `/` would join it).
  return text
    .replace(/[ \t]*\n\s*/g, lines)
    .replace(/[ \t]+/g, ' ')
    .replace(/(\s[\w-]+)="([\w-]+)"(?=[\s>])/g, '$1=$2');
}

/** Only the line breaks of `s`. @param {string} s */
const lines = (s) => '\n'.repeat(s.split('\n').length - 1);

/**
 * CSS: comments and the whitespace between rules and declarations go (a single space stays where it separates two
 * words of a selector), but the whitespace inside a declaration's value stays as written, line breaks and indentation
 * too. Chromium keeps the text of a value with `var()` in it (and of a custom property) as it was written, so trimming
 * it would change the `cssText` the page reads (test/e2e/bundle.test.js compares them rule for rule).
 * @param {string} text
 */
function trimCss(text) {
  const bare = text.replace(/\/\*[^]*?\*\//g, ' ');
  let out = '';
  let inValue = false;
  /** Whitespace outside values, held until the next token says whether it separates anything. */
  let space = false;
  /** Right after a declaration's colon: the spaces before its value go. */
  let plainColon = false;
  for (const { 0: part, index } of bare.matchAll(/\s+|[^\s:;{}]+|[:;{}]/g)) {
    if (/^\s/.test(part)) {
      const next = bare[index + part.length];
      if (inValue && !plainColon && next !== ';' && next !== '}' && next !== undefined) out += part;
      else if (!inValue) space = true;
      continue;
    }
    plainColon = false;
    // A space stays only between two words of a selector or an at-rule's prelude, not next to `{ } ; > , :`-less punctuation.
    if (space && !/[{};>,]$/.test(out) && !/^[{};>,]/.test(part)) out += ' ';
    // The last declaration of a block needs no `;`.
    if (part === '}' && out.endsWith(';')) out = out.slice(0, -1);
    space = false;
    // A colon starts a value when the next of `{ ; }` after it ends a declaration (not `:host {`, `(x: y) {`).
    if (part === ':' && !inValue) {
      const value = /^[^{;}]*(?:[;}]|$)/.exec(bare.slice(index + 1));
      inValue = !!value;
      // The white space before a value is never part of it (CSS Syntax: "consume a declaration"), var() or not.
      plainColon = !!value;
    } else if (part === ';' || part === '{' || part === '}') inValue = false;
    // In a selector, an attribute's value that is a CSS identifier needs no quotes: [part~='base'] is [part~=base].
    out += inValue ? part : part.replace(/\[([\w-]+[~|^$*]?=)(['"])(-?[a-zA-Z_][\w-]*)\2\]/g, '[$1$3]');
  }
  return space && !/[{};>,]$/.test(out) ? `${out} ` : out;
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
        for (const q of quasis) {
          const raw = code.slice(q.start, q.end);
          const text = trimTemplateText(raw, node.tag.name);
          // The line breaks a CSS template lost go after it (after the `${` or the closing backquote that ends it).
          const lost = raw.split('\n').length - text.split('\n').length;
          const end = q.end + (q.tail ? 1 : 2);
          if (lost) edits.push([q.start, end, text + code.slice(q.end, end) + '\n'.repeat(lost)]);
          else edits.push([q.start, q.end, text]);
        }
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
