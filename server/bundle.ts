/**
 * Serves the built widget (`dist/rtc-call.js` and its source map, and the chunks it loads when needed): compressed
 * once per build (brotli, gzip), with an ETag so a returning visitor's browser revalidates instead of downloading it
 * again. A chunk's name carries its content's hash, so a chunk is cached for good.
 */
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants } from 'node:zlib';
import type { RequestHandler } from 'express';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export type Built = { mtimeMs: number; etag: string; raw: Buffer; br: Buffer; gzip: Buffer };

/** `rtc-call-<name>-<hash>.js` and its map (rollup.config.mjs): nothing else, and never a path. */
const CHUNK_NAME = /^rtc-call-[\w-]+\.js(\.map)?$/;
const FOREVER = 'public, max-age=31536000, immutable';

/**
 * @param type the Content-Type
 */
export function serveBuilt(
  file: string,
  type: string,
  cacheControl: string = 'public, max-age=300, must-revalidate',
): RequestHandler {
  let built: Promise<Built> | undefined;
  let builtMtime = -1;

  const load = async (mtimeMs: number) => {
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

    let b: Built;
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
    res.setHeader('Cache-Control', cacheControl);
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

/**
 * The chunks next to rtc-call.js in `dir`, at `/<name>`: only names of the built chunks' shape, only files that are
 * there now (so a request for anything else, or a chunk of an earlier build, falls through to a 404).
 */
export function serveChunks(dir: string): RequestHandler {
  /** One handler (and compressed copy) per chunk that has existed: a few per build, not one per request. */

  const served: Map<string, RequestHandler> = new Map();
  return async (req, res, next) => {
    const name = req.path.slice(1);
    if (!CHUNK_NAME.test(name)) return next();
    try {
      if (!(await stat(`${dir}/${name}`)).isFile()) return next();
    } catch {
      served.delete(name);
      return next();
    }
    let handler = served.get(name);
    if (!handler) {
      const type = name.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8';
      handler = serveBuilt(`${dir}/${name}`, type, FOREVER);
      served.set(name, handler);
    }
    return handler(req, res, next);
  };
}
