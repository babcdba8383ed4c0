/**
 * The room store shared by several broker instances: everything in one Redis. Each change is one Lua script, so it
 * is atomic and its indexes (rooms, pending seats per address, deadlines, seats per instance) never drift apart, and
 * of several instances removing the same seat exactly one gets it. Keys are built inside the scripts, so this needs
 * one Redis (or a primary with replicas), not Redis Cluster.
 *
 * Commands are never queued while Redis is unreachable (`disableOfflineQueue`): they fail at once, so a join is
 * refused with a clear answer instead of hanging.
 */
import { createClient } from 'redis';
import type { Ticket } from '../rooms.js';
import type { Claim, RoomStore, TicketChange } from './store.js';

/** Redis did not answer (unreachable, or it failed the command): the request gets 503 `store-unavailable`. */
export class StoreUnavailable extends Error {
  code = 'store-unavailable';
}

/** A ticket's fields, as a script returns them (HGETALL: name, value, ...). */
const FIELDS = `local function fields(k) return redis.call('HGETALL', k) end
local function map(flat) local h = {} for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end return h end`;

const ADD = `${FIELDS}
local p, id, room, state, owner, issued, inst, untilv = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local k = p .. 't:' .. id
redis.call('HSET', k, unpack(ARGV, 9))
redis.call('SADD', p .. 'r:' .. room, id)
redis.call('SADD', p .. 'rooms', room)
if state == 'pending' then
  redis.call('ZADD', p .. 'p:' .. owner, issued, id)
  redis.call('SADD', p .. 'pending', id)
else
  redis.call('SADD', p .. 'members', id)
end
if untilv ~= '' and untilv ~= '0' then redis.call('ZADD', p .. 'dl', untilv, id) end
if inst ~= '' then redis.call('SADD', p .. 'i:' .. inst, id) end
return 1`;

const UPDATE = `${FIELDS}
local p, id, state, untilv, inst = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local k = p .. 't:' .. id
if redis.call('EXISTS', k) == 0 then return nil end
local old = map(fields(k))
if state ~= '' then
  redis.call('HSET', k, 'state', state)
  if old.state == 'pending' and state ~= 'pending' then
    redis.call('ZREM', p .. 'p:' .. (old.owner or ''), id)
    redis.call('SREM', p .. 'pending', id)
    redis.call('SADD', p .. 'members', id)
  end
end
if untilv ~= '' then
  redis.call('HSET', k, 'until', untilv)
  if untilv == '0' then redis.call('ZREM', p .. 'dl', id) else redis.call('ZADD', p .. 'dl', untilv, id) end
end
if inst ~= '' then
  if old.inst and old.inst ~= inst then redis.call('SREM', p .. 'i:' .. old.inst, id) end
  redis.call('HSET', k, 'inst', inst)
  redis.call('SADD', p .. 'i:' .. inst, id)
end
return fields(k)`;

const CLAIM = `${FIELDS}
local p, id, max, inst = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local k = p .. 't:' .. id
local t = map(fields(k))
if not t.id then return {'gone'} end
local first = t.state == 'pending'
if first then
  local seated = 0
  for _, other in ipairs(redis.call('SMEMBERS', p .. 'r:' .. t.room)) do
    local state = redis.call('HGET', p .. 't:' .. other, 'state')
    if state and state ~= 'pending' then seated = seated + 1 end
  end
  if seated >= max then return {'full'} end
  redis.call('ZREM', p .. 'p:' .. (t.owner or ''), id)
  redis.call('SREM', p .. 'pending', id)
  redis.call('SADD', p .. 'members', id)
end
redis.call('HSET', k, 'state', 'connected', 'until', '0', 'inst', inst)
redis.call('ZREM', p .. 'dl', id)
if t.inst and t.inst ~= inst then redis.call('SREM', p .. 'i:' .. t.inst, id) end
if inst ~= '' then redis.call('SADD', p .. 'i:' .. inst, id) end
if first then return {'first', fields(k)} end
return {'back', fields(k)}`;

const RELEASE = `
local p, id, inst, untilv = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local k = p .. 't:' .. id
local t = redis.call('HMGET', k, 'state', 'inst')
if not t[1] then return 'gone' end
if t[1] == 'pending' then return 'pending' end
if (t[2] or '') ~= inst then return 'elsewhere' end
redis.call('HSET', k, 'state', 'away', 'until', untilv)
redis.call('ZADD', p .. 'dl', untilv, id)
return 'away'`;

const REMOVE = `${FIELDS}
local p, id = ARGV[1], ARGV[2]
local k = p .. 't:' .. id
local flat = fields(k)
if #flat == 0 then return nil end
local t = map(flat)
redis.call('DEL', k, p .. 'q:' .. id, p .. 'qb:' .. id)
redis.call('SREM', p .. 'r:' .. t.room, id)
if redis.call('SCARD', p .. 'r:' .. t.room) == 0 then redis.call('SREM', p .. 'rooms', t.room) end
redis.call('ZREM', p .. 'p:' .. (t.owner or ''), id)
redis.call('SREM', p .. 'pending', id)
redis.call('SREM', p .. 'members', id)
redis.call('ZREM', p .. 'dl', id)
if t.inst then redis.call('SREM', p .. 'i:' .. t.inst, id) end
return flat`;

const IN_ROOM = `${FIELDS}
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'r:' .. ARGV[2])) do
  local t = fields(ARGV[1] .. 't:' .. id)
  if #t > 0 then out[#out + 1] = t end
end
return out`;

const TAKE_JOIN = `
local k, per, now = ARGV[1] .. 'j:' .. ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local b = redis.call('HMGET', k, 'tokens', 'at')
local tokens, at = tonumber(b[1]) or per, tonumber(b[2]) or now
tokens = math.min(per, tokens + ((now - at) / 60000) * per)
local ok = 0
if tokens >= 1 then tokens = tokens - 1 ok = 1 end
redis.call('HSET', k, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', k, 120000)
return ok`;

/** Instances whose heartbeat lapsed: each is claimed by one caller, and its connected seats become away. */
const REAP = `${FIELDS}
local p, now, grace = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for _, inst in ipairs(redis.call('SMEMBERS', p .. 'insts')) do
  if redis.call('EXISTS', p .. 'a:' .. inst) == 0 and redis.call('SREM', p .. 'insts', inst) == 1 then
    for _, id in ipairs(redis.call('SMEMBERS', p .. 'i:' .. inst)) do
      local k = p .. 't:' .. id
      local t = map(fields(k))
      if t.inst == inst and t.state == 'connected' then
        redis.call('HSET', k, 'state', 'away', 'until', tostring(now + grace))
        redis.call('ZADD', p .. 'dl', now + grace, id)
        out[#out + 1] = id
      end
    end
    redis.call('DEL', p .. 'i:' .. inst)
  end
end
return out`;

const ENQUEUE = `
local q, qb = ARGV[1] .. 'q:' .. ARGV[2], ARGV[1] .. 'qb:' .. ARGV[2]
local frame, perPeer, bytesPerPeer, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if redis.call('LLEN', q) >= perPeer then return 'per-peer' end
if (tonumber(redis.call('GET', qb)) or 0) + #frame > bytesPerPeer then return 'bytes-per-peer' end
redis.call('RPUSH', q, frame)
redis.call('INCRBY', qb, #frame)
redis.call('PEXPIRE', q, ttl)
redis.call('PEXPIRE', qb, ttl)
return ''`;

const DRAIN = `
local q = ARGV[1] .. 'q:' .. ARGV[2]
local frames = redis.call('LRANGE', q, 0, -1)
redis.call('DEL', q, ARGV[1] .. 'qb:' .. ARGV[2])
return frames`;

function ticketOf(flat: string[] | null): Ticket | undefined {
  if (!flat || flat.length === 0) return undefined;

  const h: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) h[flat[i]] = flat[i + 1];

  const t: Ticket = {
    id: h.id,
    secret: h.secret,
    room: h.room,
    name: h.name ?? '',
    state: h.state as Ticket['state'],
    issuedAt: Number(h.issuedAt),
    owner: h.owner ?? '',
  };
  if (h.identity) t.identity = h.identity;
  if (h.until && h.until !== '0') t.until = Number(h.until);
  if (h.inst) t.inst = h.inst;
  return t;
}

/** A client of the store's Redis: commands fail at once while it is away (no offline queue), it reconnects by itself. */
function redisClient(url: string) {
  return createClient({
    url,
    RESP: 2,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
  });
}

export class RedisRoomStore implements RoomStore {
  shared = true;
  readonly prefix: string;
  readonly client: ReturnType<typeof redisClient>;

  #onReady: Set<() => void> = new Set();
  #closed = false;

  /**
   * @param opts.url redis://host:port/db
   * @param opts.prefix of every key, so several deployments can share one Redis
   * @param opts.onError Redis errors (each failed reconnect, too)
   */
  constructor({
    url,
    prefix = 'rtc:',
    onError = () => {},
  }: {
    url: string;
    prefix?: string;
    onError?: (err: unknown) => void;
  }) {
    this.prefix = prefix;
    this.client = redisClient(url);
    // Without a listener, an unreachable Redis would take the process down.
    this.client.on('error', onError);
    this.client.on('ready', () => {
      for (const fn of this.#onReady) fn();
    });
  }

  /** Connects; resolves once Redis answers (it keeps trying in the background when it does not). */
  async connect() {
    await this.client.connect();
  }

  /** Calls `fn` each time the connection to Redis is (re)established. */
  onReady(fn: () => void) {
    this.#onReady.add(fn);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command's reply has its own shape
  async #cmd(args: string[]): Promise<any> {
    try {
      return await this.client.sendCommand(args);
    } catch (err) {
      throw new StoreUnavailable(`Redis: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** Publishes a message on a channel (the relay between instances). */
  async publish(channel: string, text: string) {
    await this.#cmd(['PUBLISH', `${this.prefix}${channel}`, text]);
  }

  /** The seats whose websocket this store says is open on `inst`. */
  async seatsOf(inst: string) {
    return (await this.#cmd(['SMEMBERS', `${this.prefix}i:${inst}`])) as string[];
  }

  #run(script: string, args: (string | number)[]) {
    return this.#cmd(['EVAL', script, '0', this.prefix, ...args.map(String)]);
  }

  async add(t: Ticket) {
    const pairs = Object.entries(t)
      .filter(([, v]) => v !== undefined)
      .flatMap(([k, v]) => [k, String(v)]);
    await this.#run(ADD, [t.id, t.room, t.state, t.owner ?? '', t.issuedAt, t.inst ?? '', t.until ?? '', ...pairs]);
  }

  async get(id: string) {
    return ticketOf((await this.#cmd(['HGETALL', `${this.prefix}t:${id}`])) as string[]);
  }

  async update(id: string, { state, until, inst }: TicketChange) {
    return ticketOf((await this.#run(UPDATE, [id, state ?? '', until ?? '', inst ?? ''])) as string[] | null);
  }

  async claim(id: string, roomMax: number, inst: string): Promise<Claim> {
    const [result, flat] = (await this.#run(CLAIM, [id, roomMax, inst])) as [string, string[] | undefined];
    if (result === 'first' || result === 'back') return { result, ticket: ticketOf(flat ?? []) as Ticket };
    return { result: result === 'full' ? 'full' : 'gone' };
  }

  async release(id: string, inst: string, until: number) {
    const answer = String(await this.#run(RELEASE, [id, inst, until]));
    return answer as 'away' | 'pending' | 'elsewhere' | 'gone';
  }

  async remove(id: string) {
    return ticketOf((await this.#run(REMOVE, [id])) as string[] | null);
  }

  async inRoom(room: string) {
    const rows = (await this.#run(IN_ROOM, [room])) as string[][];
    return rows.map((flat) => ticketOf(flat) as Ticket);
  }

  async pendingOf(owner: string) {
    return (await this.#cmd(['ZRANGE', `${this.prefix}p:${owner}`, '0', '-1'])) as string[];
  }

  async due(now: number) {
    return (await this.#cmd(['ZRANGEBYSCORE', `${this.prefix}dl`, '-inf', String(now)])) as string[];
  }

  async counts() {
    const [rooms, members, pending] = await Promise.all(
      ['rooms', 'members', 'pending'].map((k) => this.#cmd(['SCARD', `${this.prefix}${k}`])),
    );
    return { rooms: Number(rooms), members: Number(members), pending: Number(pending) };
  }

  /** @param now ms */
  async takeJoin(key: string, perMinute: number, now: number = Date.now()) {
    return Number(await this.#run(TAKE_JOIN, [key, perMinute, now])) === 1;
  }

  /** This instance is alive for `ttl` ms more. */
  async heartbeat(inst: string, ttl: number) {
    await this.#cmd(['SET', `${this.prefix}a:${inst}`, '1', 'PX', String(ttl)]);
    await this.#cmd(['SADD', `${this.prefix}insts`, inst]);
  }

  /**
   * Claims the instances whose heartbeat lapsed: their connected seats become away for `grace` ms, like a dropped
   * websocket, so their people can come back through another instance.
   *  @param grace ms
   * @returns the seats that became away
   */
  async reap(now: number, grace: number): Promise<string[]> {
    return (await this.#run(REAP, [now, grace])) as string[];
  }

  /**
   * Holds a frame for a member who is briefly away (whichever instance it comes back to).
   *
   * @param limits ttl: ms the queue is kept
   * @returns the limit that refused it
   */
  async enqueue(
    id: string,
    frame: string,
    { perPeer, bytesPerPeer, ttl }: { perPeer: number; bytesPerPeer: number; ttl: number },
  ): Promise<string | undefined> {
    const full = String(await this.#run(ENQUEUE, [id, frame, perPeer, bytesPerPeer, ttl]));
    return full || undefined;
  }

  /** Takes every frame held for `id`, oldest first. */
  async drain(id: string) {
    return (await this.#run(DRAIN, [id])) as string[];
  }

  async reachable() {
    if (!this.client.isReady) return false;
    try {
      await this.#cmd(['PING']);
      return true;
    } catch {
      return false;
    }
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#onReady.clear();
    // close() lets the commands already sent finish, but waits for ever for the replies of a Redis that died
    // meanwhile: after a second, or for a client still trying to reach Redis, the connection is just dropped.
    if (this.client.isReady) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise((resolve) => (timer = setTimeout(() => resolve(false), 1000)));
      const closed = await Promise.race([
        this.client.close().then(
          () => true,
          () => false,
        ),
        late,
      ]);
      clearTimeout(timer);
      if (closed) return;
    }
    try {
      this.client.destroy();
    } catch {
      // already closed
    }
  }
}
