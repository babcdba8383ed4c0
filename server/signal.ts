/**
 * The widget's own signalling message, `RTC-SIGNAL`: the offers, answers and ICE candidates of its one
 * RTCPeerConnection per pair. The guard relays it itself (`peer` never sees it), so it is checked here field by
 * field and rebuilt from the checked fields only: nothing a sender adds reaches the receiver.
 */
import type { SignalPayload } from '../src/engine/protocol.js';

const DESCRIPTION_TYPES = new Set(['offer', 'answer']);
/** An SDP of a call with a few tracks and data channels is a few KB; the frame cap (MAX_PAYLOAD) bounds it too. */
const MAX_SDP = 64 * 1024;
/** A candidate line is under 300 characters in practice. */
const MAX_CANDIDATE = 1024;
const MAX_MID = 64;
const MAX_UFRAG = 256;

const text = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;

const textOrNull = (v: unknown, max: number) => v === null || v === undefined || text(v, max);

/**
 * Reads an RTC-SIGNAL payload: exactly one of a session description or an ICE candidate.
 *
 * @returns the rebuilt payload, or undefined when it is not one
 */
export function readSignal(payload: unknown): SignalPayload | undefined {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a client's JSON: every field is checked below
  const { description, candidate } = payload as Record<string, any>;
  if ((description === undefined) === (candidate === undefined)) return undefined;
  if (description !== undefined) {
    if (!description || typeof description !== 'object') return undefined;
    if (!DESCRIPTION_TYPES.has(description.type) || !text(description.sdp, MAX_SDP)) return undefined;
    return { description: { type: description.type as 'offer' | 'answer', sdp: description.sdp } };
  }
  if (!candidate || typeof candidate !== 'object') return undefined;
  const { sdpMLineIndex } = candidate;
  if (!text(candidate.candidate, MAX_CANDIDATE)) return undefined;
  if (!textOrNull(candidate.sdpMid, MAX_MID) || !textOrNull(candidate.usernameFragment, MAX_UFRAG)) return undefined;
  if (!(
    sdpMLineIndex === null ||
    sdpMLineIndex === undefined ||
    (Number.isInteger(sdpMLineIndex) && sdpMLineIndex >= 0 && sdpMLineIndex < 1024)
  ))
    return undefined;
  return {
    candidate: {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? null,
      sdpMLineIndex: sdpMLineIndex ?? null,
      usernameFragment: candidate.usernameFragment ?? null,
    },
  };
}
