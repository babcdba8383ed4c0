import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import type { LinkReport } from '../../engine/quality.js';
import type { PeerStats } from '../../engine/peer-stats.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { format, type RtcPanelStrings, type RtcStrings } from '../../i18n/strings.js';

/** What the details show: the last judgement of the connection, and its facts (`call.stats(id)`). */
export interface QualityDetails {
  report?: LinkReport;
  stats?: PeerStats;
}

/** Read again this often while shown. */
const REFRESH_MS = 2000;

type Word = 'roundTrip' | 'loss' | 'bitrate' | 'resolution' | 'codec' | 'route' | 'routeDirect' | 'routeRelay';

/** Its English, loaded with it (not in rtc-call.js): a language file or `strings` says otherwise. */
const EN: Pick<RtcPanelStrings, Word> = {
  roundTrip: 'Round trip',
  loss: 'Loss',
  bitrate: 'Bitrate',
  resolution: 'Resolution',
  codec: 'Codec',
  route: 'Route',
  routeDirect: 'Direct',
  routeRelay: 'Relayed through TURN over {protocol}',
};

const kbps = (bits: number) => `${Math.round(bits / 1000)} kbit/s`;

/**
 * @summary The details of one connection, behind a tile's quality badge: round trip, loss, bitrate, resolution,
 * codec, and the route (direct, or relayed through TURN over UDP, TCP or TLS). Loaded the first time a badge is opened.
 *
 * @tagname rtc-quality-details
 *
 * @csspart base - The list.
 * @csspart row - One fact (`data-key`: `rtt`, `loss`, `bitrate`, `resolution`, `codec`, `route`).
 * @csspart term - A fact's name.
 * @csspart value - A fact's value.
 */
export class RtcQualityDetails extends LitElement {
  // Declared here rather than with decorators: each decorator is a call of its own in the bundle (issue 10).
  static override properties: PropertyDeclarations = {
    read: { attribute: false },
    strings: { attribute: false },
    details: { state: true, attribute: false },
  };

  static override styles = css`
    :host {
      position: absolute;
      top: 36px;
      right: 8px;
      z-index: 2;
      max-width: calc(100% - 16px);
      padding: 6px 10px;
      border-radius: 8px;
      background: rgb(0 0 0 / 80%);
      color: #fff;
      font-size: 0.8em;
    }
    dl {
      display: grid;
      grid-template-columns: auto auto;
      gap: 2px 10px;
      margin: 0;
    }
    dd {
      margin: 0;
    }
  `;

  /** Reads the details now; called when shown, then every 2 s. */
  read?: () => Promise<QualityDetails>;

  /** Words to use instead of the language's own; see `RtcStrings`. */
  strings?: Partial<RtcStrings>;

  private details?: QualityDetails;

  readonly #l10n = new LocalizeController(this);
  #timer?: ReturnType<typeof setInterval>;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#refresh();
    this.#timer = setInterval(() => void this.#refresh(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #refresh(): Promise<void> {
    this.details = await this.read?.().catch(() => undefined);
  }

  #w(key: Word, values: Record<string, string> = {}): string {
    return format(this.#l10n.strings[key] ?? EN[key], values);
  }

  protected override render() {
    const { report, stats } = this.details ?? {};
    const video = stats?.video.receive;
    const route = stats?.route;
    const codecs = [video?.codec, stats?.audio.receive?.codec].filter(Boolean).join(', ');
    const rows: [string, Word, string | undefined][] = [
      ['rtt', 'roundTrip', report?.rtt !== undefined ? `${Math.round(report.rtt)} ms` : undefined],
      ['loss', 'loss', report ? `${(report.loss * 100).toFixed(1)} %` : undefined],
      ['bitrate', 'bitrate', report ? `↓ ${kbps(report.bitrateIn)} ↑ ${kbps(report.bitrateOut)}` : undefined],
      ['resolution', 'resolution', video?.frameWidth ? `${video.frameWidth}×${video.frameHeight}` : undefined],
      ['codec', 'codec', codecs || undefined],
      [
        'route',
        'route',
        route &&
          (route.type === 'relay'
            ? this.#w('routeRelay', { protocol: route.protocol.toUpperCase() })
            : `${this.#w('routeDirect')} (${route.protocol.toUpperCase()})`),
      ],
    ];
    return html`<dl part="base">
      ${rows.map(([key, term, value]) =>
        value === undefined
          ? nothing
          : html`<div part="row" data-key=${key} style="display: contents">
              <dt part="term">${this.#w(term)}</dt>
              <dd part="value">${value}</dd>
            </div>`,
      )}
    </dl>`;
  }
}

if (!customElements.get('rtc-quality-details')) customElements.define('rtc-quality-details', RtcQualityDetails);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-quality-details': RtcQualityDetails;
  }
}
