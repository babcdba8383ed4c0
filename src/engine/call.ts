import { Emitter } from './emitter.js';
import { RtcError, type RtcErrorDetail } from './errors.js';
import { LocalMedia } from './local-media.js';
import { Timers } from './timers.js';
import { Mesh, shouldCall } from './mesh.js';
import { BrokerSession, type Member } from './broker-session.js';
import { readPeerStats, type PeerStats } from './peer-stats.js';
import type { ReconnectPolicy } from './reconnect-policy.js';
import { Roster } from './roster.js';
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
  /** When to try the call server again after losing it; by default a doubling back-off with jitter. */
  reconnectPolicy?: ReconnectPolicy;
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

/** A peer whose connection closed while still in the room is called again after this long. */
const RECALL_MS = 3000;

/**
 * One visitor's call, as the page and `<rtc-call>` see it: it composes the broker session (seat, PeerJS, the
 * server's pushes, reconnects), the roster (who is here), local media and the mesh of connections to the others.
 * Framework-free; the `<rtc-call>` element is a view of it.
 */
export class Call extends Emitter<CallEvents> {
  readonly media: LocalMedia;
  state: CallState = 'idle';
  readonly #roster = new Roster();
  /** One per join; a new join is a new session. */
  #session?: BrokerSession;
  #offSession: (() => void)[] = [];
  #mesh?: Mesh;
  /** Re-calls waiting to happen; cancelled with the mesh they were for. */
  readonly #timers = new Timers();
  #onPageHide = () => void this.leave();
  #offMedia: (() => void)[] = [];

  constructor(readonly options: CallOptions) {
    super();
    this.media = options.media ?? new LocalMedia();
    this.#roster.on('joined', (p) => this.emit('participant-joined', p));
    this.#roster.on('left', (p) => this.emit('participant-left', p));
    this.#roster.on('changed', (list) => this.emit('participants', list));
  }

  /** Our seat on the server (id, secret, ICE servers), while we have one. */
  get seat(): Seat | undefined {
    return this.#session?.seat;
  }

  /**
   * The connections to the other members, while joined.
   * @internal Not public API: it changes with the transport. Read connection facts with `stats(id)`.
   */
  get mesh(): Mesh | undefined {
    return this.#mesh;
  }

  /** Everyone in the call, yourself first. */
  get participants(): readonly Participant[] {
    return this.#roster.participants;
  }

  /**
   * Facts about the connection to participant `id` (its state, the route ICE chose, bytes each way), or undefined
   * when there is no connection to them.
   */
  async stats(id: string): Promise<PeerStats | undefined> {
    return readPeerStats(this.#mesh?.peerConnections(id) ?? []);
  }

  /** Joins the room. Resolves once joined; rejects with an RtcError when joining cannot succeed. */
  async join(): Promise<void> {
    if (this.state === 'joining' || this.state === 'joined' || this.state === 'reconnecting') return;
    this.#setState('joining');
    this.#offMedia.push(
      this.media.on('warning', (w) => this.emit('error', w.toDetail())),
      this.media.on('change', () => this.#mediaChanged()),
    );
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
    this.#roster.setSelf(this.#selfParticipant('', this.options.name ?? ''));
    const session = new BrokerSession(this.options, { policy: this.options.reconnectPolicy });
    this.#session = session;
    this.#offSession = this.#wireSession(session);
    // Devices and the seat are independent: ask for both at once.
    const mediaReady = this.media.start({ audio: this.options.audio ?? true, video: this.options.video ?? true });
    try {
      // The session resolves once the server has told us who is in the room, which is what makes us joined.
      await session.start();
      await mediaReady;
    } catch (err) {
      if (session !== this.#session) return;
      const e = err instanceof RtcError ? err : new RtcError('server-error', String(err), true);
      this.#fail(e);
      throw e;
    }
    if (session !== this.#session) return;
    this.#mediaChanged();
  }

  /** Leaves the room and releases camera, microphone and connections. */
  async leave(): Promise<void> {
    if (this.state === 'idle' || this.state === 'left') return;
    this.#endSession();
    this.#release();
    this.#setState('left');
    this.emit('left', undefined);
  }

  /** Changes your display name for everyone in the call. */
  setName(name: string): void {
    this.options.name = name;
    if (!this.#roster.self) return;
    this.#roster.updateSelf({ name });
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

  #wireSession(session: BrokerSession): (() => void)[] {
    return [
      session.on('peer', ({ peer, seat }) => {
        this.#mesh = new Mesh(peer, this.media, () => this.#controlState());
        this.#wireMesh(this.#mesh);
        this.#roster.setSelf(this.#selfParticipant(seat.id, seat.name || this.options.name || ''));
      }),
      session.on('room', ({ members, first }) => {
        const present = new Set(members.map((m) => m.id));
        for (const id of this.#roster.memberIds()) if (!present.has(id)) this.#memberLeft(id);
        for (const m of members) this.#memberJoined(m);
        this.#setState('joined');
        if (first) this.emit('joined', this.#roster.self!);
      }),
      session.on('member-joined', (m) => this.#memberJoined(m)),
      session.on('member-left', ({ id }) => this.#memberLeft(id)),
      session.on('reconnecting', (detail) => {
        this.#setState('reconnecting');
        this.emit('error', detail);
      }),
      session.on('warning', (detail) => this.emit('error', detail)),
      session.on('seat-ended', ({ rejoining }) => {
        this.#closeMesh();
        if (rejoining) this.#setState('joining');
      }),
      session.on('failed', (e) => this.#fail(e)),
    ];
  }

  #memberJoined({ id, name }: Member): void {
    this.#roster.memberJoined(id, name);
    const seat = this.#session?.seat;
    if (seat && shouldCall(seat.id, id)) this.#mesh?.connect(id);
  }

  #memberLeft(id: string): void {
    this.#roster.memberLeft(id);
    this.#mesh?.drop(id);
  }

  #wireMesh(mesh: Mesh): void {
    const roster = this.#roster;
    mesh.on('stream', ({ id, stream }) => roster.update(id, { stream, connection: 'connected' }));
    mesh.on('connection', ({ id, state }) => roster.get(id) && roster.update(id, { connection: state }));
    mesh.on('control', ({ id, message }) =>
      roster.update(id, {
        name: message.name || roster.memberName(id),
        audioEnabled: message.audio,
        videoEnabled: message.video,
      }),
    );
    mesh.on('closed', ({ id }) => {
      roster.remove(id);
      // Still in the room by the server's word: the caller tries again, quietly. The tile comes back only when
      // media or state arrives; a peer that is really gone is removed by the server's RTC-LEFT.
      const seat = this.#session?.seat;
      if (this.#mesh !== mesh || !roster.isMember(id) || !seat || !shouldCall(seat.id, id)) return;
      this.#timers.after(RECALL_MS, () => {
        // While the broker is away, the RTC-ROOM that follows the reconnect makes the call instead.
        if (this.#mesh === mesh && roster.isMember(id) && !mesh.has(id) && this.#session?.peer?.open) mesh.connect(id);
      });
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

  #controlState(): StateMessage {
    return {
      v: 1,
      t: 'state',
      name: this.#roster.self?.name ?? '',
      audio: this.media.audioEnabled,
      video: this.media.videoEnabled,
    };
  }

  #mediaChanged(): void {
    this.#mesh?.syncTracks();
    this.#mesh?.broadcast(this.#controlState());
    this.#roster.updateSelf({
      stream: this.media.preview,
      audioEnabled: this.media.audioEnabled,
      videoEnabled: this.media.videoEnabled,
    });
  }

  #setState(state: CallState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  /** Joining cannot succeed, or the session gave up: say why, and let go of everything. */
  #fail(e: RtcError): void {
    this.emit('error', e.toDetail());
    this.#endSession();
    this.#release();
    this.#setState('failed');
  }

  /** Gives the seat back and closes the network side: the mesh, the broker connection, who is in the room. */
  #endSession(): void {
    const session = this.#session;
    this.#session = undefined;
    // The session says goodbye over the broker connection, then (through 'seat-ended') the mesh closes before
    // the broker connection it was made over.
    session?.close();
    for (const off of this.#offSession.splice(0)) off();
    this.#closeMesh();
  }

  /** Closes the connections of one seat, and forgets the room it was in. */
  #closeMesh(): void {
    // Its 'closed' events may still schedule re-calls, which are cancelled just after.
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#timers.clear();
    this.#roster.clearOthers();
  }

  /** Lets go of what join() took: the camera and microphone, media listeners and the page-hide hook. */
  #release(): void {
    for (const off of this.#offMedia.splice(0)) off();
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.media.stop();
    this.#roster.setSelf(undefined);
  }
}
