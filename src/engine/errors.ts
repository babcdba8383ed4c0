/**
 * Every problem the widget reports has a stable `code`, for code, and a `message`, for people.
 * `fatal` problems end the attempt to join; the others are warnings the call goes on with.
 */
export type RtcErrorCode =
  | 'unauthorized'
  | 'room-full'
  | 'invalid-room'
  | 'origin-not-allowed'
  | 'rate-limited'
  | 'server-unreachable'
  | 'server-error'
  | 'connection-lost'
  | 'camera-denied'
  | 'microphone-denied'
  | 'camera-unavailable'
  | 'microphone-unavailable'
  | 'media-unsupported'
  /** A method of the element that needs a call was used outside one. */
  | 'not-in-call'
  /** `setDevices()` named a device (or a kind of device) the browser does not list. */
  | 'unknown-device'
  /** `send()`: the topic is not a string of 1 to 64 characters. */
  | 'invalid-topic'
  /** `send()`: the data is not JSON (undefined, a function, a cycle, a BigInt). */
  | 'invalid-data'
  /** `send()`: the message is larger than the documented limit (64 KiB as JSON); nothing was sent. */
  | 'data-too-large'
  /** `send()`: `to` is not someone else in the call; `pin()`: nobody in the call has that id. */
  | 'unknown-participant'
  /** `react()`: not one of the reactions there are (👍 ❤️ 😂 🎉 👏 😮). */
  | 'invalid-reaction'
  /** `sendMessage()`: the text is empty (or only spaces) or longer than 4,000 characters. */
  | 'invalid-message'
  /** `sendFile()`: not a file (a `Blob`), or larger than the limit (1 GiB). */
  | 'invalid-file'
  /** `shareScreen()`: the visitor cancelled the picker, or the browser or page does not allow sharing. */
  | 'screen-denied'
  /** `setLayout()`: not `grid` or `speaker`. */
  | 'invalid-layout';

export interface RtcErrorDetail {
  code: RtcErrorCode;
  message: string;
  /** The attempt to join or stay in the call has ended. */
  fatal: boolean;
}

export class RtcError extends Error implements RtcErrorDetail {
  constructor(
    readonly code: RtcErrorCode,
    message: string,
    readonly fatal = false,
  ) {
    super(message);
    this.name = 'RtcError';
  }

  toDetail(): RtcErrorDetail {
    return { code: this.code, message: this.message, fatal: this.fatal };
  }
}

/** Error codes the server answers with, and whether retrying can help. */
const SERVER_CODES: Record<string, { code: RtcErrorCode; fatal: boolean }> = {
  unauthorized: { code: 'unauthorized', fatal: true },
  'room-full': { code: 'room-full', fatal: true },
  'invalid-room': { code: 'invalid-room', fatal: true },
  'origin-not-allowed': { code: 'origin-not-allowed', fatal: true },
  'rate-limited': { code: 'rate-limited', fatal: false },
};

export function serverError(status: number, body: { code?: unknown; message?: unknown } | undefined): RtcError {
  const known = typeof body?.code === 'string' ? SERVER_CODES[body.code] : undefined;
  const message = typeof body?.message === 'string' ? body.message : `The call server answered ${status}.`;
  return known ? new RtcError(known.code, message, known.fatal) : new RtcError('server-error', message, false);
}
