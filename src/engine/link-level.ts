/**
 * The levels of video a connection carries when it collapses (link-quality.ts decides them) and what each changes in
 * the encoding. Apart from the decision so that the mesh has them at once, while the decision itself is loaded
 * with the first sample (a chunk of its own in the script-tag bundle).
 */

export type LinkLevel = 'full' | 'reduced' | 'low-fps' | 'audio-only';

/** How often the mesh samples each connected link. */
export const SAMPLE_MS = 2000;

/** What the encoding of a level changes, on top of the video fit. */
export interface LevelEncoding {
  active: boolean;
  /** Multiplies the fit's scaleResolutionDownBy. */
  scale: number;
  /** Undefined: as captured. */
  maxFramerate?: number;
  /** The fit's maxBitrate is lowered to this, if it is higher. */
  maxBitrate?: number;
}

export const LEVEL_ENCODING: Record<LinkLevel, LevelEncoding> = {
  full: { active: true, scale: 1 },
  reduced: { active: true, scale: 2, maxBitrate: 300_000 },
  'low-fps': { active: true, scale: 2, maxFramerate: 8, maxBitrate: 120_000 },
  'audio-only': { active: false, scale: 1 },
};
