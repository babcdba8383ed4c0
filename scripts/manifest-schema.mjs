// custom-elements.json against the Custom Elements Manifest schema (the `custom-elements-manifest` package, the
// analyzer's own dependency): what editors, Storybook and scripts/element-data.mjs read must follow it.
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const read = (/** @type {string} */ file) => JSON.parse(readFileSync(require.resolve(file), 'utf8'));
const schema = read('custom-elements-manifest/schema.json');
/** The schema's version: a manifest written for another one is not checked against this one. */
export const SCHEMA_VERSION = read('custom-elements-manifest/package.json').version;

const definition = (/** @type {string} */ name) => ({ type: 'array', items: { $ref: `cem#/definitions/${name}` } });
/**
 * What a custom element adds to a class: the `CustomElement` interface of the package's schema.d.ts, made of the
 * schema's own definitions. schema.json 1.0.0 lost it (its CustomElementDeclaration is a bare ClassDeclaration:
 * webcomponents/custom-elements-manifest#100), so without this an element's attributes, events, slots, parts and
 * custom properties would go unchecked.
 */
const customElement = {
  type: 'object',
  properties: {
    customElement: { const: true },
    tagName: { type: 'string' },
    attributes: definition('Attribute'),
    events: definition('Event'),
    slots: definition('Slot'),
    cssParts: definition('CssPart'),
    cssProperties: definition('CssCustomProperty'),
    demos: definition('Demo'),
  },
};

/** The kinds each list of the schema may hold (declarations: class, function, mixin, variable; members; exports). */
const KINDS = new Map();
for (const def of Object.values(schema.definitions))
  for (const [list, spec] of Object.entries(def.properties ?? {}))
    for (const { $ref } of spec.items?.anyOf ?? []) {
      const kinds = schema.definitions[String($ref).split('/').pop() ?? '']?.properties?.kind?.enum ?? [];
      KINDS.set(list, [...new Set([...(KINDS.get(list) ?? []), ...kinds])]);
    }

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(schema, 'cem');
const validate = ajv.compile({
  allOf: [
    { $ref: 'cem' },
    {
      type: 'object',
      properties: {
        modules: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              declarations: {
                type: 'array',
                items: {
                  if: { type: 'object', properties: { customElement: true }, required: ['customElement'] },
                  then: customElement,
                },
              },
            },
          },
        },
      },
    },
  ],
});

/** The keys of a JSON pointer. */
const keys = (/** @type {string} */ pointer) =>
  pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));

/** What `pointer` (a JSON pointer) reaches in `data`. */
const valueAt = (/** @type {any} */ data, /** @type {string} */ pointer) =>
  keys(pointer).reduce((node, key) => node?.[key], data);

/**
 * Where `pointer` is in `manifest`, readably: `modules[3] lib/x.js > declarations[0] X > events[1] x-y > type`.
 * @param {any} manifest
 * @param {string} pointer
 */
function where(manifest, pointer) {
  /** @type {string[]} */
  const steps = [];
  let node = manifest;
  for (const key of keys(pointer)) {
    node = node?.[key];
    if (!/^\d+$/.test(key) || steps.length === 0) steps.push(key);
    else {
      const label = node?.path ?? node?.name;
      steps[steps.length - 1] += `[${key}]${typeof label === 'string' ? ` ${label}` : ''}`;
    }
  }
  return steps.join(' > ') || 'the manifest';
}

/**
 * The ways `manifest` does not follow the schema, one line each (where, and what is wrong), none when it does.
 * @param {unknown} manifest
 * @returns {string[]}
 */
export function manifestProblems(manifest) {
  const version = /** @type {any} */ (manifest)?.schemaVersion;
  if (version !== SCHEMA_VERSION)
    return [`schemaVersion is ${JSON.stringify(version)}; the installed schema is ${SCHEMA_VERSION}`];
  if (validate(manifest)) return [];
  // That no kind of declaration (member, export) matched (anyOf) is said by the errors of each kind.
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if');
  const lines = errors.map((e) => {
    const at = where(manifest, e.instancePath);
    if (e.keyword !== 'enum') return `${at}: ${e.message}`;
    // Each kind a declaration (member, export) is not says its kind is wrong: nothing worth saying when it is one
    // of the kinds the list holds (the errors of its own kind say what is wrong), one line when it is none.
    const list = keys(e.instancePath).at(-3) ?? '';
    const kind = valueAt(manifest, e.instancePath);
    const allowed = e.instancePath.endsWith('/kind') && KINDS.get(list);
    if (!allowed) return `${at}: ${e.message}: ${e.params.allowedValues.join(', ')}`;
    return allowed.includes(kind) ? '' : `${at}: is ${JSON.stringify(kind)}, not one of ${allowed.join(', ')}`;
  });
  const problems = [...new Set(lines)].filter(Boolean);
  return problems.length ? problems : [`does not follow the schema: ${ajv.errorsText(validate.errors)}`];
}
