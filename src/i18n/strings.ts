import type { RtcErrorCode } from '../engine/errors.js';

/**
 * Every word the elements show or announce, in one language. `{name}`-style placeholders are filled in when shown.
 * A page overrides any of them with the elements' `strings` property; a language is one file that exports all of
 * them (see `en` below and zh-CN.ts).
 */
/**
 * The words of the chat panel (`<rtc-chat>`). Their English comes with the chat's own code (a chunk loaded when the
 * chat first opens), so in `RtcStrings` they may be left out; a language file has them all.
 */
export interface RtcChatStrings {
  closeChat: string;
  noMessages: string;
  message: string;
  send: string;
  attachFile: string;
  /** A file in the chat: `{name}` is the other person; `{size}` the file's size in KB. */
  fileFrom: string;
  fileTo: string;
  fileSize: string;
  accept: string;
  refuse: string;
  cancel: string;
  save: string;
  fileOffered: string;
  fileSending: string;
  fileDone: string;
  fileRefused: string;
  fileCancelled: string;
  fileFailed: string;
}

/**
 * The words of a tile's connection details (`<rtc-quality-details>`; `{protocol}`: `udp`, `tcp` or `tls`) and of the
 * participant list (`<rtc-participant-list>`). Like the chat's, their English comes with their own code (chunks
 * loaded when first shown), so in `RtcStrings` they may be left out; a language file has them all.
 */
export interface RtcPanelStrings {
  roundTrip: string;
  loss: string;
  bitrate: string;
  resolution: string;
  codec: string;
  route: string;
  routeDirect: string;
  routeRelay: string;
  editName: string;
  saveName: string;
}

export interface RtcStrings extends Partial<RtcChatStrings>, Partial<RtcPanelStrings> {
  /** `<rtc-call>`'s status line. */
  statusIdle: string;
  statusNoRoom: string;
  statusJoining: string;
  statusWaiting: string;
  statusReconnecting: string;
  statusLeft: string;
  statusFailed: string;
  /** The control bar. */
  controls: string;
  microphone: string;
  muteMicrophone: string;
  unmuteMicrophone: string;
  camera: string;
  turnCameraOff: string;
  turnCameraOn: string;
  devices: string;
  chooseDevices: string;
  switchCamera: string;
  leave: string;
  join: string;
  joinAgain: string;
  /** The pre-join screen. */
  yourName: string;
  microphoneLevel: string;
  dismiss: string;
  /** Said by screen readers (a live region): `{name}` is who joined or left. */
  announceJoined: string;
  announceLeft: string;
  /** People: the hand and reactions buttons, the people button and list, raised hands said aloud. */
  raiseHand: string;
  lowerHand: string;
  reactions: string;
  people: string;
  announceHand: string;
  handRaised: string;
  /**
   * The words for a problem, by its `code`. Left out, the engine's own (English) message is shown. `{host}` is the
   * call server's host where there is one.
   */
  errors: Partial<Record<RtcErrorCode, string>>;
  /** `<rtc-video-tile>`. */
  you: string;
  guest: string;
  /** Your own tile's name: `{name}` is your name. */
  nameYou: string;
  /** What a screen reader hears for a tile: `{name}`, then the parts that apply, joined with `listSeparator`. */
  tileMicrophoneOff: string;
  tileCameraOff: string;
  listSeparator: string;
  connecting: string;
  reconnecting: string;
  /** On a tile whose person sends no video for now because the connection is too weak. */
  weakLink: string;
  microphoneOff: string;
  cameraOff: string;
  playSound: string;
  /** A tile's connection quality badge. */
  qualityGood: string;
  qualityFair: string;
  qualityPoor: string;
  /** `<rtc-device-picker>`; `{n}` numbers a device the browser gives no name. */
  speaker: string;
  unnamedCamera: string;
  unnamedMicrophone: string;
  unnamedSpeaker: string;
  noDevices: string;
  /** The chat's control bar button, and `{n}` unread messages on it. */
  chat: string;
  chatUnread: string;
  /** Said by screen readers while the chat is closed: `{name}` sent `{text}`. */
  announceMessage: string;
  /** Screen sharing and layouts: the control bar's buttons, and a tile's. `{name}` is whose screen it is. */
  shareScreen: string;
  stopSharing: string;
  fullscreen: string;
  exitFullscreen: string;
  screenOf: string;
  yourScreen: string;
  pin: string;
  unpin: string;
  pictureInPicture: string;
}

/** The keys of the plain strings (all but `errors`). */
export type RtcStringKey = Exclude<keyof RtcStrings, 'errors' | keyof RtcChatStrings | keyof RtcPanelStrings>;

/** English: built in, so it needs no request. */
export const en: RtcStrings = {
  statusIdle: 'Not in a call.',
  statusNoRoom: 'Set a room to start a call.',
  statusJoining: 'Joining…',
  statusWaiting: 'Waiting for others to join…',
  statusReconnecting: 'Reconnecting…',
  statusLeft: 'You left the call.',
  statusFailed: 'Could not join the call.',
  controls: 'Call controls',
  microphone: 'Microphone',
  muteMicrophone: 'Mute microphone',
  unmuteMicrophone: 'Unmute microphone',
  camera: 'Camera',
  turnCameraOff: 'Turn camera off',
  turnCameraOn: 'Turn camera on',
  devices: 'Devices',
  chooseDevices: 'Choose camera, microphone and speaker',
  switchCamera: 'Switch camera',
  leave: 'Leave call',
  join: 'Join',
  joinAgain: 'Join again',
  yourName: 'Your name',
  microphoneLevel: 'Microphone level',
  dismiss: 'Dismiss',
  announceJoined: '{name} joined the call',
  announceLeft: '{name} left the call',
  raiseHand: 'Raise hand',
  lowerHand: 'Lower hand',
  reactions: 'Reactions',
  people: 'People',
  announceHand: '{name} raised a hand',
  handRaised: 'Hand raised',
  errors: {},
  you: 'You',
  guest: 'Guest',
  nameYou: '{name} (you)',
  tileMicrophoneOff: 'microphone off',
  tileCameraOff: 'camera off',
  listSeparator: ', ',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  weakLink: 'Weak connection: video paused',
  microphoneOff: 'Microphone off',
  cameraOff: 'Camera off',
  playSound: 'Play sound',
  qualityGood: 'Connection: good',
  qualityFair: 'Connection: fair',
  qualityPoor: 'Connection: poor',
  speaker: 'Speaker',
  unnamedCamera: 'Camera {n}',
  unnamedMicrophone: 'Microphone {n}',
  unnamedSpeaker: 'Speaker {n}',
  noDevices: 'No cameras or microphones found.',
  chat: 'Chat',
  chatUnread: '{n} unread',
  announceMessage: '{name}: {text}',
  shareScreen: 'Share screen',
  stopSharing: 'Stop sharing',
  fullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  screenOf: '{name}’s screen',
  yourScreen: 'Your screen',
  pin: 'Pin',
  unpin: 'Unpin',
  pictureInPicture: 'Picture in picture',
};

/** Fills `{key}` placeholders; an unknown one stays as written. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
