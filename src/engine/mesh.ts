import type { CallOption, DataConnection, MediaConnection, PeerConnectOption } from 'peerjs';
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

/** What the mesh needs of the broker connection (PeerJS's `Peer`): calls in and out. */
export interface MeshPeer {
  readonly open: boolean;
  on(event: 'call', listener: (call: MediaConnection) => void): unknown;
  on(event: 'connection', listener: (conn: DataConnection) => void): unknown;
  call(id: string, stream: MediaStream, options?: CallOption): MediaConnection;
  connect(id: string, options?: PeerConnectOption): DataConnection;
}

interface Link {
  id: string;
  media?: MediaConnection;
  data?: DataConnection;
  /** Gives up on a link that never connects (lost signalling) or stays ICE-disconnected. */
  giveUpTimer?: ReturnType<typeof setTimeout>;
  /** When we last heard from the peer (ms): a data message, or any bytes on its media connection. */
  heardAt: number;
  /** Bytes received on the media connection at the last look. */
  bytes: number;
}

/** A link that is not connected this long after it was made is given up (and the caller tries again). */
export const CONNECT_TIMEOUT_MS = 20000;
/** How long a peer may stay ICE-disconnected before its link is given up. */
export const LOST_AFTER_MS = 3000;
/** Peers ping each other this often on the data connection… */
export const PING_MS = 1000;
/** …and a peer we hear nothing from for this long is gone (its network died, its machine froze). */
export const SILENT_MS = 5000;

/**
 * Glare rule: of any two members, the one with the smaller id calls. Both sides can tell without talking, so they
 * never call each other at once.
 */
export function shouldCall(selfId: string, otherId: string): boolean {
  return selfId < otherId;
}

/** Everything a connection has received: RTP, RTCP and ICE consent checks alike. */
async function bytesReceived(pc: RTCPeerConnection): Promise<number> {
  let transport = 0;
  let pairs = 0;
  (await pc.getStats()).forEach((r: { type: string; bytesReceived?: number }) => {
    if (r.type === 'transport') transport += r.bytesReceived ?? 0;
    if (r.type === 'candidate-pair') pairs += r.bytesReceived ?? 0;
  });
  return transport || pairs;
}

/**
 * The mesh: one media connection (audio and video) and one data connection to every other member. It owns the
 * PeerJS connections; the call decides who should be connected.
 */
export class Mesh extends Emitter<MeshEvents> {
  readonly #links = new Map<string, Link>();
  readonly #pinger = setInterval(() => void this.#ping(), PING_MS);

  constructor(
    private readonly peer: MeshPeer,
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

  /** Calls a member (the caller side of the glare rule). Needs an open broker connection. */
  connect(id: string): void {
    if (this.#links.has(id) || !this.peer.open) return;
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

  /** The RTCPeerConnection carrying a peer's media, for stats. */
  peerConnection(id: string): RTCPeerConnection | undefined {
    return this.#links.get(id)?.media?.peerConnection;
  }

  /** Every RTCPeerConnection to a peer: the media connection's, then the data connection's. */
  peerConnections(id: string): RTCPeerConnection[] {
    const link = this.#links.get(id);
    return [link?.media?.peerConnection, link?.data?.peerConnection].filter((pc): pc is RTCPeerConnection => !!pc);
  }

  drop(id: string): void {
    const link = this.#links.get(id);
    if (link) this.#drop(link);
  }

  close(): void {
    clearInterval(this.#pinger);
    for (const link of [...this.#links.values()]) this.#drop(link);
  }

  /** Closes a link, if it is still the current one for its peer (an old one may close after its replacement). */
  #drop(link: Link): void {
    if (this.#links.get(link.id) !== link) return;
    this.#links.delete(link.id);
    clearTimeout(link.giveUpTimer);
    const { media, data } = link;
    link.media = link.data = undefined;
    media?.close();
    data?.close();
    this.emit('closed', { id: link.id });
  }

  #link(id: string): Link {
    let link = this.#links.get(id);
    if (!link) {
      link = { id, heardAt: Date.now(), bytes: 0 };
      this.#links.set(id, link);
      this.#giveUpIn(link, CONNECT_TIMEOUT_MS);
      this.emit('connection', { id, state: 'connecting' });
    }
    return link;
  }

  #giveUpIn(link: Link, ms: number | undefined): void {
    clearTimeout(link.giveUpTimer);
    link.giveUpTimer = ms === undefined ? undefined : setTimeout(() => this.#drop(link), ms);
  }

  #adoptMedia(mc: MediaConnection, incoming: boolean): void {
    const link = this.#link(mc.peer);
    const old = link.media;
    link.media = mc;
    if (old && old !== mc) {
      // The peer called again (it lost us, or came back): the new connection replaces the old one.
      old.close();
      this.#giveUpIn(link, CONNECT_TIMEOUT_MS);
    }
    mc.on('stream', (stream) => link.media === mc && this.emit('stream', { id: link.id, stream }));
    mc.on('iceStateChanged', (state) => link.media === mc && this.#iceState(link, state));
    mc.on('close', () => link.media === mc && this.#drop(link));
    mc.on('error', () => link.media === mc && this.#drop(link));
    if (incoming) mc.answer(this.media.sendStream());
    this.#syncLink(link);
  }

  #adoptData(dc: DataConnection): void {
    const link = this.#link(dc.peer);
    const old = link.data;
    link.data = dc;
    old?.close();
    dc.on('open', () => {
      if (link.data !== dc) return;
      link.heardAt = Date.now();
      void dc.send(this.state());
    });
    dc.on('data', (data) => {
      if (link.data !== dc) return;
      link.heardAt = Date.now();
      if (isControlMessage(data) && data.t === 'state') this.emit('control', { id: link.id, message: data });
    });
    dc.on('close', () => link.data === dc && this.#drop(link));
  }

  #iceState(link: Link, state: RTCIceConnectionState): void {
    if (state === 'connected' || state === 'completed') {
      this.#giveUpIn(link, undefined);
      this.emit('connection', { id: link.id, state: 'connected' });
    } else if (state === 'disconnected') {
      this.emit('connection', { id: link.id, state: 'reconnecting' });
      this.#giveUpIn(link, LOST_AFTER_MS);
    }
  }

  /**
   * Pings every peer, and gives up on peers we have heard nothing from for SILENT_MS. Hearing is a data message or
   * any bytes on the media connection: a page whose script is busy (an alert, a debugger) still sends media and
   * RTCP and is not dropped, and a peer with camera and microphone off still pings.
   */
  async #ping(): Promise<void> {
    for (const link of [...this.#links.values()]) {
      if (link.data?.open) void link.data.send({ v: 1, t: 'ping' } satisfies ControlMessage);
      const pc = link.media?.peerConnection;
      if (pc && pc.connectionState !== 'closed') {
        const bytes = await bytesReceived(pc).catch(() => link.bytes);
        if (bytes > link.bytes) {
          link.bytes = bytes;
          link.heardAt = Date.now();
        }
      }
      if (link.data?.open && Date.now() - link.heardAt > SILENT_MS) this.#drop(link);
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
