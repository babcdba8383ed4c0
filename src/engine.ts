/**
 * rtc-call/engine: the call engine alone, with no framework in it. Importing it registers no element and loads no
 * Lit: a page that draws its own call UI (or a framework's) starts here.
 */
export { Call, type CallOptions, type CallEvents } from './engine/call.js';
export { LocalMedia, type AudioProcessing, type DeviceKind, type MediaKind } from './engine/local-media.js';
export { shouldCall } from './engine/mesh.js';
export { ConsoleLogger, parseLogLevel, type Logger, type LogLevel } from './engine/logger.js';
export type { PeerStats, PeerRoute, MediaStats, SentMedia, ReceivedMedia } from './engine/peer-stats.js';
export {
  DefaultReconnectPolicy,
  type ReconnectPolicy,
  type ReconnectContext,
  type DefaultReconnectPolicyOptions,
} from './engine/reconnect-policy.js';
export { MAX_MESSAGE_BYTES, MAX_TOPIC_LENGTH, type DataMessage, type SendOptions } from './engine/data-topics.js';
export { RtcError, type RtcErrorCode, type RtcErrorDetail } from './engine/errors.js';
export type { Participant, CallState, ControlMessage, StateMessage, PingMessage, Seat } from './engine/types.js';
