import type { RtcErrorDetail } from './engine/errors.js';
import type { DeviceKind } from './engine/local-media.js';
import type { ConnectionQuality, Participant } from './engine/types.js';
import type { DataMessage } from './engine/data-topics.js';
import type { ChatMessage } from './engine/chat.js';
import type { FileTransfer, TransferState } from './engine/files.js';

/** Every event of ours bubbles and crosses shadow roots, so a page can listen on `<rtc-call>` or above it. */
function event<T>(type: string, detail: T, cancelable = false): CustomEvent<T> {
  return new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable });
}

export interface RtcJoinedDetail {
  room: string;
  /** Your own participant. */
  participant: Participant;
}
export interface RtcParticipantDetail {
  participant: Participant;
}
export interface RtcLeftDetail {
  room: string;
}
/**
 * What `<rtc-call>` is doing: `idle` (no call yet), `prejoin` (waiting for the visitor to join: `manual`), `joining`,
 * `joined`, `reconnecting`, `left` or `failed`.
 */
export type RtcCallState = 'idle' | 'prejoin' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';
export interface RtcStateChangeDetail {
  state: RtcCallState;
  previous: RtcCallState;
}
export interface RtcDeviceSelectDetail {
  kind: DeviceKind;
  deviceId: string;
}

export interface RtcTileViewDetail {
  /** The participant shown. */
  id: string;
  /** How tall their video is shown, in device pixels (in steps); 0 when it is not shown. */
  height: number;
}

export interface RtcTileFrameDetail {
  /** The participant shown. */
  id: string;
}

export interface RtcTilePinDetail {
  /** What `pin()` takes: the participant's id, or `<id>:screen` for their screen. */
  id: string;
  /** Whether the visitor wants it pinned (false: unpinned). */
  pinned: boolean;
}

/** Someone (you too) started or stopped sharing their screen; `participant.screen` is it, or null. */
export interface RtcScreenShareDetail {
  participant: Participant;
  sharing: boolean;
}

/** The devices the browser lists, or the ones the call uses, changed. */
export interface RtcDeviceChangeDetail {
  devices: readonly MediaDeviceInfo[];
  /** The device in use of each kind (`''`: the browser's default). */
  selected: Readonly<Record<DeviceKind, string>>;
}

/**
 * A message someone sent with `send()`: `{ topic, from: { id, name }, data }`. `data` is what they sent, as JSON
 * parsed again; `from` is whose connection it came on.
 */
export type RtcDataDetail = DataMessage;

/** Someone (you too) raised or lowered their hand. */
export interface RtcHandDetail {
  participant: Participant;
  raised: boolean;
}
/** Someone (you too) reacted: `emoji` is one of 👍 ❤️ 😂 🎉 👏 😮. */
export interface RtcReactionDetail {
  participant: Participant;
  emoji: string;
}
/** The active speaker changed: the loudest person speaking, held for a moment; undefined once they have left. */
export interface RtcActiveSpeakerDetail {
  participant: Participant | undefined;
}
/** The quality of the connection to someone changed. */
export interface RtcQualityDetail {
  participant: Participant;
  quality: ConnectionQuality;
}

export const rtcJoined = (d: RtcJoinedDetail) => event('rtc-joined', d);
export const rtcParticipantJoined = (d: RtcParticipantDetail) => event('rtc-participant-joined', d);
export const rtcParticipantLeft = (d: RtcParticipantDetail) => event('rtc-participant-left', d);
export const rtcLeft = (d: RtcLeftDetail) => event('rtc-left', d);
export const rtcError = (d: RtcErrorDetail) => event('rtc-error', d);
export const rtcStateChange = (d: RtcStateChangeDetail) => event('rtc-state-change', d);
export const rtcRequestLeave = () => event('rtc-request-leave', {}, true);
export const rtcDeviceSelect = (d: RtcDeviceSelectDetail) => event('rtc-device-select', d);
export const rtcTileView = (d: RtcTileViewDetail) => event('rtc-tile-view', d);
export const rtcTileFrame = (d: RtcTileFrameDetail) => event('rtc-tile-frame', d);
export const rtcDeviceChange = (d: RtcDeviceChangeDetail) => event('rtc-device-change', d);
export const rtcData = (d: RtcDataDetail) => event('rtc-data', d);
export const rtcHand = (d: RtcHandDetail) => event('rtc-hand', d);
export const rtcReaction = (d: RtcReactionDetail) => event('rtc-reaction', d);
export const rtcActiveSpeaker = (d: RtcActiveSpeakerDetail) => event('rtc-active-speaker', d);
export const rtcQuality = (d: RtcQualityDetail) => event('rtc-quality', d);
/**
 * A chat message: `{ id, from: { id, name }, text, time, local }`, `time` its sender's (ms since 1970), `local` when it
 * is yours. Fires for every message, yours too, and for each one of the history a newcomer is sent.
 */
export type RtcMessageDetail = ChatMessage;
export const rtcMessage = (d: RtcMessageDetail) => event('rtc-message', d);
export const rtcChatClose = () => event('rtc-chat-close', {});
export const rtcTilePin = (d: RtcTilePinDetail) => event('rtc-tile-pin', d);
export const rtcScreenShare = (d: RtcScreenShareDetail) => event('rtc-screen-share', d);
/** What changed about someone already in the call (yourself too): the new snapshot, and the names of the fields. */
export interface RtcParticipantUpdatedDetail {
  participant: Participant;
  changed: (keyof Participant)[];
}
export const rtcParticipantUpdated = (d: RtcParticipantUpdatedDetail) => event('rtc-participant-updated', d);
/** How the tiles are laid out now: the layout, and what is pinned to the stage (an id, `<id>:screen`, or null). */
export interface RtcLayoutChangeDetail {
  layout: 'grid' | 'speaker';
  pinned: string | null;
}
export const rtcLayoutChange = (d: RtcLayoutChangeDetail) => event('rtc-layout-change', d);
/**
 * A file transfer (either way) began or changed state: `offered` (to you: `transfer.accept()` or `refuse()`),
 * `sending` / `receiving`, then `done` (a received one has `transfer.blob`), `refused`, `cancelled` or `failed`.
 */
export interface RtcFileDetail {
  transfer: FileTransfer;
  state: TransferState;
}
export const rtcFile = (d: RtcFileDetail) => event('rtc-file', d);

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-joined': CustomEvent<RtcJoinedDetail>;
    'rtc-participant-joined': CustomEvent<RtcParticipantDetail>;
    'rtc-participant-left': CustomEvent<RtcParticipantDetail>;
    'rtc-left': CustomEvent<RtcLeftDetail>;
    'rtc-error': CustomEvent<RtcErrorDetail>;
    'rtc-state-change': CustomEvent<RtcStateChangeDetail>;
    'rtc-request-leave': CustomEvent<Record<string, never>>;
    'rtc-device-select': CustomEvent<RtcDeviceSelectDetail>;
    'rtc-tile-view': CustomEvent<RtcTileViewDetail>;
    'rtc-tile-frame': CustomEvent<RtcTileFrameDetail>;
    'rtc-device-change': CustomEvent<RtcDeviceChangeDetail>;
    'rtc-data': CustomEvent<RtcDataDetail>;
    'rtc-hand': CustomEvent<RtcHandDetail>;
    'rtc-reaction': CustomEvent<RtcReactionDetail>;
    'rtc-active-speaker': CustomEvent<RtcActiveSpeakerDetail>;
    'rtc-quality': CustomEvent<RtcQualityDetail>;
    'rtc-message': CustomEvent<RtcMessageDetail>;
    'rtc-chat-close': CustomEvent<Record<string, never>>;
    'rtc-tile-pin': CustomEvent<RtcTilePinDetail>;
    'rtc-screen-share': CustomEvent<RtcScreenShareDetail>;
    'rtc-participant-updated': CustomEvent<RtcParticipantUpdatedDetail>;
    'rtc-layout-change': CustomEvent<RtcLayoutChangeDetail>;
    'rtc-file': CustomEvent<RtcFileDetail>;
  }
}
