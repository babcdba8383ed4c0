import { RtcError } from './errors.js';
import type { Logger } from './logger.js';
import type { FeatureMessage } from './types.js';

/**
 * Screen sharing: our screen as tracks of their own on each peer's one RTCPeerConnection (a transceiver beside the
 * camera's and microphone's; the connection renegotiates by itself, over the control channel once it is open), and
 * the others' screens told apart from their cameras by the `screen` message, which names the transceivers (mids) that
 * carry it. A chunk of its own: loaded with the first share, ours or someone else's.
 */

/** "My screen is on these transceivers of our connection" (video, and audio when the browser offered it); [] when none. */
export type ScreenMessage = { v: 1; t: 'screen'; mids: string[] };

export function isScreenMessage(m: FeatureMessage): m is ScreenMessage {
  const mids = m.mids;
  return (
    m.t === 'screen' &&
    Array.isArray(mids) &&
    mids.length <= 2 &&
    mids.every((mid) => typeof mid === 'string' && /^[\w-]{1,16}$/.test(mid))
  );
}

/** What a share needs of the mesh: its peers' connections and control channels (a fake in unit tests). */
export interface ScreenShareMesh {
  /** The participants we have a connection to. */
  ids(): string[];
  peerConnection(id: string): RTCPeerConnection | undefined;
  /** Sends a control message to participant `id` (false when their channel is not open). */
  send(id: string, message: ScreenMessage): boolean;
}

/** Someone's screen (`id`; undefined is ours) started, changed or stopped (null). */
export type ScreenChanged = (id: string | undefined, screen: MediaStream | null) => void;

type DisplayMedia = (options: DisplayMediaStreamOptions) => Promise<MediaStream>;

export class ScreenShare {
  /** Our screen while we share it. */
  stream: MediaStream | null = null;
  /** Our screen's transceivers on each connection: kept after a share stops, and used again by the next one. */
  readonly #ours = new WeakMap<RTCPeerConnection, RTCRtpTransceiver[]>();
  /** What each connection was last told, so a connection is told once per change. */
  readonly #told = new WeakMap<RTCPeerConnection, string>();
  /** The mids each participant says carry their screen, and the stream we show for them. */
  readonly #theirs = new Map<string, string[]>();
  readonly #shown = new Map<string, MediaStream>();
  #starting?: Promise<void>;
  #closed = false;

  constructor(
    private readonly mesh: ScreenShareMesh,
    private readonly changed: ScreenChanged,
    private readonly log?: Logger,
    /** getDisplayMedia (the browser's by default, looked up when sharing starts); null: the browser has none. */
    private readonly displayMedia?: DisplayMedia | null,
  ) {}

  /** Asks the visitor for a screen, window or tab, and shares it with everyone. */
  start(): Promise<void> {
    if (this.stream) return Promise.resolve();
    return (this.#starting ??= this.#start().finally(() => (this.#starting = undefined)));
  }

  async #start(): Promise<void> {
    const devices = globalThis.navigator?.mediaDevices;
    const displayMedia = this.displayMedia === undefined ? devices?.getDisplayMedia?.bind(devices) : this.displayMedia;
    if (!displayMedia) throw new RtcError('media-unsupported', 'This browser cannot share a screen.');
    let stream: MediaStream;
    try {
      // Audio only where the browser offers it (a tab's sound in Chromium); a screen alone is still a share.
      stream = await displayMedia({ video: true, audio: true });
    } catch (err) {
      this.log?.debug('getDisplayMedia failed', err);
      throw new RtcError('screen-denied', 'No screen was shared: the picker was cancelled or sharing is not allowed.');
    }
    const video = stream.getVideoTracks()[0];
    if (this.#closed || !video) {
      stream.getTracks().forEach((t) => t.stop());
      if (this.#closed) return;
      throw new RtcError('screen-denied', 'The browser gave no screen to share.');
    }
    // Text and lines stay sharp: keep the resolution and let the frame rate give way.
    video.contentHint = 'detail';
    // The browser's own "Stop sharing" ends the track: stopped for everyone, as by our button.
    video.addEventListener('ended', () => this.stream === stream && this.stop());
    this.stream = stream;
    this.changed(undefined, stream);
    for (const id of this.mesh.ids()) this.attach(id);
  }

  /** Stops sharing: the tracks end, and every connection stops sending them (the others' screen tile goes). */
  stop(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    stream.getTracks().forEach((t) => t.stop());
    for (const id of this.mesh.ids()) {
      const pc = this.mesh.peerConnection(id);
      if (!pc || pc.signalingState === 'closed') continue;
      for (const t of this.#ours.get(pc) ?? []) {
        void t.sender.replaceTrack(null).catch((err) => this.log?.debug('screen replaceTrack failed', err));
        t.direction = 'inactive';
      }
      this.#tell(id, pc);
    }
    this.changed(undefined, null);
  }

  /**
   * Puts our screen on participant `id`'s connection (once its control channel is open: a newcomer, a connection
   * made again), on the transceivers of an earlier share when there are any; the connection renegotiates.
   */
  attach(id: string): void {
    const pc = this.mesh.peerConnection(id);
    const stream = this.stream;
    if (!stream || !pc || pc.signalingState === 'closed') return;
    const ours = this.#ours.get(pc) ?? [];
    for (const track of stream.getTracks()) {
      const reuse = ours.find((t) => t.receiver.track.kind === track.kind);
      if (reuse) {
        if (reuse.sender.track !== track)
          void reuse.sender.replaceTrack(track).catch((err) => this.log?.debug('screen replaceTrack failed', err));
        reuse.direction = 'sendonly';
        reuse.sender.setStreams?.(stream);
      } else ours.push(pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }));
    }
    this.#ours.set(pc, ours);
    this.#tell(id, pc);
  }

  /** Tells `id` which transceivers carry our screen, as soon as they all have a mid (after their negotiation). */
  #tell(id: string, pc: RTCPeerConnection): void {
    const tell = (): boolean => {
      if (pc.signalingState === 'closed' || this.mesh.peerConnection(id) !== pc) return true;
      const kinds = new Set(this.stream?.getTracks().map((t) => t.kind) ?? []);
      const sending = (this.#ours.get(pc) ?? []).filter((t) => kinds.has(t.receiver.track.kind));
      if (sending.some((t) => !t.mid)) return false;
      const message: ScreenMessage = { v: 1, t: 'screen', mids: sending.map((t) => t.mid!) };
      const text = JSON.stringify(message);
      if (this.#told.get(pc) !== text && this.mesh.send(id, message)) this.#told.set(pc, text);
      return true;
    };
    if (tell()) return;
    const again = () => tell() && pc.removeEventListener('signalingstatechange', again);
    pc.addEventListener('signalingstatechange', again);
  }

  /** Participant `id` says which transceivers carry their screen. */
  receive(id: string, message: FeatureMessage): void {
    if (!isScreenMessage(message)) return void this.log?.debug('screen message dropped', id);
    this.#theirs.set(id, message.mids);
    this.track(id);
  }

  /**
   * A track that is not a camera or microphone arrived from `id` (or their message did): their screen, once every
   * transceiver they named is here.
   */
  track(id: string): void {
    const mids = this.#theirs.get(id) ?? [];
    const pc = this.mesh.peerConnection(id);
    const transceivers = pc?.getTransceivers() ?? [];
    const tracks = mids.map((mid) => transceivers.find((t) => t.mid === mid)?.receiver.track);
    // Not negotiated yet: the track's arrival looks again.
    if (tracks.some((t) => !t)) return;
    const shown = this.#shown.get(id);
    const live = tracks as MediaStreamTrack[];
    if (!live.some((t) => t.kind === 'video')) {
      if (!shown) return;
      this.#shown.delete(id);
      return this.changed(id, null);
    }
    const same = shown && shown.getTracks().length === live.length && live.every((t) => shown.getTracks().includes(t));
    if (same) return;
    const screen = new MediaStream(live);
    this.#shown.set(id, screen);
    this.changed(id, screen);
  }

  /** `id`'s connection was made anew (or closed): what they said of the old one no longer holds. */
  forget(id: string): void {
    this.#theirs.delete(id);
    if (this.#shown.delete(id)) this.changed(id, null);
  }

  /** Leaving: our share ends; a screen still being chosen is stopped when it comes. */
  close(): void {
    this.#closed = true;
    this.stop();
    this.#theirs.clear();
    this.#shown.clear();
  }
}
