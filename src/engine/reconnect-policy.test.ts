import { expect } from '@open-wc/testing';
import { DEFAULT_RETRY_DELAYS_MS, DefaultReconnectPolicy, type ReconnectContext } from './reconnect-policy.js';

const at = (retryCount: number, reason: ReconnectContext['reason'] = 'goodbye'): ReconnectContext => ({
  retryCount,
  elapsedMs: 0,
  reason,
});

describe('reconnect policy', () => {
  it('waits within ±50 % of a doubling back-off, from its lowest to just under its highest', () => {
    const low = new DefaultReconnectPolicy({ random: () => 0 });
    const high = new DefaultReconnectPolicy({ random: () => 0.9999 });
    const middle = new DefaultReconnectPolicy({ random: () => 0.5 });
    DEFAULT_RETRY_DELAYS_MS.forEach((ms, retry) => {
      expect(low.nextRetryDelayInMs(at(retry)), `lowest, try ${retry}`).to.equal(ms / 2);
      const top = high.nextRetryDelayInMs(at(retry))!;
      expect(top, `highest, try ${retry}`).to.be.below(ms * 1.5);
      expect(top, `highest, try ${retry}`).to.be.at.least(ms * 1.499);
      expect(middle.nextRetryDelayInMs(at(retry)), `middle, try ${retry}`).to.equal(ms);
    });
    // The last delay repeats: the visitor wants to be in the call, so by default it never gives up.
    const last = DEFAULT_RETRY_DELAYS_MS.at(-1)!;
    expect(middle.nextRetryDelayInMs(at(1000))).to.equal(last);
    expect(DEFAULT_RETRY_DELAYS_MS[0]).to.equal(1000);
    expect(last).to.equal(10000);
  });

  it('spreads the clients of a restarted server over the whole jitter range', () => {
    const policy = new DefaultReconnectPolicy();
    const first = Array.from({ length: 400 }, () => policy.nextRetryDelayInMs(at(0))!);
    for (const ms of first) expect(ms).to.be.within(500, 1499);
    // With 400 draws every fifth of the range is hit (the chance of missing one is about 5 × 0.8^400).
    const fifths = new Set(first.map((ms) => Math.floor((ms - 500) / 200)));
    expect([...fifths].sort()).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('takes its own delays and jitter, and no jitter means exactly the delays', () => {
    const exact = new DefaultReconnectPolicy({ delaysMs: [10, 20], jitter: 0, random: () => 0.9 });
    expect([0, 1, 2].map((n) => exact.nextRetryDelayInMs(at(n, 'lost')))).to.deep.equal([10, 20, 20]);
    const wide = new DefaultReconnectPolicy({ delaysMs: [100], jitter: 5, random: () => 0 });
    // A jitter above 1 is held at 1: a wait is never negative.
    expect(wide.nextRetryDelayInMs(at(0))).to.equal(0);
  });

  it('gives up after maxRetries tries', () => {
    const policy = new DefaultReconnectPolicy({ maxRetries: 3, random: () => 0.5 });
    expect(policy.nextRetryDelayInMs(at(2, 'unreachable'))).to.equal(DEFAULT_RETRY_DELAYS_MS[2]);
    expect(policy.nextRetryDelayInMs(at(3, 'unreachable'))).to.be.null;
    expect(policy.nextRetryDelayInMs(at(4, 'lost'))).to.be.null;
  });
});
