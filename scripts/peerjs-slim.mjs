// @ts-check
/**
 * Rewrites peerjs's ES build (peerjs/dist/bundler.mjs, after scripts/peerjs-left-out.mjs) so that its `Peer` keeps
 * doing what it does with less around it: what `Peer` reads of PeerJS's helpers is put where it reads it, and the
 * helpers themselves (written for the connections that are left out, or for every browser PeerJS supports) are
 * then unused, and go. Each rewrite finds what it changes by shape, and stops the build, saying so, when PeerJS has
 * changed so that the shape is not there or something else reads what it takes away.
 *
 * - `inlineEnums`: `PeerErrorType.Network` becomes `"network"` (parcel's enum objects, and the `$parcel$export`
 *   getters that kept them, go).
 * - `silenceLogger`: PeerJS's logger prints nothing unless a `Peer` is made with `debug` above 0, and the widget always
 *   passes 0 (src/engine/broker-client.ts), so its calls and their messages go.
 * - `inlineUtil`: `util`, a class instance with PeerJS's browser detection (the only reader of webrtc-adapter) and its
 *   data connections' helpers, becomes an object with only the members `Peer` reads, each PeerJS's own; `supports`
 *   is whether there is an RTCPeerConnection (the probe connection was already left out, see peerjs-left-out.mjs).
 * - `replaceEmitter`: eventemitter3, which parcel bundled into PeerJS, gives way to vendor/shims/event-emitter.js.
 */

import { walk } from './estree.mjs';

/** @typedef {import('./estree.mjs').Node} Node */
/** @typedef {(code: string) => Node} Parse */

/** @param {string} what */
function changed(what) {
  return new Error(`scripts/peerjs-slim.mjs: ${what}: peerjs has changed, look again at what to slim.`);
}

/**
 * @param {string} code
 * @param {[number, number, string][]} edits non-overlapping [start, end, replacement]
 */
function applyEdits(code, edits) {
  let out = code;
  for (const [start, end, text] of [...edits].sort((a, b) => b[0] - a[0]))
    out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/**
 * The identifier an expression names, as parcel writes references: `x` or `(0, x)`.
 * @param {Node | null | undefined} node
 * @returns {string | undefined}
 */
function named(node) {
  if (!node) return undefined;
  if (node.type === 'SequenceExpression' && node.expressions.length === 2) return named(node.expressions[1]);
  return node.type === 'Identifier' ? node.name : undefined;
}

/**
 * `x.key` (or `(0, x).key`) for an `x` in `names`: its name and key.
 * @param {Node} n
 * @param {Set<string> | Map<string, unknown>} names
 * @returns {{ name: string, key: string } | undefined}
 */
function memberOf(n, names) {
  if (n.type !== 'MemberExpression' || n.computed || n.property.type !== 'Identifier') return undefined;
  const name = named(n.object);
  return name && names.has(name) ? { name, key: n.property.name } : undefined;
}

/**
 * Every identifier that refers to `name` (not a property key or a member name), with the declaration's own. The
 * module's `export { … }` list is not counted: only `Peer` is imported from it, so the rest is not kept for it.
 * @param {Node} ast
 * @param {string} name
 */
function references(ast, name) {
  /** @type {Node[]} */
  const found = [];
  /** @type {Set<Node>} */
  const notRefs = new Set();
  walk(ast, (n) => {
    if (n.type === 'ExportSpecifier') notRefs.add(n.local);
    if (n.type === 'MemberExpression' && !n.computed) notRefs.add(n.property);
    if ((n.type === 'Property' || n.type === 'MethodDefinition' || n.type === 'PropertyDefinition') && !n.computed)
      notRefs.add(n.key);
    if (n.type === 'Identifier' && n.name === name && !notRefs.has(n)) found.push(n);
  });
  return found;
}

/** The top-level `const|var|let name = init` declarators. @param {Node} ast */
function topLevelDeclarators(ast) {
  return ast.body
    .filter((/** @type {Node} */ s) => s.type === 'VariableDeclaration')
    .flatMap((/** @type {Node} */ s) => s.declarations);
}

/**
 * Parcel's TypeScript enums, `var E = function(Name) { Name["Key"] = "value"; …; return Name; }({})`: every
 * `E.Key` becomes its string, and the `$parcel$export(exports, "Name", () => E)` getters (which kept every enum
 * alive for an `exports` object nobody reads) go. An `E.Key` that is not in E, or an E used some other way, stops it.
 * @param {string} code
 * @param {Parse} parse
 * @returns {{ code: string, enums: string[] }} the new code, and the enums' names as PeerJS wrote them
 */
export function inlineEnums(code, parse) {
  const ast = parse(code);
  /** @type {Map<string, { name: string, values: Record<string, string> }>} */
  const enums = new Map();
  for (const d of topLevelDeclarators(ast)) {
    const fn = d.init?.type === 'CallExpression' ? d.init.callee : undefined;
    if (fn?.type !== 'FunctionExpression' || fn.params.length !== 1 || d.init.arguments[0]?.type !== 'ObjectExpression')
      continue;
    const param = fn.params[0].name;
    const body = fn.body.body;
    const last = body.at(-1);
    if (last?.type !== 'ReturnStatement' || last.argument?.name !== param) continue;
    /** @type {Record<string, string>} */
    const values = {};
    const plain = body.slice(0, -1).every((/** @type {Node} */ s) => {
      const a = s.type === 'ExpressionStatement' ? s.expression : undefined;
      const ok =
        a?.type === 'AssignmentExpression' &&
        a.operator === '=' &&
        a.left.type === 'MemberExpression' &&
        a.left.object.name === param &&
        a.left.property.type === 'Literal' &&
        a.right.type === 'Literal' &&
        typeof a.right.value === 'string';
      if (ok) values[a.left.property.value] = a.right.value;
      return ok;
    });
    // Other shapes (PeerJS's numeric LogLevel, with its reverse mapping) are not read by Peer; tree-shaking drops them.
    if (plain) enums.set(d.id.name, { name: param, values });
  }
  for (const want of ['PeerErrorType', 'SocketEventType', 'ServerMessageType'])
    if (![...enums.values()].some((e) => e.name === want)) throw changed(`no enum ${want} of the shape expected`);
  /** @type {[number, number, string][]} */
  const edits = [];
  /** @type {Set<Node>} */
  const inlined = new Set();
  walk(ast, (n) => {
    const m = memberOf(n, enums);
    if (!m) return;
    const e = /** @type {{ name: string, values: Record<string, string> }} */ (enums.get(m.name));
    if (!Object.hasOwn(e.values, m.key)) throw changed(`${e.name}.${m.key} is not in the enum`);
    edits.push([n.start, n.end, JSON.stringify(e.values[m.key])]);
    walk(n.object, (i) => inlined.add(i));
  });
  // The getters of parcel's `exports` object for the enums' module; that object is read nowhere else.
  walk(ast.body, (n) => {
    if (n.type !== 'ExpressionStatement' || n.expression.type !== 'CallExpression') return;
    if (named(n.expression.callee) !== '$parcel$export') return;
    const [target, , getter] = n.expression.arguments;
    const getterOf = named(getter?.body);
    if (!getterOf || !enums.has(getterOf)) return;
    if (references(ast, target.name).length !== 1 + countExportsOf(ast, target.name))
      throw changed(`${target.name} is read elsewhere`);
    edits.push([n.start, n.end, '']);
    walk(getter, (i) => inlined.add(i));
  });
  for (const name of enums.keys()) {
    const left = references(ast, name).filter((r) => !inlined.has(r));
    if (left.length !== 1) throw changed(`${enums.get(name)?.name} is used other than as Enum.Key`);
  }
  return { code: applyEdits(code, edits), enums: [...enums.values()].map((e) => e.name) };
}

/** How many `$parcel$export(target, …)` statements there are. @param {Node} ast @param {string} target */
function countExportsOf(ast, target) {
  let count = 0;
  walk(ast, (n) => {
    if (n.type === 'CallExpression' && named(n.callee) === '$parcel$export' && n.arguments[0]?.name === target) count++;
  });
  return count;
}

/**
 * Whether evaluating `n` can do anything but read: literals, names, `this`, member reads, templates and logic of them.
 * @param {Node} n
 * @returns {boolean}
 */
function onlyReads(n) {
  switch (n.type) {
    case 'Literal':
    case 'Identifier':
    case 'ThisExpression':
      return true;
    case 'MemberExpression':
      return onlyReads(n.object) && (!n.computed || onlyReads(n.property));
    case 'TemplateLiteral':
      return n.expressions.every(onlyReads);
    case 'LogicalExpression':
    case 'BinaryExpression':
      return onlyReads(n.left) && onlyReads(n.right);
    case 'SequenceExpression':
      return n.expressions.every(onlyReads);
    default:
      return false;
  }
}

const LOG_CALLS = new Set(['log', 'warn', 'error', 'setLogFunction']);

/**
 * PeerJS's logger, `var logger = new Logger()` (the class with log, warn, error, setLogFunction and _print): each
 * `logger.log(…)`, `.warn(…)`, `.error(…)` and `.setLogFunction(…)` call and the `logger.logLevel = …` of the Peer's
 * constructor become `void 0`, so the logger and its messages go. Arguments that could do anything but read, or any
 * other use of the logger, stop it.
 * @param {string} code
 * @param {Parse} parse
 * @returns {{ code: string, calls: number }} the new code, and how many uses of the logger went
 */
export function silenceLogger(code, parse) {
  const ast = parse(code);
  const classes = new Map(
    ast.body
      .filter((/** @type {Node} */ s) => s.type === 'ClassDeclaration')
      .map((/** @type {Node} */ c) => [c.id.name, c]),
  );
  const isLogger = (/** @type {Node | undefined} */ c) => {
    const methods = new Set(c?.body.body.map((/** @type {Node} */ m) => m.key?.name));
    return [...LOG_CALLS, '_print'].every((m) => methods.has(m));
  };
  const loggers = topLevelDeclarators(ast).filter(
    (/** @type {Node} */ d) => d.init?.type === 'NewExpression' && isLogger(classes.get(named(d.init.callee))),
  );
  if (loggers.length !== 1) throw changed(`expected one logger (new Logger()), found ${loggers.length}`);
  const logger = new Set([loggers[0].id.name]);
  /** @type {[number, number, string][]} */
  const edits = [];
  /** @type {Set<Node>} */
  const silenced = new Set();
  walk(ast, (n) => {
    /** @type {Node | undefined} */
    let member;
    if (n.type === 'CallExpression' && memberOf(n.callee, logger)) {
      member = n.callee;
      if (!LOG_CALLS.has(memberOf(member, logger)?.key ?? '')) return;
      if (!n.arguments.every(onlyReads)) throw changed('a logger call does more than read its arguments');
    } else if (n.type === 'AssignmentExpression' && memberOf(n.left, logger)?.key === 'logLevel') {
      member = n.left;
      if (!onlyReads(n.right)) throw changed('the log level assigned does more than read');
    } else return;
    edits.push([n.start, n.end, 'void 0']);
    walk(member, (i) => silenced.add(i));
  });
  const left = references(ast, loggers[0].id.name).filter((r) => !silenced.has(r));
  if (left.length !== 1) throw changed('the logger is used other than by log, warn, error, setLogFunction, logLevel');
  return { code: applyEdits(code, edits), calls: edits.length };
}

/**
 * PeerJS's `util`, `const util = new Util()` (the class whose constructor sets `CLOUD_HOST`), becomes an object with
 * only the members read of it, each taken from the class: a value its constructor assigns (which must not use
 * `this`), or a method (which must not use `this`). `supports` is `{ audioVideo, data }`, both whether there is an
 * RTCPeerConnection, as they were with the probe left out. A member read that the class does not define so stops it.
 * @param {string} code
 * @param {Parse} parse
 * @returns {{ code: string, members: string[] }} the new code, and the members kept
 */
export function inlineUtil(code, parse) {
  const ast = parse(code);
  const classes = ast.body.filter((/** @type {Node} */ s) => s.type === 'ClassDeclaration');
  const assigned = (/** @type {Node} */ c) => {
    /** @type {Map<string, Node>} */
    const values = new Map();
    const ctor = c.body.body.find((/** @type {Node} */ m) => m.kind === 'constructor');
    walk(ctor, (n) => {
      if (
        n.type === 'AssignmentExpression' &&
        n.left.type === 'MemberExpression' &&
        n.left.object.type === 'ThisExpression'
      )
        values.set(n.left.property.name, n.right);
    });
    return values;
  };
  const utilClasses = classes.filter((/** @type {Node} */ c) => {
    const host = assigned(c).get('CLOUD_HOST');
    return host?.type === 'Literal' && host.value === '0.peerjs.com';
  });
  const decl = topLevelDeclarators(ast).filter(
    (/** @type {Node} */ d) =>
      d.init?.type === 'NewExpression' &&
      utilClasses.some((/** @type {Node} */ c) => c.id.name === named(d.init.callee)),
  );
  if (utilClasses.length !== 1 || decl.length !== 1)
    throw changed("expected one util (new Util(), CLOUD_HOST '0.peerjs.com')");
  const util = decl[0].id.name;
  const values = assigned(utilClasses[0]);
  const methods = new Map(
    utilClasses[0].body.body
      .filter((/** @type {Node} */ m) => m.type === 'MethodDefinition' && m.kind === 'method')
      .map((/** @type {Node} */ m) => [m.key.name, m]),
  );
  const usesThis = (/** @type {Node} */ n) => {
    let found = false;
    walk(n, (i) => (found ||= i.type === 'ThisExpression'));
    return found;
  };
  /** @type {Set<Node>} */
  const read = new Set();
  /** @type {Set<string>} */
  const members = new Set();
  walk(ast, (n) => {
    const m = memberOf(n, new Set([util]));
    if (!m) return;
    members.add(m.key);
    walk(n.object, (i) => read.add(i));
  });
  const left = references(ast, util).filter((r) => !read.has(r));
  if (left.length !== 1) throw changed('util is used other than as util.member');
  /** @type {string[]} */
  const props = [];
  for (const key of [...members].sort()) {
    const value = values.get(key);
    const method = methods.get(key);
    if (key === 'supports') {
      if (!value) throw changed('util.supports is not set in its constructor');
      props.push('supports: { audioVideo: webRTC, data: webRTC }');
    } else if (value && !usesThis(value)) props.push(`${key}: (${code.slice(value.start, value.end)})`);
    else if (method && !value && !usesThis(method.value)) props.push(code.slice(method.start, method.end));
    else throw changed(`util.${key} is not a value or method of util that does not use this`);
  }
  if (!members.has('supports')) throw changed('Peer no longer reads util.supports');
  const init = decl[0].init;
  const replacement =
    '/* rtc-call: only what Peer reads of util (scripts/peerjs-slim.mjs). */ (() => {\n' +
    'const webRTC = typeof RTCPeerConnection !== "undefined";\n' +
    `return { ${props.join(',\n')} };\n})()`;
  return { code: applyEdits(code, [[init.start, init.end, replacement]]), members: [...members].sort() };
}

/** eventemitter3's methods that vendor/shims/event-emitter.js leaves out (nothing in `Peer` calls them). */
const NOT_IN_SHIM = new Set([
  'once',
  'off',
  'addListener',
  'removeListener',
  'listeners',
  'listenerCount',
  'eventNames',
]);

/**
 * eventemitter3, which parcel bundled in (`var x$exports = {}` … `x$exports = EventEmitter`), gives way to `emitter`,
 * a module whose `EventEmitter` does what PeerJS asks of one: every `extends (0, x$exports.EventEmitter)` extends it,
 * and eventemitter3's statements go. A class that extends it some other way, another reader of it, or a call of one of
 * eventemitter3's methods that the shim does not have (`once`, `off`, …), stops it.
 * @param {string} code
 * @param {Parse} parse
 * @param {string} emitter the module that exports `EventEmitter`
 * @returns {{ code: string, classes: string[] }} the new code, and the classes that now extend the shim's
 */
export function replaceEmitter(code, parse, emitter) {
  const ast = parse(code);
  /** @type {Set<string>} */
  const sources = new Set();
  /** @type {Node[]} */
  const subclasses = [];
  walk(ast, (n) => {
    if (n.type !== 'ClassDeclaration' && n.type !== 'ClassExpression') return;
    // parcel writes `extends (0, x$exports.EventEmitter)`
    let base = n.superClass;
    if (base?.type === 'SequenceExpression' && base.expressions.length === 2) base = base.expressions[1];
    if (
      base?.type === 'MemberExpression' &&
      !base.computed &&
      base.property.name === 'EventEmitter' &&
      named(base.object)
    ) {
      sources.add(/** @type {string} */ (named(base.object)));
      subclasses.push(n);
    }
  });
  if (sources.size !== 1 || subclasses.length < 2)
    throw changed(`expected classes that extend one module's EventEmitter, found ${[...sources].join(', ') || 'none'}`);
  const [exports] = sources;
  // Its statements: from `var exports = {}` to `exports = EventEmitter`, all at the top level.
  const body = ast.body;
  const first = body.findIndex(
    (/** @type {Node} */ s) =>
      s.type === 'VariableDeclaration' && s.declarations.some((/** @type {Node} */ d) => d.id.name === exports),
  );
  const last = body.findIndex(
    (/** @type {Node} */ s) =>
      s.type === 'ExpressionStatement' &&
      s.expression.type === 'AssignmentExpression' &&
      s.expression.left.name === exports,
  );
  const text = first < 0 || last < first ? '' : code.slice(body[first].start, body[last].end);
  if (!text.includes('.prototype.emit = function emit(') || !text.includes('.prototype.removeAllListeners ='))
    throw changed(`${exports} is not eventemitter3 as it was`);
  const refs = references(ast, exports).filter((r) => r.start < body[first].start || r.end > body[last].end);
  if (refs.length !== subclasses.length) throw changed(`${exports} is read other than as a base class`);
  // The shim has only on, emit and removeAllListeners: a call of another of eventemitter3's methods stops it.
  walk(ast, (n) => {
    if (n.start >= body[first].start && n.end <= body[last].end) return;
    const name = n.type === 'CallExpression' && n.callee.type === 'MemberExpression' ? n.callee.property.name : '';
    if (NOT_IN_SHIM.has(name))
      throw changed(`PeerJS calls ${name}(), which vendor/shims/event-emitter.js does not have`);
  });
  /** @type {[number, number, string][]} */
  const edits = subclasses.map((c) => [c.superClass.start, c.superClass.end, 'EventEmitter']);
  edits.push([body[first].start, body[last].end, '']);
  return {
    code: `import { EventEmitter } from ${JSON.stringify(emitter)};\n${applyEdits(code, edits)}`,
    classes: subclasses.map((c) => c.id?.name ?? '(anonymous)'),
  };
}
