// vendor/peerjs.js is peerjs's own ES build, bundled with its imports (scripts/vendor-peerjs.mjs): the same `Peer`.
export { Peer } from 'peerjs';
