/**
 * A tile in a picture-in-picture window, which stays on top while the visitor works elsewhere. Where the browser has
 * Document Picture-in-Picture (Chromium 116 and later on desktop), the window shows the participant's video with their
 * name and microphone state; elsewhere it is the video's own picture-in-picture, the picture alone. A chunk of its
 * own, fetched on the first click.
 */

/** What the window shows. */
export interface PipView {
  stream: MediaStream | null;
  /** The tile's label: "Ana", "Ana's screen", "Ana (you)". */
  name: string;
  /** Their microphone is off: the label says so (`micOff` is the words). */
  muted: boolean;
  micOff: string;
  /** Your own camera, shown as in a mirror (as on your tile). */
  mirrored: boolean;
  /** The whole picture (a screen), not cropped to fill. */
  contain: boolean;
}

interface DocumentPictureInPicture {
  requestWindow(options?: { width?: number; height?: number }): Promise<Window>;
  readonly window: Window | null;
}

const pip = () => (globalThis as { documentPictureInPicture?: DocumentPictureInPicture }).documentPictureInPicture;

const STYLE = `
html, body { margin: 0; height: 100%; background: #1f2430; color: #fff; font: 14px system-ui, sans-serif; overflow: hidden; }
video { width: 100%; height: 100%; object-fit: cover; display: block; }
video.contain { object-fit: contain; }
video.mirrored { transform: scaleX(-1); }
p { position: absolute; left: 8px; bottom: 8px; margin: 0; padding: 2px 8px; border-radius: 6px; background: rgb(0 0 0 / 55%); max-width: calc(100% - 32px); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
`;

/** An open window, of either kind. */
export interface Pip {
  /** How tall the participant is shown there, in CSS pixels. */
  readonly height: number;
  show(view: PipView): void;
  close(): void;
}

/**
 * Opens a window for `video` (the visitor's click must be the reason: the browser asks for one). `resized` runs when
 * the visitor resizes it; `closed` runs once when it closes, whoever closed it.
 */
export async function openPip(
  video: HTMLVideoElement,
  view: PipView,
  resized: () => void,
  closed: () => void,
): Promise<Pip> {
  if (pip()) {
    const width = Math.max(320, Math.round(video.getBoundingClientRect().width));
    const w = await pip()!.requestWindow({ width, height: Math.round((width * 9) / 16) });
    const out = new TilePopOut(w);
    out.show(view);
    w.addEventListener('resize', resized);
    w.addEventListener('pagehide', closed, { once: true });
    return out;
  }
  // Off by default on the tile's video, so the browser offers no button of its own over it.
  video.disablePictureInPicture = false;
  const win = await video.requestPictureInPicture();
  win.addEventListener('resize', resized);
  video.addEventListener('leavepictureinpicture', closed, { once: true });
  return {
    get height() {
      return win.height;
    },
    show() {},
    close: () => void document.exitPictureInPicture().catch(() => {}),
  };
}

/**
 * A Document Picture-in-Picture window: plain DOM with a `<style>` of its own (that window is another document, and
 * the page's constructed style sheets cannot be shared with it). Names are set as text, never as markup. Only one
 * exists per page: opening another closes the first (the browser's rule).
 */
class TilePopOut implements Pip {
  readonly #video: HTMLVideoElement;
  readonly #label: HTMLParagraphElement;

  constructor(readonly window: Window) {
    const doc = window.document;
    const style = doc.createElement('style');
    style.textContent = STYLE;
    this.#video = doc.createElement('video');
    // The sound plays on the page, from the tile: this picture is muted, so nobody is heard twice.
    Object.assign(this.#video, { autoplay: true, playsInline: true, muted: true });
    this.#label = doc.createElement('p');
    doc.head.append(style);
    doc.body.append(this.#video, this.#label);
  }

  show(view: PipView): void {
    const video = this.#video;
    if (video.srcObject !== view.stream) {
      video.srcObject = view.stream;
      void video.play().catch(() => {});
    }
    video.classList.toggle('mirrored', view.mirrored);
    video.classList.toggle('contain', view.contain);
    this.#label.textContent = view.muted ? `${view.name} · ${view.micOff}` : view.name;
    this.window.document.title = view.name;
  }

  get height(): number {
    return this.window.innerHeight;
  }

  close(): void {
    this.window.close();
  }
}
