// Editor and framework data made from custom-elements.json at build, so they cannot drift from the elements' JSDoc:
// dist/vscode.html-custom-data.json (VS Code's html.customData), dist/web-types.json (JetBrains IDEs) and
// dist/jsx-react.d.ts (the elements as React 19 JSX intrinsic elements, with typed props and onrtc-… events).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** Every element in the manifest, with the module it is defined in. */
const elements = manifest.modules.flatMap((/** @type {any} */ mod) =>
  (mod.declarations ?? [])
    .filter((/** @type {any} */ d) => d.customElement)
    .map((/** @type {any} */ d) => ({ ...d, path: mod.path })),
);

/** Read-only attributes (reflected state) are for CSS to read, not for markup to set. */
const settable = (/** @type {any} */ a) => !/Read-only/.test(a.description ?? '');

/** `'light' | 'dark' | undefined` → ['light', 'dark']. */
const literals = (/** @type {string | undefined} */ type) => [...(type ?? '').matchAll(/'([^']*)'/g)].map((m) => m[1]);

const vscode = {
  version: 1.1,
  tags: elements.map((el) => ({
    name: el.tagName,
    description: [el.summary, el.description].filter(Boolean).join('\n\n'),
    attributes: (el.attributes ?? []).filter(settable).map((/** @type {any} */ a) => ({
      name: a.name,
      description: a.description ?? '',
      ...(a.type?.text === 'boolean'
        ? { valueSet: 'v' }
        : literals(a.type?.text).length
          ? { values: literals(a.type?.text).map((name) => ({ name })) }
          : {}),
    })),
  })),
};

const webTypes = {
  $schema: 'https://raw.githubusercontent.com/JetBrains/web-types/master/schema/web-types.json',
  name: pkg.name,
  version: pkg.version,
  'description-markup': 'markdown',
  'js-types-syntax': 'typescript',
  contributions: {
    html: {
      elements: elements.map((el) => ({
        name: el.tagName,
        description: [el.summary, el.description].filter(Boolean).join('\n\n'),
        source: { module: `./${el.path}`, symbol: el.name },
        attributes: (el.attributes ?? []).filter(settable).map((/** @type {any} */ a) => ({
          name: a.name,
          description: a.description ?? '',
          value: a.type?.text === 'boolean' ? { kind: 'no-value' } : { type: a.type?.text ?? 'string' },
        })),
        slots: (el.slots ?? []).map((/** @type {any} */ s) => ({ name: s.name, description: s.description ?? '' })),
        js: {
          events: (el.events ?? []).map((/** @type {any} */ e) => ({
            name: e.name,
            description: e.description ?? '',
            type: e.type?.text,
          })),
        },
        css: {
          parts: (el.cssParts ?? []).map((/** @type {any} */ p) => ({
            name: p.name,
            description: p.description ?? '',
          })),
          properties: (el.cssProperties ?? []).map((/** @type {any} */ p) => ({
            name: p.name,
            description: p.description ?? '',
          })),
        },
      })),
    },
  },
};

/** Public properties with no attribute (objects, such as \`strings\`): React 19 sets them as properties. */
const properties = (/** @type {any} */ el) => {
  const attributes = new Set((el.attributes ?? []).map((/** @type {any} */ a) => a.fieldName));
  return (el.members ?? []).filter(
    (/** @type {any} */ m) =>
      m.kind === 'field' &&
      !m.static &&
      !m.readonly &&
      !m.privacy &&
      !m.name.startsWith('#') &&
      !attributes.has(m.name),
  );
};
const camel = (/** @type {string} */ name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const quote = (/** @type {string} */ name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);
const react = `// Made by scripts/element-data.mjs from custom-elements.json: do not edit.
// The elements as React 19 JSX: import type {} from 'rtc-call/jsx-react' once in the project.
import type { HTMLAttributes, RefAttributes } from 'react';
${elements.map((el) => `import type { ${el.name} } from '../${el.path}';`).join('\n')}

${elements
  .map(
    (el) => `/** \`<${el.tagName}>\` in JSX: its attributes (typed as its properties) and \`onrtc-…\` events. */
export type ${el.name}JsxProps = HTMLAttributes<${el.name}> &
  RefAttributes<${el.name}> & {
${[
  ...(el.attributes ?? [])
    .filter(settable)
    .map((/** @type {any} */ a) => `    ${quote(a.name)}?: ${el.name}['${a.fieldName ?? camel(a.name)}'];`),
  ...properties(el).map((/** @type {any} */ f) => `    ${f.name}?: ${el.name}['${f.name}'];`),
  ...(el.events ?? []).map(
    (/** @type {any} */ e) => `    'on${e.name}'?: (event: HTMLElementEventMap['${e.name}']) => void;`,
  ),
].join('\n')}
  };`,
  )
  .join('\n\n')}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
${elements.map((el) => `      '${el.tagName}': ${el.name}JsxProps;`).join('\n')}
    }
  }
}
`;

mkdirSync('dist', { recursive: true });
writeFileSync('dist/vscode.html-custom-data.json', JSON.stringify(vscode, null, 2) + '\n');
writeFileSync('dist/web-types.json', JSON.stringify(webTypes, null, 2) + '\n');
writeFileSync('dist/jsx-react.d.ts', react);
