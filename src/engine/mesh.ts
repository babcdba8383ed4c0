import type { Logger } from './logger.js';
import { Emitter } from './emitter.js';
import type { LocalMedia } from './local-media.js';
import { MAX_QUEUED_DATA, PeerLink, fingerprint, type SignalPayload } from './peer-link.js';
import { Timers } from './timers.js';
import {
  isControlMessage,
  isFeatureMessage,
  type ControlMessage,
  type FeatureMessage,
  type StateMessage,
} from './types.js';
import { DEFAULT_VIEW, captureFps, captureHeight, encodingFor } from './video-fit.js';
import { LEVEL_ENCODING, SAMPLE_MS, type LinkLevel } from './link-level.js';
import type { LinkQuality } from './link-quality.js';
import type * as Codecs from './codecs.js';

type CodecsChunk = Pick<typeof Codecs, 'hardwareCodec' | 'orderCodecs' | 'firstCodec'>;

/** The step-down decision, loaded with the first sample: a call whose links never get sampled never fetches it. */
let linkQuality: Promise<typeof import('./link-quality.js')> | undefined;
const loadLinkQuality = () => (linkQuality ??= import('./link-quality.js'));

export interface MeshEvents {
  /** A peer's media arrived (or a track of it changed): `id` is the participant, not the seat. */
  stream: { id: string; stream: MediaStream };
  /** A peer told us its state on the control channel. */
  control: { id: string; message: StateMessage };
  /** A peer's control channel opened (again, after a new connection): a feature may catch them up. */
  open: { id: string };
  /** A peer sent a feature's control message (checked for its shape only: the feature checks the rest). */
  message: { id: string; message: FeatureMessage };
  /** What a peer sends us on our connection, for its quality, changed (their side of link-quality.ts). */
  link: { id: string; level: LinkLevel };
  /** A peer's connection state changed. */
  connection: { id: string; state: 'connecting' | 'connected' | 'reconnecting' };
  /** A peer told us it is on the server under a new seat. */
  reseated: { id: string; seat: string; previous: string };
  /** A peer sent a page message on its data channel (unchecked: the call checks it). */
  data: { id: string; raw: unknown };
  /** The connection to a peer is gone; `seat` is the one it last had. */
  closed: { id: string; seat: string };
  /** A peer opened a data channel of its own on our connection (a file transfer's): the feature takes it or closes it. */
  channel: { id: string; channel: RTCDataChannel };
  /** A peer's track arrived on a transceiver that is not their camera's or microphone's (a screen, say). */
  track: { id: string; transceiver: RTCRtpTransceiver };
}

/** What the mesh needs from the call: a way to the broker, and the ICE configuration of the current seat. */
export interface MeshSignaller {
  /** Sends our signalling for seat `dst` through the broker (RTC-SIGNAL); false when the broker is away. */
  signal(dst: string, payload: SignalPayload): boolean;
  /** The configuration for a new connection (ICE servers with the current TURN credentials, transport policy). */
  configuration(): RTCConfiguration;
  /** Fresh ICE servers for an ICE restart; undefined to keep the current ones. */
  refreshIce(): Promise<RTCIceServer[] | undefined>;
  log?: Logger;
}

interface Entry {
  /** The participant: the seat id they had when we met. */
  key: string;
  /** Their seat now: where signalling through the broker goes. */
  seat: string;
  /** Seats they had before: the server's news about those is old news. */
  retired: Set<string>;
  link: PeerLink;
  /** Their camera and microphone, as one stream for the tile. */
  remote: MediaStream;
  /** When we last heard from them (ms): a control message, or bytes arriving on the connection. */
  heardAt: number;
  /** Bytes received on the connection at the last reading, and when that was (ms). */
  bytes: number;
  bytesAt: number;
  connected: boolean;
  /** Gives up on a connection that is never made (lost signalling): the caller then tries again. */
  giveUp?: ReturnType<typeof setTimeout>;
  offLink: (() => void)[];
  /** How tall they show our video (device pixels; 0: not shown), once they have said. */
  view?: number;
  /** The encoding change under way. */
  fitting?: Promise<void>;
  /** How much video this connection carries (stepping down when it collapses; made with the first sample), and
   * when it was last sampled. */
  quality?: LinkQuality;
  sampledAt: number;
  /** What they say they send us. */
  theirLevel: LinkLevel;
  /** The video codec they do in hardware, as they said (codecs.ts). */
  theirCodec?: string;
  /** The codec is to be checked both ways once the connection is stable (it was asked mid-negotiation). */
  codecCheck?: boolean;
}

/** A connection that is not made this long after it began is given up (and the caller tries again). */
export const CONNECT_TIMEOUT_MS = 20000;
/** Peers ping each other this often on the control channel… */
export const PING_MS = 1000;
/**
 * …and a peer we hear nothing from for this long is gone. Shorter silences are a network that is changing or cut
 * for a while (a phone moving from Wi-Fi to mobile data): the connection is kept, shown as reconnecting, and healed
 * by ICE restart.
 */
export const SILENT_MS = 30000;
/** A peer heard from this recently is alive: the server saying its seat ended does not end the call with it. */
export const ALIVE_MS = 4000;
/** How long a new seat's announcement waits for the others to acknowledge it. */
export const ANNOUNCE_TIMEOUT_MS = 2000;
const MAX_RETIRED = 8;

/**
 * Glare rule: of any two members, the one with the smaller id calls. Both sides can tell without talking, so they
 * never call each other at once; the caller is the impolite side of perfect negotiation.
 */
export function shouldCall(selfId: string, otherId: string): boolean {
  return selfId < otherId;
}

/** Everything a connection has received: RTP, RTCP, data and ICE consent checks alike. */
async function bytesReceived(pc: RTCPeerConnection): Promise<number> {
  let transport = 0;
  let pairs = 0;
  (await pc.getStats()).forEach((r: { type: string; bytesReceived?: number }) => {
    if (r.type === 'transport') transport += r.bytesReceived ?? 0;
    if (r.type === 'candidate-pair') pairs += r.bytesReceived ?? 0;
  });
  return transport || pairs;
}

/** The camera and microphone transceivers: the first audio and the first video one (later ones: a screen, say). */
function mainTransceivers(pc: RTCPeerConnection): RTCRtpTransceiver[] {
  const main: RTCRtpTransceiver[] = [];
  const seen = new Set<string>();
  for (const t of pc.getTransceivers()) {
    const kind = t.receiver.track.kind;
    if (seen.has(kind) || t.currentDirection === 'stopped') continue;
    seen.add(kind);
    main.push(t);
  }
  return main;
}

/**
 * The mesh: one connection (a PeerLink: one RTCPeerConnection with audio, video and a control channel) to every
 * other participant, kept across changes of seat on either side. It owns the connections; the call decides who
 * should be connected.
 */
export class Mesh extends Emitter<MeshEvents> {
  /** By participant. */
  readonly #entries = new Map<string, Entry>();
  /** Current seat → participant. */
  readonly #bySeat = new Map<string, string>();
  /** The stream our tracks are sent as, so the other side sees camera and microphone as one. */
  readonly #local = new MediaStream();
  readonly #timers = new Timers();
  readonly #pinger = setInterval(() => void this.#ping(), PING_MS);
  /** How tall we show each participant's video (told them whenever it changes, and on every new connection). */
  readonly #views = new Map<string, number>();
  /** Waits for `seat-ack`s, by seat announced. */
  readonly #acks = new Map<string, { waiting: Set<string>; done: () => void }>();

  /**
   * Page messages for participants we have no connection to yet (the server has just said they joined; the offer is
   * on its way), handed to the connection when it is made. At most MAX_QUEUED_DATA each.
   */
  readonly #unsent = new Map<string, string[]>();
  #closed = false;
  /** The video codec this page does in hardware, once probed, and how to put a codec first (codecs.ts). */
  #codec: string | undefined;
  #codecs?: CodecsChunk;
  /** Our own seat, as last announced: told again to a peer whose connection comes back. */
  #ownSeat?: string;

  constructor(
    private readonly signaller: MeshSignaller,
    private readonly media: LocalMedia,
    private readonly state: () => StateMessage,
    /** Whether to fit our video to what the others show (CallOptions.fitVideo); off, it is left as captured. */
    private readonly fit = true,
    /** The codec preference (codecs.ts): a chunk of its own, loaded as the call starts. */
    codecs: Promise<CodecsChunk> = import('./codecs.js'),
  ) {
    super();
    void codecs
      .then(async (chunk) => {
        this.#codecs = chunk;
        const mime = await chunk.hardwareCodec();
        if (this.#closed) return;
        this.#codec = mime;
        // Connections made before this was known: tell them, and put the codec first there too (theirs, if they
        // said theirs meanwhile).
        for (const e of this.#entries.values()) {
          if (mime && e.link.control.readyState === 'open')
            e.link.sendControl({ v: 1, t: 'codec', mime } satisfies ControlMessage);
          this.#preferCodec(e, true);
        }
      })
      .catch((err) => this.signaller.log?.debug('codecs not loaded', err));
  }

  /**
   * Starts the browser's WebRTC machinery before the first connection needs it, in the next task: a page's first
   * RTCPeerConnection pays for starting it (its threads, the network, the codecs), and that should not fall between
   * meeting someone and sending them an offer. A throwaway connection, closed at once (PeerJS does the same as it
   * loads). Skipped when a connection is made first.
   */
  warm(): void {
    this.#timers.after(0, () => {
      // (Closing the mesh cancels this.)
      if (this.#entries.size) return;
      try {
        new RTCPeerConnection({ iceServers: [] }).close();
      } catch {
        // No WebRTC here, or not allowed: the first real connection will say so.
      }
    });
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  ids(): string[] {
    return [...this.#entries.keys()];
  }

  /** The participant on seat `seat` that we have a connection to. */
  keyOf(seat: string): string | undefined {
    return this.#bySeat.get(seat);
  }

  /** The seat participant `id` is on now, by our connection to them. */
  seatOf(id: string): string | undefined {
    return this.#entries.get(id)?.seat;
  }

  /** A seat one of our peers has left behind for a new one: news about it is old news. */
  isRetired(seat: string): boolean {
    for (const e of this.#entries.values()) if (e.retired.has(seat)) return true;
    return false;
  }

  /** Whether participant `id` has been heard from within ALIVE_MS, over a working connection. */
  isAlive(id: string): boolean {
    const e = this.#entries.get(id);
    return !!e && e.connected && Date.now() - e.heardAt < ALIVE_MS;
  }

  /** Calls the member on seat `seat` (the caller side of the glare rule). */
  connect(seat: string): void {
    if (this.#closed) return;
    if (this.#bySeat.has(seat) || this.#entries.has(seat)) return;
    this.#add(seat, seat, false);
  }

  /** Signalling from seat `src`, through the broker. */
  receive(src: string, payload: SignalPayload): void {
    if (this.#closed) return;
    const key = this.#bySeat.get(src);
    const entry = key === undefined ? undefined : this.#entries.get(key);
    const offer = 'description' in payload && payload.description.type === 'offer' ? payload.description : undefined;
    if (entry) {
      // An offer from a new certificate is a new connection from their side (they gave the old one up): take it in
      // place of ours, keeping the participant and tile.
      const known = entry.link.remoteFingerprint;
      if (offer && known && fingerprint(offer.sdp) !== known) this.#replaceLink(entry, true);
      void entry.link.receive(payload);
      return;
    }
    // Someone new calls us: the connection is theirs to start, we answer (the polite side).
    if (!offer || this.isRetired(src)) return;
    this.#add(src, src, true).link.receive(payload);
  }

  /**
   * We show participant `id`'s video `height` device pixels tall (a step of video-fit's `viewStep`; 0: not shown).
   * They are told when it changes, and they send us no more than that.
   */
  setView(id: string, height: number): void {
    if (this.#views.get(id) === height) return;
    this.#views.set(id, height);
    const entry = this.#entries.get(id);
    entry?.link.sendControl({ v: 1, t: 'view', h: height } satisfies ControlMessage);
    // Until they say how they show us, we send them what we show of them (#viewOf).
    if (entry && entry.view === undefined) this.fitVideo();
  }

  /** Tells every peer something. */
  broadcast(message: ControlMessage | FeatureMessage): void {
    for (const e of this.#entries.values()) e.link.sendControl(message);
  }

  /** Tells participant `id` something on their control channel; false when it is not open. */
  send(id: string, message: ControlMessage | FeatureMessage): boolean {
    return this.#entries.get(id)?.link.sendControl(message) ?? false;
  }

  /**
   * Tells every peer we can still reach that we are on the server under seat `seat` now, and waits (at most
   * ANNOUNCE_TIMEOUT_MS) until they have taken note, so that the server's news of the new seat finds them knowing it.
   * Undefined when there is nobody to tell.
   */
  announceSeat(seat: string): Promise<void> | undefined {
    this.#ownSeat = seat;
    const waiting = new Set<string>();
    for (const e of this.#entries.values())
      if (e.link.sendControl({ v: 1, t: 'seat', id: seat } satisfies ControlMessage)) waiting.add(e.key);
    if (!waiting.size) return undefined;
    return new Promise((resolve) => {
      const t = this.#timers.after(ANNOUNCE_TIMEOUT_MS, () => done());
      const done = () => {
        this.#timers.cancel(t);
        this.#acks.delete(seat);
        resolve();
      };
      this.#acks.set(seat, { waiting, done });
    });
  }

  /** Puts the current local tracks on every sender, without renegotiating. */
  syncTracks(): void {
    for (const e of this.#entries.values()) this.#syncTracks(e.link.pc);
  }

  /** Opens one more data channel on the connection to participant `id` (PeerLink.openChannel); undefined without one. */
  openChannel(id: string, label: string): RTCDataChannel | undefined {
    return this.#entries.get(id)?.link.openChannel(label);
  }

  /** The RTCPeerConnection to a participant. */
  peerConnection(id: string): RTCPeerConnection | undefined {
    return this.#entries.get(id)?.link.pc;
  }

  /** Every RTCPeerConnection to a participant (there is one). */
  peerConnections(id: string): RTCPeerConnection[] {
    const pc = this.peerConnection(id);
    return pc ? [pc] : [];
  }

  /**
   * Sends a page message to each of participants `ids` over their connection; to one we have no connection to yet,
   * it waits for the connection (so someone who has just joined gets what is sent to greet them).
   */
  sendData(text: string, ids: readonly string[]): void {
    if (this.#closed) return;
    for (const id of ids) {
      const link = this.#entries.get(id)?.link;
      if (link) {
        if (!link.sendData(text)) this.signaller.log?.debug('page message not sent', id);
        continue;
      }
      const unsent = this.#unsent.get(id) ?? [];
      if (unsent.length < MAX_QUEUED_DATA) this.#unsent.set(id, [...unsent, text]);
      else this.signaller.log?.debug('page message dropped: queue full', id);
    }
  }

  drop(id: string): void {
    this.#unsent.delete(id);
    const e = this.#entries.get(id);
    if (e) this.#drop(e);
  }

  close(): void {
    this.#closed = true;
    this.#unsent.clear();
    clearInterval(this.#pinger);
    for (const e of [...this.#entries.values()]) this.#drop(e);
    for (const { done } of [...this.#acks.values()]) done();
    this.#timers.clear();
  }

  #add(key: string, seat: string, polite: boolean): Entry {
    const entry: Entry = {
      key,
      seat,
      retired: new Set(),
      link: undefined as unknown as PeerLink,
      remote: new MediaStream(),
      heardAt: Date.now(),
      bytes: 0,
      bytesAt: 0,
      connected: false,
      offLink: [],
      sampledAt: 0,
      theirLevel: 'full',
    };
    this.#entries.set(key, entry);
    this.#bySeat.set(seat, key);
    this.#replaceLink(entry, polite);
    for (const text of this.#unsent.get(key) ?? []) entry.link.sendData(text);
    this.#unsent.delete(key);
    return entry;
  }

  /** Makes the entry's connection anew (the first time, or when the other side started a new one). */
  #replaceLink(entry: Entry, polite: boolean): void {
    const old = entry.link as PeerLink | undefined;
    for (const off of entry.offLink.splice(0)) off();
    old?.close();
    const link = new PeerLink({
      polite,
      configuration: this.signaller.configuration(),
      refreshIce: () => this.signaller.refreshIce(),
      onRemoteOffer: (pc) => this.#answerWithOurs(pc, entry),
      log: this.signaller.log,
    });
    entry.link = link;
    entry.connected = false;
    entry.bytes = 0;
    entry.bytesAt = 0;
    entry.heardAt = Date.now();
    entry.remote = new MediaStream();
    // A new connection starts afresh: its own samples, full video until they say otherwise.
    entry.quality = undefined;
    entry.sampledAt = 0;
    this.#theirLevel(entry, 'full');
    this.#giveUpIn(entry, CONNECT_TIMEOUT_MS);
    // After each negotiation, the caller's own offer may predate the codec it now prefers.
    const settled = () => {
      if (link.pc.signalingState !== 'stable' || link.polite) return;
      this.#preferCodec(entry, entry.codecCheck || 'ours');
      entry.codecCheck = false;
    };
    link.pc.addEventListener('signalingstatechange', settled);
    entry.offLink.push(
      link.on('signal', (payload) => this.signaller.signal(entry.seat, payload)),
      link.on('open', () => {
        entry.heardAt = Date.now();
        link.sendControl(this.state());
        if (this.#codec) link.sendControl({ v: 1, t: 'codec', mime: this.#codec } satisfies ControlMessage);
        // Our codec may have come after our first offer: the caller checks what the connection carries now.
        this.#preferCodec(entry, true);
        const h = this.#views.get(entry.key);
        if (h !== undefined) link.sendControl({ v: 1, t: 'view', h } satisfies ControlMessage);
        const level = entry.quality?.level ?? 'full';
        if (level !== 'full') link.sendControl({ v: 1, t: 'link', level } satisfies ControlMessage);
        this.emit('open', { id: entry.key });
      }),
      link.on('message', (m) => this.#message(entry, m)),
      link.on('data', (raw) => {
        entry.heardAt = Date.now();
        this.emit('data', { id: entry.key, raw });
      }),
      link.on('track', ({ track, transceiver }) => this.#track(entry, track, transceiver)),
      link.on('state', (state) => this.#state(entry, state)),
      link.on('closed', () => this.#drop(entry)),
      link.on('channel', (channel) => this.emit('channel', { id: entry.key, channel })),
      () => link.pc.removeEventListener('signalingstatechange', settled),
    );
    if (!polite) {
      // The caller sets up what the connection carries: camera and microphone (tracks put on by #syncTracks, so a
      // later device change or mute is a replaceTrack, never a renegotiation), and the control channel.
      for (const kind of ['audio', 'video'] as const)
        link.pc.addTransceiver(kind, { direction: 'sendrecv', streams: [this.#local] });
      // Its first frames already fitted, to the view we expect, not full size until they say.
      if (this.fit) this.#fitEncodings(entry);
      this.#syncTracks(link.pc);
      this.#preferCodec(entry, false);
      link.offer();
    }
    this.emit('connection', { id: entry.key, state: 'connecting' });
  }

  /** The callee's side of the camera and microphone: it sends on the transceivers the caller's offer made. */
  #answerWithOurs(pc: RTCPeerConnection, entry: Entry): void {
    for (const t of mainTransceivers(pc)) {
      if (t.direction === 'recvonly' || t.direction === 'inactive') t.direction = 'sendrecv';
      t.sender.setStreams?.(this.#local);
    }
    this.#syncTracks(pc);
    if (entry.link.pc === pc) {
      this.#preferCodec(entry, false);
      if (this.fit) this.#fitEncodings(entry);
    }
  }

  /**
   * Puts first, on this connection's video, the codec that either end does in hardware: theirs before ours (the one
   * who said so is the phone or the Mac). The order counts at the next offer or answer; with `renegotiate`, a
   * connection that carries another codec either way is offered again, so both directions change.
   *
   * Only the caller offers again; the polite side tells its codec and waits for that offer. When both offered at once
   * (each just told of the other's codec), perfect negotiation rolled back the polite side's offer, and Chromium then
   * left that side's remote video without its sink: decoded, never shown, for good. `ours`: after each negotiation,
   * the caller offers again only if its own description did not put the codec first (an offer made before it knew).
   */
  #preferCodec(entry: Entry, renegotiate: boolean | 'ours'): void {
    const mime = entry.theirCodec ?? this.#codec;
    const chunk = this.#codecs;
    // Nothing to prefer (no hardware codec either end, the usual case): asked first, as the browser's list of codecs
    // costs a few milliseconds each time, on the way to the first offer.
    if (!mime || !chunk) return;
    const pc = entry.link.pc;
    const video = mainTransceivers(pc).find((t) => t.receiver.track.kind === 'video');
    // (A browser that knows a hardware codec has this.)
    const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs;
    if (!video?.setCodecPreferences || !codecs || pc.signalingState === 'closed') return;
    try {
      video.setCodecPreferences(chunk.orderCodecs(codecs, mime));
    } catch (err) {
      this.signaller.log?.debug('setCodecPreferences failed', err);
      return;
    }
    if (!renegotiate || !pc.remoteDescription || entry.link.polite) return;
    // What the connection carries is read once its negotiation is done (settled, in #replaceLink).
    if (pc.signalingState !== 'stable') return void (entry.codecCheck = true);
    const same = (d: RTCSessionDescription | null) =>
      chunk.firstCodec(d?.sdp, video.mid)?.toLowerCase() === mime.toLowerCase();
    if (!same(pc.localDescription) || (renegotiate === true && !same(pc.remoteDescription))) entry.link.offer();
  }

  #syncTracks(pc: RTCPeerConnection): void {
    if (pc.signalingState === 'closed') return;
    for (const t of mainTransceivers(pc)) {
      const kind = t.receiver.track.kind;
      if (kind !== 'audio' && kind !== 'video') continue;
      const want = this.media.track(kind);
      if (t.sender.track !== want)
        t.sender.replaceTrack(want).catch((err) => this.signaller.log?.debug(`replaceTrack (${kind}) failed`, err));
    }
  }

  /**
   * Fits our video to what the others show of it: the camera at the smallest height that covers the tallest view,
   * and each connection's encoding scaled to its receiver's view (paused when they do not show it).
   */
  fitVideo(): void {
    if (this.#closed || !this.fit) return;
    const views = [...this.#entries.values()].map((e) => this.#viewOf(e));
    // The encodings at once, and again once the camera has what it is asked for (at once when that is nothing new).
    this.#fitEncodings();
    void this.media.setCaptureHeight(captureHeight(views), captureFps(views)).then(() => this.#fitEncodings());
  }

  /** How tall they show our video: what they said, else as tall as we show theirs (one widget, one layout). */
  #viewOf(e: Entry): number {
    return e.view ?? (this.#views.get(e.key) || DEFAULT_VIEW);
  }

  /** Fits the encodings of every connection, or of `only`. */
  #fitEncodings(only?: Entry): void {
    const captured = this.media.track('video')?.getSettings?.().height || this.media.captureHeight;
    // One change at a time per sender: setParameters must see the parameters of the getParameters before it.
    for (const e of only ? [only] : this.#entries.values())
      e.fitting = (e.fitting ?? Promise.resolve()).then(() => this.#fitEncoding(e, captured));
  }

  async #fitEncoding(e: Entry, captured: number): Promise<void> {
    const sender = mainTransceivers(e.link.pc).find((t) => t.receiver.track.kind === 'video')?.sender;
    if (!sender || e.link.pc.signalingState === 'closed') return;
    const params = sender.getParameters();
    // (A transceiver has its encoding from the start; a connection being torn down may not.)
    const enc = params.encodings?.[0];
    if (!enc) return;
    const fit = encodingFor(captured, this.#viewOf(e));
    // The link's level on top of the fit: both must allow video, the smaller picture, the lower bitrate.
    const level = LEVEL_ENCODING[e.quality?.level ?? 'full'];
    const want = {
      active: fit.active && level.active,
      scaleResolutionDownBy: fit.scaleResolutionDownBy * level.scale,
      maxBitrate: Math.min(fit.maxBitrate, level.maxBitrate ?? Infinity),
      // A level's frame rate is below any fit's.
      maxFramerate: level.maxFramerate ?? fit.maxFramerate,
    };
    if (Object.entries(want).every(([k, v]) => enc[k as keyof typeof want] === v)) return;
    // (A member set to undefined is one left out: no frame rate cap.)
    Object.assign(enc, want);
    await sender.setParameters(params).catch(() => {});
  }

  #track(entry: Entry, track: MediaStreamTrack, transceiver: RTCRtpTransceiver): void {
    if (!mainTransceivers(entry.link.pc).includes(transceiver))
      return this.emit('track', { id: entry.key, transceiver });
    if (entry.remote.getTracks().includes(track)) return;
    // A new stream object for every change, so a view sees the change by identity (and sets it on its <video> anew).
    entry.remote = new MediaStream([...entry.remote.getTracks().filter((t) => t.kind !== track.kind), track]);
    this.emit('stream', { id: entry.key, stream: entry.remote });
  }

  #state(entry: Entry, state: 'connecting' | 'connected' | 'reconnecting'): void {
    if (state === 'connected') {
      // Back after a break: a new seat we announced meanwhile may not have got through.
      if (entry.connected && this.#ownSeat) entry.link.sendControl({ v: 1, t: 'seat', id: this.#ownSeat });
      entry.connected = true;
      entry.heardAt = Date.now();
      this.#giveUpIn(entry, undefined);
      this.fitVideo();
    }
    this.emit('connection', { id: entry.key, state });
  }

  #message(entry: Entry, m: unknown): void {
    entry.heardAt = Date.now();
    if (isFeatureMessage(m)) return this.emit('message', { id: entry.key, message: m });
    if (!isControlMessage(m)) return;
    switch (m.t) {
      case 'state':
        this.emit('control', { id: entry.key, message: m });
        break;
      case 'seat':
        this.#reseat(entry, m.id);
        entry.link.sendControl({ v: 1, t: 'seat-ack', id: m.id } satisfies ControlMessage);
        break;
      case 'view':
        if (entry.view === m.h) break;
        entry.view = m.h;
        this.fitVideo();
        break;
      case 'link':
        this.#theirLevel(entry, m.level);
        break;
      case 'codec':
        if (entry.theirCodec === m.mime) break;
        entry.theirCodec = m.mime;
        this.#preferCodec(entry, true);
        break;
      case 'seat-ack': {
        const wait = this.#acks.get(m.id);
        wait?.waiting.delete(entry.key);
        if (wait && !wait.waiting.size) wait.done();
        break;
      }
    }
  }

  /** The other end of this connection is on the server under `seat` now. */
  #reseat(entry: Entry, seat: string): void {
    if (seat === entry.seat) return;
    // A seat we know as someone else's is not theirs to claim.
    const holder = this.#bySeat.get(seat);
    if (holder !== undefined && holder !== entry.key) return;
    const previous = entry.seat;
    this.#bySeat.delete(previous);
    entry.retired.add(previous);
    if (entry.retired.size > MAX_RETIRED) entry.retired.delete(entry.retired.values().next().value!);
    entry.retired.delete(seat);
    entry.seat = seat;
    this.#bySeat.set(seat, entry.key);
    this.emit('reseated', { id: entry.key, seat, previous });
  }

  #theirLevel(entry: Entry, level: LinkLevel): void {
    if (entry.theirLevel === level) return;
    entry.theirLevel = level;
    this.emit('link', { id: entry.key, level });
  }

  /**
   * Samples a connected link's stats (every SAMPLE_MS) and steps its video down or up (link-quality.ts); the other
   * end is told, so its tile can say why video stopped.
   */
  async #sampleLink(e: Entry, now: number): Promise<void> {
    if (!this.fit || !e.connected || now - e.sampledAt < SAMPLE_MS - PING_MS / 2) return;
    // A path that is cut is ICE restart's business (a tile that says "Reconnecting…"), not a weak link.
    if (e.link.pc.connectionState !== 'connected') return;
    e.sampledAt = now;
    const link = e.link;
    const [report, decide] = await Promise.all([
      link.pc.getStats().catch(() => undefined),
      loadLinkQuality().catch((err) => void this.signaller.log?.debug('link quality not loaded', err)),
    ]);
    if (!report || !decide || e.link !== link || this.#entries.get(e.key) !== e) return;
    const quality = (e.quality ??= new decide.LinkQuality());
    const before = quality.level;
    const level = quality.add(decide.linkSample(report, Date.now()));
    if (level === before) return;
    this.signaller.log?.info(`link to ${e.key}: ${before} -> ${level}`);
    link.sendControl({ v: 1, t: 'link', level } satisfies ControlMessage);
    this.#fitEncodings();
  }

  #giveUpIn(entry: Entry, ms: number | undefined): void {
    this.#timers.cancel(entry.giveUp);
    entry.giveUp = ms === undefined ? undefined : this.#timers.after(ms, () => this.#drop(entry));
  }

  /** Closes a participant's connection, if it is still the current one. */
  #drop(entry: Entry): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    if (this.#bySeat.get(entry.seat) === entry.key) this.#bySeat.delete(entry.seat);
    this.#timers.cancel(entry.giveUp);
    for (const off of entry.offLink.splice(0)) off();
    entry.link.close();
    for (const wait of this.#acks.values()) {
      wait.waiting.delete(entry.key);
      if (!wait.waiting.size) wait.done();
    }
    this.emit('closed', { id: entry.key, seat: entry.seat });
    // The one who showed us largest may be gone.
    this.fitVideo();
  }

  /**
   * Pings every peer, and gives up on peers we have heard nothing from for SILENT_MS. Hearing is a control message
   * or bytes arriving on the connection: a page whose script is busy (an alert, a debugger) still sends media and
   * RTCP and is not dropped, and a peer with camera and microphone off still pings.
   */
  async #ping(): Promise<void> {
    const now = Date.now();
    for (const e of [...this.#entries.values()]) {
      e.link.sendControl({ v: 1, t: 'ping' } satisfies ControlMessage);
      void this.#sampleLink(e, now);
      // Stats cost a little: read them only when the channel has been quiet for a while.
      if (now - e.heardAt > 2 * PING_MS && e.link.pc.connectionState !== 'closed') {
        const bytes = await bytesReceived(e.link.pc).catch(() => e.bytes);
        // Bytes count as hearing only when they came after a reading in this same quiet stretch: the first reading
        // is where the count starts (what came before it was heard already, and counting it kept someone who had
        // just left alive for a while).
        const counting = e.bytesAt >= e.heardAt;
        const at = Date.now();
        if (counting && bytes > e.bytes) e.heardAt = at;
        e.bytes = bytes;
        e.bytesAt = at;
      }
      if (e.connected && Date.now() - e.heardAt > SILENT_MS) this.#drop(e);
    }
  }
}
