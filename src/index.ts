/**
 * rtc-call: `<rtc-call room="standup">` and the elements it is made of, plus the framework-free call engine.
 * Importing this module registers the elements (once, even if it is loaded twice). `rtc-call/engine` is the engine
 * alone; `rtc-call/components/<tag>` is one element (and what it is made of).
 */
export { RtcCall } from './components/rtc-call/rtc-call.js';
export { RtcVideoTile } from './components/rtc-video-tile/rtc-video-tile.js';
export { RtcDevicePicker } from './components/rtc-device-picker/rtc-device-picker.js';
export * from './engine.js';
export { callContext, type CallContextValue } from './context.js';
export type {
  RtcJoinedDetail,
  RtcParticipantDetail,
  RtcLeftDetail,
  RtcDeviceSelectDetail,
  RtcDeviceChangeDetail,
  RtcCallState,
  RtcStateChangeDetail,
  RtcDataDetail,
  RtcMessageDetail,
} from './events.js';
export type { RtcDeviceChoice } from './components/rtc-call/media-commands.js';
export type { RtcStrings, RtcStringKey } from './i18n/strings.js';
