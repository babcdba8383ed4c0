// @ts-check
/**
 * Serves the built widget (`dist/rtc-call.js` and its source map): compressed once per build (brotli, gzip), with an
 * ETag so a returning visitor's browser revalidates instead of downloading it again.
 */
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * @typedef {{mtimeMs: number, etag: string, raw: Buffer, br: Buffer, gzip: Buffer}} Built
 */

/**
 * @param {string} file
 * @param {string} type the Content-Type
 * @returns {import('express').RequestHandler}
 */
export function serveBuilt(file, type) {
  /** @type {Promise<Built> | undefined} */
  let built;
  let builtMtime = -1;

  /** @param {number} mtimeMs */
  const load = async (mtimeMs) => {
    const raw = await readFile(file);
    const [br, gzipped] = await Promise.all([
      brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      gz(raw, { level: 9 }),
    ]);
    const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    return { mtimeMs, etag, raw, br, gzip: gzipped };
  };

  return async (req, res) => {
    let mtimeMs;
    try {
      mtimeMs = (await stat(file)).mtimeMs;
    } catch {
      res
        .status(503)
        .type('text/plain')
        .send(`${file.split('/').pop()} is not built: run \`npm run build\`.\n`);
      return;
    }
    // Rebuilt since the last request (a developer's `npm run build`): compress again.
    if (!built || mtimeMs !== builtMtime) {
      builtMtime = mtimeMs;
      built = load(mtimeMs);
      built.catch(() => (built = undefined));
    }
    /** @type {Built} */
    let b;
    try {
      b = await built;
    } catch {
      // A file that stats but cannot be read (permissions, a directory, removed mid-build). Express 4 does not catch
      // a rejected handler: left alone, this would be an unhandled rejection that ends the process.
      res
        .status(503)
        .type('text/plain')
        .send(`${file.split('/').pop()} cannot be read: run \`npm run build\`.\n`);
      return;
    }
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
    res.setHeader('ETag', b.etag);
    res.setHeader('Vary', 'Accept-Encoding, Origin');
    if (req.headers['if-none-match'] === b.etag) return void res.status(304).end();
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const [body, encoding] = /\bbr\b/.test(accepts)
      ? [b.br, 'br']
      : /\bgzip\b/.test(accepts)
        ? [b.gzip, 'gzip']
        : [b.raw, undefined];
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
