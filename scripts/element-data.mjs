// Editor and framework data made from custom-elements.json at build, so they cannot drift from the elements' JSDoc:
// dist/vscode.html-custom-data.json (VS Code's html.customData), dist/web-types.json (JetBrains IDEs),
// dist/jsx-react.d.ts (the elements as React 19 JSX intrinsic elements, with typed props and onrtc-… events),
// dist/vue.d.ts (Vue's GlobalComponents, for template type-checking) and dist/svelte.d.ts (svelte/elements).
// The .d.ts files name the elements' own types (a property's type, an event's in HTMLElementEventMap): none is
// written out here.
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
      (!m.privacy || m.privacy === 'public') &&
      !m.name.startsWith('#') &&
      !attributes.has(m.name),
  );
};
const camel = (/** @type {string} */ name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const quote = (/** @type {string} */ name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);
/** What a markup attribute of `el` is typed as: the property behind it. */
const attributeType = (/** @type {any} */ el, /** @type {any} */ a) => `${el.name}['${a.fieldName ?? camel(a.name)}']`;
/** The type of `el`'s event `name`, as the elements declare it in HTMLElementEventMap. */
const eventType = (/** @type {string} */ name) => `HTMLElementEventMap['${name}']`;
const imports = elements.map((el) => `import type { ${el.name} } from '../${el.path}';`).join('\n');

/**
 * The settable attributes (by their markup names) and the properties that have no attribute, typed: what React 19
 * and Svelte 5 put on a custom element (each sets a property when the element has one, else an attribute).
 */
const markupProps = (/** @type {any} */ el) => [
  ...(el.attributes ?? [])
    .filter(settable)
    .map((/** @type {any} */ a) => `${quote(a.name)}?: ${attributeType(el, a)};`),
  ...properties(el).map((/** @type {any} */ f) => `${f.name}?: ${el.name}['${f.name}'];`),
];
const indent = (/** @type {string[]} */ lines, /** @type {string} */ by) => lines.map((l) => by + l).join('\n');

const react = `// Made by scripts/element-data.mjs from custom-elements.json: do not edit.
// The elements as React 19 JSX: import type {} from 'rtc-call/jsx-react' once in the project.
import type { HTMLAttributes, RefAttributes } from 'react';
${imports}

${elements
  .map(
    (el) => `/** \`<${el.tagName}>\` in JSX: its attributes (typed as its properties) and \`onrtc-…\` events. */
export type ${el.name}JsxProps = HTMLAttributes<${el.name}> &
  RefAttributes<${el.name}> & {
${indent(
  [
    ...markupProps(el),
    ...(el.events ?? []).map((/** @type {any} */ e) => `'on${e.name}'?: (event: ${eventType(e.name)}) => void;`),
  ],
  '    ',
)}
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

/** `rtc-joined` → `onRtcJoined`: the prop Vue compiles `@rtc-joined` to (and listens to `rtc-joined` for). */
const vueListener = (/** @type {string} */ event) => `on${camel(event).replace(/^./, (c) => c.toUpperCase())}`;
const vue = `// Made by scripts/element-data.mjs from custom-elements.json: do not edit.
// The elements for Vue's template type-checking (vue-tsc, Vue - Official): import type {} from 'rtc-call/vue' once in
// the project (in env.d.ts, say). Vue still has to be told that rtc-… tags are custom elements, not Vue components:
// compilerOptions.isCustomElement (see the README).
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
${imports}

/**
 * A custom element as Vue's docs type one for templates ("Web Components and TypeScript"): the element, with the
 * \`$props\` and \`$emit\` that Vue's type-checker reads its props and events from.
 */
export type DefineCustomElement<Element extends HTMLElement, Props, Events> = new () => Element & {
  /** @deprecated For template type-checking only: the element has no \`$props\`. */
  $props: HTMLAttributes & PublicProps & Props;
  /** @deprecated For template type-checking only: the element has no \`$emit\`. */
  $emit: EmitFn<Events>;
};

${elements
  .map(
    (
      el,
    ) => `/** \`<${el.tagName}>\`'s props in a Vue template: its properties (Vue sets them as properties) and \`@rtc-…\` events. */
export type ${el.name}VueProps = {
${indent(
  [
    ...(el.attributes ?? [])
      .filter(settable)
      .map((/** @type {any} */ a) => `${a.fieldName ?? camel(a.name)}?: ${attributeType(el, a)};`),
    ...properties(el).map((/** @type {any} */ f) => `${f.name}?: ${el.name}['${f.name}'];`),
    ...(el.events ?? []).map(
      (/** @type {any} */ e) => `${vueListener(e.name)}?: (event: ${eventType(e.name)}) => void;`,
    ),
  ],
  '  ',
)}
};
/** \`<${el.tagName}>\`'s events, for \`$emit\`. */
export type ${el.name}VueEvents = {
${indent(
  (el.events ?? []).map((/** @type {any} */ e) => `'${e.name}': (event: ${eventType(e.name)}) => void;`),
  '  ',
)}
};`,
  )
  .join('\n\n')}

declare module 'vue' {
  interface GlobalComponents {
${elements
  .map((el) => `    '${el.tagName}': DefineCustomElement<${el.name}, ${el.name}VueProps, ${el.name}VueEvents>;`)
  .join('\n')}
  }
}
`;

const svelte = `// Made by scripts/element-data.mjs from custom-elements.json: do not edit.
// The elements in Svelte markup (svelte-check, the Svelte extension): import type {} from 'rtc-call/svelte' once in the
// project. Events both ways: onrtc-joined={…} (Svelte 5) and on:rtc-joined={…} (Svelte 4).
import type { HTMLAttributes } from 'svelte/elements';
${imports}

/** An event handler as Svelte types them: the event, with the element as its \`currentTarget\`. */
type Handler<E extends Event, T extends EventTarget> = (event: E & { currentTarget: EventTarget & T }) => unknown;

${elements
  .map(
    (
      el,
    ) => `/** \`<${el.tagName}>\` in Svelte markup: its attributes (typed as its properties), properties and events. */
export type ${el.name}SvelteAttributes = HTMLAttributes<${el.name}> & {
${indent(
  [
    ...markupProps(el),
    ...(el.events ?? []).flatMap((/** @type {any} */ e) =>
      ['on', 'on:'].map((on) => `'${on}${e.name}'?: Handler<${eventType(e.name)}, ${el.name}> | null | undefined;`),
    ),
  ],
  '  ',
)}
};`,
  )
  .join('\n\n')}

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
${elements.map((el) => `    '${el.tagName}': ${el.name}SvelteAttributes;`).join('\n')}
  }
}
`;

mkdirSync('dist', { recursive: true });
writeFileSync('dist/vscode.html-custom-data.json', JSON.stringify(vscode, null, 2) + '\n');
writeFileSync('dist/web-types.json', JSON.stringify(webTypes, null, 2) + '\n');
writeFileSync('dist/jsx-react.d.ts', react);
writeFileSync('dist/vue.d.ts', vue);
writeFileSync('dist/svelte.d.ts', svelte);
