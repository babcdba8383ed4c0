// @ts-check
/** What the build scripts that rewrite code read of an ESTree syntax tree (rollup's `this.parse` gives one). */

/** @typedef {{ type: string, start: number, end: number, [key: string]: any }} Node */

/**
 * Calls `visit` with every node under `node`, parents before their children.
 * @param {unknown} node
 * @param {(n: Node) => void} visit
 */
export function walk(node, visit) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  const n = /** @type {Node} */ (node);
  if (typeof n.type === 'string') visit(n);
  for (const key of Object.keys(n)) if (key !== 'type' && typeof n[key] === 'object') walk(n[key], visit);
}
