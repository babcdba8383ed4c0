/**
 * What a room store keeps, and the interface both stores (memory.ts, redis.ts) implement. Every method is async, so
 * a store shared by several broker instances (Redis) can stand in for the in-memory one. The rules (who may take a
 * seat, when a seat ends) live in rooms.ts; a store only keeps the data and answers questions about it.
 */
import type { Ticket } from '../rooms.js';

/**
 * pending: issued, websocket not opened yet; connected: its websocket is open (on `inst`); away: its websocket
 * closed, and the seat waits for it until `until`.
 */
export type SeatState = 'pending' | 'connected' | 'away';

export interface TicketChange {
  state?: SeatState;
  /** ms since the epoch when a pending or away seat ends; 0: never (a connected seat) */
  until?: number;
  /** the broker instance that holds its websocket */
  inst?: string;
}

/**
 * first: a pending seat took its place; back: a member's websocket opened again (or moved to another instance)
 */
export type Claim = { result: 'gone' | 'full' } | { result: 'first' | 'back'; ticket: Ticket };

export interface RoomStore {
  /**
   * whether other broker instances see the same data (then signalling for a member whose websocket is elsewhere goes
   * through the store's relay, and the queue for absent members lives in the store)
   */
  shared: boolean;
  add(ticket: Ticket): Promise<void>;
  get(id: string): Promise<Ticket | undefined>;
  /**
   * a seat at once, without waiting (a store in this process's memory): what relays a frame reads, so it need not wait
   * for a promise
   */
  peek?(id: string): Readonly<Ticket> | undefined;
  /** changes a seat that exists (undefined when it does not) */
  update(id: string, change: TicketChange): Promise<Ticket | undefined>;
  /**
   * the seat's websocket is open (on `inst`): a pending seat takes its place in the room only while fewer than
   * `roomMax` members are seated there, in one step, so that of several seats connecting at once on several instances
   * no more get in than there are places
   */
  claim(id: string, roomMax: number, inst: string): Promise<Claim>;
  /**
   * the seat's websocket on `inst` closed: a connected seat there becomes away until `until`, in one step, so a seat
   * that meanwhile came back through another instance stays connected there ('elsewhere'); a pending seat is left as it
   * is ('pending': it never connected, and should end)
   */
  release(id: string, inst: string, until: number): Promise<'away' | 'pending' | 'elsewhere' | 'gone'>;
  /** the removed ticket: of several instances removing the same seat, exactly one gets it (and so tells the room) */
  remove(id: string): Promise<Ticket | undefined>;
  /** every ticket of a room, pending or not */
  inRoom(room: string): Promise<Ticket[]>;
  /** pending seats issued to an address key, oldest first */
  pendingOf(owner: string): Promise<string[]>;
  /** seats whose `until` has passed */
  due(now: number): Promise<string[]>;
  counts(): Promise<{ rooms: number; members: number; pending: number }>;
  /**
   * takes one join from the address key's bucket (`perMinute` a minute, in bursts of that many); false when it has none
   * left
   */
  takeJoin(key: string, perMinute: number, now?: number): Promise<boolean>;
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}
