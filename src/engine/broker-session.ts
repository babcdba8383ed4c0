import type { Logger } from './logger.js';
import { Peer, type PeerOptions } from '../peerjs.js';
import { Emitter } from './emitter.js';
import { RtcError, type RtcErrorDetail } from './errors.js';
import { ownSeat, peerOptions, refreshIce, releaseSeat, requestSeat, type SeatRequest } from './broker-client.js';
import type { ClientMessage, IceServer, Member, ServerPush, SignalPayload, UntrustedPush } from './protocol.js';
import { DefaultReconnectPolicy, type ReconnectContext, type ReconnectPolicy } from './reconnect-policy.js';
import { Timers } from './timers.js';
import type { Seat } from './types.js';

/**
 * The seam in front of PeerJS: what the session needs of a `Peer`. The real `Peer` fits it as it is; a unit test
 * hands in a fake through `createPeer`. Only the broker connection is used: ids, heartbeats, reconnects, and its
 * socket for the server's pushes and our own signalling (RTC-SIGNAL). PeerJS's own media and data connections are
 * not: the mesh makes its own (peer-link.ts).
 */
export interface BrokerPeer {
  readonly open: boolean;
  readonly disconnected: boolean;
  readonly destroyed: boolean;
  readonly options: PeerOptions;
  readonly socket: { on(event: 'message', listener: (msg: unknown) => void): unknown; send(msg: object): void };
  on(event: 'open', listener: (id: string) => void): unknown;
  on(event: 'disconnected', listener: (id: string) => void): unknown;
  on(event: 'error', listener: (err: { type: string }) => void): unknown;
  reconnect(): void;
  disconnect(): void;
  destroy(): void;
}

export type PeerFactory = (id: string, options: PeerOptions) => BrokerPeer;

/** The server's HTTP side of a seat (broker-client.ts); a unit test hands in its own. */
export interface SeatApi {
  requestSeat(server: string, req: SeatRequest): Promise<Seat>;
  releaseSeat(server: string, seat: Seat): void;
  refreshIce(server: string, seat: Seat, token?: string): Promise<Pick<Seat, 'iceServers' | 'ttl'>>;
  /** A seat to ask for in the websocket upgrade itself, when the page can make one. */
  ownSeat?(req: SeatRequest): Seat | undefined;
}

/** Read afresh for every seat, so a new token (setToken) or name is used the next time. */
export interface BrokerSessionOptions {
  server: string;
  room: string;
  name?: string;
  token?: string;
  iceTransportPolicy?: RTCIceTransportPolicy;
  logger?: Logger;
}

export interface BrokerSessionSeams {
  createPeer?: PeerFactory;
  api?: SeatApi;
  policy?: ReconnectPolicy;
  /** How long one reconnect with the same seat may take before the next try. */
  reconnectWaitMs?: number;
  /**
   * Called with a new seat before its broker connection opens (and so before the others hear of it): the call
   * tells the peers it is still connected to, so they know the new seat as the same person.
   */
  announce?: (seat: Seat) => Promise<void> | undefined;
  /** How often to ping the server while in the room. */
  pingIntervalMs?: number;
  /** Silence from the server after which the broker connection counts as lost. */
  pingDeadlineMs?: number;
}

/** A member of the room, by the server's word (protocol.ts). */
export type { Member };

export interface BrokerSessionEvents {
  /** A seat's broker connection was made: connections to the others go through it. */
  peer: { peer: BrokerPeer; seat: Seat };
  /** The server told the seat's name and ICE servers (a seat asked for in the upgrade learns them so). */
  seat: Seat;
  /** The server's list of the others in the room (RTC-ROOM); `first` for the first of a seat. */
  room: { members: Member[]; first: boolean };
  'member-joined': Member;
  'member-left': { id: string };
  /** Signalling for our connection to seat `src` (RTC-SIGNAL), checked for shape. */
  signal: { src: string; payload: SignalPayload };
  /** The broker connection is lost; the session is getting it back (the calls in the mesh go on). */
  reconnecting: RtcErrorDetail;
  /** The seat and its broker connection are gone; `rejoining` when a new seat is on its way. */
  'seat-ended': { rejoining: boolean };
  /** A try failed and another follows. */
  warning: RtcErrorDetail;
  /** After having been in the room, the session gave up: a fatal answer, or the policy said stop. */
  failed: RtcError;
}

/** The server checks and rebuilds RTC-SIGNAL payloads; this only makes sure of the shape the mesh relies on. */
function signalPayload(p: UntrustedPush['payload']): SignalPayload | undefined {
  const d = p?.description as RTCSessionDescriptionInit | undefined;
  if (d && typeof d === 'object' && (d.type === 'offer' || d.type === 'answer') && typeof d.sdp === 'string')
    return { description: { type: d.type, sdp: d.sdp } };
  const c = p?.candidate as RTCIceCandidateInit | undefined;
  if (c && typeof c === 'object' && typeof c.candidate === 'string') return { candidate: c };
  return undefined;
}

/** Reconnects with the same seat before taking a new one (the server keeps a seat for about ten seconds). */
const RECONNECTS = 2;
const RECONNECT_WAIT_MS = 3000;
/**
 * A link whose packets silently vanish (no FIN, no RST) looks open to the browser for minutes, and PeerJS's
 * heartbeat expects no answer. So we ping (the server answers RTC-PONG) and call the link lost after 12 s without a
 * word from the server: two lost pongs in a row, and noticed well within 15 s.
 */
const PING_INTERVAL_MS = 5000;
const PING_DEADLINE_MS = 12000;

const defaultApi: SeatApi = { requestSeat, releaseSeat, refreshIce, ownSeat };
const defaultCreatePeer: PeerFactory = (id, options) => new Peer(id, options);

function members(x: unknown): Member[] {
  if (!Array.isArray(x)) return [];
  return x
    .filter((m): m is { id: string; name?: unknown } => typeof m?.id === 'string')
    .map((m) => ({ id: m.id, name: typeof m.name === 'string' ? m.name : '' }));
}

/**
 * One visitor's place on the call server: a seat (id and secret), the PeerJS broker connection made with it, the
 * server's pushes about the room as typed events, reconnects (same seat first, then a new one, spaced by the
 * reconnect policy) and TURN credentials kept fresh. It knows nothing of media or of the other peers' connections.
 */
export class BrokerSession extends Emitter<BrokerSessionEvents> {
  seat?: Seat;
  #peer?: BrokerPeer;
  readonly #createPeer: PeerFactory;
  readonly #api: SeatApi;
  readonly #announce: BrokerSessionSeams['announce'];
  readonly #policy: ReconnectPolicy;
  readonly #reconnectWaitMs: number;
  readonly #pingIntervalMs: number;
  readonly #pingDeadlineMs: number;
  /** Fires when the server has been silent for the deadline; re-armed by every message from it. */
  #silence?: ReturnType<typeof setTimeout>;
  /** Every start, rejoin and close begins a new generation; callbacks of an older one do nothing. */
  #generation = 0;
  /** The current seat has had its first RTC-ROOM. */
  #inRoom = false;
  /** Settles the wait for the current seat's first RTC-ROOM. */
  #entering?: { resolve: () => void; reject: (e: RtcError) => void };
  #reconnecting?: { since: number; tries: number };
  #reconnectPending = false;
  readonly #timers = new Timers();
  /** The next TURN credentials refresh, while one is due. */
  #iceRefresh?: ReturnType<typeof setTimeout>;
  /** Waits that end early when the seat is torn down. */
  #sleepers = new Set<() => void>();

  constructor(
    readonly options: BrokerSessionOptions,
    seams: BrokerSessionSeams = {},
  ) {
    super();
    this.#createPeer = seams.createPeer ?? defaultCreatePeer;
    this.#api = seams.api ?? defaultApi;
    this.#announce = seams.announce;
    this.#policy = seams.policy ?? new DefaultReconnectPolicy();
    this.#reconnectWaitMs = seams.reconnectWaitMs ?? RECONNECT_WAIT_MS;
    this.#pingIntervalMs = seams.pingIntervalMs ?? PING_INTERVAL_MS;
    this.#pingDeadlineMs = seams.pingDeadlineMs ?? PING_DEADLINE_MS;
  }

  /** The current broker connection, while there is one. */
  get peer(): BrokerPeer | undefined {
    return this.#peer;
  }

  /**
   * Takes a seat and opens the broker connection, trying again while the server cannot be reached. Resolves once
   * in the room (the server's first RTC-ROOM has come); rejects with an RtcError when that cannot succeed.
   */
  async start(): Promise<void> {
    const generation = ++this.#generation;
    try {
      await this.#connect(generation);
    } catch (err) {
      if (generation === this.#generation) this.#end();
      throw err;
    }
  }

  /**
   * Sends signalling for our connection to seat `dst` through the broker; false when the broker connection is not
   * open (the connection's own retries make up for it).
   */
  sendSignal(dst: string, payload: SignalPayload): boolean {
    const peer = this.#peer;
    if (!peer?.open || !this.#inRoom) return false;
    peer.socket.send({ type: 'RTC-SIGNAL', dst, payload } satisfies ClientMessage);
    return true;
  }

  /** Gives the seat back and closes the broker connection. */
  close(): void {
    this.#end();
  }

  /**
   * Tries for a seat and a broker connection until in the room; waits first when coming back after trouble. A first
   * join asks for the seat in the websocket upgrade (one round trip); if that fails, POST /rtc/join is asked at once,
   * and its answer says why when joining cannot work (room full, token refused, …).
   */
  async #connect(generation: number, reason?: ReconnectContext['reason']): Promise<void> {
    const since = Date.now();
    let retryCount = 0;
    let wait = reason !== undefined;
    let inUpgrade = reason === undefined && !!this.#api.ownSeat;
    let last: RtcError | undefined;
    for (;;) {
      if (wait) {
        const delay = this.#policy.nextRetryDelayInMs({
          retryCount: retryCount++,
          elapsedMs: Date.now() - since,
          reason: reason ?? 'unreachable',
        });
        if (delay === null) throw gaveUp(last);
        await this.#sleep(delay);
        if (generation !== this.#generation) return;
      }
      wait = true;
      const { room, name, token, server } = this.options;
      const request = { room, name, token };
      let own: Seat | undefined;
      try {
        own = inUpgrade ? this.#api.ownSeat?.(request) : undefined;
        const seat = own ?? (await this.#api.requestSeat(server, request));
        if (generation !== this.#generation) return void this.#api.releaseSeat(server, seat);
        // Nothing to wait for on a first join (nobody to tell): the socket then opens in the task that joins.
        const announcing = this.#announce?.(seat);
        if (announcing) await announcing.catch((err) => this.options.logger?.debug('seat announcement failed', err));
        if (generation !== this.#generation) return void this.#api.releaseSeat(server, seat);
        await this.#openPeer(seat, generation, own && request);
        return;
      } catch (err) {
        const e =
          err instanceof RtcError
            ? err
            : new RtcError('connection-lost', 'The connection to the call server failed. Retrying…');
        if (e.fatal || generation !== this.#generation) throw e;
        // A seat whose broker connection failed to open is handed back, so it does not hold a place in the room.
        this.#giveUpSeat();
        this.#teardown(true);
        if (inUpgrade) {
          // The upgrade cannot say why it was refused: ask the join endpoint, now.
          inUpgrade = false;
          wait = false;
          continue;
        }
        this.emit('warning', e.toDetail());
        last = e;
        reason ??= 'unreachable';
      }
    }
  }

  #openPeer(seat: Seat, generation: number, join?: SeatRequest): Promise<void> {
    this.seat = seat;
    const { server, iceTransportPolicy } = this.options;
    const peer = this.#createPeer(seat.id, peerOptions(server, seat, iceTransportPolicy ?? 'all', join));
    this.#peer = peer;
    const entered = new Promise<void>((resolve, reject) => (this.#entering = { resolve, reject }));
    const notEntered = (message: string) => {
      const entering = this.#entering;
      this.#entering = undefined;
      entering?.reject(new RtcError('connection-lost', message));
    };
    peer.socket.on('message', (msg) => this.#onPush(msg as UntrustedPush, generation));
    peer.on('disconnected', () => {
      if (generation !== this.#generation) return;
      // Lost before the room was reached: this try failed, and #connect makes the next.
      if (!this.#inRoom) return notEntered('The connection to the call server was lost. Retrying…');
      this.#lostBroker(generation);
    });
    peer.on('error', (err) => {
      // Errors about one peer's PeerJS connection do not concern us; the rest mean the broker connection is in
      // trouble.
      if (err.type === 'peer-unavailable' || err.type === 'webrtc') return;
      if (peer.open) return;
      if (generation === this.#generation && !this.#inRoom)
        notEntered('The connection to the call server was refused. Retrying…');
      if (!peer.disconnected && !peer.destroyed) peer.disconnect();
    });
    this.emit('peer', { peer, seat });
    this.#scheduleIceRefresh(seat, generation);
    this.#schedulePing(peer, generation);
    return entered;
  }

  #onPush(msg: UntrustedPush, generation: number): void {
    if (generation !== this.#generation) return;
    // Any word from the server shows the link carries frames both ways.
    if (this.#inRoom) this.#armSilence(generation);
    if (!msg || typeof msg.type !== 'string') return;
    const p = msg.payload ?? {};
    // Typed as the protocol's pushes, so a case for a push the server does not send fails the type check.
    switch (msg.type as ServerPush['type']) {
      case 'RTC-SEAT': {
        // Before RTC-ROOM, for a seat asked for in the upgrade (also after each reconnect with it).
        const seat = this.seat;
        if (!seat) break;
        if (typeof p.name === 'string') seat.name = p.name;
        if (Array.isArray(p.iceServers)) seat.iceServers = p.iceServers as IceServer[];
        if (typeof p.ttl === 'number' && p.ttl >= 0) {
          seat.ttl = p.ttl;
          this.#timers.cancel(this.#iceRefresh);
          this.#scheduleIceRefresh(seat, generation);
        }
        this.emit('seat', seat);
        break;
      }
      case 'RTC-ROOM': {
        // The first RTC-ROOM of a seat; later ones come after a reconnect and only bring us up to date.
        const first = !this.#inRoom;
        this.#inRoom = true;
        this.#reconnecting = undefined;
        this.#armSilence(generation);
        this.emit('room', { members: members(p.members), first });
        const entering = this.#entering;
        this.#entering = undefined;
        entering?.resolve();
        break;
      }
      case 'RTC-JOINED':
        if (typeof p.id === 'string')
          this.emit('member-joined', { id: p.id, name: typeof p.name === 'string' ? p.name : '' });
        break;
      case 'RTC-LEFT':
        if (typeof p.id === 'string') this.emit('member-left', { id: p.id });
        break;
      case 'RTC-SIGNAL': {
        const payload = signalPayload(msg.payload);
        if (typeof msg.src === 'string' && payload) this.emit('signal', { src: msg.src, payload });
        break;
      }
      case 'RTC-GOODBYE':
        // The server is going away (a restart): our seat goes with it.
        if (this.#inRoom) this.#lostBroker(generation, true);
        break;
    }
  }

  /**
   * The broker connection dropped. After a brief drop we come back with our own id and secret: the server keeps
   * the seat for a grace period, and the calls in the mesh go on meanwhile. A server that said goodbye, or that
   * still does not take us back after a few tries, means a new seat.
   */
  #lostBroker(generation: number, seatGone = false): void {
    if (generation !== this.#generation) return;
    if (!this.#reconnecting) {
      this.#reconnecting = { since: Date.now(), tries: 0 };
      const lost = new RtcError('connection-lost', 'The connection to the call server was lost. Reconnecting…');
      this.emit('reconnecting', lost.toDetail());
    }
    const trouble = this.#reconnecting;
    if (seatGone || trouble.tries >= RECONNECTS) return this.#rejoin(seatGone ? 'goodbye' : 'lost');
    // PeerJS's 'disconnected' and our own check can both land here: one try at a time.
    if (this.#reconnectPending) return;
    const delay = this.#policy.nextRetryDelayInMs({
      retryCount: trouble.tries++,
      elapsedMs: Date.now() - trouble.since,
      reason: 'lost',
    });
    if (delay === null) return this.#fail(gaveUp(undefined));
    this.#reconnectPending = true;
    this.#timers.after(delay, () => {
      this.#reconnectPending = false;
      const peer = this.#peer;
      if (generation !== this.#generation || !peer || peer.destroyed) return;
      if (peer.disconnected) peer.reconnect();
      // OPEN and RTC-ROOM end the trouble; if they have not come, try again.
      this.#timers.after(this.#reconnectWaitMs, () => this.#reconnecting === trouble && this.#lostBroker(generation));
    });
  }

  /** Pings the server while the broker connection is open and in the room, for as long as the seat lasts. */
  #schedulePing(peer: BrokerPeer, generation: number): void {
    this.#timers.after(this.#pingIntervalMs, () => {
      if (generation !== this.#generation || peer !== this.#peer) return;
      if (this.#inRoom && peer.open) peer.socket.send({ type: 'RTC-PING' } satisfies ClientMessage);
      this.#schedulePing(peer, generation);
    });
  }

  /**
   * (Re)starts the wait for the server's next word. When it runs out while the connection still looks open, the
   * link is half-open: close our end, and PeerJS's 'disconnected' takes the lost-broker path (same seat first).
   */
  #armSilence(generation: number): void {
    this.#timers.cancel(this.#silence);
    const t = this.#timers.after(this.#pingDeadlineMs, () => {
      if (this.#silence === t) this.#silence = undefined;
      const peer = this.#peer;
      if (generation !== this.#generation || !peer || !peer.open || peer.disconnected || peer.destroyed) return;
      peer.disconnect();
    });
    this.#silence = t;
  }

  /** Drops the old seat and its connections, and comes back with a new one after the policy's wait. */
  #rejoin(reason: ReconnectContext['reason']): void {
    this.#giveUpSeat();
    this.#teardown(true);
    const generation = ++this.#generation;
    this.#connect(generation, reason).catch((e: RtcError) => {
      if (generation === this.#generation) this.#fail(e);
    });
  }

  /**
   * Fetches fresh TURN credentials well before the current ones lapse, for as long as the seat lasts. With a room
   * token, `ttl` also runs out before the seat does, so a token renewed by `setToken` reaches the server in time.
   */
  #scheduleIceRefresh(seat: Seat, generation: number, delayMs = Math.max(5, seat.ttl * 0.8) * 1000): void {
    if (!seat.ttl) return;
    this.#iceRefresh = this.#timers.after(delayMs, async () => {
      if (generation !== this.#generation) return;
      try {
        const ice = await this.#api.refreshIce(this.options.server, seat, this.options.token);
        const peer = this.#peer;
        if (generation !== this.#generation || !peer) return;
        // Every new connection and every ICE restart takes them from the seat (the mesh's configuration()).
        seat.iceServers = ice.iceServers;
        seat.ttl = ice.ttl;
        this.#scheduleIceRefresh(seat, generation);
      } catch (err) {
        this.options.logger?.debug('TURN refresh failed; again in 5 s', err);
        // The old credentials still hold for a fifth of their life: try again soon.
        if (generation === this.#generation) this.#scheduleIceRefresh(seat, generation, 5000);
      }
    });
  }

  /** Tells the server we are gone: over the broker socket when it is open, else over HTTP. */
  #giveUpSeat(): void {
    const seat = this.seat;
    if (!seat) return;
    this.seat = undefined;
    if (this.#peer?.open) this.#peer.socket.send({ type: 'RTC-LEAVE' } satisfies ClientMessage);
    else this.#api.releaseSeat(this.options.server, seat);
  }

  #fail(e: RtcError): void {
    this.#end();
    this.emit('failed', e);
  }

  /** The end of the session: nothing of an older generation runs after this. */
  #end(): void {
    this.#generation++;
    this.#giveUpSeat();
    this.#teardown(false);
  }

  /** Closes one seat's broker connection and its timers; the owner closes what it built on it first. */
  #teardown(rejoining: boolean): void {
    const had = !!this.#peer;
    if (had) this.emit('seat-ended', { rejoining });
    this.#peer?.destroy();
    this.#peer = undefined;
    this.#inRoom = false;
    this.#reconnecting = undefined;
    this.#reconnectPending = false;
    this.#timers.clear();
    this.#silence = undefined;
    for (const wake of [...this.#sleepers]) wake();
    const entering = this.#entering;
    this.#entering = undefined;
    entering?.reject(new RtcError('connection-lost', 'The connection to the call server was closed.'));
  }

  /** Waits `ms`, or less if the seat is torn down meanwhile (the caller checks its generation). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleepers.delete(wake);
        resolve();
      };
      this.#sleepers.add(wake);
      this.#timers.after(ms, wake);
    });
  }
}

/** The policy said stop: the last problem, now final. */
function gaveUp(last: RtcError | undefined): RtcError {
  return new RtcError(
    last?.code ?? 'connection-lost',
    'The call server could not be reached, and the widget has stopped trying. Join again to retry.',
    true,
  );
}
