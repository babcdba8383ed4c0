import { expect } from '@open-wc/testing';
import { ACTIVE_SWITCH_MS, ActiveSpeaker, SPEAKING_HOLD_MS, SPEAKING_OFF, SPEAKING_ON, Speaking } from './speaking.js';

describe('speaking', () => {
  it('starts at a loud level and holds through the pauses between words, then stops', () => {
    const s = new Speaking();
    expect(s.add(0.001, 0)).to.equal(false);
    expect(s.add(SPEAKING_ON * 2, 300)).to.equal(true);
    // A pause shorter than the hold: still speaking, every sample of it.
    for (let at = 600; at < 300 + SPEAKING_HOLD_MS; at += 300) expect(s.add(0.001, at)).to.equal(true);
    expect(s.add(0.001, 300 + SPEAKING_HOLD_MS)).to.equal(false);
  });

  it('does not flicker on a level between its two thresholds', () => {
    const s = new Speaking();
    const between = (SPEAKING_ON + SPEAKING_OFF) / 2;
    // Not loud enough to start…
    for (let at = 0; at < 5000; at += 300) expect(s.add(between, at)).to.equal(false);
    s.add(SPEAKING_ON, 5000);
    // …but enough to go on.
    for (let at = 5300; at < 10000; at += 300) expect(s.add(between, at)).to.equal(true);
  });

  it('stops at once on silence (muted), and ignores levels that are not numbers', () => {
    const s = new Speaking();
    s.add(0.5, 0);
    s.silence();
    expect(s.speaking).to.equal(false);
    expect(s.add(NaN, 100)).to.equal(false);
    expect(s.add(-1, 200)).to.equal(false);
  });
});

describe('active speaker', () => {
  it('is the loudest of those speaking, and stays through silence', () => {
    const a = new ActiveSpeaker();
    expect(a.update(new Map(), 0)).to.equal(undefined);
    expect(a.update(new Map([['ana', 0.1]]), 100)).to.equal('ana');
    expect(a.update(new Map(), 200)).to.equal('ana');
  });

  it('moves to a louder speaker only once they have been loudest for a while: no ping-pong', () => {
    const a = new ActiveSpeaker();
    a.update(new Map([['ana', 0.1]]), 0);
    // Ben and Ana talk over each other, each louder in turn: Ana stays.
    for (let at = 300; at < 10000; at += 300) {
      const benLouder = Math.floor(at / 600) % 2 === 0;
      const levels = new Map([
        ['ana', benLouder ? 0.1 : 0.3],
        ['ben', benLouder ? 0.3 : 0.1],
      ]);
      expect(a.update(levels, at)).to.equal('ana');
    }
    // Ben louder for long enough: Ben.
    const levels = new Map([
      ['ana', 0.1],
      ['ben', 0.3],
    ]);
    a.update(
      new Map([
        ['ana', 0.3],
        ['ben', 0.1],
      ]),
      19700,
    );
    expect(a.update(levels, 20000)).to.equal('ana');
    expect(a.update(levels, 20000 + ACTIVE_SWITCH_MS - 1)).to.equal('ana');
    expect(a.update(levels, 20000 + ACTIVE_SWITCH_MS)).to.equal('ben');
  });

  it('moves at once when the active speaker has stopped speaking', () => {
    const a = new ActiveSpeaker();
    a.update(new Map([['ana', 0.1]]), 0);
    expect(a.update(new Map([['ben', 0.05]]), 300)).to.equal('ben');
  });

  it('forgets someone who left', () => {
    const a = new ActiveSpeaker();
    a.update(new Map([['ana', 0.1]]), 0);
    a.forget('ana');
    expect(a.id).to.equal(undefined);
  });
});
