import { LitElement, html, nothing, type PropertyDeclarations } from 'lit';
import { ContextConsumer } from '@lit/context';
import { LocalizeController } from '../../i18n/localize-controller.js';
import type { RtcStrings } from '../../i18n/strings.js';
import { callContext, type CallContextValue } from '../../context.js';
import type { DeviceKind } from '../../engine/local-media.js';
import { rtcDeviceSelect } from '../../events.js';
import { styles } from './rtc-device-picker.styles.js';

const KINDS: {
  kind: DeviceKind;
  label: 'camera' | 'microphone' | 'speaker';
  unnamed: 'unnamedCamera' | 'unnamedMicrophone' | 'unnamedSpeaker';
}[] = [
  { kind: 'videoinput', label: 'camera', unnamed: 'unnamedCamera' },
  { kind: 'audioinput', label: 'microphone', unnamed: 'unnamedMicrophone' },
  { kind: 'audiooutput', label: 'speaker', unnamed: 'unnamedSpeaker' },
];

/** Whether this browser can choose where sound plays (Safari and Firefox mostly cannot). */
export const canChooseSpeaker = () =>
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * @summary Chooses the camera, the microphone and, where the browser supports it, the speaker.
 *
 * Inside `<rtc-call>` it switches the call's devices live: the new track replaces the old one on every
 * connection, without renegotiation. It follows devices being plugged in and out. On its own it lists the devices
 * and fires `rtc-device-select`.
 *
 * @tagname rtc-device-picker
 *
 * @fires {CustomEvent<RtcDeviceSelectDetail>} rtc-device-select - The visitor chose a device. Detail: `{ kind, deviceId }`.
 *
 * @csspart base - The wrapper around the fields.
 * @csspart field - One labelled choice.
 * @csspart label - A field's label.
 * @csspart select - A field's `<select>`.
 * @csspart empty - The note shown when no devices can be listed.
 *
 * @cssproperty [--rtc-picker-background=#fff] - Background.
 * @cssproperty [--rtc-picker-foreground=#1b1f29] - Text color.
 * @cssproperty [--rtc-picker-border=1px solid #c6cad3] - Border of the selects.
 * @cssproperty [--rtc-picker-radius=8px] - Corner radius.
 * @cssproperty [--rtc-picker-gap=10px] - Space between fields.
 * @cssproperty [--rtc-picker-padding=12px] - Inner padding.
 */
export class RtcDevicePicker extends LitElement {
  static override styles = styles;

  // Declared here rather than with decorators: each decorator is a call of its own in the bundle (issue 10).
  static override properties: PropertyDeclarations = {
    strings: { attribute: false },
    ownDevices: { state: true, attribute: false },
    ownSelected: { state: true, attribute: false },
  };

  /** The call around it (`<rtc-call>` provides it), if any; a new value re-renders. */
  readonly #context = new ContextConsumer(this, { context: callContext, subscribe: true });
  private get call(): CallContextValue | undefined {
    return this.#context.value;
  }

  /**
   * Words to use instead of the language's own (`{ noDevices: '…' }`); see `RtcStrings`. The language is the
   * element's `lang`, else the nearest ancestor's, else the page's.
   */
  strings?: Partial<RtcStrings>;

  readonly #l10n = new LocalizeController(this);

  /** Devices found when used outside a call. */
  private ownDevices: MediaDeviceInfo[] = [];
  private ownSelected: Record<DeviceKind, string> = { audioinput: '', videoinput: '', audiooutput: '' };

  #onDeviceChange = () => void this.#enumerate();

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener?.('devicechange', this.#onDeviceChange);
    if (!this.call) void this.#enumerate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.#onDeviceChange);
  }

  async #enumerate(): Promise<void> {
    if (this.call || !navigator.mediaDevices?.enumerateDevices) return;
    this.ownDevices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
  }

  private async choose(kind: DeviceKind, e: Event): Promise<void> {
    const deviceId = (e.target as HTMLSelectElement).value;
    this.dispatchEvent(rtcDeviceSelect({ kind, deviceId }));
    if (this.call) await this.call.select(kind, deviceId);
    else this.ownSelected = { ...this.ownSelected, [kind]: deviceId };
  }

  protected override render() {
    const devices = this.call?.devices ?? this.ownDevices;
    const selected = this.call?.selected ?? this.ownSelected;
    const kinds = KINDS.filter((k) => k.kind !== 'audiooutput' || canChooseSpeaker());
    const t = this.#l10n;
    const fields = kinds.map(({ kind, label, unnamed }) => {
      const list = devices.filter((d) => d.kind === kind && d.deviceId);
      if (!list.length) return nothing;
      const id = `select-${kind}`;
      return html`<div part="field">
        <label part="label" for=${id}>${t.t(label)}</label>
        <select part="select" id=${id} data-kind=${kind} @change=${(e: Event) => this.choose(kind, e)}>
          ${list.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === selected[kind]}>${d.label || t.t(unnamed, { n: i + 1 })}</option>`)}
        </select>
      </div>`;
    });
    const any = fields.some((f) => f !== nothing);
    return html`<div part="base" role="group" aria-label=${t.t('devices')}>
      ${any ? fields : html`<p part="empty">${t.t('noDevices')}</p>`}
    </div>`;
  }
}

if (!customElements.get('rtc-device-picker')) customElements.define('rtc-device-picker', RtcDevicePicker);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-device-picker': RtcDevicePicker;
  }
}
