/**
 * Random tokens (seat ids and secrets), base64url or hex. Every seat takes two; asking the system for each costs a call
 * into the kernel's random source, so bytes are drawn a block at a time and each byte is handed out once.
 */
import { randomFillSync } from 'node:crypto';

const BLOCK = 4096;
let block = Buffer.alloc(0);
let used = 0;

/**
 * @param bytes random bytes in the token (at most a block)
 * @param encoding hex for seat ids: PeerJS refuses an id that starts or ends with `-` or `_`,
 *   or has two in a row
 */
export function randomToken(bytes: number, encoding: 'base64url' | 'hex' = 'base64url'): string {
  if (!(bytes > 0 && bytes <= BLOCK)) throw new RangeError(`a token has 1 to ${BLOCK} bytes`);
  if (used + bytes > block.length) {
    block = randomFillSync(Buffer.allocUnsafe(BLOCK));
    used = 0;
  }
  const token = block.toString(encoding, used, used + bytes);
  // Zeroed once handed out: what the block still holds is only bytes nobody has been given.
  block.fill(0, used, used + bytes);
  used += bytes;
  return token;
}
