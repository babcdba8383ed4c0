/**
 * This instance among others sharing one Redis: it relays signalling and room pushes to the instance holding the
 * receiver's websocket (one pub/sub channel per instance, so a message goes only where it is read, in the order it
 * was published), says it is alive, ends the seats of instances that died, and puts back what Redis lost.
 */
import { randomBytes } from 'node:crypto';
import { safe } from './log.js';
import type { Peers, RelayMessage } from './broker.js';
import type { RedisRoomStore } from './store/redis.js';
import type { Logger } from './log.js';
import type { Rooms, Ticket } from './rooms.js';

/**
 * What travels between instances. A relayed frame, the bulk of it, goes as `F<dst> <frame>`: its text as it is,
 * not escaped into a JSON string here and parsed out again there; anything else is JSON (which starts with `{`).
 */
export function encodeRelay(m: RelayMessage): string {
  return m.kind === 'frame' ? `F${m.dst} ${m.frame}` : JSON.stringify(m);
}

/**
 * @returns undefined when it is not one
 */
export function decodeRelay(text: string): RelayMessage | undefined {
  if (text.startsWith('F')) {
    const gap = text.indexOf(' ');
    return gap > 1 ? { kind: 'frame', dst: text.slice(1, gap), frame: text.slice(gap + 1) } : undefined;
  }
  let m;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  return m && typeof m === 'object' ? m : undefined;
}

/**
 * @param deps.every ms between heartbeats and sweeps; an instance is dead after three missed
 */
export function createCluster({ store, log, every = 1000 }: { store: RedisRoomStore; log: Logger; every?: number }) {
  const inst = randomBytes(6).toString('hex');
  const own = `to:${inst}`;
  const all = 'to:all';
  const sub = store.client.duplicate();
  sub.on('error', (err) => log.debug('redis subscriber', { err: safe(err) }));

  let deliver: (m: RelayMessage) => void = () => {};
  let localSeats: () => Ticket[] = () => [];
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy = false;
  let rooms: Rooms | undefined;

  const received = (text: string) => {
    const m = decodeRelay(text);
    if (m) deliver(m);
  };

  const publish = (channel: string, m: RelayMessage) =>
    store.publish(channel, encodeRelay(m)).catch((err) => log.debug('relay lost', { err: safe(err) }));

  /** Alive for three more beats; the seats of instances that missed theirs wait for their people elsewhere. */
  const beat = async () => {
    if (busy || !rooms) return;
    busy = true;
    try {
      await store.heartbeat(inst, every * 3);
      const away = await store.reap(Date.now(), rooms.reconnectGrace);
      if (away.length) log.info('seats of a stopped instance wait for their people', { seats: away.length });
      await rooms.sweep();
    } catch (err) {
      log.debug('cluster beat failed', { err: safe(err) });
    } finally {
      busy = false;
    }
  };

  /**
   * Redis is back (or was restarted empty): the websockets open here are the truth, so their seats go back in; a
   * seat the store still places here whose websocket closed meanwhile waits out its grace like any dropped one.
   */
  const rebuild = async () => {
    if (!rooms) return;
    const grace = rooms.reconnectGrace;
    try {
      const live = localSeats();
      const ids = new Set(live.map((t) => t.id));
      for (const t of live) await store.add({ ...t, state: 'connected', until: undefined, inst });
      for (const id of await store.seatsOf(inst))
        if (!ids.has(id)) await store.update(id, { state: 'away', until: Date.now() + grace });
      await beat();
      if (live.length) log.info('room store rebuilt from this instance', { seats: live.length });
    } catch (err) {
      log.warn('room store rebuild failed', { err: safe(err) });
    }
  };

  const peers: Peers = {
    inst,
    publish: (to, m) => void publish(`to:${to}`, m),
    broadcast: (m) => void publish(all, m),
  };

  return {
    inst,
    peers,
    /**
     * Starts relaying to `broker` and beating.
     */
    async start(broker: { deliver: (m: RelayMessage) => void; localSeats: () => Ticket[] }, seats: Rooms) {
      rooms = seats;
      deliver = broker.deliver;
      localSeats = broker.localSeats;
      await sub.connect();
      await sub.subscribe([`${store.prefix}${own}`, `${store.prefix}${all}`], received);
      // The store connected before this started: each later 'ready' is Redis coming back.
      store.onReady(() => void rebuild());
      await beat();
      timer = setInterval(() => void beat(), every);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      if (sub.isOpen) sub.destroy();
    },
  };
}
