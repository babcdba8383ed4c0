import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Participant } from '../../engine/types.js';
import { MAX_NAME_LENGTH } from '../../engine/names.js';
import { camIcon, camOffIcon, micIcon, micOffIcon } from '../../icons.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import type { RtcPanelStrings, RtcStrings } from '../../i18n/strings.js';

/** Its own English, loaded with it (not in rtc-call.js): a language file or `strings` says otherwise. */
const EN: Pick<RtcPanelStrings, 'editName' | 'saveName'> = { editName: 'Change your name', saveName: 'Save' };

/** Asks for your display name to change (the list's edit control); `<rtc-call>` changes it for everyone. */
export interface RtcRenameDetail {
  name: string;
}

/**
 * @summary Everyone in the call, yourself first: each person's name, microphone and camera state and raised hand.
 * Your own row has a control to change your name. `<rtc-call>` shows it in its side panel (a chunk of its own, loaded
 * the first time the panel opens).
 *
 * @tagname rtc-participant-list
 *
 * @fires {CustomEvent<RtcRenameDetail>} rtc-rename - You saved a new name in your row. Detail: `{ name }`.
 *
 * @csspart list - The list.
 * @csspart row - One person (`data-id`; `[data-local]` on yours).
 * @csspart hand - A raised hand (✋).
 * @csspart name - A person's name.
 * @csspart mic-state - A person's microphone state (`data-on`).
 * @csspart camera-state - A person's camera state (`data-on`).
 * @csspart edit-button - The control that changes your name.
 * @csspart name-form - The form to change your name.
 * @csspart name-input - Its text field.
 * @csspart save-button - Its Save button.
 */
export class RtcParticipantList extends LitElement {
  // Declared here rather than with decorators: each decorator is a call of its own in the bundle (issue 10).
  static override properties: PropertyDeclarations = {
    participants: { attribute: false },
    strings: { attribute: false },
    editing: { state: true, attribute: false },
  };

  static override styles = css`
    :host {
      display: block;
    }
    [part~='list'] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 4px;
    }
    [part~='row'] {
      display: flex;
      align-items: center;
      gap: 6px;
      padding: 4px 0;
    }
    [part~='name'] {
      flex: 1;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    [part~='mic-state'],
    [part~='camera-state'] {
      display: inline-flex;
    }
    [data-on='false'] {
      color: var(--rtc-call-danger, #c62a2f);
    }
    button,
    input {
      font: inherit;
      color: inherit;
    }
    [part~='name-form'] {
      display: flex;
      flex: 1;
      gap: 4px;
      min-width: 0;
    }
    [part~='name-input'] {
      flex: 1;
      min-width: 0;
    }
  `;

  /** Everyone in the call, yourself first (`<rtc-call>`'s `participants`). */
  participants: readonly Participant[] = [];

  /** Words to use instead of the language's own; see `RtcStrings`. */
  strings?: Partial<RtcStrings>;

  private editing = false;

  readonly #l10n = new LocalizeController(this);

  #save(e: SubmitEvent): void {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    this.editing = false;
    this.dispatchEvent(new CustomEvent<RtcRenameDetail>('rtc-rename', { detail: { name: input.value } }));
  }

  protected override updated(): void {
    if (this.editing) this.renderRoot.querySelector<HTMLInputElement>('[part~="name-input"]')?.focus();
  }

  protected override render() {
    const t = this.#l10n;
    return html`<ul part="list" aria-label=${t.t('people')}>
      ${repeat(
        this.participants,
        (p) => (p.local ? '' : p.id),
        (p) => {
          const name = p.name || (p.local ? t.t('you') : t.t('guest'));
          return html`<li part="row" data-id=${p.id} ?data-local=${p.local}>
            ${p.hand ? html`<span part="hand" role="img" aria-label=${t.t('handRaised')}>✋</span>` : nothing}
            ${
              p.local && this.editing
                ? html`<form part="name-form" @submit=${this.#save}>
                    <input
                      part="name-input"
                      name="name"
                      aria-label=${t.t('yourName')}
                      maxlength=${MAX_NAME_LENGTH}
                      .value=${p.name}
                      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.editing = false)}
                    />
                    <button part="save-button">${t.strings.saveName ?? EN.saveName}</button>
                  </form>`
                : html`<span part="name">${p.local ? t.t('nameYou', { name }) : name}</span>`
            }
            ${
              p.local && !this.editing
                ? html`<button
                    part="edit-button"
                    aria-label=${t.strings.editName ?? EN.editName}
                    title=${t.strings.editName ?? EN.editName}
                    @click=${() => (this.editing = true)}
                  >
                    ✎
                  </button>`
                : nothing
            }
            <span
              part="mic-state"
              role="img"
              data-on=${p.audioEnabled}
              aria-label=${p.audioEnabled ? t.t('microphone') : t.t('microphoneOff')}
            >
              ${p.audioEnabled ? micIcon : micOffIcon}
            </span>
            <span
              part="camera-state"
              role="img"
              data-on=${p.videoEnabled}
              aria-label=${p.videoEnabled ? t.t('camera') : t.t('cameraOff')}
            >
              ${p.videoEnabled ? camIcon : camOffIcon}
            </span>
          </li>`;
        },
      )}
    </ul>`;
  }
}

if (!customElements.get('rtc-participant-list')) customElements.define('rtc-participant-list', RtcParticipantList);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-participant-list': RtcParticipantList;
  }
  interface GlobalEventHandlersEventMap {
    'rtc-rename': CustomEvent<RtcRenameDetail>;
  }
}
