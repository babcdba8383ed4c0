import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LocalMedia, type AudioProcessing } from '../../engine/local-media.js';
import type { AudioLevel } from '../../engine/audio-level.js';
import type { RtcErrorDetail } from '../../engine/errors.js';
import type { CallContextValue } from '../../context.js';
import type { Participant } from '../../engine/types.js';
import { rtcError } from '../../events.js';

/** How often the microphone meter moves (ms): smooth enough to see speech, cheap enough to forget. */
const METER_MS = 100;

/**
 * The pre-join screen's camera and microphone: opened when the screen shows, so the visitor sees and hears
 * themselves before joining, and handed to the call on Join (the camera is not opened twice). What goes wrong with
 * them is said on the screen and fired as `rtc-error`; the visitor can join anyway.
 */
export class PrejoinController implements ReactiveController {
  media?: LocalMedia;
  context?: CallContextValue;
  /** Problems with the devices, one per code. */
  notices: RtcErrorDetail[] = [];
  /** The microphone's meter. Its code comes with the people chunk (hands, speaking…), which the call loads anyway. */
  #level?: AudioLevel;
  #meter?: ReturnType<typeof setInterval>;
  #off: (() => void)[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** Where the level goes: the meter's bar, found in the host's render. */
    private readonly meter: () => HTMLElement | null | undefined,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    // A move in the page reconnects at once; only an element that stays off the page lets the camera go.
    queueMicrotask(() => {
      if (!this.host.isConnected) this.close();
    });
  }

  /** Shows the visitor their camera and microphone, as they will join with them. */
  open(wanted: { audio: boolean; video: boolean }, processing: AudioProcessing): void {
    if (this.media) return;
    const media = new LocalMedia();
    this.media = media;
    Object.assign(media.audioProcessing, processing);
    const changed = () => {
      this.#level?.listen(media.track('audio'));
      this.context = {
        media,
        devices: media.devices,
        selected: { ...media.selected },
        select: (kind, id) => media.selectDevice(kind, id),
      };
      this.host.requestUpdate();
    };
    this.#off.push(
      media.on('change', changed),
      media.on('devices', changed),
      media.on('warning', (e) => {
        const detail = e.toDetail();
        this.notices = [...this.notices.filter((n) => n.code !== detail.code), detail];
        this.host.dispatchEvent(rtcError(detail));
        this.host.requestUpdate();
      }),
    );
    changed();
    import('../../engine/people.js').then(
      ({ AudioLevel }) => {
        if (this.media !== media) return;
        this.#level = new AudioLevel();
        this.#level.listen(media.track('audio'));
      },
      // Not loaded (the server is gone, say): the screen works without its meter.
      () => {},
    );
    void media.start(wanted);
    this.#meter = setInterval(() => this.#showLevel(), METER_MS);
  }

  /** The devices, for the call that starts now: the screen is done with them. */
  take(): LocalMedia | undefined {
    const media = this.media;
    this.#detach();
    return media;
  }

  /** Closes the camera and microphone (the visitor went away before joining). */
  close(): void {
    const media = this.media;
    this.#detach();
    media?.stop();
    this.notices = [];
  }

  dismiss(code: string): void {
    this.notices = this.notices.filter((n) => n.code !== code);
    this.host.requestUpdate();
  }

  /** You, as the preview tile shows you. */
  self(name: string): Participant | undefined {
    const media = this.media;
    if (!media) return undefined;
    return {
      id: '',
      name,
      local: true,
      stream: media.preview,
      audioEnabled: media.audioEnabled,
      videoEnabled: media.videoEnabled,
      connection: 'connected',
      weakLink: false,
      hand: false,
      speaking: false,
      quality: null,
      screen: null,
    };
  }

  #detach(): void {
    clearInterval(this.#meter);
    this.#meter = undefined;
    for (const off of this.#off.splice(0)) off();
    this.#level?.close();
    this.#level = undefined;
    this.media = undefined;
    this.context = undefined;
  }

  #showLevel(): void {
    const bar = this.meter();
    if (!bar) return;
    // Speech sits low on a linear scale: a square root spreads it over the bar.
    const level = Math.round(Math.min(1, Math.sqrt(this.#level?.read() ?? 0) * 1.5) * 100);
    bar.style.setProperty('--rtc-level', `${level}%`);
    bar.setAttribute('aria-valuenow', String(level));
  }
}
