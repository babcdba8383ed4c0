/**
 * Stepping down on a collapsing link. Pure: from successive getStats samples of one connection, the level of video
 * to send on it. The mesh reads the samples, applies the level on top of the video fit (video-fit.ts), and tells the
 * receiver when its video is paused.
 *
 * Levels, worst last: `full` (what the fit says), `reduced` (half the resolution), `low-fps` (also a few frames a
 * second), `audio-only` (no video at all).
 *
 * A sample is *bad* when
 * - more than LOSS_BAD of the packets sent since the last sample were lost (by the receiver's reports), or
 * - the round trip is over RTT_BAD_S, or
 * - the encoder says bandwidth limits it and the link's available outgoing bitrate is under the level's BITRATE_BAD.
 *
 * It is *good* when loss is under LOSS_GOOD, the round trip under RTT_GOOD_S, and the available bitrate (when the
 * browser says, and except when audio-only: audio alone never probes for more) at least twice the next level up's
 * BITRATE_BAD. Anything between is neither: it keeps the bad count and resets the good count, so a link that hovers
 * around a threshold never flaps, it only steps down when it stays bad.
 *
 * DOWN_AFTER bad samples (not necessarily in a row, but without a good one between) step down one level; UP_AFTER
 * good samples in a row step up one level. A step up that turns out bad within RETRY_WINDOW_MS doubles the good
 * samples the next step up needs (at most UP_AFTER_MAX): a link that cannot carry a level stops trying it every few
 * seconds.
 */

export type LinkLevel = 'full' | 'reduced' | 'low-fps' | 'audio-only';
export const LINK_LEVELS: readonly LinkLevel[] = ['full', 'reduced', 'low-fps', 'audio-only'];

/** How often the mesh samples each connected link. */
export const SAMPLE_MS = 2000;
export const LOSS_BAD = 0.1;
export const LOSS_GOOD = 0.03;
export const RTT_BAD_S = 1;
export const RTT_GOOD_S = 0.5;
/** Below this available outgoing bitrate (bits/s), with the encoder limited by bandwidth, a level is too much. */
export const BITRATE_BAD: Record<LinkLevel, number> = {
  full: 250_000,
  reduced: 120_000,
  'low-fps': 50_000,
  'audio-only': 0,
};
export const DOWN_AFTER = 2;
export const UP_AFTER = 5;
export const UP_AFTER_MAX = 40;
export const RETRY_WINDOW_MS = 30_000;

/** What one connection's getStats says at one moment (counters are totals since the connection began). */
export interface LinkSample {
  /** ms */
  at: number;
  /** Packets sent, over all outbound RTP streams (audio and video). */
  packetsSent: number;
  /** Packets the receiver reports lost, over all remote-inbound RTP streams. */
  packetsLost: number;
  /** The receiver's last reported round trip (s), if any. */
  roundTripTime?: number;
  /** The selected candidate pair's availableOutgoingBitrate (bits/s), if the browser says. */
  availableOutgoingBitrate?: number;
  /** The video encoder's qualityLimitationReason ('none', 'bandwidth', 'cpu', 'other'), while it sends. */
  qualityLimitationReason?: string;
}

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

type Verdict = 'bad' | 'good' | 'neither';

/** The verdict on the interval between two samples, at `level`. */
export function judge(prev: LinkSample, next: LinkSample, level: LinkLevel): Verdict {
  const sent = next.packetsSent - prev.packetsSent;
  const lost = Math.max(0, next.packetsLost - prev.packetsLost);
  // Nothing sent (a reset counter, a paused sender and muted microphone): no evidence either way.
  if (!(sent > 0)) return 'neither';
  // Reports lag the counters a little: a ratio, capped at all of it.
  const loss = Math.min(1, lost / sent);
  const rtt = next.roundTripTime;
  const bps = next.availableOutgoingBitrate;
  const starved =
    level !== 'audio-only' &&
    next.qualityLimitationReason === 'bandwidth' &&
    bps !== undefined &&
    bps < BITRATE_BAD[level];
  if (loss > LOSS_BAD || (rtt !== undefined && rtt > RTT_BAD_S) || starved) return 'bad';
  const up = LINK_LEVELS[LINK_LEVELS.indexOf(level) - 1];
  const roomy = level === 'audio-only' || !up || bps === undefined || bps >= 2 * BITRATE_BAD[up];
  if (loss < LOSS_GOOD && (rtt === undefined || rtt < RTT_GOOD_S) && roomy) return 'good';
  return 'neither';
}

/** The level of one connection, fed its getStats samples in order. */
export class LinkQuality {
  #level: LinkLevel = 'full';
  #prev?: LinkSample;
  #bad = 0;
  #good = 0;
  #upAfter = UP_AFTER;
  #steppedUpAt = -Infinity;

  get level(): LinkLevel {
    return this.#level;
  }

  /** Takes a sample; returns the level, changed or not. */
  add(sample: LinkSample): LinkLevel {
    const prev = this.#prev;
    this.#prev = sample;
    if (!prev) return this.#level;
    const verdict = judge(prev, sample, this.#level);
    const i = LINK_LEVELS.indexOf(this.#level);
    if (verdict === 'bad') {
      this.#good = 0;
      if (++this.#bad >= DOWN_AFTER && i < LINK_LEVELS.length - 1) {
        // The last step up was too much: wait longer before the next.
        if (sample.at - this.#steppedUpAt < RETRY_WINDOW_MS) this.#upAfter = Math.min(UP_AFTER_MAX, this.#upAfter * 2);
        this.#step(i + 1);
      }
    } else if (verdict === 'good') {
      this.#bad = 0;
      if (++this.#good >= this.#upAfter && i > 0) {
        this.#step(i - 1);
        this.#steppedUpAt = sample.at;
      }
    } else {
      this.#good = 0;
    }
    // Long enough at a level without trouble: the next step up needs no more than usual.
    if (sample.at - this.#steppedUpAt > 2 * RETRY_WINDOW_MS && this.#bad === 0) this.#upAfter = UP_AFTER;
    return this.#level;
  }

  #step(to: number): void {
    this.#level = LINK_LEVELS[to];
    this.#bad = 0;
    this.#good = 0;
  }
}

interface StatsEntry {
  type: string;
  kind?: string;
  packetsSent?: number;
  packetsLost?: number;
  roundTripTime?: number;
  availableOutgoingBitrate?: number;
  qualityLimitationReason?: string;
  selectedCandidatePairId?: string;
  nominated?: boolean;
  state?: string;
}

/** One sample from a connection's getStats report. */
export function linkSample(report: RTCStatsReport, at: number): LinkSample {
  const sample: LinkSample = { at, packetsSent: 0, packetsLost: 0 };
  let pair: StatsEntry | undefined;
  report.forEach((r: StatsEntry) => {
    if (r.type === 'outbound-rtp') {
      sample.packetsSent += r.packetsSent ?? 0;
      if (r.kind === 'video' && r.qualityLimitationReason) sample.qualityLimitationReason = r.qualityLimitationReason;
    } else if (r.type === 'remote-inbound-rtp') {
      sample.packetsLost += r.packetsLost ?? 0;
      if (r.roundTripTime !== undefined) sample.roundTripTime = Math.max(sample.roundTripTime ?? 0, r.roundTripTime);
    } else if (r.type === 'transport' && r.selectedCandidatePairId) {
      pair ??= report.get(r.selectedCandidatePairId) as StatsEntry | undefined;
    }
  });
  if (!pair)
    report.forEach((r: StatsEntry) => {
      if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair ??= r;
    });
  if (pair?.availableOutgoingBitrate !== undefined) sample.availableOutgoingBitrate = pair.availableOutgoingBitrate;
  return sample;
}
