/**
 * Sending each peer the video it shows, and capturing no more than anyone shows. Pure functions: the mesh applies
 * them to its senders (RTCRtpSender.setParameters) and to the camera (applyConstraints).
 *
 * Receivers tell each sender how tall (in device pixels) they show its video, over the control channel (`view`).
 * A sender captures at the smallest height of the ladder that covers the tallest view, and scales its encoding down
 * for each receiver to what that receiver shows. A hidden tile (height 0) pauses the stream to it. A small tile gets
 * 15 frames a second, and while every tile that shows the camera is small, the camera runs at 15.
 */

/** Capture heights (16:9): 640x360, 960x540, 1280x720. */
export const CAPTURE_LADDER = [360, 540, 720] as const;
/**
 * What a peer that has not said yet is assumed to show, when we do not show them either (else we assume they show us
 * as we show them): a tile in a grid.
 */
export const DEFAULT_VIEW = 360;
/** Heights a receiver reports, so that a tile resized by a few pixels says nothing new. 0 is hidden. */
const VIEW_STEPS = [0, 90, 180, 270, 360, 540, 720, 1080];
/**
 * A tile this small (device pixels) is sent at SMALL_FPS: a thumbnail shows little more at 30 fps, and every frame
 * costs the sender an encode and the receiver a decode, per peer.
 */
const SMALL_VIEW = 180;
const SMALL_FPS = 15;
/** Scales Chromium and Firefox apply cleanly. */
const SCALES = [1, 1.5, 2, 3, 4, 6, 8];

/** The height a receiver reports for a tile `cssHeight` CSS pixels tall, on a screen of `dpr` device pixels per. */
export function viewStep(cssHeight: number, dpr = 1, visible = true): number {
  if (!visible || !(cssHeight > 0)) return 0;
  const px = Math.ceil(cssHeight * (dpr > 0 ? dpr : 1));
  return VIEW_STEPS.find((s) => s >= px) ?? VIEW_STEPS[VIEW_STEPS.length - 1];
}

/** The capture height for these views (one per peer; for a peer that has not said, what the mesh assumes). */
export function captureHeight(views: readonly number[]): number {
  const tallest = Math.max(0, ...views);
  return CAPTURE_LADDER.find((h) => h >= tallest) ?? CAPTURE_LADDER[CAPTURE_LADDER.length - 1];
}

/**
 * The most a stream of this height may use (bits/s): enough for a moving picture at 30 fps, well under what the
 * browser would allow (1.7 Mbps even for a 180-line stream), so a busy picture cannot eat the uplink of a mesh.
 */
const BITRATE: [height: number, bps: number][] = [
  [90, 150_000],
  [180, 300_000],
  [270, 450_000],
  [360, 700_000],
  [540, 1_200_000],
  [720, 2_000_000],
];

/**
 * The camera's frame rate for these views: SMALL_FPS when everyone who shows it shows it small (and someone does),
 * else 30.
 */
export function captureFps(views: readonly number[]): number {
  const tallest = Math.max(0, ...views);
  return tallest && tallest <= SMALL_VIEW ? SMALL_FPS : 30;
}

/**
 * The encoding for a receiver showing `view` device pixels of a capture `captured` pixels tall. Without
 * `maxFramerate`, frames go as the camera gives them (30 a second at most).
 */
export function encodingFor(
  captured: number,
  view: number,
): { active: boolean; scaleResolutionDownBy: number; maxBitrate: number; maxFramerate?: number } {
  if (view <= 0) return { active: false, scaleResolutionDownBy: 1, maxBitrate: BITRATE[0][1] };
  // The most scaling that still sends at least what is shown.
  let scale = 1;
  for (const s of SCALES) if (captured / s >= view) scale = s;
  const sent = captured / scale;
  const maxBitrate = (BITRATE.find(([h]) => h >= sent) ?? BITRATE[BITRATE.length - 1])[1];
  const small = view <= SMALL_VIEW;
  return { active: true, scaleResolutionDownBy: scale, maxBitrate, ...(small && { maxFramerate: SMALL_FPS }) };
}
