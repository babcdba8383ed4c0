/**
 * Stepping down on a collapsing link. Pure: from successive getStats samples of one connection, the level of video
 * to send on it. The mesh reads the samples, applies the level on top of the video fit (video-fit.ts), and tells the
 * receiver when its video is paused.
 *
 * Levels, worst last: `full` (what the fit says), `reduced` (half the resolution), `low-fps` (also a few frames a
 * second), `audio-only` (no video at all).
 *
 * Loss comes from the receiver's reports, per RTP stream (audio, video): the packets it reports lost since its
 * previous report, against the packets we sent in the same span. Reports come when they come (audio's every few
 * seconds, video's several a second), so a sample without a new report is no news, neither good nor bad; the worst
 * stream with news counts.
 *
 * A sample is *bad* when
 * - more than LOSS_BAD of a stream's packets were lost, or
 * - the round trip (the candidate pair's, from ICE's own checks) is over RTT_BAD_S, or
 * - the encoder says bandwidth limits it and the link's available outgoing bitrate is under the level's BITRATE_BAD.
 *
 * It is *good* when loss is under LOSS_GOOD, the round trip under RTT_GOOD_S, and the available bitrate (when the
 * browser says, and except when audio-only: audio alone never probes for more) at least twice the next level up's
 * BITRATE_BAD. Anything between is neither: it keeps the bad count and restarts the good time, so a link that hovers
 * around a threshold never flaps; it only steps down when it stays bad.
 *
 * DOWN_AFTER bad samples (not necessarily in a row, but without a good one between) step down one level. UP_AFTER_MS
 * of good samples only (at least two) step up one level. A step down within RETRY_WINDOW_MS of a step up doubles the
 * time the next step up needs (at most UP_AFTER_MAX_MS): a link that cannot carry a level stops trying it every few
 * seconds. A level held for twice RETRY_WINDOW_MS without trouble resets it.
 */

// Types only: this module is a chunk of its own in the script-tag bundle, and shares no code with the rest.
import type { LinkLevel } from './link-level.js';

export type { LinkLevel } from './link-level.js';
export const LINK_LEVELS: readonly LinkLevel[] = ['full', 'reduced', 'low-fps', 'audio-only'];

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
export const UP_AFTER_MS = 10_000;
export const UP_AFTER_MAX_MS = 120_000;
export const RETRY_WINDOW_MS = 30_000;

/** One outbound RTP stream's counters (totals since it began). */
export interface StreamCounts {
  /** Packets we sent (outbound-rtp `packetsSent`). */
  sent: number;
  /** Packets the receiver reports lost (remote-inbound-rtp `packetsLost`). */
  lost: number;
  /** Receiver reports that have arrived (remote-inbound-rtp `roundTripTimeMeasurements`), when the browser says. */
  reports?: number;
}

/** What one connection's getStats says at one moment. */
export interface LinkSample {
  /** ms */
  at: number;
  /** By RTP stream (ssrc). */
  streams: Record<string, StreamCounts>;
  /** The selected candidate pair's current round trip (s), if the browser says. */
  roundTripTime?: number;
  /** The selected candidate pair's availableOutgoingBitrate (bits/s), if the browser says. */
  availableOutgoingBitrate?: number;
  /** The video encoder's qualityLimitationReason ('none', 'bandwidth', 'cpu', 'other'), while it sends. */
  qualityLimitationReason?: string;
}

export type Verdict = 'bad' | 'good' | 'neither' | 'no-news';

/** What a sample says at `level`, given the worst stream's loss since its last report (undefined: no report came). */
export function judge(loss: number | undefined, sample: LinkSample, level: LinkLevel): Verdict {
  const rtt = sample.roundTripTime;
  const bps = sample.availableOutgoingBitrate;
  const starved =
    level !== 'audio-only' &&
    sample.qualityLimitationReason === 'bandwidth' &&
    bps !== undefined &&
    bps < BITRATE_BAD[level];
  if ((loss !== undefined && loss > LOSS_BAD) || (rtt !== undefined && rtt > RTT_BAD_S) || starved) return 'bad';
  if (loss === undefined) return 'no-news';
  const up = LINK_LEVELS[LINK_LEVELS.indexOf(level) - 1];
  const roomy = level === 'audio-only' || !up || bps === undefined || bps >= 2 * BITRATE_BAD[up];
  if (loss < LOSS_GOOD && (rtt === undefined || rtt < RTT_GOOD_S) && roomy) return 'good';
  return 'neither';
}

/** The level of one connection, fed its getStats samples in order. */
export class LinkQuality {
  #level: LinkLevel = 'full';
  /** Each stream's counters at its last report: loss is measured from there. */
  #anchors = new Map<string, StreamCounts>();
  #prevAt?: number;
  #bad = 0;
  /** Since when the samples have all been good (undefined: the last one was not). */
  #goodSince?: number;
  #goods = 0;
  #upAfter = UP_AFTER_MS;
  #changedAt = -Infinity;
  #steppedUpAt = -Infinity;

  get level(): LinkLevel {
    return this.#level;
  }

  /** The worst loss among streams with a new report since their last one; undefined when none has one. */
  #loss(sample: LinkSample): number | undefined {
    let worst: number | undefined;
    for (const [id, now] of Object.entries(sample.streams)) {
      const then = this.#anchors.get(id);
      const news = now.reports === undefined || then?.reports === undefined || now.reports !== then.reports;
      if (then && !news) continue;
      // A stream seen for the first time, or whose counters went back (a new sender): measured from here on.
      if (!then || now.sent < then.sent || now.lost < then.lost) {
        this.#anchors.set(id, now);
        continue;
      }
      const sent = now.sent - then.sent;
      if (!(sent > 0)) continue;
      this.#anchors.set(id, now);
      // Reports lag the counters a little: a ratio, capped at all of it.
      const loss = Math.min(1, (now.lost - then.lost) / sent);
      worst = Math.max(worst ?? 0, loss);
    }
    return worst;
  }

  /** Takes a sample; returns the level, changed or not. */
  add(sample: LinkSample): LinkLevel {
    const prevAt = this.#prevAt;
    this.#prevAt = sample.at;
    const loss = this.#loss(sample);
    if (prevAt === undefined) return this.#level;
    const verdict = judge(loss, sample, this.#level);
    const i = LINK_LEVELS.indexOf(this.#level);
    if (verdict === 'bad') {
      this.#goodSince = undefined;
      if (++this.#bad >= DOWN_AFTER && i < LINK_LEVELS.length - 1) {
        // The last step up was too much: wait longer before the next.
        if (sample.at - this.#steppedUpAt < RETRY_WINDOW_MS)
          this.#upAfter = Math.min(UP_AFTER_MAX_MS, this.#upAfter * 2);
        this.#step(i + 1, sample.at);
      }
    } else if (verdict === 'good') {
      this.#bad = 0;
      // The good span began where the interval this sample covers began.
      this.#goodSince ??= prevAt;
      this.#goods++;
      if (this.#goods >= 2 && sample.at - this.#goodSince >= this.#upAfter && i > 0) {
        this.#step(i - 1, sample.at);
        this.#steppedUpAt = sample.at;
      }
    } else if (verdict === 'neither') {
      this.#goodSince = undefined;
      this.#goods = 0;
    }
    // Long enough at a level without trouble: the next step up needs no more than usual.
    if (sample.at - this.#changedAt > 2 * RETRY_WINDOW_MS && this.#bad === 0) this.#upAfter = UP_AFTER_MS;
    return this.#level;
  }

  #step(to: number, at: number): void {
    this.#level = LINK_LEVELS[to];
    this.#bad = 0;
    this.#goodSince = undefined;
    this.#goods = 0;
    this.#changedAt = at;
  }
}

interface StatsEntry {
  type: string;
  kind?: string;
  ssrc?: number;
  packetsSent?: number;
  packetsLost?: number;
  roundTripTimeMeasurements?: number;
  currentRoundTripTime?: number;
  availableOutgoingBitrate?: number;
  qualityLimitationReason?: string;
  selectedCandidatePairId?: string;
  nominated?: boolean;
  state?: string;
}

/** One sample from a connection's getStats report. */
export function linkSample(report: RTCStatsReport, at: number): LinkSample {
  const sample: LinkSample = { at, streams: {} };
  const sent = new Map<number, number>();
  const remote: StatsEntry[] = [];
  let pair: StatsEntry | undefined;
  report.forEach((r: StatsEntry) => {
    if (r.type === 'outbound-rtp' && r.ssrc !== undefined) {
      sent.set(r.ssrc, r.packetsSent ?? 0);
      if (r.kind === 'video' && r.qualityLimitationReason) sample.qualityLimitationReason = r.qualityLimitationReason;
    } else if (r.type === 'remote-inbound-rtp' && r.ssrc !== undefined) {
      remote.push(r);
    } else if (r.type === 'transport' && r.selectedCandidatePairId) {
      pair ??= report.get(r.selectedCandidatePairId) as StatsEntry | undefined;
    }
  });
  for (const r of remote) {
    const packets = sent.get(r.ssrc!);
    if (packets === undefined) continue;
    sample.streams[String(r.ssrc)] = {
      sent: packets,
      lost: r.packetsLost ?? 0,
      ...(r.roundTripTimeMeasurements !== undefined && { reports: r.roundTripTimeMeasurements }),
    };
  }
  if (!pair)
    report.forEach((r: StatsEntry) => {
      if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair ??= r;
    });
  if (pair?.currentRoundTripTime !== undefined) sample.roundTripTime = pair.currentRoundTripTime;
  if (pair?.availableOutgoingBitrate !== undefined) sample.availableOutgoingBitrate = pair.availableOutgoingBitrate;
  return sample;
}
