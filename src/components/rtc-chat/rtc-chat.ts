import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { format, type RtcChatStrings, type RtcStringKey, type RtcStrings } from '../../i18n/strings.js';
import { enChat } from './chat-strings.js';
import type { Call } from '../../engine/call.js';
import type { ChatMessage } from '../../engine/chat.js';
import type { FileTransfer, TransferState } from '../../engine/files.js';
import { RtcError } from '../../engine/errors.js';
import { rtcChatClose } from '../../events.js';
import { styles } from './rtc-chat.styles.js';

/** http and https links in a message; anything else (javascript:, data:…) stays text. */
const LINK = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/** The text as Lit values: plain strings (never parsed as markup) and safe links. */
export function linkify(text: string): unknown[] {
  const out: unknown[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    let url: URL | undefined;
    try {
      url = new URL(match[0]);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    out.push(text.slice(last, match.index));
    out.push(html`<a part="chat-link" href=${url.href} target="_blank" rel="noopener noreferrer">${match[0]}</a>`);
    last = match.index + match[0].length;
  }
  out.push(text.slice(last));
  return out;
}

const PARTS =
  'chat-base, chat-header, chat-title, chat-close-button, chat-messages, chat-empty, chat-message, chat-message-local, ' +
  'chat-sender, chat-time, chat-text, chat-link, chat-form, chat-input, chat-send-button, chat-attach-button, ' +
  'chat-error, file, file-name, file-state, file-progress, file-accept, file-refuse, file-cancel, file-download';

const STATE_WORDS: Record<TransferState, keyof RtcChatStrings> = {
  offered: 'fileOffered',
  sending: 'fileSending',
  receiving: 'fileSending',
  done: 'fileDone',
  refused: 'fileRefused',
  cancelled: 'fileCancelled',
  failed: 'fileFailed',
};

/**
 * @summary The call's text chat and files: the messages (names, times, clickable http and https links), files offered
 * to you (accept or refuse, a progress bar, cancel, then a download), and a box to write in with a button to send a
 * file. `<rtc-call>` loads and shows it in its side panel; it works with any `Call` set as `call`.
 *
 * Enter sends (Shift+Enter is a new line); Escape closes (`rtc-chat-close`). Markup in a message or a name is shown as
 * text, never interpreted.
 *
 * @tagname rtc-chat
 *
 * @fires {CustomEvent} rtc-chat-close - The visitor asked to close the chat (its close button, or Escape).
 *
 * @csspart chat-base - The chat's frame.
 * @csspart chat-header - The title line, with the close button.
 * @csspart chat-title - The title.
 * @csspart chat-close-button - The close button.
 * @csspart chat-messages - The list of messages and files (a polite live region).
 * @csspart chat-empty - The line shown while there are no messages.
 * @csspart chat-message - One message.
 * @csspart chat-message-local - One of your own messages (also `message`).
 * @csspart chat-sender - A message's sender's name.
 * @csspart chat-time - A message's time.
 * @csspart chat-text - A message's text.
 * @csspart chat-link - A link in a message.
 * @csspart file - A file sent or offered.
 * @csspart file-name - Its name and size.
 * @csspart file-state - What is happening to it.
 * @csspart file-progress - Its progress bar (a `<progress>`).
 * @csspart file-accept - The button that accepts a file offered to you.
 * @csspart file-refuse - The button that refuses it.
 * @csspart file-cancel - The button that stops a transfer (on either side).
 * @csspart file-download - The link that saves a received file.
 * @csspart chat-form - The box to write in and its buttons.
 * @csspart chat-input - The text box.
 * @csspart chat-send-button - The Send button.
 * @csspart chat-attach-button - The button that sends a file.
 * @csspart chat-error - Why a message could not be sent.
 */
export class RtcChat extends LitElement {
  static override styles = styles;

  /** The call whose chat this is (`<rtc-call>` sets it). */
  @property({ attribute: false }) call?: Call;

  /** Words to use instead of the language's own; see `RtcStrings`. */
  @property({ attribute: false }) strings?: Partial<RtcStrings>;

  @state() private error = '';

  readonly #l10n = new LocalizeController(this);
  #off: (() => void)[] = [];
  /** Download links of received files, revoked when the file leaves the list or the chat the page. */
  readonly #urls = new Map<FileTransfer, string>();
  #progressTimer?: ReturnType<typeof setTimeout>;
  #atBottom = true;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) this.#listen();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Its parts, for the page around the element it is in (`<rtc-call>`): set here, so that element need not list them.
    if (!this.hasAttribute('exportparts')) this.setAttribute('exportparts', PARTS);
    if (this.hasUpdated) this.#listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.#off.splice(0)) off();
    for (const url of this.#urls.values()) URL.revokeObjectURL(url);
    this.#urls.clear();
    clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
  }

  /** Focuses the text box. */
  override focus(): void {
    this.shadowRoot?.querySelector<HTMLElement>('[part~="chat-input"]')?.focus();
  }

  #listen(): void {
    for (const off of this.#off.splice(0)) off();
    const call = this.call;
    if (!call) return;
    const list = this.shadowRoot?.querySelector('[part~="chat-messages"]');
    this.#atBottom = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const watch = (transfers: readonly FileTransfer[]) => {
      for (const t of transfers)
        if (!this.#watched.has(t)) {
          this.#watched.add(t);
          // Progress: at most a few renders a second, however many chunks arrive.
          this.#off.push(t.on('progress', () => this.#soon()));
        }
    };
    this.#watched = new WeakSet();
    watch(call.transfers);
    this.#off.push(
      call.on('message', () => this.requestUpdate()),
      call.on('files', (transfers) => {
        watch(transfers);
        this.requestUpdate();
      }),
    );
  }

  #watched = new WeakSet<FileTransfer>();

  #soon(): void {
    this.#progressTimer ??= setTimeout(() => {
      this.#progressTimer = undefined;
      this.requestUpdate();
    }, 200);
  }

  protected override updated(): void {
    const list = this.shadowRoot?.querySelector('[part~="chat-messages"]');
    if (list && this.#atBottom) list.scrollTop = list.scrollHeight;
    // Download links of files no longer listed (another call) go.
    const current = new Set(this.call?.transfers ?? []);
    for (const [t, url] of this.#urls)
      if (!current.has(t)) {
        URL.revokeObjectURL(url);
        this.#urls.delete(t);
      }
  }

  #onScroll(e: Event): void {
    const list = e.target as HTMLElement;
    this.#atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  }

  async #send(): Promise<void> {
    const input = this.shadowRoot!.querySelector<HTMLTextAreaElement>('[part~="chat-input"]')!;
    const text = input.value;
    if (!text.trim()) return;
    try {
      await this.call?.sendMessage(text);
      input.value = '';
      this.error = '';
      this.#atBottom = true;
    } catch (err) {
      this.error = this.#errorText(err);
    }
  }

  async #attach(e: Event): Promise<void> {
    const picker = e.target as HTMLInputElement;
    const files = [...(picker.files ?? [])];
    picker.value = '';
    try {
      for (const file of files) await this.call?.sendFile(file);
      this.error = '';
      this.#atBottom = true;
    } catch (err) {
      this.error = this.#errorText(err);
    }
  }

  /** A word in the element's language; the chat's English comes with this chunk. */
  #w(key: RtcStringKey | keyof RtcChatStrings, values: Record<string, string | number> = {}): string {
    return format(this.#l10n.strings[key] ?? enChat[key as keyof RtcChatStrings], values);
  }

  #errorText(err: unknown): string {
    if (!(err instanceof RtcError)) return String(err);
    return this.#l10n.strings.errors[err.code] ?? err.message;
  }

  #keydown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void this.#send();
    }
  }

  #close(): void {
    this.dispatchEvent(rtcChatClose());
  }

  #time(ms: number): unknown {
    const d = new Date(ms);
    let words = '';
    try {
      words = d.toLocaleTimeString(this.#l10n.language, { hour: '2-digit', minute: '2-digit' });
    } catch {
      words = d.toISOString().slice(11, 16);
    }
    return html`<time part="chat-time" datetime=${d.toISOString()}>${words}</time>`;
  }

  #message(m: ChatMessage): unknown {
    const name = m.local ? this.#w('you') : m.from.name || this.#w('guest');
    return html`<div part=${m.local ? 'chat-message chat-message-local' : 'chat-message'} data-id=${m.id}>
      <span part="chat-sender">${name}</span>${this.#time(m.time)}
      <p part="chat-text">${linkify(m.text)}</p>
    </div>`;
  }

  #file(f: FileTransfer): unknown {
    const who = f.peer.name || this.#w('guest');
    const running = f.state === 'sending' || f.state === 'receiving';
    let url = this.#urls.get(f);
    if (!url && f.state === 'done' && f.blob) this.#urls.set(f, (url = URL.createObjectURL(f.blob)));
    return html`<div part="file" data-state=${f.state} data-direction=${f.direction}>
      <span part="chat-sender">${this.#w(f.direction === 'send' ? 'fileTo' : 'fileFrom', { name: who })}</span
      >${this.#time(f.time)}
      <p part="file-name">${f.name} (${this.#w('fileSize', { size: Math.ceil(f.size / 1024) })})</p>
      <span part="file-state">${this.#w(STATE_WORDS[f.state])}</span>
      ${
        running || f.state === 'offered'
          ? html`<progress part="file-progress" max=${Math.max(1, f.size)} .value=${f.bytes}></progress>`
          : nothing
      }
      ${
        f.direction === 'receive' && f.state === 'offered'
          ? html`<button part="file-accept" @click=${() => f.accept()}>${this.#w('accept')}</button>
              <button part="file-refuse" @click=${() => f.refuse()}>${this.#w('refuse')}</button>`
          : nothing
      }
      ${
        running || (f.direction === 'send' && f.state === 'offered')
          ? html`<button part="file-cancel" @click=${() => f.cancel()}>${this.#w('cancel')}</button>`
          : nothing
      }
      ${url ? html`<a part="file-download" href=${url} download=${f.name}>${this.#w('save')}</a>` : nothing}
    </div>`;
  }

  protected override render() {
    const items: { time: number; key: unknown; view: () => unknown }[] = [
      ...(this.call?.messages ?? []).map((m) => ({ time: m.time, key: m, view: () => this.#message(m) })),
      ...(this.call?.transfers ?? []).map((f) => ({ time: f.time, key: f, view: () => this.#file(f) })),
    ];
    // Messages keep their order (history by time); files go in by when they were offered.
    items.sort((a, b) => a.time - b.time);
    return html`<section
      part="chat-base"
      aria-label=${this.#w('chat')}
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.#close()}
    >
      <div part="chat-header">
        <span part="chat-title">${this.#w('chat')}</span>
        <button
          part="chat-close-button"
          aria-label=${this.#w('closeChat')}
          title=${this.#w('closeChat')}
          @click=${this.#close}
        >
          ✕
        </button>
      </div>
      <div
        part="chat-messages"
        role="log"
        aria-live="polite"
        aria-label=${this.#w('chat')}
        tabindex="0"
        @scroll=${this.#onScroll}
      >
        ${
          items.length
            ? repeat(
                items,
                (i) => i.key,
                (i) => i.view(),
              )
            : html`<div part="chat-empty">${this.#w('noMessages')}</div>`
        }
      </div>
      <div part="chat-error" role="alert">${this.error}</div>
      <div part="chat-form">
        <textarea
          part="chat-input"
          rows="1"
          maxlength="4000"
          aria-label=${this.#w('message')}
          placeholder=${this.#w('message')}
          @keydown=${this.#keydown}
        ></textarea>
        <button
          part="chat-attach-button"
          aria-label=${this.#w('attachFile')}
          title=${this.#w('attachFile')}
          @click=${() => this.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!.click()}
        >
          📎
        </button>
        <input type="file" multiple hidden aria-hidden="true" tabindex="-1" @change=${this.#attach} />
        <button part="chat-send-button" @click=${() => void this.#send()}>${this.#w('send')}</button>
      </div>
    </section>`;
  }
}

if (!customElements.get('rtc-chat')) customElements.define('rtc-chat', RtcChat);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-chat': RtcChat;
  }
}
