/**
 * Headers for the demo pages (`GET /` and the files beside it): a Content-Security-Policy that allows only what the
 * demo needs, no MIME sniffing, no Referer sent onwards, and no framing by other sites (clickjacking). The widget
 * bundle itself (`/rtc-call.js`) is served elsewhere, without them, since other sites load it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
export const DEMO_CSP = [
  "default-src 'none'",
  // The widget and the demo's own script, both files from here: no inline script runs.
  "script-src 'self'",
  // The widget sets a few style attributes (its grid's column count), which CSP counts as inline styles.
  "style-src 'self' 'unsafe-inline'",
  // The favicon is a data: URL; camera and remote video are MediaStreams (srcObject), blob: for anything else.
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  // /rtc/join, /rtc/ice and the broker websocket, on this origin ('self' covers ws: and wss: to it).
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function demoHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void) {
  res.setHeader('Content-Security-Policy', DEMO_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
}
