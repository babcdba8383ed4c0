import { Peer } from 'peerjs';
import { Emitter } from './emitter.js';
import { RtcError, type RtcErrorDetail } from './errors.js';
import { LocalMedia } from './local-media.js';
import { Mesh, shouldCall } from './mesh.js';
import { peerOptions, refreshIce, releaseSeat, requestSeat } from './broker-client.js';
import type { CallState, StateMessage, Participant, Seat } from './types.js';

export interface CallOptions {
  /** The broker's base URL, e.g. `https://calls.example.com`. */
  server: string;
  room: string;
  name?: string;
  /** A room token (JWT) when the server requires one. */
  token?: string;
  /** `relay` sends everything through TURN, so peers never learn each other's addresses. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Start with the microphone / camera on (both default to true). */
  audio?: boolean;
  video?: boolean;
  /** Local media to use; by default the call opens the visitor's devices. */
  media?: LocalMedia;
}

export interface CallEvents {
  state: CallState;
  /** The participants changed; the argument is a new array of new-or-unchanged objects, yourself first. */
  participants: readonly Participant[];
  joined: Participant;
  'participant-joined': Participant;
  'participant-left': Participant;
  left: void;
  error: RtcErrorDetail;
}

interface ServerPush {
  type: string;
  payload?: {
    id?: string;
    name?: string;
    members?: { id: string; name: string }[];
    self?: { id: string; name: string };
    reason?: string;
  };
}

const RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const RECALL_MS = 3000;
/** Reconnects with the same seat before taking a new one (the server keeps a seat for about ten seconds). */
const RECONNECTS = 2;
/** How long one reconnect may take before the next try. */
const RECONNECT_WAIT_MS = 3000;

const retryDelay = (attempt: number) => RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];

/**
 * One visitor's call: a seat from the server, the PeerJS broker connection, local media and the mesh.
 * Framework-free; the `<rtc-call>` element is a view of it.
 */
export class Call extends Emitter<CallEvents> {
  readonly media: LocalMedia;
  state: CallState = 'idle';
  seat?: Seat;
  #peer?: Peer;
  #mesh?: Mesh;
  /** Who the server says is in the room, besides us. */
  #members = new Map<string, string>();
  #people = new Map<string, Participant>();
  #self?: Participant;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Waits that end early when the network side is torn down. */
  #sleepers = new Set<() => void>();
  /** Every join, rejoin and leave starts a new generation; callbacks of an older one do nothing. */
  #generation = 0;
  #reconnects = 0;
  #reconnectPending = false;
  #onPageHide = () => void this.leave();
  #offMedia: (() => void)[] = [];

  constructor(readonly options: CallOptions) {
    super();
    this.media = options.media ?? new LocalMedia();
  }

  /** The connections to the other members, while joined. */
  get mesh(): Mesh | undefined {
    return this.#mesh;
  }

  /** Everyone in the call, yourself first. */
  get participants(): readonly Participant[] {
    return this.#self ? [this.#self, ...this.#people.values()] : [...this.#people.values()];
  }

  /** Joins the room. Resolves once joined; rejects with an RtcError when joining cannot succeed. */
  async join(): Promise<void> {
    if (this.state === 'joining' || this.state === 'joined' || this.state === 'reconnecting') return;
    const generation = ++this.#generation;
    this.#setState('joining');
    this.#offMedia.push(
      this.media.on('warning', (w) => this.emit('error', w.toDetail())),
      this.media.on('change', () => this.#mediaChanged()),
    );
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
    this.#self = this.#selfParticipant('', this.options.name ?? '');
    this.#changed();
    // Devices and the seat are independent: ask for both at once.
    const mediaReady = this.media.start({ audio: this.options.audio ?? true, video: this.options.video ?? true });
    try {
      await this.#connect(generation);
      await mediaReady;
    } catch (err) {
      if (generation !== this.#generation) return;
      const e = err instanceof RtcError ? err : new RtcError('server-error', String(err), true);
      this.#fail(e);
      throw e;
    }
    if (generation !== this.#generation) return;
    this.#mediaChanged();
  }

  /** Leaves the room and releases camera, microphone and connections. */
  async leave(): Promise<void> {
    if (this.state === 'idle' || this.state === 'left') return;
    this.#generation++;
    this.#giveUpSeat();
    this.#teardown();
    this.#release();
    this.#setState('left');
    this.emit('left', undefined);
  }

  /** Changes your display name for everyone in the call. */
  setName(name: string): void {
    this.options.name = name;
    if (!this.#self) return;
    this.#self = { ...this.#self, name };
    this.#changed();
    this.#mesh?.broadcast(this.#controlState());
  }

  /** A fresh room token (the site renews it in a long call); used the next time a seat is needed. */
  setToken(token: string | undefined): void {
    this.options.token = token;
  }

  async setAudioEnabled(on: boolean): Promise<void> {
    await this.media.setAudioEnabled(on);
  }

  async setVideoEnabled(on: boolean): Promise<void> {
    await this.media.setVideoEnabled(on);
  }

  /** Seats, opens the broker connection, and keeps trying while the server cannot be reached. */
  async #connect(generation: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { room, name, token } = this.options;
        const seat = await requestSeat(this.options.server, { room, name, token });
        if (generation !== this.#generation) return void releaseSeat(this.options.server, seat);
        await this.#openPeer(seat, generation);
        return;
      } catch (err) {
        const e =
          err instanceof RtcError
            ? err
            : new RtcError('connection-lost', 'The connection to the call server failed. Retrying…');
        if (e.fatal || generation !== this.#generation) throw e;
        // A seat whose broker connection failed to open is handed back, so it does not hold a place in the room.
        this.#giveUpSeat();
        this.#teardown();
        this.emit('error', e.toDetail());
        await this.#sleep(retryDelay(attempt));
        if (generation !== this.#generation) return;
      }
    }
  }

  #openPeer(seat: Seat, generation: number): Promise<void> {
    this.seat = seat;
    const peer = new Peer(seat.id, peerOptions(this.options.server, seat, this.options.iceTransportPolicy ?? 'all'));
    this.#peer = peer;
    this.#mesh = new Mesh(peer, this.media, () => this.#controlState());
    this.#wireMesh(this.#mesh);
    this.#self = this.#selfParticipant(seat.id, seat.name || this.options.name || '');
    peer.socket.on('message', (msg: ServerPush) => this.#onPush(msg, generation));
    peer.on('disconnected', () => this.#lostBroker(generation));
    peer.on('error', (err) => {
      // Errors about one peer are handled by the mesh; the rest mean the broker connection is in trouble.
      if (err.type === 'peer-unavailable' || err.type === 'webrtc') return;
      if (peer.open) return;
      if (!peer.disconnected && !peer.destroyed) peer.disconnect();
    });
    this.#scheduleIceRefresh(seat, generation);
    return new Promise((resolve, reject) => {
      peer.once('open', () => resolve());
      peer.once('error', () => {
        if (!peer.open)
          reject(new RtcError('connection-lost', 'The connection to the call server was refused. Retrying…'));
      });
    });
  }

  #onPush(msg: ServerPush, generation: number): void {
    if (generation !== this.#generation || !msg || typeof msg.type !== 'string') return;
    const p = msg.payload ?? {};
    switch (msg.type) {
      case 'RTC-ROOM': {
        // The first RTC-ROOM of a seat; later ones come after a reconnect and only bring us up to date.
        const first = this.state === 'joining';
        const present = new Set((p.members ?? []).map((m) => m.id));
        for (const id of [...this.#members.keys()]) if (!present.has(id)) this.#memberLeft(id);
        for (const m of p.members ?? []) this.#memberJoined(m.id, m.name, !first);
        this.#reconnects = 0;
        this.#setState('joined');
        if (first) this.emit('joined', this.#self!);
        this.#changed();
        break;
      }
      case 'RTC-JOINED':
        if (p.id) this.#memberJoined(p.id, p.name ?? '', true);
        break;
      case 'RTC-LEFT':
        if (p.id) this.#memberLeft(p.id);
        break;
      case 'RTC-GOODBYE':
        this.#lostBroker(generation, true);
        break;
    }
  }

  #memberJoined(id: string, name: string, announce: boolean): void {
    const known = this.#members.has(id);
    this.#members.set(id, name);
    if (!this.#people.has(id)) {
      this.#people.set(id, this.#remoteParticipant(id, name));
      if (announce || !known) this.emit('participant-joined', this.#people.get(id)!);
      this.#changed();
    }
    if (shouldCall(this.seat!.id, id)) this.#mesh?.connect(id);
  }

  #memberLeft(id: string): void {
    this.#members.delete(id);
    this.#mesh?.drop(id);
    this.#removePerson(id);
  }

  #removePerson(id: string): void {
    const p = this.#people.get(id);
    if (!p) return;
    this.#people.delete(id);
    this.emit('participant-left', p);
    this.#changed();
  }

  #wireMesh(mesh: Mesh): void {
    const update = (id: string, patch: Partial<Participant>) => {
      const p = this.#people.get(id) ?? this.#remoteParticipant(id, this.#members.get(id) ?? '');
      const isNew = !this.#people.has(id);
      this.#people.set(id, { ...p, ...patch });
      if (isNew) this.emit('participant-joined', this.#people.get(id)!);
      this.#changed();
    };
    mesh.on('stream', ({ id, stream }) => update(id, { stream, connection: 'connected' }));
    mesh.on('connection', ({ id, state }) => this.#people.has(id) && update(id, { connection: state }));
    mesh.on('control', ({ id, message }) =>
      update(id, {
        name: message.name || this.#members.get(id) || '',
        audioEnabled: message.audio,
        videoEnabled: message.video,
      }),
    );
    mesh.on('closed', ({ id }) => {
      this.#removePerson(id);
      // Still in the room by the server's word: the caller tries again, quietly. The tile comes back only when
      // media or state arrives; a peer that is really gone is removed by the server's RTC-LEFT.
      if (this.#mesh !== mesh || !this.#members.has(id) || !this.seat || !shouldCall(this.seat.id, id)) return;
      this.#after(RECALL_MS, () => {
        // While the broker is away, the RTC-ROOM that follows the reconnect makes the call instead.
        if (this.#mesh === mesh && this.#members.has(id) && !mesh.has(id) && this.#peer?.open) mesh.connect(id);
      });
    });
  }

  /**
   * The broker connection dropped. After a brief drop we come back with our own id and secret: the server keeps
   * the seat for a grace period, and the calls in the mesh go on meanwhile. A server that said goodbye (restart),
   * or that still does not take us back after a few tries, means a new seat.
   */
  #lostBroker(generation: number, seatGone = false): void {
    // While joining, #connect does the retrying.
    if (generation !== this.#generation || (this.state !== 'joined' && this.state !== 'reconnecting')) return;
    if (this.state === 'joined') {
      this.#reconnects = 0;
      this.#setState('reconnecting');
      const lost = new RtcError('connection-lost', 'The connection to the call server was lost. Reconnecting…');
      this.emit('error', lost.toDetail());
    }
    if (seatGone || this.#reconnects >= RECONNECTS) return this.#rejoin();
    // PeerJS's 'disconnected' and our own check can both land here: one try at a time.
    if (this.#reconnectPending) return;
    this.#reconnectPending = true;
    this.#after(retryDelay(this.#reconnects++), () => {
      this.#reconnectPending = false;
      const peer = this.#peer;
      if (generation !== this.#generation || !peer || peer.destroyed) return;
      if (peer.disconnected) peer.reconnect();
      // OPEN and RTC-ROOM bring the state back to joined; if they have not come, try again.
      this.#after(RECONNECT_WAIT_MS, () => this.state === 'reconnecting' && this.#lostBroker(generation));
    });
  }

  /** Drops the old seat and its connections, and joins again with a new one. */
  #rejoin(): void {
    this.#giveUpSeat();
    this.#teardown();
    this.#setState('joining');
    const generation = ++this.#generation;
    this.#connect(generation).catch((e: RtcError) => {
      if (generation === this.#generation) this.#fail(e);
    });
  }

  /**
   * Fetches fresh TURN credentials well before the current ones lapse, for as long as the call lasts. With a room
   * token, `ttl` also runs out before the seat does, so a token renewed by `setToken` reaches the server in time.
   */
  #scheduleIceRefresh(seat: Seat, generation: number, delayMs = Math.max(5, seat.ttl * 0.8) * 1000): void {
    if (!seat.ttl) return;
    this.#after(delayMs, async () => {
      if (generation !== this.#generation) return;
      try {
        const ice = await refreshIce(this.options.server, seat, this.options.token);
        const peer = this.#peer;
        if (generation !== this.#generation || !peer) return;
        seat.iceServers = ice.iceServers;
        seat.ttl = ice.ttl;
        // Every new connection (a newcomer, a re-call) takes them from PeerJS's options.
        (peer.options.config as RTCConfiguration).iceServers = ice.iceServers;
        this.#scheduleIceRefresh(seat, generation);
      } catch {
        // The old credentials still hold for a fifth of their life: try again soon.
        if (generation === this.#generation) this.#scheduleIceRefresh(seat, generation, 5000);
      }
    });
  }

  #selfParticipant(id: string, name: string): Participant {
    return {
      id,
      name,
      local: true,
      stream: this.media.preview,
      audioEnabled: this.media.audioEnabled,
      videoEnabled: this.media.videoEnabled,
      connection: 'connected',
    };
  }

  #remoteParticipant(id: string, name: string): Participant {
    return { id, name, local: false, stream: null, audioEnabled: true, videoEnabled: true, connection: 'connecting' };
  }

  #controlState(): StateMessage {
    return {
      v: 1,
      t: 'state',
      name: this.#self?.name ?? '',
      audio: this.media.audioEnabled,
      video: this.media.videoEnabled,
    };
  }

  #mediaChanged(): void {
    this.#mesh?.syncTracks();
    this.#mesh?.broadcast(this.#controlState());
    if (this.#self) {
      this.#self = {
        ...this.#self,
        stream: this.media.preview,
        audioEnabled: this.media.audioEnabled,
        videoEnabled: this.media.videoEnabled,
      };
      this.#changed();
    }
  }

  #changed(): void {
    this.emit('participants', this.participants);
  }

  #setState(state: CallState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  /** Tells the server we are gone: over the broker socket when it is open, else over HTTP. */
  #giveUpSeat(): void {
    const seat = this.seat;
    if (!seat) return;
    this.seat = undefined;
    if (this.#peer?.open) this.#peer.socket.send({ type: 'RTC-LEAVE' });
    else releaseSeat(this.options.server, seat);
  }

  /** Joining cannot succeed: say why, and let go of everything, the camera and microphone included. */
  #fail(e: RtcError): void {
    this.emit('error', e.toDetail());
    this.#giveUpSeat();
    this.#teardown();
    this.#release();
    this.#setState('failed');
  }

  /** Closes the network side of one seat: the mesh, the broker connection, timers, who is in the room. */
  #teardown(): void {
    // The mesh first: its 'closed' events may still schedule things, which the timers below then cancel.
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#peer?.destroy();
    this.#peer = undefined;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const wake of [...this.#sleepers]) wake();
    this.#reconnectPending = false;
    const had = this.#people.size > 0;
    this.#people.clear();
    this.#members.clear();
    if (had) this.#changed();
  }

  /** Lets go of what join() took: the camera and microphone, media listeners and the page-hide hook. */
  #release(): void {
    for (const off of this.#offMedia.splice(0)) off();
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.media.stop();
    this.#self = undefined;
    this.#changed();
  }

  #after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  /** Waits `ms`, or less if the network side is torn down meanwhile (the caller checks its generation). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleepers.delete(wake);
        resolve();
      };
      this.#sleepers.add(wake);
      this.#after(ms, wake);
    });
  }
}
