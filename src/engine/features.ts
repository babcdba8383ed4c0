import { Chat, type ChatMessage } from './chat.js';
import type { Files, FileTransfer } from './files.js';
import type { Mesh } from './mesh.js';
import type { Roster } from './roster.js';
import type { FeatureMessage } from './types.js';

/** What a join's chat and files need of the call. */
export interface FeatureCall {
  mesh: Mesh;
  roster: Roster;
  message(m: ChatMessage): void;
  files(list: readonly FileTransfer[]): void;
  log(what: string, err?: unknown): void;
}

/**
 * The chat and the file transfers of one join, as the call owns them: a chunk of its own (with the chat), loaded with
 * the first message sent or received, so a call that never chats never fetches it; the file transfers are one more,
 * loaded with the first file sent or offered. It routes the peers' `chat…` and `file-…` messages and channels.
 */
export class Features {
  readonly chat: Chat;
  files?: Files;
  #files?: Promise<Files>;
  #closed = false;

  constructor(private readonly call: FeatureCall) {
    const { mesh, roster } = call;
    this.chat = new Chat({
      send: (id, m) => mesh.send(id, m),
      // Members too: someone whose connection is being made again is still owed what they did not acknowledge.
      peers: () => [...new Set([...this.#others(), ...roster.memberIds()])].filter((id) => id !== roster.self?.id),
      self: () => ({ id: roster.self?.id ?? '', name: roster.self?.name ?? '' }),
      nameOf: (id) => this.#nameOf(id),
    });
    this.chat.on('message', (m) => call.message(m));
  }

  /** A peer's control channel opened: the chat catches them up. */
  open(id: string): void {
    this.chat.open(id);
  }

  receive(id: string, m: FeatureMessage): void {
    if (m.t.startsWith('chat')) return this.chat.receive(id, m);
    if (m.t === 'file-offer' || this.#files)
      this.loadFiles()
        .then((f) => f.receive(id, m))
        .catch((err) => this.call.log('file transfers not loaded', err));
  }

  /** A peer opened a data channel: a file we accepted, or nothing we know (closed). */
  channel(id: string, channel: RTCDataChannel): void {
    if (this.files) this.files.channel(id, channel);
    else channel.close();
  }

  /** Participant `id` is no longer shown: their transfers fail; the chat forgets them once they have left the room. */
  left(id: string): void {
    this.files?.peerLeft(id);
    if (!this.call.roster.isMember(id)) this.chat.forget(id);
  }

  sendMessage(text: string): ChatMessage {
    return this.chat.send(text);
  }

  async sendFile(file: Blob, to: unknown): Promise<FileTransfer[]> {
    return (await this.loadFiles()).send(file, to, this.#others());
  }

  loadFiles(): Promise<Files> {
    return (this.#files ??= import('./files.js').then(({ Files }) => {
      const { mesh, log } = this.call;
      const files = new Files(
        {
          send: (id, m) => mesh.send(id, m),
          openChannel: (id, label) => mesh.openChannel(id, label),
          nameOf: (id) => this.#nameOf(id),
        },
        log,
      );
      files.on('change', (list) => this.call.files(list));
      if (this.#closed) files.close();
      return (this.files = files);
    }));
  }

  close(): void {
    this.#closed = true;
    this.files?.close();
  }

  #others(): string[] {
    return this.call.roster.participants.filter((p) => !p.local).map((p) => p.id);
  }

  #nameOf(id: string): string {
    return this.call.roster.get(id)?.name ?? this.call.roster.memberName(id);
  }
}
