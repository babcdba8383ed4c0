import type { Logger } from './logger.js';
import { Emitter } from './emitter.js';
import { RtcError } from './errors.js';
import { CAPTURE_LADDER } from './video-fit.js';

export type MediaKind = 'audio' | 'video';
export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

export interface LocalMediaEvents {
  /** The local tracks changed (device switched, camera turned on or off, mic muted). */
  change: void;
  /** The list of devices changed. */
  devices: MediaDeviceInfo[];
  /** A problem with a device; the call goes on. */
  warning: RtcError;
}

const KIND: Record<MediaKind, DeviceKind> = { audio: 'audioinput', video: 'videoinput' };

/** The camera at `height` (16:9), `fps` at most. The mesh picks both from what the others show (video-fit.ts). */
const video = (height: number, fps = 30): MediaTrackConstraints => ({
  width: { ideal: Math.round((height * 16) / 9) },
  height: { ideal: height },
  frameRate: { ideal: fps, max: fps },
});

/** The browser's processing of the microphone. All on by default: what a call needs without headphones. */
export interface AudioProcessing {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

/** Turns a getUserMedia failure into words a visitor understands. */
export function describeMediaError(kind: MediaKind, err: unknown): RtcError {
  const name = (err as { name?: string } | null)?.name ?? '';
  const thing = kind === 'video' ? 'camera' : 'microphone';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new RtcError(
      kind === 'video' ? 'camera-denied' : 'microphone-denied',
      `Access to the ${thing} was denied. You can still join; allow the ${thing} in your browser's site settings to be ${kind === 'video' ? 'seen' : 'heard'}.`,
    );
  if (name === 'NotReadableError' || name === 'AbortError')
    return new RtcError(
      kind === 'video' ? 'camera-unavailable' : 'microphone-unavailable',
      `The ${thing} is in use by another program or could not be started.`,
    );
  return new RtcError(kind === 'video' ? 'camera-unavailable' : 'microphone-unavailable', `No ${thing} was found.`);
}

/**
 * The visitor's camera and microphone. Framework-free: it owns the tracks, follows device changes, and tells
 * listeners; the mesh asks it for the tracks to send.
 */
export class LocalMedia extends Emitter<LocalMediaEvents> {
  /** What the visitor sees of themselves: the live tracks only. A new stream whenever they change. */
  preview = new MediaStream();
  devices: MediaDeviceInfo[] = [];
  /** The chosen device of each kind ('' for the browser's default). */
  readonly selected: Record<DeviceKind, string> = { audioinput: '', videoinput: '', audiooutput: '' };
  /** Whether the visitor wants to send audio / video. */
  readonly wanted: Record<MediaKind, boolean> = { audio: true, video: true };
  /** Where diagnostics go; the call sets its own. */
  logger?: Logger;
  /**
   * How the microphone is processed, used whenever it opens: turn one off for music or a studio microphone (echo
   * cancellation off needs headphones).
   */
  readonly audioProcessing: AudioProcessing = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

  #tracks: Record<MediaKind, MediaStreamTrack | null> = { audio: null, video: null };
  #requests: Record<MediaKind, number> = { audio: 0, video: 0 };
  #onDeviceChange = () => void this.#devicesChanged();
  #stopped = false;
  #paused = false;
  /** The camera's height now: the smallest that covers what the others show (360 until they say). */
  #captureHeight: number = CAPTURE_LADDER[0];
  #captureFps = 30;
  /** The size or rate changed since the camera was last asked for: a camera opening then comes with the old ones. */
  #changedSinceAsked = false;

  constructor(private readonly md: MediaDevices | undefined = globalThis.navigator?.mediaDevices) {
    super();
  }

  /** The live track of a kind, or null when off, muted-by-stop or missing. */
  track(kind: MediaKind): MediaStreamTrack | null {
    return this.#tracks[kind];
  }

  get audioEnabled(): boolean {
    return !!this.#tracks.audio && this.#tracks.audio.enabled;
  }

  /** The camera is on and sending (not paused while the page is hidden). */
  get videoEnabled(): boolean {
    return !!this.#tracks.video && !this.#paused;
  }

  /**
   * Pauses the camera's video (the page went into the background on a phone) or resumes it. The camera stays open,
   * so the video is back at once; meanwhile it sends black frames, which cost next to nothing.
   */
  pauseVideo(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#paused = paused;
    const t = this.#tracks.video;
    if (t) t.enabled = !paused;
    this.emit('change', undefined);
  }

  /**
   * Opens camera and microphone as wanted. What fails is reported as a warning, never thrown: the visitor joins
   * with whatever works, or receive-only.
   */
  async start(wanted: Partial<Record<MediaKind, boolean>> = {}): Promise<void> {
    Object.assign(this.wanted, wanted);
    this.#stopped = false;
    if (!this.md?.getUserMedia) {
      this.emit(
        'warning',
        new RtcError(
          'media-unsupported',
          'This browser cannot use a camera or microphone here (it needs https). You can still join and watch.',
        ),
      );
      return;
    }
    this.md.addEventListener?.('devicechange', this.#onDeviceChange);
    // Those already open stay (the pre-join screen hands its devices to the call): no second prompt, no flicker.
    const kinds = (['audio', 'video'] as const).filter((k) => this.wanted[k] && !this.#tracks[k]);
    if (kinds.length) {
      try {
        // One prompt for both, when both work.
        const stream = await this.md.getUserMedia(this.#constraints(kinds));
        if (this.#stopped) return void stream.getTracks().forEach((t) => t.stop());
        for (const t of stream.getTracks()) this.#setTrack(t.kind as MediaKind, t);
      } catch (err) {
        this.logger?.debug('camera and microphone failed; one by one', err);
        // Then each alone, so that a denied camera does not cost the microphone.
        for (const kind of kinds) await this.#open(kind);
      }
    }
    // The tracks first (the connections take them at once), then the device list, whose labels need them.
    this.emit('change', undefined);
    await this.refreshDevices();
  }

  /**
   * Captures at `height` (16:9) and `fps` at most from now on: the camera open now is reconfigured in place
   * (applyConstraints), with no new track and no renegotiation. Resolves once the camera has been asked.
   */
  async setCaptureHeight(height: number, fps = 30): Promise<void> {
    if (height === this.#captureHeight && fps === this.#captureFps) return;
    this.#captureHeight = height;
    this.#captureFps = fps;
    this.#changedSinceAsked = true;
    await this.#tracks.video?.applyConstraints(video(height, fps)).catch(() => {});
  }

  /** The height the camera is asked for now. */
  get captureHeight(): number {
    return this.#captureHeight;
  }

  /** Turns the microphone on or off. Muting keeps the track, so unmuting is instant. */
  async setAudioEnabled(on: boolean): Promise<void> {
    this.wanted.audio = on;
    const t = this.#tracks.audio;
    if (t) t.enabled = on;
    else if (on) await this.#open('audio');
    this.emit('change', undefined);
  }

  /** Turns the camera on or off. Off releases the camera, so its light goes out. */
  async setVideoEnabled(on: boolean): Promise<void> {
    this.wanted.video = on;
    if (!on) {
      this.#requests.video++;
      this.#setTrack('video', null);
    } else if (!this.#tracks.video) await this.#open('video');
    this.emit('change', undefined);
  }

  /** Switches to another device. The mesh replaces the track on every sender; nothing is renegotiated. */
  async selectDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    this.selected[kind] = deviceId;
    if (kind === 'audiooutput') return void this.emit('change', undefined);
    const media: MediaKind = kind === 'audioinput' ? 'audio' : 'video';
    // A muted microphone still switches (and stays muted); a camera that is off opens on the new one when turned on.
    if (this.wanted[media] || this.#tracks[media]) await this.#open(media);
    this.emit('change', undefined);
  }

  async refreshDevices(): Promise<void> {
    if (!this.md?.enumerateDevices) return;
    try {
      this.devices = (await this.md.enumerateDevices()).filter((d) => d.deviceId !== '' || d.kind !== 'audiooutput');
    } catch (err) {
      this.logger?.debug('enumerateDevices failed', err);
      this.devices = [];
    }
    this.emit('devices', this.devices);
  }

  stop(): void {
    this.#stopped = true;
    this.md?.removeEventListener?.('devicechange', this.#onDeviceChange);
    this.#setTrack('audio', null);
    this.#setTrack('video', null);
  }

  #constraints(kinds: readonly MediaKind[]): MediaStreamConstraints {
    const c: MediaStreamConstraints = {};
    for (const kind of kinds) {
      const id = this.selected[KIND[kind]];
      if (kind === 'video') this.#changedSinceAsked = false;
      const base = kind === 'video' ? video(this.#captureHeight, this.#captureFps) : { ...this.audioProcessing };
      c[kind] = id ? { ...base, deviceId: { exact: id } } : base;
    }
    return c;
  }

  async #open(kind: MediaKind): Promise<boolean> {
    if (!this.md?.getUserMedia) return false;
    // Only the newest request of a kind counts: picking camera A then B quickly ends on B, and a camera turned off
    // while it was opening stays off.
    const request = ++this.#requests[kind];
    try {
      const stream = await this.md.getUserMedia(this.#constraints([kind]));
      const track = stream.getTracks().find((t) => t.kind === kind);
      const stale = request !== this.#requests[kind] || (kind === 'video' && !this.wanted.video);
      if (!track || this.#stopped || stale) {
        stream.getTracks().forEach((t) => t.stop());
        return false;
      }
      this.#setTrack(kind, track);
      return true;
    } catch (err) {
      if (request !== this.#requests[kind]) return false;
      // A remembered device that is gone: fall back to the default before giving up.
      if (this.selected[KIND[kind]] && (err as Error)?.name === 'OverconstrainedError') {
        this.selected[KIND[kind]] = '';
        return this.#open(kind);
      }
      this.emit('warning', describeMediaError(kind, err));
      return false;
    }
  }

  #setTrack(kind: MediaKind, track: MediaStreamTrack | null): void {
    const old = this.#tracks[kind];
    if (old === track) return;
    old?.stop();
    this.#tracks[kind] = track;
    this.preview = new MediaStream([this.#tracks.audio, this.#tracks.video].filter((t): t is MediaStreamTrack => !!t));
    if (!track) return;
    if (kind === 'audio') track.enabled = this.wanted.audio;
    else {
      track.enabled = !this.#paused;
      // (The others' views can come while a camera opens, the first or another one picked.)
      if (this.#changedSinceAsked)
        void track.applyConstraints(video(this.#captureHeight, this.#captureFps)).catch(() => {});
      this.#changedSinceAsked = false;
    }
    const id = track.getSettings?.().deviceId;
    if (id && !this.selected[KIND[kind]]) this.selected[KIND[kind]] = id;
    // The device was unplugged or taken away: fall back to another one.
    track.addEventListener('ended', () => {
      if (this.#tracks[kind] !== track || this.#stopped) return;
      this.#setTrack(kind, null);
      this.selected[KIND[kind]] = '';
      void this.#open(kind).then(() => this.emit('change', undefined));
    });
  }

  async #devicesChanged(): Promise<void> {
    await this.refreshDevices();
    for (const kind of ['audio', 'video'] as const) {
      const current = this.#tracks[kind];
      const id = current?.getSettings?.().deviceId;
      const present = this.devices.some((d) => d.kind === KIND[kind] && d.deviceId === id);
      if (current && id && !present) {
        this.selected[KIND[kind]] = '';
        this.#setTrack(kind, null);
        await this.#open(kind);
        this.emit('change', undefined);
      }
    }
  }
}
