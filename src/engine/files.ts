import { Emitter } from './emitter.js';
import { RtcError } from './errors.js';
import type { FeatureMessage } from './types.js';

/**
 * Files in the chat, peer to peer (a chunk of its own, loaded with the first file sent or offered). The sender offers
 * a file (name, size, type) to each recipient over the control channel; each recipient accepts or refuses for
 * themselves. An accepted file goes on a data channel of its own on the existing connection (`rtc-file:<id>`), in
 * chunks of CHUNK bytes, never more than HIGH_WATER waiting in the channel's buffer (the sender waits for
 * `bufferedamountlow`), so a large file neither stalls the call's other channels nor overflows the browser's buffer.
 *
 * Wire (FeatureMessage): `file-offer` `{ fid, name, size, mime }`, `file-accept`, `file-refuse`, `file-cancel` and
 * `file-done` (the receiver has every byte) `{ fid }`.
 */

/** Bytes per data-channel message: what every browser sends and receives whole. */
export const CHUNK = 16 * 1024;
/**
 * The sender waits while more than this is buffered… What is buffered goes out in one burst when the connection's
 * window opens: with 256 KiB, the whole connection (the chat and control messages too) stalled for 1.5-3.9 s now and
 * then on this machine, as after lost packets; with 64 KiB, never (a 50 MB file beside two busy cores, 2026-11-28: a
 * stall in 8 of 37 runs against none in 27, and no slower).
 */
export const HIGH_WATER = 64 * 1024;
/** …until the buffer is down to this (`bufferedAmountLowThreshold`). */
export const LOW_WATER = 16 * 1024;
/**
 * The receiver says how much it has every ACK_EVERY bytes (a number, on the file's channel), and the sender never has
 * more than WINDOW bytes unacknowledged: the browser hands every arriving message to the page at once, so a receiver
 * whose page is busy would otherwise queue megabytes of chunks in front of the call's chat and control messages.
 */
export const ACK_EVERY = 256 * 1024;
// Smaller is faster here: with 1 MiB buffered and 4 MiB unacknowledged, a 50 MB file went at 4.5 MB/s and a chat
// message sent meanwhile now and then took 3-5 s (round figures: a retransmission timer, it seems); with 256 KiB and
// 1 MiB, at 8 MB/s and at most 270 ms (e2e chat-files, three runs each, 2026-11-26).
export const WINDOW = 1024 * 1024;
/** Read from the file this much at a time. */
const BLOCK = 256 * 1024;
/** The largest file: a received file is held in memory until saved. */
export const MAX_FILE = 1024 * 1024 * 1024;
/** Offers from one peer waiting for an answer; more are refused unseen (a hostile peer cannot flood the panel). */
export const MAX_PENDING = 10;
/** Transfers kept for the panel; the oldest finished ones go. */
const KEPT = 100;

const FID = /^[A-Za-z0-9]{16}$/;
const MIME = /^[\w.+-]{1,64}\/[\w.+-]{1,64}$/;

export type TransferState = 'offered' | 'sending' | 'receiving' | 'done' | 'refused' | 'cancelled' | 'failed';

export interface FileTransferEvents {
  /** More bytes went (sender: left our buffer) or came (receiver). */
  progress: number;
  state: TransferState;
}

/** What the transfers need from the call. */
export interface FilesHost {
  send(id: string, message: FeatureMessage): boolean;
  openChannel(id: string, label: string): RTCDataChannel | undefined;
  nameOf(id: string): string;
}

const ended = (s: TransferState) => s === 'done' || s === 'refused' || s === 'cancelled' || s === 'failed';

/** A file name as shown and saved: no path, no control characters, not empty, at most 255 characters. */
export function safeName(name: unknown): string {
  const base = typeof name === 'string' ? (name.split(/[\\/]/).pop() ?? '') : '';
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255) || 'file';
}

/**
 * One file to or from one peer. `state`: `offered` (waiting for the receiver), `sending` / `receiving`, then `done`,
 * `refused`, `cancelled` (by either side) or `failed` (the connection went). `bytes` is how much has gone (sender)
 * or come (receiver); `blob` the file, on the receiver's side once `done`.
 */
export class FileTransfer extends Emitter<FileTransferEvents> {
  state: TransferState = 'offered';
  bytes = 0;
  blob?: Blob;
  /** The most the channel's buffer held (sender): never more than HIGH_WATER. */
  peakBuffered = 0;
  /** When the offer was made or came (ms, this page's clock). */
  readonly time = Date.now();
  #channel?: RTCDataChannel;
  #chunks: ArrayBuffer[] = [];
  /** Sender: what the receiver says it has; and who waits for it to say more. */
  #acked = 0;
  #onAck?: () => void;
  /** Sender: the most sent and not yet acknowledged (never more than WINDOW). */
  peakInFlight = 0;

  constructor(
    private readonly files: Files,
    readonly id: string,
    readonly direction: 'send' | 'receive',
    readonly peer: { readonly id: string; readonly name: string },
    readonly name: string,
    readonly size: number,
    readonly type: string,
    private readonly file?: Blob,
  ) {
    super();
  }

  /** Receiver: take the file. */
  accept(): void {
    if (this.direction !== 'receive' || this.state !== 'offered') return;
    this.#set('receiving');
    this.files.host.send(this.peer.id, { v: 1, t: 'file-accept', fid: this.id });
  }

  /** Receiver: do not take it. */
  refuse(): void {
    if (this.direction !== 'receive' || this.state !== 'offered') return;
    this.files.host.send(this.peer.id, { v: 1, t: 'file-refuse', fid: this.id });
    this.#set('refused');
  }

  /** Either side, before it is done: stop it, for both. */
  cancel(): void {
    if (ended(this.state)) return;
    this.files.host.send(this.peer.id, { v: 1, t: 'file-cancel', fid: this.id });
    this.end('cancelled');
  }

  /** @internal The other side said so (or the connection went). */
  end(state: 'done' | 'refused' | 'cancelled' | 'failed'): void {
    if (ended(this.state)) return;
    const channel = this.#channel;
    this.#channel = undefined;
    if (state !== 'done') this.#chunks = [];
    this.#set(state);
    this.#onAck?.();
    // A receiver that has it all leaves the channel to the sender to close, after `file-done`: closed from here, its
    // close could reach the sender before the word and read as a failure.
    if (state !== 'done' || this.direction === 'send') channel?.close();
  }

  /** @internal Sender: the receiver accepted; open the channel and send. */
  start(): void {
    if (this.direction !== 'send' || this.state !== 'offered') return;
    const channel = this.files.host.openChannel(this.peer.id, `rtc-file:${this.id}`);
    if (!channel) return this.end('failed');
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER;
    this.#set('sending');
    channel.addEventListener('open', () => void this.#pump(channel));
    channel.addEventListener('message', (e) => {
      const n = Number((e as MessageEvent).data);
      if (!Number.isInteger(n) || n <= this.#acked) return;
      this.#acked = n;
      this.#onAck?.();
    });
    channel.addEventListener(
      'close',
      () => this.#channel === channel && this.state === 'sending' && this.end('failed'),
    );
  }

  /** @internal Receiver: the sender's channel for this file. */
  take(channel: RTCDataChannel): void {
    if (this.state !== 'receiving' || this.#channel) return void channel.close();
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.addEventListener('message', (e) => this.#chunk((e as MessageEvent).data));
    channel.addEventListener('close', () => this.#channel === channel && this.end('failed'));
    if (this.size === 0) this.#complete();
  }

  async #pump(channel: RTCDataChannel): Promise<void> {
    const file = this.file!;
    let offset = 0;
    try {
      while (offset < this.size) {
        const block = await file.slice(offset, offset + BLOCK).arrayBuffer();
        for (let i = 0; i < block.byteLength; i += CHUNK) {
          while (offset + CHUNK - this.#acked > WINDOW && this.state === 'sending')
            await new Promise<void>((resolve) => (this.#onAck = resolve));
          if (channel.bufferedAmount + CHUNK > HIGH_WATER) await drained(channel);
          if (this.state !== 'sending' || channel.readyState !== 'open') return;
          const chunk = new Uint8Array(block, i, Math.min(CHUNK, block.byteLength - i));
          channel.send(chunk);
          this.peakBuffered = Math.max(this.peakBuffered, channel.bufferedAmount);
          offset += chunk.byteLength;
          this.peakInFlight = Math.max(this.peakInFlight, offset - this.#acked);
          this.#progress(offset - channel.bufferedAmount);
        }
      }
      // What is still buffered goes out; the receiver says `file-done` once it has it all.
      while (channel.bufferedAmount > 0 && this.state === 'sending' && channel.readyState === 'open') {
        await drained(channel, 0);
        this.#progress(offset - channel.bufferedAmount);
      }
    } catch (err) {
      this.files.log(`file ${this.id} not sent`, err);
      if (this.state === 'sending') this.cancel();
    }
  }

  #chunk(data: unknown): void {
    if (this.state !== 'receiving') return;
    // Only bytes, never more than offered: anything else ends it.
    if (!(data instanceof ArrayBuffer) || data.byteLength > CHUNK || this.bytes + data.byteLength > this.size)
      return this.cancel();
    this.#chunks.push(data);
    const before = this.bytes;
    this.#progress(this.bytes + data.byteLength);
    if (Math.floor(this.bytes / ACK_EVERY) > Math.floor(before / ACK_EVERY)) this.#channel?.send(String(this.bytes));
    if (this.bytes === this.size) this.#complete();
  }

  #complete(): void {
    this.blob = new Blob(this.#chunks, { type: this.type });
    this.#chunks = [];
    this.files.host.send(this.peer.id, { v: 1, t: 'file-done', fid: this.id });
    this.end('done');
  }

  #progress(bytes: number): void {
    if (bytes <= this.bytes) return;
    this.bytes = bytes;
    this.emit('progress', bytes);
  }

  #set(state: TransferState): void {
    this.state = state;
    this.emit('state', state);
    this.files.changed();
  }
}

/** Resolves once the channel's buffer is down to its low mark (or `below`), or the channel closed. */
function drained(channel: RTCDataChannel, below = channel.bufferedAmountLowThreshold): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (channel.bufferedAmount > below && channel.readyState === 'open') return;
      clearInterval(timer);
      channel.removeEventListener('bufferedamountlow', check);
      channel.removeEventListener('close', check);
      resolve();
    };
    // bufferedamountlow fires when crossing the threshold; the interval covers waiting for an empty buffer.
    const timer = setInterval(check, 50);
    channel.addEventListener('bufferedamountlow', check);
    channel.addEventListener('close', check);
    check();
  });
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62]).join('');
}

/** Every transfer of one call, both ways. */
export class Files extends Emitter<{ transfer: FileTransfer; change: readonly FileTransfer[] }> {
  /** Newest last; a new array whenever a transfer is added or changes state. */
  transfers: readonly FileTransfer[] = [];

  constructor(
    readonly host: FilesHost,
    readonly log: (what: string, err?: unknown) => void = () => {},
  ) {
    super();
  }

  /**
   * Call.sendFile: offers `file` to participant `to`, or to each of `others`. Throws an RtcError: `invalid-file` (not
   * a Blob, or over MAX_FILE), `unknown-participant` (`to` is not one of `others`).
   */
  send(file: Blob, to: unknown, others: readonly string[]): FileTransfer[] {
    if (to !== undefined && !others.includes(to as string))
      throw new RtcError('unknown-participant', `No one else in this call has the id ${String(to)}.`);
    if (!(file instanceof Blob) || file.size > MAX_FILE)
      throw new RtcError('invalid-file', 'Only a file of at most 1 GiB can be sent.');
    return this.offer(file, to !== undefined ? [to as string] : others);
  }

  /** Offers `file` to each of `to` (participant ids): one transfer each. */
  offer(file: Blob, to: readonly string[]): FileTransfer[] {
    const fid = randomId();
    const name = safeName((file as File).name);
    const type = MIME.test(file.type) ? file.type : '';
    return to.map((id) => {
      const t = new FileTransfer(this, fid, 'send', { id, name: this.host.nameOf(id) }, name, file.size, type, file);
      this.#add(t);
      // Not sent (their control channel is not open): nobody can accept it, so it has failed.
      if (!this.host.send(id, { v: 1, t: 'file-offer', fid, name, size: file.size, mime: type })) t.end('failed');
      return t;
    });
  }

  /** A `file-…` message from peer `id`; anything not valid is dropped. */
  receive(id: string, m: FeatureMessage): void {
    if (typeof m.fid !== 'string' || !FID.test(m.fid)) return;
    const t = this.#find(id, m.fid, m.t === 'file-accept' || m.t === 'file-refuse' ? 'send' : 'receive');
    switch (m.t) {
      case 'file-offer': {
        const size = m.size;
        if (t || typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_FILE) return;
        if (typeof m.name !== 'string' || typeof m.mime !== 'string' || (m.mime && !MIME.test(m.mime))) return;
        const pending = this.transfers.filter((x) => x.peer.id === id && x.state === 'offered').length;
        if (pending >= MAX_PENDING) return void this.host.send(id, { v: 1, t: 'file-refuse', fid: m.fid });
        const name = safeName(m.name);
        this.#add(new FileTransfer(this, m.fid, 'receive', { id, name: this.host.nameOf(id) }, name, size, m.mime));
        return;
      }
      case 'file-accept':
        return t?.start();
      case 'file-refuse':
        return t?.state === 'offered' ? t.end('refused') : undefined;
      case 'file-done':
      case 'file-cancel': {
        // Either direction: a cancel may be for a file we send or one we receive.
        const either = t ?? this.#find(id, m.fid, 'send');
        if (m.t === 'file-cancel') either?.end('cancelled');
        else if (either?.direction === 'send' && either.state === 'sending') either.end('done');
        return;
      }
    }
  }

  /** Peer `id` opened a data channel on our connection: a file we accepted from them, or nothing we know. */
  channel(id: string, channel: RTCDataChannel): void {
    const fid = /^rtc-file:([A-Za-z0-9]{16})$/.exec(channel.label)?.[1];
    const t = fid ? this.#find(id, fid, 'receive') : undefined;
    if (t) t.take(channel);
    else channel.close();
  }

  /** Peer `id` is gone: what was under way with them has failed. */
  peerLeft(id: string): void {
    for (const t of this.transfers) if (t.peer.id === id) t.end('failed');
  }

  close(): void {
    for (const t of this.transfers) t.end('failed');
  }

  /** @internal */
  changed(): void {
    this.transfers = [...this.transfers];
    this.emit('change', this.transfers);
  }

  #find(peer: string, fid: string, direction: 'send' | 'receive'): FileTransfer | undefined {
    return this.transfers.find((t) => t.peer.id === peer && t.id === fid && t.direction === direction);
  }

  #add(t: FileTransfer): void {
    let list = [...this.transfers, t];
    if (list.length > KEPT) {
      const old = list.find((x) => ended(x.state));
      if (old) list = list.filter((x) => x !== old);
    }
    this.transfers = list;
    this.emit('transfer', t);
    this.emit('change', list);
  }
}
