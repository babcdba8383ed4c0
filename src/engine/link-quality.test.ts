import { expect } from '@open-wc/testing';
import {
  DOWN_AFTER,
  LINK_LEVELS,
  LinkQuality,
  SAMPLE_MS,
  UP_AFTER,
  judge,
  linkSample,
  type LinkLevel,
  type LinkSample,
} from './link-quality.js';

/** Feeds a LinkQuality intervals of the given loss (and extras), 2 s apart, 100 packets each; returns the levels. */
function feeder() {
  const q = new LinkQuality();
  let s: LinkSample = { at: 0, packetsSent: 0, packetsLost: 0 };
  q.add(s);
  return {
    q,
    feed(loss: number, n = 1, extra: Partial<LinkSample> = {}): LinkLevel[] {
      const levels: LinkLevel[] = [];
      for (let i = 0; i < n; i++) {
        s = {
          ...extra,
          at: s.at + SAMPLE_MS,
          packetsSent: s.packetsSent + 100,
          packetsLost: s.packetsLost + Math.round(loss * 100),
        };
        levels.push(q.add(s));
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

  it('comes back one level at a time, each after UP_AFTER good samples', () => {
    const { feed } = feeder();
    feed(0.3, 3 * DOWN_AFTER);
    const levels = feed(0, 3 * UP_AFTER);
    expect(levels.slice(0, UP_AFTER - 1).every((l) => l === 'audio-only')).to.equal(true);
    expect(levels[UP_AFTER - 1]).to.equal('low-fps');
    expect(levels[2 * UP_AFTER - 2]).to.equal('low-fps');
    expect(levels[2 * UP_AFTER - 1]).to.equal('reduced');
    expect(levels.at(-1)).to.equal('full');
  });

  it('does not flap when loss hovers around a threshold', () => {
    // Around the bad threshold: it steps down while it stays troubled, and never back up.
    const { feed } = feeder();
    const down = feed(0.09, 10).concat(feed(0.11, 1), feed(0.09, 1), feed(0.11, 1), feed(0.09, 20));
    const changes = down.filter((l, i) => i > 0 && l !== down[i - 1]).length;
    expect(changes).to.equal(1);
    expect(down.at(-1)).to.equal('reduced');
    // Around the good threshold: 2 % and 4 % in turn never make UP_AFTER good samples in a row.
    const around = [] as LinkLevel[];
    for (let i = 0; i < 20; i++) around.push(...feed(i % 2 ? 0.04 : 0.02));
    expect(new Set(around)).to.deep.equal(new Set(['reduced']));
  });

  it('a link that fails again right after a step up waits longer before the next', () => {
    const { feed } = feeder();
    feed(0.3, DOWN_AFTER);
    expect(feed(0, UP_AFTER).at(-1)).to.equal('full');
    expect(feed(0.3, DOWN_AFTER).at(-1)).to.equal('reduced');
    // Twice as many good samples now.
    expect(feed(0, UP_AFTER).at(-1)).to.equal('reduced');
    expect(feed(0, UP_AFTER).at(-1)).to.equal('full');
  });

  it('a starved encoder steps down; audio alone comes back on loss and round trip, whatever the estimate', () => {
    const prev: LinkSample = { at: 0, packetsSent: 0, packetsLost: 0 };
    const next = (extra: Partial<LinkSample>): LinkSample => ({ at: 2000, packetsSent: 100, packetsLost: 0, ...extra });
    expect(
      judge(prev, next({ availableOutgoingBitrate: 100_000, qualityLimitationReason: 'bandwidth' }), 'full'),
    ).to.equal('bad');
    // A low estimate without the encoder limited by it is an idle link, not a starved one.
    expect(judge(prev, next({ availableOutgoingBitrate: 100_000, qualityLimitationReason: 'none' }), 'full')).to.equal(
      'good',
    );
    expect(judge(prev, next({ availableOutgoingBitrate: 100_000 }), 'reduced')).to.equal('neither');
    expect(judge(prev, next({ availableOutgoingBitrate: 60_000 }), 'audio-only')).to.equal('good');
    expect(judge(prev, next({ roundTripTime: 1.5 }), 'full')).to.equal('bad');
    expect(judge(prev, next({ roundTripTime: 0.7 }), 'reduced')).to.equal('neither');
    // Nothing sent: no evidence.
    expect(judge(prev, { ...prev, at: 2000, packetsLost: 5 }, 'full')).to.equal('neither');
  });

  it('reads a sample from getStats entries', () => {
    const entries = [
      { id: 'o1', type: 'outbound-rtp', kind: 'audio', packetsSent: 50 },
      { id: 'o2', type: 'outbound-rtp', kind: 'video', packetsSent: 200, qualityLimitationReason: 'bandwidth' },
      { id: 'r1', type: 'remote-inbound-rtp', kind: 'audio', packetsLost: 1, roundTripTime: 0.02 },
      { id: 'r2', type: 'remote-inbound-rtp', kind: 'video', packetsLost: 9, roundTripTime: 0.05 },
      { id: 't', type: 'transport', selectedCandidatePairId: 'p' },
      { id: 'p', type: 'candidate-pair', availableOutgoingBitrate: 400_000 },
      { id: 'q', type: 'candidate-pair', availableOutgoingBitrate: 1 },
    ];
    const report = new Map(entries.map((e) => [e.id, e])) as unknown as RTCStatsReport;
    expect(linkSample(report, 7)).to.deep.equal({
      at: 7,
      packetsSent: 250,
      packetsLost: 10,
      roundTripTime: 0.05,
      availableOutgoingBitrate: 400_000,
      qualityLimitationReason: 'bandwidth',
    });
  });
});
