/** The longest display name, in characters, as the server's (server/rooms.ts `cleanName`): longer ones are cut. */
export const MAX_NAME_LENGTH = 40;

/**
 * A display name as it is shown and sent, cleaned as the server cleans the names it hands out: text only (views
 * render it as text, never as markup), without control or format characters or surrounding spaces, at most
 * MAX_NAME_LENGTH characters. Anything not a string is no name (''). A peer's name comes through here too: it reaches
 * us over our connection, not through the server.
 */
export function cleanName(name: unknown): string {
  if (typeof name !== 'string') return '';
  // Control characters are exactly what this removes.
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu, '');
  return [...printable.trim()].slice(0, MAX_NAME_LENGTH).join('').trim();
}
