import type { Logger } from './logger.js';
import { Emitter } from './emitter.js';
import type { SignalPayload } from './protocol.js';

/**
 * One connection to one remote peer: a single RTCPeerConnection carrying audio, video and a negotiated control
 * data channel, renegotiated with the W3C "perfect negotiation" pattern and healed by ICE restart. (simple-peer's
 * index.js is the model: one focused object per remote peer.) The mesh keeps one per remote participant.
 */

/** What travels between the two sides to negotiate: a session description or one ICE candidate (protocol.ts). */
export type { SignalPayload };

/** The control channel's id: negotiated on both sides, so neither waits for the other to create it. */
export const CONTROL_CHANNEL_ID = 0;
/**
 * The page's data channel (data topics): negotiated too, ordered and reliable, and apart from the control channel so
 * that a large page message never holds back signalling, pings or state.
 */
export const DATA_CHANNEL_ID = 1;
/** Page messages sent before the data channel opens wait for it, this many at most; later ones are dropped. */
export const MAX_QUEUED_DATA = 64;
/** How long the connection may stay ICE-`disconnected` before the impolite side restarts ICE. */
export const RESTART_AFTER_MS = 2500;
/** While a restarted connection is still not back, the impolite side restarts again this often. */
export const RESTART_RETRY_MS = 6000;

export interface PeerLinkEvents {
  /** A description or candidate for the other side, to send through the broker (the control channel is not open). */
  signal: SignalPayload;
  /** A remote track arrived, with its transceiver and the stream it belongs to. */
  track: { track: MediaStreamTrack; stream: MediaStream; transceiver: RTCRtpTransceiver };
  /** The control channel opened. */
  open: void;
  /** A control message arrived (anything but signalling). */
  message: unknown;
  /** A message arrived on the data channel, as it came (the call checks it). */
  data: unknown;
  /** The link's state as the call shows it. */
  state: 'connecting' | 'connected' | 'reconnecting';
  /** The link is closed for good. */
  closed: void;
  /** The other side opened a data channel of its own on this connection (a file transfer's, say). */
  channel: RTCDataChannel;
}

export interface PeerLinkOptions {
  /** Perfect negotiation's politeness: the polite side yields on glare (the callee of the glare rule). */
  polite: boolean;
  configuration: RTCConfiguration;
  /** Makes the RTCPeerConnection: injectable, so the negotiation decisions run against fakes in unit tests. */
  createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
  /** Fresh ICE servers (new TURN credentials) before an ICE restart. */
  refreshIce?: () => Promise<RTCIceServer[] | undefined>;
  /**
   * Called with a remote offer applied and before the answer is made: the place to attach local tracks to the
   * transceivers the offer created, so the answer sends them too.
   */
  onRemoteOffer?: (pc: RTCPeerConnection) => void;
  restartAfterMs?: number;
  restartRetryMs?: number;
  log?: Logger;
}

/** Signalling sent over the control channel once it is open: `{v: 1, t: 'signal', ...payload}`. */
interface SignalMessage {
  v: 1;
  t: 'signal';
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
}

function isSignalMessage(m: unknown): m is SignalMessage {
  return !!m && typeof m === 'object' && (m as { v?: unknown }).v === 1 && (m as { t?: unknown }).t === 'signal';
}

/** The `a=fingerprint` of an SDP: the DTLS certificate of the side that wrote it. */
export function fingerprint(sdp: string | undefined): string | undefined {
  return sdp?.match(/^a=fingerprint:(.+)$/m)?.[1]?.trim();
}

export class PeerLink extends Emitter<PeerLinkEvents> {
  readonly pc: RTCPeerConnection;
  readonly control: RTCDataChannel;
  /** The page's data channel (data topics). */
  readonly data: RTCDataChannel;
  readonly polite: boolean;
  #makingOffer = false;
  #ignoreOffer = false;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #restarting = false;
  /** When the last ICE restart began (ms), so that a quick run of `failed` states does not restart in a loop. */
  #restartedAt = 0;
  #closed = false;
  /** Page messages waiting for the data channel to open. */
  readonly #queued: string[] = [];
  readonly #refreshIce: PeerLinkOptions['refreshIce'];
  readonly #onRemoteOffer: PeerLinkOptions['onRemoteOffer'];
  readonly #restartAfterMs: number;
  readonly #restartRetryMs: number;
  readonly #log?: Logger;
  /** Every listener added to the pc and channel, to remove them all on close. */
  readonly #unlisten: (() => void)[] = [];

  constructor(options: PeerLinkOptions) {
    super();
    this.#log = options.log;
    this.polite = options.polite;
    this.#refreshIce = options.refreshIce;
    this.#onRemoteOffer = options.onRemoteOffer;
    this.#restartAfterMs = options.restartAfterMs ?? RESTART_AFTER_MS;
    this.#restartRetryMs = options.restartRetryMs ?? RESTART_RETRY_MS;
    const create = options.createPeerConnection ?? ((c: RTCConfiguration) => new RTCPeerConnection(c));
    this.pc = create(options.configuration);
    this.control = this.pc.createDataChannel('rtc-control', { negotiated: true, id: CONTROL_CHANNEL_ID });
    this.data = this.pc.createDataChannel('rtc-data', { negotiated: true, id: DATA_CHANNEL_ID });
    this.#listen(this.pc, 'negotiationneeded', () => void this.#negotiate());
    this.#listen(this.pc, 'icecandidate', (e) => {
      const { candidate } = e as RTCPeerConnectionIceEvent;
      if (candidate) this.#send({ candidate: candidate.toJSON() });
    });
    this.#listen(this.pc, 'track', (e) => {
      const { track, streams, transceiver } = e as RTCTrackEvent;
      this.emit('track', { track, transceiver, stream: streams[0] ?? new MediaStream([track]) });
    });
    this.#listen(this.pc, 'iceconnectionstatechange', () => this.#iceState());
    this.#listen(this.pc, 'datachannel', (e) => this.emit('channel', (e as RTCDataChannelEvent).channel));
    this.#listen(this.control, 'message', (e) => this.#controlMessage((e as MessageEvent).data));
    this.#listen(this.control, 'open', () => this.emit('open', undefined));
    this.#listen(this.data, 'message', (e) => this.emit('data', (e as MessageEvent).data));
    this.#listen(this.data, 'open', () => {
      for (const text of this.#queued.splice(0)) this.#sendData(text);
    });
    // The other side closed its connection (it left, or its page went away): SCTP tells us at once.
    this.#listen(this.control, 'close', () => this.close());
  }

  /**
   * True while signalling can go over the mesh instead of the broker: the control channel is open and the path
   * under it works. While ICE is disconnected the channel still says `open`, but what is sent on it waits for a
   * path that may never come back without an ICE restart, and the restart's own offer must not wait with it.
   */
  get meshSignalling(): boolean {
    const ice = this.pc.iceConnectionState;
    return this.control.readyState === 'open' && (ice === 'connected' || ice === 'completed');
  }

  /** The fingerprint of the remote DTLS certificate, from the remote description (undefined before one). */
  get remoteFingerprint(): string | undefined {
    return fingerprint(this.pc.remoteDescription?.sdp);
  }

  /** Adds a local track (the pc renegotiates by itself). */
  addTrack(track: MediaStreamTrack, stream: MediaStream): RTCRtpSender {
    return this.pc.addTrack(track, stream);
  }

  removeTrack(sender: RTCRtpSender): void {
    if (this.pc.signalingState !== 'closed') this.pc.removeTrack(sender);
  }

  /**
   * Opens one more data channel on this connection (ordered, reliable; no new connection, no renegotiation: the SCTP
   * association is there already), for something that must not hold back the control and page channels (a file).
   */
  openChannel(label: string): RTCDataChannel | undefined {
    if (this.#closed) return undefined;
    return this.pc.createDataChannel(label, { ordered: true });
  }

  /** Sends a control message to the other side, if the channel is open. */
  sendControl(message: unknown): boolean {
    if (this.control.readyState !== 'open') return false;
    this.control.send(JSON.stringify(message));
    return true;
  }

  /**
   * Sends a page message on the data channel; before it opens, the message waits (at most MAX_QUEUED_DATA of them).
   * False when it was dropped: the link is closed, the queue is full, or the browser's send buffer is.
   */
  sendData(text: string): boolean {
    if (this.#closed) return false;
    if (this.data.readyState === 'open') return this.#sendData(text);
    if (this.data.readyState !== 'connecting' || this.#queued.length >= MAX_QUEUED_DATA) return false;
    this.#queued.push(text);
    return true;
  }

  /** A description or candidate from the other side (through the broker, or the control channel). */
  async receive(signal: SignalPayload): Promise<void> {
    if (this.#closed) return;
    const pc = this.pc;
    try {
      if ('description' in signal) {
        const description = signal.description;
        const collision = description.type === 'offer' && (this.#makingOffer || pc.signalingState !== 'stable');
        this.#ignoreOffer = !this.polite && collision;
        if (this.#ignoreOffer) return;
        // On glare the polite side's setRemoteDescription rolls back its own offer implicitly.
        await pc.setRemoteDescription(description);
        if (description.type === 'offer') {
          this.#onRemoteOffer?.(pc);
          await pc.setLocalDescription();
          if (pc.localDescription) this.#send({ description: pc.localDescription.toJSON() });
        }
      } else {
        try {
          await pc.addIceCandidate(signal.candidate);
        } catch (err) {
          // Candidates of an offer we ignored fail; anything else is a real error.
          if (!this.#ignoreOffer) throw err;
        }
      }
    } catch (err) {
      this.#log?.debug('signal dropped', err);
      // A description that does not apply (a stale one, a closed pc) is dropped; the next negotiation recovers.
    }
  }

  /** Restarts ICE with fresh credentials. Only the impolite side starts it; the other answers the new offer. */
  async restartIce(): Promise<void> {
    if (this.#closed || this.polite || this.#restarting) return;
    this.#restarting = true;
    try {
      const iceServers = await this.#refreshIce?.().catch((err) => void this.#log?.debug('ICE refresh failed', err));
      if (this.#closed) return;
      if (iceServers) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
      // An offer of ours that was never answered (lost with the path or the broker) would hold the restart back
      // forever: take it back first, so the restart's offer can go out now.
      if (this.pc.signalingState === 'have-local-offer')
        await this.pc
          .setLocalDescription({ type: 'rollback' })
          .catch((err) => this.#log?.debug('rollback failed', err));
      if (this.#closed) return;
      this.#restartedAt = Date.now();
      this.pc.restartIce();
    } finally {
      this.#restarting = false;
    }
    // Until the connection is back, try again now and then: an offer or answer may be lost while the broker is
    // away too, and checks that ran out while the path was cut do not start again by themselves.
    this.#armRestart(this.#restartRetryMs);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    for (const off of this.#unlisten.splice(0)) off();
    // The senders' tracks are the local camera and microphone, shared with every other link: the call stops them.
    this.#queued.length = 0;
    this.control.close();
    this.data.close();
    this.pc.close();
    this.emit('closed', undefined);
  }

  /**
   * Makes an offer now, without waiting for `negotiationneeded` (a task later, often behind a render): the caller
   * does this for its first offer, right after setting up what the connection carries. The event that follows finds
   * the offer under way and does nothing.
   */
  offer(): void {
    void this.#negotiate();
  }

  async #negotiate(): Promise<void> {
    if (this.#closed || this.#makingOffer) return;
    // The caller (impolite) makes the first offer, as the glare rule says: the polite side waits for it rather than
    // racing it (both sides create the control channel, so both would offer at once). Whatever the polite side
    // still needs after answering fires negotiationneeded again once the connection is stable.
    if (this.polite && !this.pc.remoteDescription) return;
    try {
      this.#makingOffer = true;
      await this.pc.setLocalDescription();
      if (this.pc.localDescription) this.#send({ description: this.pc.localDescription.toJSON() });
    } catch (err) {
      this.#log?.debug('offer not made', err);
      // The state moved on under us (a remote offer arrived): that negotiation will carry our changes.
    } finally {
      this.#makingOffer = false;
    }
  }

  /** Over the control channel while the path works, else through the broker (the `signal` event). */
  #send(payload: SignalPayload): void {
    if (this.#closed) return;
    if (this.meshSignalling) this.control.send(JSON.stringify({ v: 1, t: 'signal', ...payload }));
    else this.emit('signal', payload);
  }

  #sendData(text: string): boolean {
    try {
      this.data.send(text);
      return true;
    } catch (err) {
      // The browser's send buffer is full (megabytes waiting on a slow path), or the channel closed just now.
      this.#log?.debug('data message dropped', err);
      return false;
    }
  }

  #armRestart(ms: number): void {
    clearTimeout(this.#restartTimer);
    this.#restartTimer = this.#closed || this.polite ? undefined : setTimeout(() => void this.restartIce(), ms);
  }

  #controlMessage(data: unknown): void {
    let message: unknown;
    try {
      message = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch (err) {
      return void this.#log?.debug('control message not JSON', err);
    }
    if (!isSignalMessage(message)) return void this.emit('message', message);
    if (message.description) void this.receive({ description: message.description });
    else if (message.candidate) void this.receive({ candidate: message.candidate });
  }

  #iceState(): void {
    const state = this.pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') {
      clearTimeout(this.#restartTimer);
      this.#restartTimer = undefined;
      this.emit('state', 'connected');
    } else if (state === 'disconnected') {
      this.emit('state', 'reconnecting');
      // `disconnected` often heals by itself within a second or two; restart only when it does not.
      this.#armRestart(this.#restartAfterMs);
    } else if (state === 'failed') {
      this.emit('state', 'reconnecting');
      const since = Date.now() - this.#restartedAt;
      if (since >= this.#restartAfterMs) {
        clearTimeout(this.#restartTimer);
        void this.restartIce();
      } else this.#armRestart(this.#restartAfterMs - since);
    }
  }

  #listen(target: EventTarget, type: string, listener: (e: Event) => void): void {
    target.addEventListener(type, listener);
    this.#unlisten.push(() => target.removeEventListener(type, listener));
  }
}
