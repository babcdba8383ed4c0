import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { Participant } from '../../engine/types.js';
import type { Logger } from '../../engine/logger.js';
import { camOffIcon, micOffIcon, pinIcon, pipIcon } from '../../icons.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import type { RtcStrings } from '../../i18n/strings.js';
import { styles } from './rtc-video-tile.styles.js';
import { viewStep } from '../../engine/video-fit.js';
import { rtcTileFrame, rtcTilePin, rtcTileView } from '../../events.js';
import type { QualityDetails } from '../rtc-quality-details/rtc-quality-details.js';
import type { Pip } from './pip.js';

const QUALITY_WORDS = { good: 'qualityGood', fair: 'qualityFair', poor: 'qualityPoor' } as const;

/** Up to two initials of a name, for the avatar shown while the camera is off. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? '') : '';
  return (first + last).toUpperCase();
}

/**
 * @summary One participant of a call: their video, their name, and whether their microphone and camera are on.
 *
 * @tagname rtc-video-tile
 *
 * @csspart base - The tile's frame.
 * @csspart video - The `<video>` element.
 * @csspart avatar - The initials shown while the camera is off.
 * @csspart label - The bar holding the name and the state icons.
 * @csspart name - The participant's name.
 * @csspart mic-state - The icon shown while the microphone is muted.
 * @csspart camera-state - The icon shown while the camera is off.
 * @csspart status - The connection notice ("Connecting…", "Reconnecting…").
 * @csspart weak-link - The notice shown while the participant sends no video because the connection is too weak
 *   ("Weak connection: video paused"); it goes when their video comes back.
 * @csspart unmute-button - Shown when the browser blocked sound until the visitor clicks ("Play sound"); the
 *   visitor's first tap or key anywhere on the page turns the sound on as well.
 * @csspart hand - The raised hand (✋), in the name bar, while the participant's hand is up.
 * @csspart speaking - The ring around the tile while the participant speaks.
 * @csspart reaction - A reaction of theirs (`reaction`), floating up over the tile for a few seconds (still, and only
 *   fading, where the visitor prefers reduced motion).
 * @csspart quality - The connection quality badge of a remote participant (`data-quality`: `good`, `fair` or
 *   `poor`); a button that shows the details.
 * @csspart quality-bar - One of the badge's three signal bars.
 * @csspart quality-details - The connection details (`<rtc-quality-details>`): round trip, loss, bitrate, resolution,
 *   codec and route; its own parts are exported as `details-*`.
 * @csspart controls - The tile's own buttons (top right).
 * @csspart pin-button - Pins the tile to the stage, or unpins it (`aria-pressed`).
 * @csspart pip-button - Shows the tile in a picture-in-picture window that stays on top while the visitor works
 *   elsewhere, or closes it (`aria-pressed`). Where the browser has Document Picture-in-Picture, the window shows the
 *   video with the name and microphone state; elsewhere, the video's own picture-in-picture. Absent where the
 *   browser has neither. While the window is open the participant keeps sending video, even with the page hidden.
 *
 * @cssproperty [--rtc-tile-background=#1f2430] - Background behind the video and avatar.
 * @cssproperty [--rtc-tile-foreground=#fff] - Text color.
 * @cssproperty [--rtc-tile-radius=12px] - Corner radius.
 * @cssproperty [--rtc-tile-aspect-ratio=16 / 9] - Shape of the tile.
 * @cssproperty [--rtc-tile-object-fit=cover] - How the video fills the tile (`cover` or `contain`).
 * @cssproperty [--rtc-tile-label-background=rgb(0 0 0 / 55%)] - Background of the name bar.
 * @cssproperty [--rtc-tile-avatar-background=#5b6ee1] - Background of the initials avatar.
 * @cssproperty [--rtc-tile-avatar-size=30%] - Width of the avatar, relative to the tile.
 * @cssproperty [--rtc-tile-muted-color=#ff6b6b] - Color of the muted-microphone and camera-off icons.
 * @cssproperty [--rtc-tile-speaking-color=#3ddc84] - The speaking ring's color.
 * @cssproperty [--rtc-tile-active-color=#8b9bff] - The outline of the active speaker's tile.
 *
 * @fires {CustomEvent<RtcTileViewDetail>} rtc-tile-view - How tall a remote participant's video is shown, in device
 *   pixels (in steps; 0 while the tile is hidden, scrolled out of sight or the page is in the background). Detail:
 *   `{ id, height }`. `<rtc-call>` passes it to the call (`call.setView(id, height)`), so the participant sends no
 *   more than that; a page that lays out tiles itself does the same.
 * @fires {CustomEvent<RtcTileFrameDetail>} rtc-tile-frame - The first picture of the participant's video is on screen
 *   (again after their stream changed). Detail: `{ id }`. `<rtc-call>` draws the rest of the call after the first one
 *   from someone else.
 * @fires {CustomEvent<RtcTilePinDetail>} rtc-tile-pin - The pin button was pressed. Detail: `{ id, pinned }`: `id` is
 *   what `<rtc-call>`'s `pin()` takes (the participant's id, or `<id>:screen` for a screen), `pinned` whether the
 *   visitor wants it pinned.
 */
export class RtcVideoTile extends LitElement {
  static override styles = styles;

  // Declared here rather than with decorators: each decorator is a call of its own in the bundle (issue 10).
  static override properties: PropertyDeclarations = {
    participant: { attribute: false },
    sinkId: { attribute: false },
    logger: { attribute: false },
    local: { type: Boolean, reflect: true },
    audioMuted: { type: Boolean, reflect: true, attribute: 'audio-muted' },
    videoOff: { type: Boolean, reflect: true, attribute: 'video-off' },
    weakLink: { type: Boolean, reflect: true, attribute: 'weak-link' },
    speaking: { type: Boolean, reflect: true },
    hand: { type: Boolean, reflect: true },
    activeSpeaker: { type: Boolean, reflect: true, attribute: 'active-speaker' },
    reaction: { attribute: false },
    readDetails: { attribute: false },
    detailsOpen: { state: true, attribute: false },
    screen: { type: Boolean, reflect: true },
    controls: { type: Boolean },
    videoOnly: { type: Boolean, attribute: 'video-only' },
    pinned: { type: Boolean, reflect: true },
    strings: { attribute: false },
    soundBlocked: { state: true, attribute: false },
    inPip: { state: true, attribute: false },
  };

  /** The participant to show. */
  participant?: Participant;

  /** The speaker to play this participant's sound on (an `audiooutput` device id; '' for the default). */
  sinkId = '';

  /** Where to say what failed quietly (a speaker that could not be chosen); `<rtc-call debug>` sets its own. */
  logger?: Logger;

  /** Set on your own tile: it is mirrored and never played aloud. Reflects `participant.local`. */
  local = false;

  /** Reflects whether the participant's microphone is muted. */
  audioMuted = false;

  /** Reflects whether the participant's camera is off (the avatar shows instead). */
  videoOff = false;

  /**
   * Reflects `participant.weakLink`: the participant's camera is on, but they send no video for now because the
   * connection is too weak (the avatar and a notice show instead).
   */
  weakLink = false;

  /** Reflects `participant.speaking`. */
  speaking = false;

  /** Reflects `participant.hand`. */
  hand = false;

  /** Set on the active speaker's tile (`<rtc-call>` sets it), which is highlighted. */
  activeSpeaker = false;

  /** The participant's latest reaction, to float over the tile; a new `at` floats it again. */
  reaction?: { emoji: string; at: number };

  /** Reads the connection details of participant `id`, for the quality badge's details (`<rtc-call>` sets it). */
  readDetails?: (id: string) => Promise<QualityDetails>;

  private detailsOpen = false;

  /**
   * Shows the participant's screen (`participant.screen`) instead of their camera: never mirrored, the whole
   * picture (`contain`), labelled "<name>'s screen".
   */
  screen = false;

  /**
   * Shows the tile's own buttons (part `controls`): pin, and picture-in-picture where the browser has it. `<rtc-call>`
   * sets it on the tiles of a call (not on the pre-join preview).
   */
  controls = false;

  /**
   * Shows only the video: no name, status or buttons. `<rtc-call>` sets it while a call that began by itself
   * connects, so that the first pictures do not wait behind the rest.
   */
  videoOnly = false;

  /** Reflects that the tile is pinned to the stage (`<rtc-call>` sets it). */
  pinned = false;

  /**
   * Words to use instead of the language's own (`{ playSound: '…' }`); see `RtcStrings`. The language is the
   * element's `lang`, else the nearest ancestor's, else the page's.
   */
  strings?: Partial<RtcStrings>;

  private soundBlocked = false;

  /** The tile is in a picture-in-picture window. */
  private inPip = false;
  #pip?: Pip;

  readonly #l10n = new LocalizeController(this);

  private get video(): HTMLVideoElement {
    return this.renderRoot.querySelector('video')!;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('participant') && this.participant) {
      this.local = this.participant.local;
      this.audioMuted = !this.participant.audioEnabled && !this.screen;
      this.videoOff = (!this.participant.videoEnabled && !this.screen) || !this.#stream()?.getVideoTracks().length;
      this.weakLink = !this.participant.local && !!this.participant.weakLink;
      this.speaking = !!this.participant.speaking;
      this.hand = !!this.participant.hand;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('participant')) this.#sayView();
    this.#pip?.show(this.#pipView());
    const video = this.video;
    // A stream with no track never has data, and a <video> waiting for data holds the page's `load` event: someone
    // with neither camera nor microphone kept the whole page loading.
    const shown = this.#stream();
    const stream = shown?.getTracks().length ? shown : null;
    if ((changed.has('participant') || changed.has('screen')) && video.srcObject !== stream) {
      video.srcObject = stream;
      if (stream) {
        this.play();
        // (Where the browser cannot tell, `<rtc-call>` draws the rest after `videos-first` ms.)
        const id = this.participant!.id;
        video.requestVideoFrameCallback?.(() => video.srcObject === stream && this.dispatchEvent(rtcTileFrame({ id })));
      }
    }
    if (changed.has('sinkId') && !this.local && 'setSinkId' in video) {
      (video as HTMLVideoElement & { setSinkId(id: string): Promise<void> })
        .setSinkId(this.sinkId)
        .catch((err) => this.logger?.debug(`setSinkId(${this.sinkId}) failed`, err));
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the page (tiles are moved when the grid reorders): show the stream again.
    if (this.hasUpdated) this.requestUpdate('participant');
    this.#watchView();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.video) this.video.srcObject = null;
    for (const off of this.#offView.splice(0)) off();
    // Gone for good (the participant left), not moved within the grid, which puts it back at once: close its window.
    queueMicrotask(() => !this.isConnected && this.#pip?.close());
  }

  /** The tile's height in CSS pixels, whether any of it is on screen, and what was last said about it. */
  #view = { height: 0, onScreen: true, said: '' };
  #offView: (() => void)[] = [];

  /** Follows the tile's size and visibility, to say how tall the participant's video is shown. */
  #watchView(): void {
    if (typeof ResizeObserver !== 'function') return;
    const resize = new ResizeObserver(([entry]) => {
      this.#view.height = entry.contentRect.height;
      this.#sayView();
    });
    resize.observe(this);
    const seen = new IntersectionObserver(([entry]) => {
      this.#view.onScreen = entry.isIntersecting;
      this.#sayView();
    });
    seen.observe(this);
    const visibility = () => this.#sayView();
    document.addEventListener('visibilitychange', visibility);
    this.#offView.push(
      () => resize.disconnect(),
      () => seen.disconnect(),
      () => document.removeEventListener('visibilitychange', visibility),
    );
  }

  #sayView(): void {
    const p = this.participant;
    // A screen's size is not the camera's: only camera tiles say how they show someone.
    if (!p || p.local || this.screen) return;
    // In a picture-in-picture window the participant is watched whatever the page does: as tall as it is shown there.
    const pip = this.#pip?.height;
    const shown = pip !== undefined || (this.#view.onScreen && document.visibilityState !== 'hidden');
    const height = viewStep(Math.max(this.#view.height, pip ?? 0), globalThis.devicePixelRatio, shown);
    const said = `${p.id} ${height}`;
    if (said === this.#view.said) return;
    this.#view.said = said;
    this.dispatchEvent(rtcTileView({ id: p.id, height }));
  }

  #stream(): MediaStream | null {
    return (this.screen ? this.participant?.screen : this.participant?.stream) ?? null;
  }

  #pin(): void {
    const p = this.participant;
    if (p) this.dispatchEvent(rtcTilePin({ id: this.screen ? `${p.id}:screen` : p.id, pinned: !this.pinned }));
  }

  async #pictureInPicture(): Promise<void> {
    if (this.#pip) return this.#pip.close();
    try {
      const { openPip } = await import('./pip.js');
      const pip = await openPip(
        this.video,
        this.#pipView(),
        () => this.#sayView(),
        () => {
          if (this.#pip !== pip) return;
          this.#pip = undefined;
          this.inPip = false;
          this.#sayView();
        },
      );
      this.#pip = pip;
      this.inPip = true;
      this.#sayView();
    } catch (err) {
      this.logger?.debug('picture-in-picture failed', err);
    }
  }

  /** What the Document Picture-in-Picture window shows of this tile. */
  #pipView() {
    const t = this.#l10n;
    return {
      stream: this.#stream(),
      name: this.#names().shown,
      muted: this.audioMuted,
      micOff: t.t('microphoneOff'),
      mirrored: this.local && !this.screen,
      contain: this.screen,
    };
  }

  /**
   * Starts playback; when the browser wants a gesture first (iOS, a page the visitor has not touched yet), plays muted,
   * offers a button, and turns the sound on at the visitor's first tap or key anywhere on the page.
   */
  private play(): void {
    const video = this.video;
    video.muted = this.local || this.soundBlocked;
    video.play().catch((err: DOMException) => {
      if (err?.name !== 'NotAllowedError' || this.local) return;
      this.#blocked();
    });
  }

  #blocked(): void {
    const video = this.video;
    this.soundBlocked = true;
    video.muted = true;
    void video.play().catch((e) => this.logger?.debug('muted play() failed', e));
    const gestures = ['pointerdown', 'pointerup', 'touchend', 'keydown'];
    const unlock = () => {
      off();
      if (this.soundBlocked) this.unblockSound();
    };
    const off = () => gestures.forEach((type) => document.removeEventListener(type, unlock, true));
    gestures.forEach((type) => document.addEventListener(type, unlock, true));
    this.#offView.push(off);
  }

  private async toggleDetails(): Promise<void> {
    // The details view is a chunk of its own, fetched the first time someone asks.
    if (!this.detailsOpen) await import('../rtc-quality-details/rtc-quality-details.js');
    this.detailsOpen = !this.detailsOpen;
  }

  private unblockSound(): void {
    this.soundBlocked = false;
    this.video.muted = false;
    // Not a gesture the browser counts (a touch counts on its way up, not down): muted again, until the next one.
    void this.video.play().catch((err: DOMException) => {
      this.logger?.debug('play() failed', err);
      if (err?.name === 'NotAllowedError') this.#blocked();
    });
  }

  /** The person's name (or "You", "Guest"), and the tile's label: "Ana", "Ana (you)", "Ana's screen", "Your screen". */
  #names(): { name: string; shown: string } {
    const t = this.#l10n;
    const name = this.participant?.name || (this.local ? t.t('you') : t.t('guest'));
    const shown = this.screen
      ? this.local
        ? t.t('yourScreen')
        : t.t('screenOf', { name })
      : this.local
        ? t.t('nameYou', { name })
        : name;
    return { name, shown };
  }

  protected override render() {
    const p = this.participant;
    const t = this.#l10n;
    const { name, shown } = this.#names();
    const label = [
      shown,
      this.hand && t.t('handRaised'),
      this.audioMuted && t.t('tileMicrophoneOff'),
      this.videoOff && t.t('tileCameraOff'),
    ]
      .filter(Boolean)
      .join(t.t('listSeparator'));
    // Paused by the link, not by them: the camera-off icon and words stay off, the last frame is not left frozen.
    const paused = this.weakLink && !this.videoOff;
    const status =
      p && !p.local && !this.screen && p.connection !== 'connected'
        ? p.connection === 'reconnecting'
          ? t.t('reconnecting')
          : t.t('connecting')
        : '';
    return html`
      <div part="base" role="group" aria-label=${label}>
        <video
          part="video"
          autoplay
          playsinline
          disablepictureinpicture
          .muted=${this.local || this.soundBlocked}
          aria-hidden="true"
        ></video>
        ${
          this.videoOnly
            ? nothing
            : html` ${this.videoOff || paused ? html`<div part="avatar" aria-hidden="true">${initials(name)}</div>` : nothing}
                ${status ? html`<div part="status" role="status">${status}</div>` : nothing}
                ${paused && !status ? html`<div part="weak-link" role="status">${t.t('weakLink')}</div>` : nothing}
                ${this.speaking ? html`<div part="speaking" aria-hidden="true"></div>` : nothing}
                ${
                  this.reaction
                    ? keyed(
                        this.reaction.at,
                        html`<div part="reaction" aria-hidden="true">${this.reaction.emoji}</div>`,
                      )
                    : nothing
                }
                ${this.#quality()}
                <div part="label">
                  ${this.hand ? html`<span part="hand" title=${t.t('handRaised')}>✋</span>` : nothing}
                  <span part="name">${shown}</span>
                  ${this.audioMuted ? html`<span part="mic-state" title=${t.t('microphoneOff')}>${micOffIcon}</span>` : nothing}
                  ${this.videoOff ? html`<span part="camera-state" title=${t.t('cameraOff')}>${camOffIcon}</span>` : nothing}
                </div>
                ${
                  this.controls
                    ? html`<div part="controls">
                        <button
                          part="pin-button"
                          aria-pressed=${this.pinned ? 'true' : 'false'}
                          aria-label=${t.t('pin')}
                          title=${t.t(this.pinned ? 'unpin' : 'pin')}
                          @click=${this.#pin}
                        >
                          ${pinIcon}
                        </button>
                        ${
                          (globalThis.document?.pictureInPictureEnabled || 'documentPictureInPicture' in globalThis) &&
                          !this.videoOff
                            ? html`<button
                                part="pip-button"
                                aria-pressed=${this.inPip}
                                aria-label=${t.t('pictureInPicture')}
                                title=${t.t('pictureInPicture')}
                                @click=${this.#pictureInPicture}
                              >
                                ${pipIcon}
                              </button>`
                            : nothing
                        }
                      </div>`
                    : nothing
                }
                ${
                  this.soundBlocked
                    ? html`<button part="unmute-button" @click=${this.unblockSound}>${t.t('playSound')}</button>`
                    : nothing
                }`
        }
      </div>
    `;
  }

  #quality() {
    const p = this.participant;
    if (!p || p.local || !p.quality) return nothing;
    const words = this.#l10n.t(QUALITY_WORDS[p.quality]);
    return html`<button
        part="quality"
        data-quality=${p.quality}
        aria-label=${words}
        title=${words}
        aria-expanded=${this.detailsOpen}
        @click=${this.toggleDetails}
        @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.detailsOpen = false)}
      >
        <i part="quality-bar"></i><i part="quality-bar"></i><i part="quality-bar"></i>
      </button>
      ${
        this.detailsOpen && this.readDetails
          ? html`<rtc-quality-details
              part="quality-details"
              exportparts="base: details-base, row: details-row, term: details-term, value: details-value"
              lang=${this.#l10n.language}
              .strings=${this.strings}
              .read=${() => this.readDetails!(p.id)}
            ></rtc-quality-details>`
          : nothing
      }`;
  }
}

if (!customElements.get('rtc-video-tile')) customElements.define('rtc-video-tile', RtcVideoTile);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-video-tile': RtcVideoTile;
  }
}
