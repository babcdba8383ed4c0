import { Emitter } from './emitter.js';
import { RtcError, type RtcErrorDetail } from './errors.js';
import { LocalMedia, type AudioProcessing } from './local-media.js';
import { Timers } from './timers.js';
import { ALIVE_MS, Mesh, shouldCall, type MeshSignaller } from './mesh.js';
import { BrokerSession, type Member } from './broker-session.js';
import type { PeerStats } from './peer-stats.js';
import type { ScreenShare } from './screen-share.js';
import type { ReconnectPolicy } from './reconnect-policy.js';
import { Roster } from './roster.js';
import type { CallState, StateMessage, Participant, Seat } from './types.js';
import type { People, PeopleEvents, PeopleHost } from './people.js';
import type { LinkReport } from './quality.js';
import { cleanName } from './names.js';
import type { Logger } from './logger.js';
import { CAPTURE_LADDER } from './video-fit.js';
import type { ChatMessage } from './chat.js';
import type { FileTransfer } from './files.js';
import type { Features } from './features.js';
import {
  decodeTopicMessage,
  encodeTopicMessage,
  notInCall,
  type DataMessage,
  type SendOptions,
} from './data-topics.js';

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
  /**
   * Pause your video while the page is hidden (a phone's browser in the background, the screen locked), and resume
   * it on return: the others see your camera as off meanwhile. Default false (a desktop visitor who looks at another
   * tab stays seen).
   */
  pauseVideoWhenHidden?: boolean;
  /** Echo cancellation, noise suppression, automatic gain: each on unless set to false here. */
  audioProcessing?: Partial<AudioProcessing>;
  /** When to try the call server again after losing it; by default a doubling back-off with jitter. */
  reconnectPolicy?: ReconnectPolicy;
  /** Where diagnostics go (failures that are otherwise only recovered from); none by default. */
  logger?: Logger;
  /**
   * Fit our video to what each peer shows of it (video-fit.ts): capture no more than the tallest view, scale each
   * connection's encoding to its receiver's view, pause it while hidden. Default true; false sends everyone the
   * camera at 1280x720, unscaled, as before (a baseline to compare with, or for a page that records its tiles).
   */
  fitVideo?: boolean;
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
  /** Someone sent the page a message (`send()` on their side). */
  data: DataMessage;
  /** Someone (you too) raised or lowered their hand. */
  hand: PeopleEvents['hand'];
  /** Someone (you too) reacted. */
  reaction: PeopleEvents['reaction'];
  /** The active speaker changed (`activeSpeaker`); undefined once they have left. */
  'active-speaker': PeopleEvents['active-speaker'];
  /** The quality of the connection to someone changed (`Participant.quality`). */
  quality: PeopleEvents['quality'];
  /** A chat message new to us: yours (`local`), someone's as it came, or one of the history a newcomer is sent. */
  message: ChatMessage;
  /** A file transfer began or changed state (`transfers` is the new list). */
  files: readonly FileTransfer[];
  /** Someone (you too) started or stopped sharing their screen; `participant.screen` is it, or null. */
  'screen-share': { participant: Participant; sharing: boolean };
}

/**
 * Screen sharing's code (a chunk of its own), fetched as the first connection to someone opens (sharing needs
 * someone to share with), so that a share still works once the server that served it is gone, yet off the path of
 * the call's first pictures; fetched again on the next call after a failure.
 */
let screenModule: Promise<typeof import('./screen-share.js')> | undefined;
const loadScreenShare = () =>
  (screenModule ??= import('./screen-share.js').catch((err) => {
    screenModule = undefined;
    throw new RtcError('server-unreachable', `Screen sharing could not be loaded: ${err}`);
  }));

/** A peer whose connection closed while still in the room is called again after this long. */
const RECALL_MS = 3000;

/**
 * One visitor's call, as the page and `<rtc-call>` see it: it composes the broker session (seat, PeerJS, the
 * server's pushes, reconnects), the roster (who is here), local media and the mesh of connections to the others.
 * Framework-free; the `<rtc-call>` element is a view of it.
 *
 * The mesh lives as long as the join, not the seat: when the broker connection is lost and a new seat is taken,
 * the connections to the others go on, and the call tells them its new seat over those connections.
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
  /** `joined` has been told for this join (a new seat after trouble does not tell it again). */
  #joinedOnce = false;
  #onPageHide = () => void this.leave();
  #onVisibility = () => this.media.pauseVideo(globalThis.document?.visibilityState === 'hidden');
  /**
   * Hands, reactions, speaking and quality (people.ts): a chunk of its own, loaded when the first connection to
   * someone opens (all of it is about the others), or when a method needs it first.
   */
  #people?: Promise<People | undefined>;
  #peopleNow?: People;
  #offMedia: (() => void)[] = [];
  /** The chat and the file transfers of this join: chunks of their own, loaded the first time they are needed. */
  #features?: Promise<Features>;
  #featuresNow?: Features;
  /** Screen sharing (screen-share.ts, a chunk of its own), loaded with the first share, ours or another's. */
  #screens?: Promise<ScreenShare>;

  constructor(readonly options: CallOptions) {
    super();
    this.media = options.media ?? new LocalMedia();
    this.media.logger ??= options.logger;
    Object.assign(this.media.audioProcessing, options.audioProcessing);
    this.#roster.on('joined', (p) => this.emit('participant-joined', p));
    this.#roster.on('left', (p) => this.emit('participant-left', p));
    this.#roster.on('changed', (list) => {
      this.#peopleNow?.sync();
      this.emit('participants', list);
    });
    this.#roster.on('left', (p) => {
      // A connection that closes fails its transfers; the chat forgets only someone who has left the room.
      this.#featuresNow?.left(p.id);
    });
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
   * Facts about the connection to participant `id` (its state, the route ICE chose, bytes each way, the audio and
   * video sent and received, the control channel), or undefined when there is no connection to them.
   */
  async stats(id: string): Promise<PeerStats | undefined> {
    const pcs = this.#mesh?.peerConnections(id) ?? [];
    // Only pages that show connection details need the reading code: a chunk of its own, loaded on first use.
    return pcs.length ? (await import('./peer-stats.js')).readPeerStats(pcs) : undefined;
  }

  /**
   * Says how tall participant `id`'s video is shown here, in device pixels (video-fit's `viewStep`; 0 when it is not
   * shown: hidden, scrolled away, the page in the background). They then send no more than that, and nothing at 0.
   * Views call it for each tile.
   */
  setView(id: string, height: number): void {
    this.#mesh?.setView(id, height);
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
    if (this.options.pauseVideoWhenHidden) {
      globalThis.document?.addEventListener('visibilitychange', this.#onVisibility);
      this.#onVisibility();
    }
    this.#roster.setSelf(this.#selfParticipant('', this.options.name ?? ''));
    const session = new BrokerSession(this.options, {
      policy: this.options.reconnectPolicy,
      announce: (seat) => this.#mesh?.announceSeat(seat.id),
    });
    this.#session = session;
    // Connections start as soon as the others are known, not after the devices: the camera and microphone join
    // them by replaceTrack when they come, with no renegotiation.
    const fit = this.options.fitVideo ?? true;
    // Unfitted: the top of the ladder for everyone. (Before the camera opens this only sets what it will be asked.)
    if (!fit) void this.media.setCaptureHeight(CAPTURE_LADDER[CAPTURE_LADDER.length - 1]);
    this.#mesh = new Mesh(this.#signaller(session), this.media, () => this.#controlState(), fit);
    this.#wireMesh(this.#mesh);
    this.#wirePeople(this.#mesh);
    this.#wireFeatures(this.#mesh);
    this.#offSession = this.#wireSession(session);
    // Devices and the seat are independent: ask for both at once, the seat first (a request on the wire, while the
    // devices take their time to start).
    const started = session.start();
    const mediaReady = this.media.start({ audio: this.options.audio ?? true, video: this.options.video ?? true });
    // Awaited after the seat; until then a failure here is not "unhandled".
    mediaReady.catch((err) => this.options.logger?.debug('media start failed', err));
    // While the server and the devices answer.
    this.#mesh.warm();
    try {
      // The session resolves once the server has told us who is in the room, which is what makes us joined.
      await started;
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

  /**
   * Sends `data` (JSON) under `topic` to everyone else in the call, or only to participant `options.to`, peer to peer
   * on each connection's data channel (data-topics.ts). Resolves once handed to the connections; for someone whose
   * connection is not open yet (they have just joined) it waits until it opens, MAX_QUEUED_DATA messages at most. Rejects with an RtcError, and sends nothing:
   * `not-in-call`, `invalid-topic`, `invalid-data`, `data-too-large`, `unknown-participant`.
   */
  async send(topic: string, data: unknown, options: SendOptions = {}): Promise<void> {
    const mesh = this.#mesh;
    if (!mesh || (this.state !== 'joined' && this.state !== 'reconnecting')) throw notInCall();
    const text = encodeTopicMessage(topic, data);
    const to = options?.to;
    if (to !== undefined && (typeof to !== 'string' || !this.#roster.get(to)))
      throw new RtcError('unknown-participant', `No one else in this call has the id ${String(to)}.`);
    mesh.sendData(text, to !== undefined ? [to] : this.#roster.participants.filter((p) => !p.local).map((p) => p.id));
  }

  /**
   * The person speaking, or who spoke last: the loudest of those speaking, held for a moment so that two people
   * talking at once do not swap places all the time. It may be you. Undefined before anyone has spoken, and once
   * they have left. `active-speaker` tells when it changes.
   */
  get activeSpeaker(): Participant | undefined {
    const id = this.#peopleNow?.activeSpeaker;
    return id === undefined ? undefined : this.#roster.participants.find((p) => p.id === id);
  }

  /** Raises or lowers your hand for everyone (`hand` event; a newcomer sees it raised). Rejects: `not-in-call`. */
  async raiseHand(up: boolean): Promise<void> {
    (await this.#peopleReady()).raiseHand(!!up);
  }

  /**
   * Sends a reaction to everyone (`reaction` event): one of 👍 ❤️ 😂 🎉 👏 😮 (people.ts `REACTIONS`). Rejects with an
   * RtcError, having sent nothing: `not-in-call`, `invalid-reaction`, `rate-limited` (more than 5 in 5 s).
   */
  async react(emoji: string): Promise<void> {
    (await this.#peopleReady()).react(emoji);
  }

  /**
   * What the connection to participant `id` was last judged on: round trip and jitter (ms), loss (0 to 1), bitrates
   * each way (bits/s), over the last couple of seconds. Undefined until first judged. (`stats(id)` has the rest.)
   */
  linkReport(id: string): LinkReport | undefined {
    return this.#peopleNow?.report(id);
  }

  async #peopleReady(): Promise<People> {
    const mesh = this.#mesh;
    const joined = mesh && (this.state === 'joined' || this.state === 'reconnecting');
    const people = joined ? await (this.#people ?? this.#loadPeople(mesh)) : undefined;
    if (!people || this.#peopleNow !== people) throw notInCall();
    return people;
  }

  #wirePeople(mesh: Mesh): void {
    // Until the chunk is here, what peers say waits for it, in order (a peer's messages come after its 'open').
    mesh.on('message', ({ id, message }) => void this.#people?.then((p) => p?.receive(id, message)));
    mesh.on('open', ({ id }) => void (this.#people ?? this.#loadPeople(mesh)).then((p) => p?.opened(id)));
  }

  #loadPeople(mesh: Mesh): Promise<People | undefined> {
    const roster = this.#roster;
    const host: PeopleHost = {
      participants: () => roster.participants,
      update: (id, patch) => {
        if (id === roster.self?.id) roster.updateSelf(patch);
        else if (roster.get(id)) roster.update(id, patch);
      },
      send: (id, message) => mesh.send(id, message),
      broadcast: (message) => mesh.broadcast(message),
      peerConnection: (id) => mesh.peerConnection(id),
      microphone: () => this.media.track('audio'),
    };
    return (this.#people = import('./people.js').then(
      ({ People }) => {
        if (this.#mesh !== mesh) return undefined;
        const people = new People(host);
        people.on('hand', (d) => this.emit('hand', d));
        people.on('reaction', (d) => this.emit('reaction', d));
        people.on('active-speaker', (d) => this.emit('active-speaker', d));
        people.on('quality', (d) => this.emit('quality', d));
        this.#peopleNow = people;
        people.sync();
        return people;
      },
      (err) => void this.options.logger?.warn('people features not loaded', err),
    ));
  }

  /** The chat's messages of this call, in order (yours too); a new array whenever one is added. */
  get messages(): readonly ChatMessage[] {
    return this.#featuresNow?.chat.messages ?? [];
  }

  /** The files sent and offered in this call, both ways, newest last; a new array whenever one changes state. */
  get transfers(): readonly FileTransfer[] {
    return this.#featuresNow?.files?.transfers ?? [];
  }

  /**
   * Sends a chat message to everyone else in the call, over each connection's control channel (chat.ts): each gets it
   * once and in order, also across a reconnect, and someone who joins later gets the recent history. Resolves with the
   * message once handed to the connections (and `message` fires for it here too). Rejects with an RtcError:
   * `not-in-call`, `invalid-message` (empty, only spaces, or over 4,000 characters), `rate-limited` (over 20 at once
   * or 5 a second).
   */
  async sendMessage(text: string): Promise<ChatMessage> {
    return (await this.#loadFeatures(this.#inCall())).sendMessage(text);
  }

  /**
   * Offers `file` to everyone else in the call, or only to `{ to: id }`, peer to peer (files.ts): each of them accepts
   * or refuses it for themselves, and an accepted file goes on a data channel of its own with back-pressure. Resolves
   * with one FileTransfer per recipient (`state`, `bytes`, `progress` and `state` events, `cancel()`). Rejects with an
   * RtcError: `not-in-call`, `invalid-file` (not a Blob, or over 1 GiB), `unknown-participant`.
   */
  async sendFile(file: Blob, options: SendOptions = {}): Promise<FileTransfer[]> {
    return (await this.#loadFeatures(this.#inCall())).sendFile(file, options?.to);
  }

  #inCall(): Mesh {
    if (!this.#mesh || (this.state !== 'joined' && this.state !== 'reconnecting')) throw notInCall();
    return this.#mesh;
  }

  /** The chat and file transfers of this join (features.ts): a chunk of its own, loaded the first time it is needed. */
  #loadFeatures(mesh = this.#mesh): Promise<Features> {
    return (this.#features ??= import('./features.js').then(({ Features }) => {
      // Left (or joined again) while it loaded: this one is not for the call there is now.
      if (!mesh || mesh !== this.#mesh) throw notInCall();
      return (this.#featuresNow = new Features({
        mesh,
        roster: this.#roster,
        message: (m) => this.emit('message', m),
        files: (list) => this.emit('files', list),
        log: (what, err) => this.options.logger?.debug(what, err),
      }));
    }));
  }

  /** Chat and files: a peer's control channel opened, a data channel of theirs, or one of their messages came. */
  #wireFeatures(mesh: Mesh): void {
    // Without the chat we have no messages: a newcomer's word (n: 0) asks the others for their history.
    mesh.on('open', ({ id }) => {
      if (this.#featuresNow) this.#featuresNow.open(id);
      else mesh.send(id, { v: 1, t: 'chat-hi', n: 0 });
    });
    mesh.on('message', ({ id, message }) => {
      if (/^(chat|file-)/.test(message.t) && (message.t !== 'chat-hi' || this.#features))
        this.#loadFeatures(mesh)
          .then((f) => f.receive(id, message))
          .catch((err) => this.options.logger?.debug('chat not loaded', err));
    });
    mesh.on('channel', ({ id, channel }) =>
      this.#featuresNow ? this.#featuresNow.channel(id, channel) : channel.close(),
    );
  }

  /**
   * Shares a screen, window or tab the visitor picks with everyone in the call, as a video of its own (the camera
   * goes on). Resolves once shared. Rejects with an RtcError: `not-in-call`, `screen-denied` (the visitor cancelled
   * the picker, or sharing is not allowed), `media-unsupported` (the browser cannot share).
   */
  async shareScreen(): Promise<void> {
    if (!this.#mesh || (this.state !== 'joined' && this.state !== 'reconnecting')) throw notInCall();
    await (await this.#screenShare()).start();
  }

  /** Stops sharing your screen (nothing happens when you are not sharing). */
  async stopScreenShare(): Promise<void> {
    (await this.#screens)?.stop();
  }

  #screenShare(): Promise<ScreenShare> {
    const mesh = this.#mesh!;
    const roster = this.#roster;
    const made = (this.#screens ??= loadScreenShare().then(
      ({ ScreenShare }) =>
        new ScreenShare(
          mesh,
          (id, screen) => {
            if (id === undefined) roster.updateSelf({ screen });
            else if (roster.get(id)) roster.update(id, { screen });
            const participant = id === undefined ? roster.self : roster.get(id);
            if (participant && this.#mesh === mesh) this.emit('screen-share', { participant, sharing: !!screen });
          },
          this.options.logger,
        ),
    ));
    // Not loaded (the server is away): the next share or message tries again.
    made.catch(() => this.#screens === made && (this.#screens = undefined));
    return made;
  }

  /** Changes your display name for everyone in the call (cleaned: see names.ts). */
  setName(name: string): void {
    name = cleanName(name);
    this.options.name = name;
    // The same name again (the element tells its first `name` too) changes nothing, and tells no one.
    if (!this.#roster.self || this.#roster.self.name === name) return;
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

  /** How the mesh reaches the broker: through whatever seat the session has now. */
  #signaller(session: BrokerSession): MeshSignaller {
    const policy = this.options.iceTransportPolicy ?? 'all';
    return {
      signal: (dst, payload) => session.sendSignal(dst, payload),
      // One transport for audio, video and data from the start: a third of the candidates to gather and send.
      configuration: () => ({
        iceServers: session.seat?.iceServers ?? [],
        iceTransportPolicy: policy,
        bundlePolicy: 'max-bundle',
      }),
      // The session keeps the seat's TURN credentials fresh (renewed at 80% of their life), so the current ones
      // are fresh; an ICE restart needs no trip to the server, which may be away just then.
      refreshIce: async () => session.seat?.iceServers,
      log: this.options.logger,
    };
  }

  #wireSession(session: BrokerSession): (() => void)[] {
    return [
      session.on('peer', ({ seat }) => this.#seatIs(seat)),
      session.on('seat', (seat) => this.#seatIs(seat)),
      session.on('room', ({ members, first }) => {
        const present = new Set(members.map((m) => m.id));
        for (const key of this.#roster.memberIds()) {
          const seat = this.#mesh?.seatOf(key) ?? key;
          if (!present.has(seat)) this.#memberLeft(seat);
        }
        for (const m of members) this.#memberJoined(m);
        this.#setState('joined');
        if (first && this.#joinedOnce !== true) {
          this.#joinedOnce = true;
          this.emit('joined', this.#roster.self!);
        }
      }),
      session.on('member-joined', (m) => this.#memberJoined(m)),
      session.on('member-left', ({ id }) => this.#memberLeft(id)),
      session.on('signal', ({ src, payload }) => this.#mesh?.receive(src, payload)),
      session.on('reconnecting', (detail) => {
        this.#setState('reconnecting');
        this.emit('error', detail);
      }),
      session.on('warning', (detail) => this.emit('error', detail)),
      session.on('seat-ended', () => {
        // The connections go on; re-calls wait for the next seat's room.
        this.#timers.clear();
      }),
      session.on('failed', (e) => this.#fail(e)),
    ];
  }

  /** Our seat, or what we know of it, changed. */
  #seatIs(seat: Seat): void {
    // You stay who you were when you joined, under whatever seat: the others keep your tile too. (Until then, the
    // seat that gets you in is who you are: a seat asked for in the upgrade may be refused, and another taken.)
    const self = this.#roster.self;
    const name = seat.name || this.options.name || '';
    if (!self?.id || !this.#joinedOnce) return this.#roster.setSelf(this.#selfParticipant(seat.id, name));
    // A new seat may come with a new name (a renewed room token names its holder): tell the others.
    if (name && name !== self.name) {
      this.#roster.updateSelf({ name });
      this.#mesh?.broadcast(this.#controlState());
    }
  }

  /** The server says seat `seat` is in the room. */
  #memberJoined({ id: seat, name }: Member): void {
    const mesh = this.#mesh;
    if (!mesh || mesh.isRetired(seat)) return;
    const key = mesh.keyOf(seat) ?? seat;
    this.#roster.memberJoined(key, name);
    const own = this.#session?.seat;
    if (own && !mesh.has(key) && shouldCall(own.id, seat)) mesh.connect(seat);
  }

  /**
   * The server says seat `seat` has left the room. A person we still hear over our connection is not gone: their
   * seat ended (they lost the server for a while) and they will say which seat they have now; until then, or until
   * they fall silent, they stay. Someone who really left was heard last just before: their connection's close
   * usually tells us at once, but not always, so we look again once a live peer would have been heard since.
   */
  #memberLeft(seat: string): void {
    const mesh = this.#mesh;
    if (!mesh || mesh.isRetired(seat)) return;
    const key = mesh.keyOf(seat) ?? seat;
    if (mesh.isAlive(key)) {
      this.#roster.notMember(key);
      this.#timers.after(ALIVE_MS, () => {
        const gone = this.#mesh === mesh && !this.#roster.isMember(key) && !mesh.isAlive(key);
        if (gone && this.#roster.get(key)) this.#memberLeft(seat);
      });
      return;
    }
    this.#roster.memberLeft(key);
    mesh.drop(key);
  }

  #wireMesh(mesh: Mesh): void {
    const roster = this.#roster;
    mesh.on('stream', ({ id, stream }) => roster.update(id, { stream, connection: 'connected' }));
    mesh.on('connection', ({ id, state }) => roster.get(id) && roster.update(id, { connection: state }));
    mesh.on('link', ({ id, level }) => roster.get(id) && roster.update(id, { weakLink: level === 'audio-only' }));
    mesh.on('control', ({ id, message }) =>
      roster.update(id, {
        name: cleanName(message.name) || roster.memberName(id),
        audioEnabled: message.audio,
        videoEnabled: message.video,
      }),
    );
    mesh.on('data', ({ id, raw }) => {
      const message = decodeTopicMessage(raw);
      // A peer's malformed or oversized message is theirs to fix: dropped here, never thrown at the page.
      if (!message) return void this.options.logger?.debug('page message dropped', id);
      const name = roster.get(id)?.name ?? roster.memberName(id);
      this.emit('data', { topic: message.topic, from: { id, name }, data: message.data });
    });
    // Screen sharing: a share's message loads its module; a connection made anew is caught up by the sharer.
    mesh.on('message', ({ id, message }) => {
      if (message.t === 'screen')
        this.#screenShare().then(
          (s) => s.receive(id, message),
          (err) => this.options.logger?.debug('screen message dropped', err),
        );
    });
    mesh.on('open', ({ id }) => {
      loadScreenShare().catch((err) => this.options.logger?.debug('screen share not loaded', err));
      void this.#screens?.then((s) => (s.forget(id), s.attach(id)));
    });
    mesh.on('track', ({ id }) => void this.#screens?.then((s) => s.track(id)));
    mesh.on('closed', ({ id, seat }) => {
      void this.#screens?.then((s) => s.forget(id));
      roster.remove(id);
      if (!roster.isMember(id)) return;
      // Still in the room by the server's word: the caller tries again, quietly. The tile comes back only when
      // media or state arrives; a peer that is really gone is removed by the server's RTC-LEFT. Someone met under
      // an older seat is met again under the one they have now.
      if (seat !== id) roster.rekeyMember(id, seat);
      const own = this.#session?.seat;
      if (this.#mesh !== mesh || !own || !shouldCall(own.id, seat)) return;
      this.#timers.after(RECALL_MS, () => {
        // While the broker is away, the RTC-ROOM that follows the reconnect makes the call instead.
        if (this.#mesh === mesh && roster.isMember(seat) && !mesh.has(seat) && this.#session?.peer?.open)
          mesh.connect(seat);
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
      weakLink: false,
      hand: false,
      speaking: false,
      quality: null,
      screen: this.#roster.self?.screen ?? null,
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
    this.options.logger?.info(`state ${state}`);
    this.emit('state', state);
  }

  /** Joining cannot succeed, or the session gave up: say why, and let go of everything. */
  #fail(e: RtcError): void {
    this.options.logger?.warn(`failed: ${e.code}`, e.message);
    this.emit('error', e.toDetail());
    this.#endSession();
    this.#release();
    this.#setState('failed');
  }

  /** Closes the network side: the connections to the others, then the seat and the broker connection. */
  #endSession(): void {
    const session = this.#session;
    this.#session = undefined;
    // Our connections close first, so the others see us go at once (their data channels close) rather than wait
    // for the server's word, which they would otherwise check against a connection still alive.
    void this.#screens?.then((s) => s.close());
    this.#screens = undefined;
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#peopleNow?.close();
    this.#peopleNow = undefined;
    this.#people = undefined;
    this.#featuresNow?.close();
    this.#features = this.#featuresNow = undefined;
    this.#timers.clear();
    session?.close();
    for (const off of this.#offSession.splice(0)) off();
    this.#roster.clearOthers();
    this.#joinedOnce = false;
  }

  /** Lets go of what join() took: the camera and microphone, media listeners and the page-hide hook. */
  #release(): void {
    for (const off of this.#offMedia.splice(0)) off();
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    globalThis.document?.removeEventListener('visibilitychange', this.#onVisibility);
    this.media.stop();
    this.#roster.setSelf(undefined);
  }
}
