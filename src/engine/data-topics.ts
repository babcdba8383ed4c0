import { RtcError } from './errors.js';

/**
 * The page's own messages ("data topics"): JSON under a topic, sent peer to peer on each connection's data channel
 * (peer-link.ts, channel id 1), never through the server. This module is the wire format and its checks, both ways.
 */

/** A topic is a non-empty string of at most this many characters. */
export const MAX_TOPIC_LENGTH = 64;
/**
 * The largest message, in bytes of its UTF-8 JSON on the wire (`{"v":1,"topic":…,"data":…}`): 64 KiB. Every browser
 * sends a data-channel message this size whole (SCTP's smallest common limit is larger), and one message this size
 * holds the channel for only a moment, so a big one never keeps the next waiting long.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** One message as it arrives: whose connection it came on is the sender, so it carries no `from` to forge. */
export interface TopicMessage {
  topic: string;
  data: unknown;
}

/** A page message as the page gets it: `from` is who sent it (their participant id, and name). */
export interface DataMessage extends TopicMessage {
  from: { id: string; name: string };
}

/** Where `send()` sends: to one participant (`to`: their id), or, without it, everyone else in the call. */
export interface SendOptions {
  to?: string;
}

/** What `send()` outside a call rejects with, from the call or from the element that has none. */
export const notInCall = () => new RtcError('not-in-call', 'There is no call to send in: join first.');

const encoder = new TextEncoder();

function validTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && topic.length > 0 && topic.length <= MAX_TOPIC_LENGTH;
}

/** The message as it goes on the wire, or an RtcError saying why it cannot go: `invalid-topic`, `invalid-data`, `data-too-large`. */
export function encodeTopicMessage(topic: unknown, data: unknown): string {
  if (!validTopic(topic)) throw new RtcError('invalid-topic', 'A topic is 1 to 64 characters.');
  // JSON.stringify would quietly leave out a `data` that is undefined, a function or a symbol.
  if (data === undefined || typeof data === 'function' || typeof data === 'symbol')
    throw new RtcError('invalid-data', 'The data is not JSON.');
  let text: string;
  try {
    text = JSON.stringify({ v: 1, topic, data });
  } catch (err) {
    // A cycle, a BigInt, a toJSON that throws.
    throw new RtcError('invalid-data', `The data is not JSON: ${String(err)}`);
  }
  const bytes = encoder.encode(text).length;
  if (bytes > MAX_MESSAGE_BYTES)
    throw new RtcError('data-too-large', `The message is ${bytes} bytes as JSON, over the 64 KiB limit.`);
  return text;
}

/**
 * A message from a peer, or undefined when it is not one (not text, not JSON, the wrong shape, too large): a peer's
 * bad message is dropped, never thrown.
 */
export function decodeTopicMessage(raw: unknown): TopicMessage | undefined {
  // A UTF-8 byte is at most one UTF-16 unit: more units than the limit's bytes is surely too large; fewer is checked.
  if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_BYTES) return undefined;
  if (encoder.encode(raw).length > MAX_MESSAGE_BYTES) return undefined;
  let m: { v?: unknown; topic?: unknown; data?: unknown } | null;
  try {
    m = JSON.parse(raw) as typeof m;
  } catch {
    return undefined;
  }
  if (!m || typeof m !== 'object' || Array.isArray(m) || m.v !== 1 || !validTopic(m.topic) || !('data' in m))
    return undefined;
  return { topic: m.topic, data: m.data };
}
