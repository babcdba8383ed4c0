/**
 * Frame validation: every frame a client sends, within the rate, is parsed once and checked here. It answers with
 * the frame `peer` may see, nothing, or what handles the frame in its turn (a relay, or RTC-LEAVE). Only HEARTBEAT,
 * RTC-PING, RTC-LEAVE, RTC-SIGNAL and PeerJS's OFFER / ANSWER / CANDIDATE pass; a relayed frame goes on as the
 * sender's bytes when they hold only the checked fields (relay-frame.ts).
 */
import { readSignal } from './signal.js';
import { holdsExactly, stampedFrame } from './relay-frame.js';
import type { Conn } from './connections.js';
import type { Logger } from './log.js';
import type { createRelay } from './relay.js';

/** Message types relayed to another member. HEARTBEAT, RTC-PING and RTC-LEAVE are the server's; the rest is refused. */
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);
export const HEARTBEAT = '{"type":"HEARTBEAT"}';
const HEARTBEAT_BYTES = Buffer.from(HEARTBEAT);

/** what `peer` sees of a frame, if anything */
export type PeerFrame = string | undefined | void;
export type Screened = PeerFrame | (() => PeerFrame | Promise<PeerFrame>);

/**
 * @param deps.leave the member leaves the room on purpose
 */
export function frameScreen({
  refuse,
  log,
  leave,
  relay,
}: {
  refuse: (reason: string) => void;
  log: Logger;
  leave: (c: Conn) => Promise<void>;
  relay: ReturnType<typeof createRelay>['relay'];
}): (c: Conn, data: unknown, isBinary: boolean) => Screened {
  return (c, data, isBinary) => {
    const bad = (reason: string) => {
      refuse(reason);
      log.debug('frame refused', { reason, id: c.id });
    };
    if (isBinary || !Buffer.isBuffer(data)) return bad('malformed');
    // Every client sends this every 5 s: no need to parse it to know it.
    if (data.equals(HEARTBEAT_BYTES)) return HEARTBEAT;
    const text = data.toString('utf8');
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return bad('malformed');
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof msg.type !== 'string') return bad('malformed');
    if (msg.type === 'HEARTBEAT') return HEARTBEAT;
    if (msg.type === 'RTC-PING') {
      // Answered here, never shown to `peer`: the client's proof that the link still carries frames both ways (a
      // half-open TCP link swallows them without a close). PeerJS ignores the RTC-PONG (no connectionId).
      c.socket.send('{"type":"RTC-PONG"}');
      return;
    }
    if (msg.type === 'RTC-LEAVE') return () => leave(c);
    // Exactly type, dst and payload (each checked below): then the sender's text may go on as it is.
    const threeFields = Object.keys(msg).length === 3;
    if (msg.type === 'RTC-SIGNAL') {
      const { dst } = msg;
      const payload = readSignal(msg.payload);
      if (typeof dst !== 'string' || !payload) return bad('malformed');
      const exact = threeFields && holdsExactly(msg.payload, payload);
      // Never held for an absent receiver: after a reconnect the sender's perfect negotiation simply offers again
      // (an ICE restart), and stale candidates would be useless.
      return relay(c, dst, bad, {
        stamped: () => stampedFrame(text, exact, c.id, { type: msg.type, dst, payload }),
        hold: false,
      });
    }
    if (!RELAYED.has(msg.type)) return bad('type');
    const { type, dst, payload } = msg;
    if (typeof dst !== 'string' || !payload || typeof payload !== 'object' || Array.isArray(payload))
      return bad('malformed');
    return relay(c, dst, bad, {
      stamped: () => stampedFrame(text, threeFields, c.id, { type, dst, payload }),
      hold: true,
      forPeer: () => JSON.stringify({ type, dst, payload }),
    });
  };
}
