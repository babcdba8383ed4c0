/**
 * rtc-call: `<rtc-call room="standup">` and the elements it is made of, plus the framework-free call engine.
 * Importing this module registers the elements (once, even if it is loaded twice).
 */
export { RtcCall } from './components/rtc-call/rtc-call.js';
export { RtcVideoTile } from './components/rtc-video-tile/rtc-video-tile.js';
export { RtcDevicePicker } from './components/rtc-device-picker/rtc-device-picker.js';
export { Call, type CallOptions, type CallEvents } from './engine/call.js';
export { LocalMedia, type DeviceKind, type MediaKind } from './engine/local-media.js';
export { shouldCall } from './engine/mesh.js';
export type { PeerStats } from './engine/peer-stats.js';
export {
  DefaultReconnectPolicy,
  type ReconnectPolicy,
  type ReconnectContext,
  type DefaultReconnectPolicyOptions,
} from './engine/reconnect-policy.js';
export { RtcError, type RtcErrorCode, type RtcErrorDetail } from './engine/errors.js';
export type { Participant, CallState, ControlMessage, StateMessage, PingMessage, Seat } from './engine/types.js';
export { callContext, type CallContextValue } from './context.js';
export type { RtcJoinedDetail, RtcParticipantDetail, RtcLeftDetail, RtcDeviceSelectDetail } from './events.js';
