import { expect } from '@open-wc/testing';
import {
  DOWN_AFTER,
  LINK_LEVELS,
  LinkQuality,
  UP_AFTER_MS,
  judge,
  linkSample,
  type LinkLevel,
  type LinkSample,
} from './link-quality.js';
import { SAMPLE_MS } from './link-level.js';

/** Good samples in a row that make UP_AFTER_MS. */
const UP = UP_AFTER_MS / SAMPLE_MS;

/**
 * Feeds a LinkQuality samples 2 s apart: one stream of 100 packets a sample, reported on every sample (or every
 * `reportEvery`th), losing `loss` of them. Returns the levels.
 */
function feeder() {
  const q = new LinkQuality();
  let at = 0;
  let n = 0;
  const counts = { sent: 0, lost: 0, reports: 0 };
  const reported = { ...counts };
  q.add({ at, streams: { a: { ...reported } } });
  return {
    q,
    feed(loss: number, times = 1, extra: Partial<LinkSample> = {}, reportEvery = 1): LinkLevel[] {
      const levels: LinkLevel[] = [];
      for (let i = 0; i < times; i++) {
        at += SAMPLE_MS;
        counts.sent += 100;
        counts.lost += Math.round(loss * 100);
        // The receiver's report says what it had by then; between reports the sender only knows what it sent.
        if (++n % reportEvery === 0) Object.assign(reported, counts, { reports: ++counts.reports });
        levels.push(q.add({ ...extra, at, streams: { a: { ...reported, sent: counts.sent } } }));
      }
      return levels;
    },
  };
}

describe('link quality', () => {
  it('steps down in order on sustained loss: resolution, then frame rate, then audio only', () => {
    const { feed } = feeder();
    const levels = feed(0.3, 3 * DOWN_AFTER + 4);
    expect(levels.slice(0, 2 * DOWN_AFTER)).to.deep.equal(['full', 'reduced', 'reduced', 'low-fps']);
    expect([...new Set(levels)]).to.deep.equal(LINK_LEVELS);
    expect(levels.at(-1)).to.equal('audio-only');
  });

  it('one bad sample alone does not step down', () => {
    const { feed } = feeder();
    expect(feed(0.5)).to.deep.equal(['full']);
    expect(feed(0, 3)).to.deep.equal(['full', 'full', 'full']);
    expect(feed(0.5)).to.deep.equal(['full']);
  });

  it('comes back one level at a time, each after UP_AFTER_MS of good samples', () => {
    const { feed } = feeder();
    feed(0.3, 3 * DOWN_AFTER);
    const levels = feed(0, 3 * UP);
    expect(levels.slice(0, UP - 1).every((l) => l === 'audio-only')).to.equal(true);
    expect(levels[UP - 1]).to.equal('low-fps');
    expect(levels[2 * UP - 2]).to.equal('low-fps');
    expect(levels[2 * UP - 1]).to.equal('reduced');
    expect(levels.at(-1)).to.equal('full');
  });

  it('a sample without a new receiver report is no news: it neither resets nor counts', () => {
    // Reports every third sample (audio's, every few seconds): loss is measured between reports, and still steps down.
    const down = feeder();
    expect(down.feed(0.3, 6 * DOWN_AFTER, {}, 3).at(-1)).to.equal('low-fps');
    // And back up, in about the same time as with a report every sample.
    const up = feeder();
    up.feed(0.3, DOWN_AFTER);
    expect(up.feed(0, UP + 2, {}, 3).at(-1)).to.equal('full');
  });

  it('does not flap when loss hovers around a threshold', () => {
    // Around the bad threshold: it steps down while it stays troubled, and never back up.
    const { feed } = feeder();
    const down = feed(0.09, 10).concat(feed(0.11, 1), feed(0.09, 1), feed(0.11, 1), feed(0.09, 20));
    const changes = down.filter((l, i) => i > 0 && l !== down[i - 1]).length;
    expect(changes).to.equal(1);
    expect(down.at(-1)).to.equal('reduced');
    // Around the good threshold: 2 % and 4 % in turn never make UP_AFTER_MS of good samples.
    const around = [] as LinkLevel[];
    for (let i = 0; i < 40; i++) around.push(...feed(i % 2 ? 0.04 : 0.02));
    expect(new Set(around)).to.deep.equal(new Set(['reduced']));
  });

  it('a link that fails again right after a step up waits longer before the next', () => {
    const { feed } = feeder();
    feed(0.3, DOWN_AFTER);
    expect(feed(0, UP).at(-1)).to.equal('full');
    expect(feed(0.3, DOWN_AFTER).at(-1)).to.equal('reduced');
    // Twice as long now.
    expect(feed(0, UP).at(-1)).to.equal('reduced');
    expect(feed(0, UP).at(-1)).to.equal('full');
  });

  it('a starved encoder steps down; audio alone comes back on loss and round trip, whatever the estimate', () => {
    const s = (extra: Partial<LinkSample>): LinkSample => ({ at: 2000, streams: {}, ...extra });
    expect(judge(0, s({ availableOutgoingBitrate: 100_000, qualityLimitationReason: 'bandwidth' }), 'full')).to.equal(
      'bad',
    );
    // Starved is bad even without news of loss.
    expect(
      judge(undefined, s({ availableOutgoingBitrate: 100_000, qualityLimitationReason: 'bandwidth' }), 'full'),
    ).to.equal('bad');
    // A low estimate without the encoder limited by it is an idle link, not a starved one.
    expect(judge(0, s({ availableOutgoingBitrate: 100_000, qualityLimitationReason: 'none' }), 'full')).to.equal(
      'good',
    );
    expect(judge(0, s({ availableOutgoingBitrate: 100_000 }), 'reduced')).to.equal('neither');
    expect(judge(0, s({ availableOutgoingBitrate: 60_000 }), 'audio-only')).to.equal('good');
    expect(judge(0, s({ roundTripTime: 1.5 }), 'full')).to.equal('bad');
    expect(judge(0, s({ roundTripTime: 0.7 }), 'reduced')).to.equal('neither');
    expect(judge(undefined, s({}), 'full')).to.equal('no-news');
  });

  it('reads a sample from getStats entries', () => {
    const entries = [
      { id: 'o1', type: 'outbound-rtp', kind: 'audio', ssrc: 1, packetsSent: 50 },
      {
        id: 'o2',
        type: 'outbound-rtp',
        kind: 'video',
        ssrc: 2,
        packetsSent: 200,
        qualityLimitationReason: 'bandwidth',
      },
      { id: 'o3', type: 'outbound-rtp', kind: 'video', ssrc: 3, packetsSent: 9 },
      { id: 'r1', type: 'remote-inbound-rtp', kind: 'audio', ssrc: 1, packetsLost: 1, roundTripTimeMeasurements: 4 },
      { id: 'r2', type: 'remote-inbound-rtp', kind: 'video', ssrc: 2, packetsLost: 9 },
      { id: 't', type: 'transport', selectedCandidatePairId: 'p' },
      { id: 'p', type: 'candidate-pair', availableOutgoingBitrate: 400_000, currentRoundTripTime: 0.05 },
      { id: 'q', type: 'candidate-pair', availableOutgoingBitrate: 1 },
    ];
    const report = new Map(entries.map((e) => [e.id, e])) as unknown as RTCStatsReport;
    expect(linkSample(report, 7)).to.deep.equal({
      at: 7,
      streams: { '1': { sent: 50, lost: 1, reports: 4 }, '2': { sent: 200, lost: 9 } },
      roundTripTime: 0.05,
      availableOutgoingBitrate: 400_000,
      qualityLimitationReason: 'bandwidth',
    });
  });
});
