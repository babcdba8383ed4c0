/**
 * How good the connection to one peer is (good, fair or poor), from its `getStats`: the round trip, the packets lost
 * either way, and jitter. Pure: people.ts reads the reports and passes them in, with the time.
 */

import type { ConnectionQuality } from './types.js';

export type Quality = ConnectionQuality;

/**
 * The thresholds, and why:
 * - Round trip: ITU-T G.114 finds a conversation unaffected by up to about 150 ms one way (300 ms round trip), and
 *   hard going past 400 ms one way; past 250 ms round trip people start to talk over each other a little (fair),
 *   past 500 ms a lot (poor).
 * - Loss: Opus with its in-band FEC and WebRTC's NACKs hide about 2 % of packets lost; past that video freezes now
 *   and then and speech crackles (fair); past 8 % both break up (poor).
 * - Jitter: the jitter buffer absorbs about 30 ms without adding noticeable delay; past 30 ms it grows (fair), past
 *   80 ms audio is late and choppy (poor).
 */
export const THRESHOLDS = {
  good: { rtt: 250, loss: 0.02, jitter: 30 },
  fair: { rtt: 500, loss: 0.08, jitter: 80 },
} as const;

/** What the quality is judged on, over the last stretch of time. */
export interface LinkReport {
  /** Round trip to the peer, in ms (the selected candidate pair's, else RTCP's). */
  rtt?: number;
  /** The share of packets lost, 0 to 1: the worse of what we lose of theirs and they of ours. */
  loss: number;
  /** Jitter of what we receive, in ms (the worst stream's). */
  jitter?: number;
  /** Bits per second received from them and sent to them, over the stretch. */
  bitrateIn: number;
  bitrateOut: number;
}

export function classify(r: LinkReport): Quality {
  const over = (t: { rtt: number; loss: number; jitter: number }) =>
    (r.rtt ?? 0) > t.rtt || r.loss > t.loss || (r.jitter ?? 0) > t.jitter;
  return over(THRESHOLDS.fair) ? 'poor' : over(THRESHOLDS.good) ? 'fair' : 'good';
}

/** The running totals of a report that matter here; deltas between two of them say what happened in between. */
export interface LinkTotals {
  at: number;
  rtt?: number;
  /** The worst `fractionLost` our peer reports for what we send (RTCP receiver reports), 0 to 1. */
  remoteLoss: number;
  jitter?: number;
  packetsLost: number;
  packetsReceived: number;
  bytesReceived: number;
  bytesSent: number;
}

interface Entry {
  type: string;
  [field: string]: unknown;
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** The totals of one connection's report, read at `at` (ms). */
export function linkTotals(report: RTCStatsReport, at: number): LinkTotals {
  const t: LinkTotals = { at, remoteLoss: 0, packetsLost: 0, packetsReceived: 0, bytesReceived: 0, bytesSent: 0 };
  let pair: Entry | undefined;
  report.forEach((r: Entry) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pair ??= report.get(r.selectedCandidatePairId as string);
  });
  report.forEach((r: Entry) => {
    if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair ??= r;
    if (r.type === 'inbound-rtp') {
      t.packetsLost += Math.max(0, num(r.packetsLost) ?? 0);
      t.packetsReceived += num(r.packetsReceived) ?? 0;
      t.bytesReceived += num(r.bytesReceived) ?? 0;
      const jitter = num(r.jitter);
      if (jitter !== undefined) t.jitter = Math.max(t.jitter ?? 0, jitter * 1000);
    }
    if (r.type === 'outbound-rtp') t.bytesSent += num(r.bytesSent) ?? 0;
    if (r.type === 'remote-inbound-rtp') {
      t.remoteLoss = Math.max(t.remoteLoss, num(r.fractionLost) ?? 0);
      const rtt = num(r.roundTripTime);
      if (rtt !== undefined && t.rtt === undefined) t.rtt = rtt * 1000;
    }
  });
  // The pair's own round trip (STUN consent checks, every few seconds) is there even without media.
  const pairRtt = num(pair?.currentRoundTripTime);
  if (pairRtt !== undefined) t.rtt = pairRtt * 1000;
  return t;
}

/** What happened between two readings of the same connection. */
export function linkReport(before: LinkTotals, after: LinkTotals): LinkReport {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const lost = Math.max(0, after.packetsLost - before.packetsLost);
  const received = Math.max(0, after.packetsReceived - before.packetsReceived);
  const ours = lost + received > 0 ? lost / (lost + received) : 0;
  return {
    rtt: after.rtt,
    loss: Math.max(ours, after.remoteLoss),
    jitter: after.jitter,
    bitrateIn: Math.max(0, (after.bytesReceived - before.bytesReceived) * 8) / seconds,
    bitrateOut: Math.max(0, (after.bytesSent - before.bytesSent) * 8) / seconds,
  };
}

/** Judged this often (ms), over what came since the last time. */
export const QUALITY_MS = 2000;

/**
 * One connection's quality over time: a new level only once two judgements in a row agree on it, so one bad moment
 * (a burst of loss, a slow consent check) does not make the badge flicker.
 */
export class QualityTracker {
  quality: Quality | undefined;
  report: LinkReport | undefined;
  #last?: LinkTotals;
  #pending?: Quality;

  /** A reading; returns the quality, which changed if it differs from before. */
  add(totals: LinkTotals): Quality | undefined {
    const last = this.#last;
    if (last && totals.at - last.at < QUALITY_MS) return this.quality;
    this.#last = totals;
    if (!last) return this.quality;
    const report = linkReport(last, totals);
    this.report = report;
    const judged = classify(report);
    // The first judgement stands at once (there is nothing to flicker from).
    if (this.quality === undefined || judged === this.#pending) this.quality = judged;
    this.#pending = judged === this.quality ? undefined : judged;
    return this.quality;
  }
}
