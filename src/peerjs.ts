/**
 * PeerJS as the widget imports it: from vendor/peerjs.js, peerjs's ES build with its CommonJS imports bundled in
 * (see scripts/vendor-peerjs.mjs), so the package imports in Node and loads unbundled in a browser.
 */
export { Peer } from '../vendor/peerjs.js';
export type { DataConnection, MediaConnection, PeerOptions } from 'peerjs';
