// @ts-check
/**
 * What PeerJS has that the widget never runs, left out of vendor/peerjs.js: its media and data connections (the
 * widget makes its own RTCPeerConnection per pair, src/engine/peer-link.ts) and the BinaryPack serializer only they
 * use. PeerJS's `Peer` itself stays whole: the widget keeps it as its connection to the broker.
 *
 * scripts/vendor-peerjs.mjs makes each connection class of PeerJS extend `LeftOutConnection` with an empty body, and
 * puts this module in `peerjs-js-binarypack`'s place. Reaching any of it (`peer.connect()`, `peer.call()`, an OFFER
 * from a stock PeerJS client, `util.pack`) throws this error instead of quietly doing nothing.
 */

const MESSAGE =
  "rtc-call: PeerJS's media and data connections are not in rtc-call's copy of PeerJS (the widget makes its own " +
  'RTCPeerConnection); use the peerjs package for them.';

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
