/**
 * rtc-call/react: the elements as React components, made with `@lit/react`, with typed props and `onRtc…` events.
 * A separate entry point: the script-tag bundle has none of it, and `react` is yours (17 or newer).
 *
 * ```tsx
 * import { RtcCall } from 'rtc-call/react';
 * <RtcCall room="standup" name="Ana" onRtcJoined={(e) => console.log(e.detail.participant)} />;
 * ```
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { RtcCall as RtcCallElement } from './components/rtc-call/rtc-call.js';
import { RtcVideoTile as RtcVideoTileElement } from './components/rtc-video-tile/rtc-video-tile.js';
import { RtcDevicePicker as RtcDevicePickerElement } from './components/rtc-device-picker/rtc-device-picker.js';

/** The event `type` typed as the `CustomEvent` our event map says it is. */
const event = <K extends keyof GlobalEventHandlersEventMap>(type: K) =>
  type as EventName<GlobalEventHandlersEventMap[K]>;

export const RtcCall = createComponent({
  react: React,
  tagName: 'rtc-call',
  elementClass: RtcCallElement,
  displayName: 'RtcCall',
  events: {
    onRtcJoined: event('rtc-joined'),
    onRtcParticipantJoined: event('rtc-participant-joined'),
    onRtcParticipantLeft: event('rtc-participant-left'),
    onRtcLeft: event('rtc-left'),
    onRtcError: event('rtc-error'),
    onRtcStateChange: event('rtc-state-change'),
    onRtcRequestLeave: event('rtc-request-leave'),
    onRtcData: event('rtc-data'),
    onRtcMessage: event('rtc-message'),
    onRtcHand: event('rtc-hand'),
    onRtcReaction: event('rtc-reaction'),
    onRtcActiveSpeaker: event('rtc-active-speaker'),
    onRtcScreenShare: event('rtc-screen-share'),
    onRtcDeviceChange: event('rtc-device-change'),
    onRtcQuality: event('rtc-quality'),
    onRtcParticipantUpdated: event('rtc-participant-updated'),
    onRtcLayoutChange: event('rtc-layout-change'),
    onRtcFile: event('rtc-file'),
  },
});

export const RtcVideoTile = createComponent({
  react: React,
  tagName: 'rtc-video-tile',
  elementClass: RtcVideoTileElement,
  displayName: 'RtcVideoTile',
  events: {
    onRtcTileView: event('rtc-tile-view'),
    onRtcTileFrame: event('rtc-tile-frame'),
    onRtcTilePin: event('rtc-tile-pin'),
  },
});

export const RtcDevicePicker = createComponent({
  react: React,
  tagName: 'rtc-device-picker',
  elementClass: RtcDevicePickerElement,
  displayName: 'RtcDevicePicker',
  events: { onRtcDeviceSelect: event('rtc-device-select') },
});
