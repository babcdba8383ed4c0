// @ts-check
/**
 * Runs in the page before its scripts: counts RTCPeerConnections not yet closed (and hands them out), and tracks still
 * live.
 */
export function countResources() {
  const Native = window.RTCPeerConnection;
  /** @type {Set<RTCPeerConnection>} */
  const open = new Set();
  /** Tracks that were ever seen, weakly: a track nobody holds any more is not a leak. @type {Set<WeakRef<MediaStreamTrack>>} */
  const tracks = new Set();
  const seen = (/** @type {MediaStreamTrack} */ t) => tracks.add(new WeakRef(t));
  class Counted extends Native {
    /** @param {any[]} args */
    constructor(...args) {
      super(.../** @type {[RTCConfiguration]} */ (args));
      open.add(this);
      this.addEventListener('track', (e) => seen(/** @type {RTCTrackEvent} */ (e).track));
      this.addEventListener('signalingstatechange', () => this.signalingState === 'closed' && open.delete(this));
    }
    close() {
      open.delete(this);
      super.close();
    }
  }
  window.RTCPeerConnection = Counted;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const stream = await gum(c);
    stream.getTracks().forEach(seen);
    return stream;
  };
  /** @type {any} */ (window).rtcResources = () => {
    let live = 0;
    for (const ref of tracks) {
      const t = ref.deref();
      if (!t) tracks.delete(ref);
      else if (t.readyState === 'live') live++;
    }
    return { peerConnections: open.size, liveTracks: live };
  };
  /** The RTCPeerConnections not yet closed, for a test to act on one as the browser lets any script. */
  /** @type {any} */ (window).rtcPeerConnections = () => [...open];
}
