// @ts-check
/**
 * What a room store keeps, and the interface both stores (memory.js, redis.js) implement. Every method is async, so
 * a store shared by several broker instances (Redis) can stand in for the in-memory one. The rules (who may take a
 * seat, when a seat ends) live in rooms.js; a store only keeps the data and answers questions about it.
 */

/**
 * @typedef {'pending'|'connected'|'away'} SeatState
 * pending: issued, websocket not opened yet; connected: its websocket is open (on `inst`); away: its websocket
 * closed, and the seat waits for it until `until`.
 */

/**
 * @typedef {object} TicketChange
 * @property {SeatState} [state]
 * @property {number} [until] ms since the epoch when a pending or away seat ends; 0: never (a connected seat)
 * @property {string} [inst] the broker instance that holds its websocket
 */

/**
 * @typedef {{result: 'gone' | 'full'} | {result: 'first' | 'back', ticket: import('../rooms.js').Ticket}} Claim
 * first: a pending seat took its place; back: a member's websocket opened again (or moved to another instance)
 */

/**
 * @typedef {object} RoomStore
 * @property {boolean} shared whether other broker instances see the same data (then signalling for a member whose
 *   websocket is elsewhere goes through the store's relay, and the queue for absent members lives in the store)
 * @property {(ticket: import('../rooms.js').Ticket) => Promise<void>} add
 * @property {(id: string) => Promise<import('../rooms.js').Ticket | undefined>} get
 * @property {(id: string) => Readonly<import('../rooms.js').Ticket> | undefined} [peek] a seat at once, without
 *   waiting (a store in this process's memory): what relays a frame reads, so it need not wait for a promise
 * @property {(id: string, change: TicketChange) => Promise<import('../rooms.js').Ticket | undefined>} update
 *   changes a seat that exists (undefined when it does not)
 * @property {(id: string, roomMax: number, inst: string) => Promise<Claim>} claim the seat's websocket is open (on
 *   `inst`): a pending seat takes its place in the room only while fewer than `roomMax` members are seated there, in
 *   one step, so that of several seats connecting at once on several instances no more get in than there are places
 * @property {(id: string, inst: string, until: number) => Promise<'away' | 'pending' | 'elsewhere' | 'gone'>} release
 *   the seat's websocket on `inst` closed: a connected seat there becomes away until `until`, in one step, so a seat
 *   that meanwhile came back through another instance stays connected there ('elsewhere'); a pending seat is left
 *   as it is ('pending': it never connected, and should end)
 * @property {(id: string) => Promise<import('../rooms.js').Ticket | undefined>} remove the removed ticket: of
 *   several instances removing the same seat, exactly one gets it (and so tells the room)
 * @property {(room: string) => Promise<import('../rooms.js').Ticket[]>} inRoom every ticket of a room, pending or not
 * @property {(owner: string) => Promise<string[]>} pendingOf pending seats issued to an address key, oldest first
 * @property {(now: number) => Promise<string[]>} due seats whose `until` has passed
 * @property {() => Promise<{rooms: number, members: number, pending: number}>} counts
 * @property {(key: string, perMinute: number, now?: number) => Promise<boolean>} takeJoin takes one join from the
 *   address key's bucket (`perMinute` a minute, in bursts of that many); false when it has none left
 * @property {() => Promise<boolean>} reachable
 * @property {() => Promise<void>} close
 */

export {};
