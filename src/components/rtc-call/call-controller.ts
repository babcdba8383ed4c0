import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Call, type CallOptions } from '../../engine/call.js';
import type { RtcErrorCode, RtcErrorDetail } from '../../engine/errors.js';
import type { CallState, Participant } from '../../engine/types.js';
import type { CallContextValue } from '../../context.js';
import {
  rtcData,
  rtcMessage,
  rtcError,
  rtcJoined,
  rtcLeft,
  rtcParticipantJoined,
  rtcParticipantLeft,
  rtcScreenShare,
} from '../../events.js';
import { rtcActiveSpeaker, rtcFile, rtcHand, rtcParticipantUpdated, rtcQuality, rtcReaction } from '../../events.js';

/** Problems that go away by themselves once the call is (re)joined. */
/** The fields in which two snapshots of one participant differ. */
function changedFields(was: Participant, now: Participant): (keyof Participant)[] {
  return (Object.keys(now) as (keyof Participant)[]).filter((k) => was[k] !== now[k]);
}

const TRANSIENT: RtcErrorCode[] = ['server-unreachable', 'connection-lost', 'server-error', 'rate-limited'];

/**
 * Connects an element to one `Call` at a time: mirrors its state for rendering, re-dispatches its events as DOM
 * events on the host, and releases everything when the host leaves the page.
 */
export class CallController implements ReactiveController {
  call?: Call;
  state: CallState = 'idle';
  participants: readonly Participant[] = [];
  /** Current problems, newest last, one per code. */
  notices: RtcErrorDetail[] = [];
  context?: CallContextValue;
  #off: (() => void)[] = [];
  #starts = 0;

  /** `stateChanged` is called as soon as the call's state changes, before the host renders it. */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly stateChanged: () => void = () => {},
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    // Moving the element in the page disconnects and reconnects it in one go: leave only if it stays off the page.
    queueMicrotask(() => {
      if (!this.host.isConnected) void this.stop();
    });
  }

  /**
   * Starts a new call (leaving any current one). Resolves when joined, or when another start or a stop took its place;
   * rejects with the `RtcError` when joining cannot succeed (which also arrives as `rtc-error`).
   */
  async start(options: CallOptions): Promise<void> {
    const start = ++this.#starts;
    // (No wait when there is no call to end: the call's broker connection then opens in the task that started it.)
    if (this.call) await this.#end();
    // Another start or a stop came while the old call was ending, or the element left the page: that one wins.
    if (start !== this.#starts || !this.host.isConnected) return;
    const call = new Call(options);
    this.call = call;
    this.notices = [];
    const host = this.host;
    // The engine learns who is already in the room just before it calls itself joined; a page sets up on
    // `rtc-joined`, so the people already there are announced after it, in the order they came.
    let joined = false;
    const told = new WeakMap<object, string>();
    const held: Event[] = [];
    const announce = (event: Event) => (joined ? host.dispatchEvent(event) : held.push(event));
    this.#off.push(
      call.on('state', (s) => {
        this.state = s;
        if (s === 'joined') this.notices = this.notices.filter((n) => !TRANSIENT.includes(n.code));
        this.stateChanged();
        host.requestUpdate();
      }),
      call.on('participants', (list) => {
        const before = new Map(this.participants.map((p) => [p.id, p]));
        this.participants = list;
        host.requestUpdate();
        // Someone already shown changed (muted, renamed, raised a hand, started speaking…): say what, once joined.
        if (joined)
          for (const p of list) {
            const was = before.get(p.id);
            const changed = was && was !== p ? changedFields(was, p) : [];
            if (changed.length) host.dispatchEvent(rtcParticipantUpdated({ participant: p, changed }));
          }
      }),
      call.on('joined', (p) => {
        host.dispatchEvent(rtcJoined({ room: options.room, participant: p }));
        for (const event of held.splice(0)) host.dispatchEvent(event);
        joined = true;
      }),
      call.on('participant-joined', (p) => announce(rtcParticipantJoined({ participant: p }))),
      call.on('participant-left', (p) => announce(rtcParticipantLeft({ participant: p }))),
      call.on('left', () => host.dispatchEvent(rtcLeft({ room: options.room }))),
      call.on('data', (m) => host.dispatchEvent(rtcData(m))),
      call.on('hand', (d) => host.dispatchEvent(rtcHand(d))),
      call.on('reaction', (d) => host.dispatchEvent(rtcReaction(d))),
      call.on('active-speaker', (p) => host.dispatchEvent(rtcActiveSpeaker({ participant: p }))),
      call.on('quality', (d) => host.dispatchEvent(rtcQuality(d))),
      call.on('message', (m) => host.dispatchEvent(rtcMessage(m))),
      call.on('screen-share', (d) => host.dispatchEvent(rtcScreenShare(d))),
      call.on('files', (list) => {
        // Each transfer's every new state, once.
        for (const transfer of list)
          if (told.get(transfer) !== transfer.state) {
            told.set(transfer, transfer.state);
            host.dispatchEvent(rtcFile({ transfer, state: transfer.state }));
          }
      }),
      call.on('error', (e) => {
        this.notices = [...this.notices.filter((n) => n.code !== e.code), e];
        host.dispatchEvent(rtcError(e));
        host.requestUpdate();
      }),
    );
    const media = call.media;
    const provide = () => {
      this.context = {
        media,
        devices: media.devices,
        selected: { ...media.selected },
        select: (kind, id) => media.selectDevice(kind, id),
      };
      host.requestUpdate();
    };
    this.#off.push(media.on('devices', provide), media.on('change', provide));
    provide();
    try {
      await call.join();
    } catch (err) {
      // Superseded (left, or joined again) meanwhile: that is not this start's failure to report.
      if (start === this.#starts && this.call === call) throw err;
    }
  }

  /** Leaves the call, if any. */
  async stop(): Promise<void> {
    this.#starts++;
    await this.#end();
  }

  async #end(): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.call = undefined;
    await call.leave();
    for (const off of this.#off.splice(0)) off();
    this.participants = [];
    this.host.requestUpdate();
  }

  dismiss(code: RtcErrorCode): void {
    this.notices = this.notices.filter((n) => n.code !== code);
    this.host.requestUpdate();
  }
}
