import { expect } from '@open-wc/testing';
import { QUALITY_MS, QualityTracker, THRESHOLDS, classify, linkTotals, type LinkTotals } from './quality.js';

/** A fake RTCStatsReport: a Map of entries by id, as getStats gives. */
function report(entries: Record<string, unknown>[]): RTCStatsReport {
  return new Map(entries.map((e, i) => [(e.id as string) ?? `e${i}`, e])) as unknown as RTCStatsReport;
}

const totals = (at: number, patch: Partial<LinkTotals> = {}): LinkTotals => ({
  at,
  remoteLoss: 0,
  packetsLost: 0,
  packetsReceived: 0,
  bytesReceived: 0,
  bytesSent: 0,
  ...patch,
});

describe('connection quality', () => {
  it('is good, fair or poor by round trip, loss and jitter', () => {
    const base = { bitrateIn: 0, bitrateOut: 0 };
    expect(classify({ ...base, rtt: 1, loss: 0, jitter: 1 })).to.equal('good');
    expect(classify({ ...base, rtt: THRESHOLDS.good.rtt + 1, loss: 0 })).to.equal('fair');
    expect(classify({ ...base, loss: THRESHOLDS.good.loss + 0.01 })).to.equal('fair');
    expect(classify({ ...base, loss: 0, jitter: THRESHOLDS.good.jitter + 1 })).to.equal('fair');
    expect(classify({ ...base, rtt: THRESHOLDS.fair.rtt + 1, loss: 0 })).to.equal('poor');
    expect(classify({ ...base, loss: 0.2 })).to.equal('poor');
    expect(classify({ ...base, loss: 0, jitter: 200 })).to.equal('poor');
  });

  it('reads the selected pair, inbound, outbound and remote-inbound entries', () => {
    const t = linkTotals(
      report([
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
        { id: 'P', type: 'candidate-pair', currentRoundTripTime: 0.12 },
        {
          type: 'inbound-rtp',
          kind: 'audio',
          packetsLost: 5,
          packetsReceived: 95,
          bytesReceived: 1000,
          jitter: 0.01,
          totalAudioEnergy: 2,
          totalSamplesDuration: 10,
          audioLevel: 0.3,
        },
        {
          type: 'inbound-rtp',
          kind: 'video',
          packetsLost: -2,
          packetsReceived: 100,
          bytesReceived: 5000,
          jitter: 0.04,
        },
        { type: 'outbound-rtp', kind: 'video', bytesSent: 7000 },
        { type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.1, roundTripTime: 0.5 },
        { type: 'media-source', kind: 'audio', totalAudioEnergy: 1, totalSamplesDuration: 9, audioLevel: 0.2 },
      ]),
      42,
    );
    expect(t).to.deep.equal({
      at: 42,
      rtt: 120,
      remoteLoss: 0.1,
      jitter: 40,
      // A negative count (duplicates) counts as none lost.
      packetsLost: 5,
      packetsReceived: 195,
      bytesReceived: 6000,
      bytesSent: 7000,
    });
  });

  it('changes only once two judgements in a row agree', () => {
    const q = new QualityTracker();
    let at = 0;
    let received = 0;
    let lost = 0;
    const feed = (lossShare: number) => {
      at += QUALITY_MS;
      received += Math.round(100 * (1 - lossShare));
      lost += Math.round(100 * lossShare);
      return q.add(totals(at, { rtt: 5, packetsReceived: received, packetsLost: lost }));
    };
    expect(q.add(totals(0, { rtt: 5 }))).to.equal(undefined);
    expect(feed(0)).to.equal('good');
    // One bad stretch: still good.
    expect(feed(0.3)).to.equal('good');
    expect(feed(0)).to.equal('good');
    // Two: poor, and the report says why.
    feed(0.3);
    expect(feed(0.3)).to.equal('poor');
    expect(q.report?.loss).to.be.closeTo(0.3, 1e-9);
    // Readings closer together than QUALITY_MS do not judge.
    expect(q.add(totals(at + 10, { rtt: 5, packetsReceived: received + 1000, packetsLost: lost }))).to.equal('poor');
  });
});
