import type { DataConnection, MediaConnection, Peer } from 'peerjs';
import { Emitter } from './emitter.js';
import type { LocalMedia } from './local-media.js';
import { isControlMessage, type ControlMessage, type StateMessage } from './types.js';

export interface MeshEvents {
  /** A peer's media arrived. */
  stream: { id: string; stream: MediaStream };
  /** A peer told us its state on its data connection. */
  control: { id: string; message: StateMessage };
  /** A peer's connection state changed. */
  connection: { id: string; state: 'connecting' | 'connected' | 'reconnecting' };
  /** The connection to a peer is gone. */
  closed: { id: string };
}

interface Link {
  id: string;
  media?: MediaConnection;
  data?: DataConnection;
  lostTimer?: ReturnType<typeof setTimeout>;
  /** When we last heard anything on the data connection (ms), once it is open. */
  heardAt?: number;
}

/** How long a peer may stay ICE-disconnected before its link is given up. */
export const LOST_AFTER_MS = 3000;
/** Peers ping each other this often on the data connection… */
export const PING_MS = 1000;
/** …and a peer silent for this long is gone (its network died, its machine froze). */
export const SILENT_MS = 5000;

/**
 * Glare rule: of any two members, the one with the smaller id calls. Both sides can tell without talking, so they
 * never call each other at once.
 */
export function shouldCall(selfId: string, otherId: string): boolean {
  return selfId < otherId;
}

/**
 * The mesh: one media connection (audio and video) and one data connection to every other member. It owns the
 * PeerJS connections; the call decides who should be connected.
 */
export class Mesh extends Emitter<MeshEvents> {
  readonly #links = new Map<string, Link>();
  readonly #pinger = setInterval(() => this.#ping(), PING_MS);

  constructor(
    private readonly peer: Peer,
    private readonly media: LocalMedia,
    private readonly state: () => StateMessage,
  ) {
    super();
    peer.on('call', (mc) => this.#adoptMedia(mc, true));
    peer.on('connection', (dc) => this.#adoptData(dc));
  }

  has(id: string): boolean {
    return this.#links.has(id);
  }

  ids(): string[] {
    return [...this.#links.keys()];
  }

  /** Calls a member (the caller side of the glare rule). */
  connect(id: string): void {
    if (this.#links.has(id)) return;
    this.#adoptMedia(this.peer.call(id, this.media.sendStream(), { metadata: { v: 1 } }), false);
    this.#adoptData(this.peer.connect(id, { label: 'rtc-control', serialization: 'json', reliable: true }));
  }

  /** Tells every peer something. */
  broadcast(message: ControlMessage): void {
    for (const link of this.#links.values()) if (link.data?.open) void link.data.send(message);
  }

  /** Puts the current local tracks on every sender, without renegotiating. */
  syncTracks(): void {
    for (const link of this.#links.values()) this.#syncLink(link);
  }

  /** New ICE servers (fresh TURN credentials) for every connection. */
  setIceServers(iceServers: RTCIceServer[]): void {
    for (const link of this.#links.values()) {
      const pc = link.media?.peerConnection;
      if (pc && pc.signalingState !== 'closed') pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
    }
  }

  /** The RTCPeerConnection carrying a peer's media, for stats. */
  peerConnection(id: string): RTCPeerConnection | undefined {
    return this.#links.get(id)?.media?.peerConnection;
  }

  drop(id: string): void {
    const link = this.#links.get(id);
    if (!link) return;
    this.#links.delete(id);
    clearTimeout(link.lostTimer);
    link.media?.close();
    link.data?.close();
    this.emit('closed', { id });
  }

  close(): void {
    clearInterval(this.#pinger);
    for (const id of [...this.#links.keys()]) this.drop(id);
  }

  #ping(): void {
    const now = Date.now();
    for (const link of [...this.#links.values()]) {
      if (link.heardAt === undefined || !link.data?.open) continue;
      if (now - link.heardAt > SILENT_MS) this.drop(link.id);
      else void link.data.send({ v: 1, t: 'ping' } satisfies ControlMessage);
    }
  }

  #link(id: string): Link {
    let link = this.#links.get(id);
    if (!link) {
      this.#links.set(id, (link = { id }));
      this.emit('connection', { id, state: 'connecting' });
    }
    return link;
  }

  #adoptMedia(mc: MediaConnection, incoming: boolean): void {
    const link = this.#link(mc.peer);
    if (link.media && link.media !== mc) {
      const old = link.media;
      link.media = undefined;
      old.close();
    }
    link.media = mc;
    mc.on('stream', (stream) => {
      if (link.media !== mc) return;
      this.emit('stream', { id: mc.peer, stream });
    });
    mc.on('iceStateChanged', (state) => this.#iceState(link, mc, state));
    mc.on('close', () => link.media === mc && this.drop(mc.peer));
    mc.on('error', () => link.media === mc && this.drop(mc.peer));
    if (incoming) mc.answer(this.media.sendStream());
    this.#syncLink(link);
  }

  #adoptData(dc: DataConnection): void {
    const link = this.#link(dc.peer);
    if (link.data && link.data !== dc) link.data.close();
    link.data = dc;
    dc.on('open', () => {
      link.heardAt = Date.now();
      void dc.send(this.state());
    });
    dc.on('data', (data) => {
      if (link.data !== dc) return;
      link.heardAt = Date.now();
      if (isControlMessage(data) && data.t === 'state') this.emit('control', { id: dc.peer, message: data });
    });
    dc.on('close', () => link.data === dc && this.drop(dc.peer));
  }

  #iceState(link: Link, mc: MediaConnection, state: RTCIceConnectionState): void {
    if (link.media !== mc) return;
    if (state === 'connected' || state === 'completed') {
      clearTimeout(link.lostTimer);
      link.lostTimer = undefined;
      this.emit('connection', { id: link.id, state: 'connected' });
    } else if (state === 'disconnected') {
      this.emit('connection', { id: link.id, state: 'reconnecting' });
      clearTimeout(link.lostTimer);
      link.lostTimer = setTimeout(() => this.drop(link.id), LOST_AFTER_MS);
    }
  }

  #syncLink(link: Link): void {
    const pc = link.media?.peerConnection;
    if (!pc || pc.signalingState === 'closed') return;
    for (const sender of pc.getSenders()) {
      const kind = sender.track?.kind ?? this.#senderKind(pc, sender);
      if (kind !== 'audio' && kind !== 'video') continue;
      const want = this.media.track(kind);
      if (sender.track !== want) sender.replaceTrack(want).catch(() => {});
    }
  }

  #senderKind(pc: RTCPeerConnection, sender: RTCRtpSender): string | undefined {
    return pc.getTransceivers().find((t) => t.sender === sender)?.receiver.track.kind;
  }
}
