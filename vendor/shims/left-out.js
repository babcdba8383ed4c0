// @ts-check
/**
 * What PeerJS has that the widget never runs, left out of vendor/peerjs.js: its media and data connections (the
 * widget makes its own RTCPeerConnection per pair, src/engine/peer-link.ts), the BinaryPack serializer and helpers
 * only they use, and its HTTP API (an id from the server, the peer list: the widget names its own seat). PeerJS's
 * `Peer` stays as its connection to the broker.
 *
 * scripts/vendor-peerjs.mjs makes each connection class of PeerJS extend `LeftOutConnection` with an empty body, the
 * other members a call to `leftOut()` (scripts/peerjs-left-out.mjs), and puts this module in
 * `peerjs-js-binarypack`'s and `webrtc-adapter`'s place. Reaching any of it (`peer.connect()`, `peer.call()`, an OFFER from a stock PeerJS
 * client, `util.pack`, a `Peer` without an id) throws this error instead of quietly doing nothing.
 */

// Short: it is in rtc-call.js, for a developer who reaches for PeerJS's own connections.
const MESSAGE =
  "rtc-call: PeerJS's connections and HTTP API are not in rtc-call's copy of PeerJS; use the peerjs package.";

/** @returns {never} */
export function leftOut() {
  throw new Error(MESSAGE);
}

export class LeftOutConnection {
  constructor() {
    throw new Error(MESSAGE);
  }
}

/** @returns {never} */
export function pack() {
  throw new Error(MESSAGE);
}

/** @returns {never} */
export function unpack() {
  throw new Error(MESSAGE);
}

/**
 * webrtc-adapter's place: PeerJS read only its `browserDetails`, for its `util`, which no longer has them
 * (scripts/peerjs-slim.mjs keeps only what `Peer` reads of `util`), so nothing reads this.
 */
export default {
  /** @returns {never} */
  get browserDetails() {
    throw new Error(MESSAGE);
  },
};
