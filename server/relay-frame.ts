/**
 * The bytes a relayed frame leaves with. A frame that holds exactly the fields the guard checked goes on as the
 * sender's own text with the sender's id appended (no second serialisation of a multi-kilobyte SDP); anything else
 * is rebuilt from the checked fields. Either way the receiver sees the `src` the server stamped: a frame whose fields
 * are not exactly the checked ones (a `src` of its own, also spelt `"\u0073rc"`, a field given twice that parses to
 * one, anything extra) is always rebuilt, and the stamp comes last, where a JSON reader that keeps the last of a
 * repeated name would still read ours.
 */

/**
 * Whether `sent` (as parsed) holds the same fields as `checked` and nothing more, with the same plain values, at
 * every level of `checked`.
 */
export function holdsExactly(sent: Record<string, unknown>, checked: Record<string, unknown>): boolean {
  const keys = Object.keys(checked);
  if (Object.keys(sent).length !== keys.length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(sent, k)) return false;
    const a = sent[k];
    const b = checked[k];
    if (b && typeof b === 'object') {
      if (!a || typeof a !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
      if (!holdsExactly(a as Record<string, unknown>, b as Record<string, unknown>)) return false;
    } else if (a !== b) return false;
  }
  return true;
}

/**
 * The frame to relay: `text` with `"src":"<src>"` appended when `exact` (it parses to exactly the checked fields),
 * else `rebuilt` with `src` stamped, serialised.
 * @param text the frame as the sender sent it (it parsed as a JSON object)
 * @param src the sender's id (PEER_ID: nothing in it needs escaping)
 */
export function stampedFrame(
  text: string,
  exact: boolean,
  src: string,
  rebuilt: { type: string; dst: string; payload: unknown },
): string {
  if (exact) {
    // Only JSON whitespace may follow the object's closing brace.
    const end = text.lastIndexOf('}');
    return `${text.slice(0, end)},"src":"${src}"}`;
  }
  return JSON.stringify({ type: rebuilt.type, src, dst: rebuilt.dst, payload: rebuilt.payload });
}
