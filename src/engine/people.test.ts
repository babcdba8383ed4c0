import { expect, waitUntil } from '@open-wc/testing';
import { People, REACTIONS, REACTION_LIMIT, REACTION_WINDOW_MS, type PeopleHost } from './people.js';
import { QUALITY_MS } from './quality.js';
import { RtcError } from './errors.js';
import type { FeatureMessage, Participant } from './types.js';

const person = (id: string, patch: Partial<Participant> = {}): Participant => ({
  id,
  name: id,
  local: false,
  stream: null,
  audioEnabled: true,
  videoEnabled: true,
  connection: 'connected',
  weakLink: false,
  hand: false,
  speaking: false,
  quality: null,
  ...patch,
});

/** A fake call: participants, what was sent, and connections whose stats and audio levels a test sets. */
function fakeHost(others: string[] = ['ben'], clock: () => number = Date.now) {
  let list: Participant[] = [person('me', { local: true }), ...others.map((id) => person(id))];
  const sent: { to: string; message: FeatureMessage }[] = [];
  const stats = new Map<string, Record<string, unknown>[]>();
  /** The level in the header of each peer's latest audio packet, and when it came. */
  const levels = new Map<string, number>();
  let levelAt: (() => number) | undefined;
  const host: PeopleHost = {
    participants: () => list,
    update: (id, patch) => (list = list.map((p) => (p.id === id ? { ...p, ...patch } : p))),
    send: (to, message) => (sent.push({ to, message }), true),
    broadcast: (message) => void sent.push({ to: '*', message }),
    peerConnection: (id) =>
      stats.has(id) || levels.has(id)
        ? ({
            connectionState: 'connected',
            getStats: async () => new Map((stats.get(id) ?? []).map((e, i) => [(e.id as string) ?? `e${i}`, e])),
            getReceivers: () => [
              { track: { kind: 'video' }, getSynchronizationSources: () => [] },
              {
                track: { kind: 'audio' },
                getSynchronizationSources: () =>
                  levels.has(id)
                    ? [{ audioLevel: levels.get(id), timestamp: (levelAt ?? clock)(), source: 1, rtpTimestamp: 0 }]
                    : [],
              },
            ],
          } as unknown as RTCPeerConnection)
        : undefined,
    microphone: () => null,
  };
  return {
    host,
    sent,
    stats,
    levels,
    /** Levels from packets that came at this time (the default: now). */
    levelsFrom: (at: number) => (levelAt = () => at),
    get: (id: string) => list.find((p) => p.id === id)!,
    set: (id: string, patch: Partial<Participant>) => host.update(id, patch as never),
  };
}

describe('people', () => {
  it('raises your hand for everyone, tells a newcomer, and lowers it', () => {
    const f = fakeHost();
    const people = new People(f.host);
    const hands: [string, boolean][] = [];
    people.on('hand', ({ participant, raised }) => hands.push([participant.id, raised]));
    people.opened('ben');
    expect(f.sent).to.deep.equal([]);
    people.raiseHand(true);
    expect(f.get('me').hand).to.equal(true);
    expect(f.sent).to.deep.equal([{ to: '*', message: { v: 1, t: 'hand', up: true } }]);
    people.opened('ben');
    expect(f.sent[1]).to.deep.equal({ to: 'ben', message: { v: 1, t: 'hand', up: true } });
    people.raiseHand(false);
    expect(f.get('me').hand).to.equal(false);
    expect(hands).to.deep.equal([
      ['me', true],
      ['me', false],
    ]);
  });

  it("shows a peer's hand, and ignores malformed hand messages", () => {
    const f = fakeHost();
    const people = new People(f.host);
    const hands: [string, boolean][] = [];
    people.on('hand', ({ participant, raised }) => hands.push([participant.id, raised]));
    people.receive('ben', { v: 1, t: 'hand', up: 'yes' });
    people.receive('ben', { v: 1, t: 'hand' });
    people.receive('nobody', { v: 1, t: 'hand', up: true });
    expect(f.get('ben').hand).to.equal(false);
    people.receive('ben', { v: 1, t: 'hand', up: true });
    people.receive('ben', { v: 1, t: 'hand', up: true });
    expect(f.get('ben').hand).to.equal(true);
    expect(hands).to.deep.equal([['ben', true]]);
  });

  it('sends reactions of the fixed set only, and at most REACTION_LIMIT in the window', () => {
    let now = 0;
    const f = fakeHost();
    const people = new People(f.host, () => now);
    const seen: string[] = [];
    people.on('reaction', ({ participant, emoji }) => seen.push(`${participant.id} ${emoji}`));
    for (const bad of ['x', '<b>', '👍👍', 7, null])
      expect(() => people.react(bad))
        .to.throw(RtcError)
        .with.property('code', 'invalid-reaction');
    for (let i = 0; i < REACTION_LIMIT; i++) people.react(REACTIONS[i % REACTIONS.length]);
    expect(() => people.react('👍'))
      .to.throw(RtcError)
      .with.property('code', 'rate-limited');
    expect(f.sent).to.have.length(REACTION_LIMIT);
    expect(f.sent[0].message).to.deep.equal({ v: 1, t: 'reaction', emoji: '👍' });
    now += REACTION_WINDOW_MS;
    people.react('🎉');
    expect(seen).to.have.length(REACTION_LIMIT + 1);
    expect(seen[0]).to.equal('me 👍');
  });

  it("shows a peer's reactions of the set, rate-limited per sender", () => {
    const f = fakeHost(['ben', 'cy']);
    const people = new People(f.host, () => 0);
    const seen: string[] = [];
    people.on('reaction', ({ participant, emoji }) => seen.push(`${participant.id} ${emoji}`));
    people.receive('ben', { v: 1, t: 'reaction', emoji: '<img src=x onerror=alert(1)>' });
    people.receive('ben', { v: 1, t: 'reaction', emoji: ['👍'] });
    for (let i = 0; i < 20; i++) people.receive('ben', { v: 1, t: 'reaction', emoji: '👏' });
    people.receive('cy', { v: 1, t: 'reaction', emoji: '😮' });
    expect(seen).to.deep.equal([...Array(REACTION_LIMIT).fill('ben 👏'), 'cy 😮']);
  });

  it('finds who speaks from the level in their audio packets, never someone muted, and the active speaker', async () => {
    let now = 1000;
    const f = fakeHost(['ben', 'cy'], () => now);
    const people = new People(f.host, () => now);
    const speakers: (string | undefined)[] = [];
    people.on('active-speaker', (p) => speakers.push(p?.id));
    const step = async () => {
      now += 200;
      await people.sample();
    };
    f.levels.set('ben', 0.2);
    f.levels.set('cy', 0.001);
    await step();
    expect(f.get('ben').speaking).to.equal(true);
    expect(f.get('cy').speaking).to.equal(false);
    expect(f.get('me').speaking).to.equal(false);
    expect(people.activeSpeaker).to.equal('ben');
    // Ben mutes: not speaking at once, whatever his packets say.
    f.set('ben', { audioEnabled: false });
    people.sync();
    expect(f.get('ben').speaking).to.equal(false);
    await step();
    expect(f.get('ben').speaking).to.equal(false);
    // Cy speaks: the active speaker moves to Cy (Ben is not speaking).
    f.levels.set('cy', 0.1);
    await step();
    expect(f.get('cy').speaking).to.equal(true);
    expect(people.activeSpeaker).to.equal('cy');
    // A level from a packet long ago is silence (they stopped sending).
    f.levelsFrom(now);
    for (let i = 0; i < 15; i++) await step();
    expect(f.get('cy').speaking).to.equal(false);
    expect(people.activeSpeaker, 'held through silence').to.equal('cy');
    expect(speakers).to.deep.equal(['ben', 'cy']);
  });

  /**
   * Your own microphone, sent to Ben by a sender whose stats are `f.stats` (one entry), and a count of the
   * AudioContexts made. The track is real (silent), so that a fallback AudioLevel can listen to it.
   */
  async function ownLevel(
    run: (f: {
      people: People;
      self: () => Participant;
      graphs: () => number;
      stats: (s: Record<string, unknown>) => void;
      tick: () => Promise<void>;
    }) => Promise<void>,
  ) {
    let now = 1000;
    const host = fakeHost(['ben'], () => now);
    const people = new People(host.host, () => now);
    const source = new AudioContext();
    const track = source.createMediaStreamDestination().stream.getAudioTracks()[0];
    host.host.microphone = () => track;
    let stats: Record<string, unknown> = {};
    const sender = { track, getStats: async () => new Map([['S1', stats]]) };
    host.host.peerConnection = () =>
      ({
        connectionState: 'connected',
        getSenders: () => [sender],
        getReceivers: () => [],
        getStats: async () => new Map(),
      }) as unknown as RTCPeerConnection;
    const Real = globalThis.AudioContext;
    let graphs = 0;
    globalThis.AudioContext = class extends Real {
      constructor(...a: ConstructorParameters<typeof AudioContext>) {
        super(...a);
        graphs++;
      }
    };
    try {
      await run({
        people,
        self: () => host.get('me'),
        graphs: () => graphs,
        stats: (s) => (stats = s),
        tick: async () => {
          now += 200;
          await people.sample();
        },
      });
    } finally {
      people.close();
      globalThis.AudioContext = Real;
      void source.close();
    }
  }

  it('reads your own level from the stats of a connection that sends your microphone, with no audio graph', () =>
    ownLevel(async (f) => {
      // Energy summed as Chromium sums it: `level` (scaled by √2, see people.ts) for each 0.2 s.
      let energy = 0;
      let seconds = 0;
      const speak = (level: number) => {
        energy += (level * Math.SQRT2) ** 2 * 0.2;
        seconds += 0.2;
        f.stats({ type: 'media-source', kind: 'audio', totalAudioEnergy: energy, totalSamplesDuration: seconds });
      };
      speak(0);
      await f.tick();
      speak(0.001);
      await f.tick();
      expect(f.self().speaking, 'a quiet room').to.equal(false);
      speak(0.1);
      await f.tick();
      expect(f.self().speaking).to.equal(true);
      expect(f.people.activeSpeaker).to.equal('me');
      expect(f.graphs(), 'no AudioContext').to.equal(0);
      // A browser whose stats give no energy (Firefox): an AudioLevel listens to the microphone instead.
      f.stats({ type: 'media-source', kind: 'audio' });
      await f.tick();
      expect(f.graphs()).to.equal(1);
    }));

  it('listens to your microphone itself where a connection sends it but its stats say nothing of it', () =>
    ownLevel(async (f) => {
      f.stats({ type: 'outbound-rtp', kind: 'audio' });
      await f.tick();
      expect(f.graphs()).to.equal(1);
    }));

  it('judges each connection and tells when its quality changes', async () => {
    let now = 0;
    const f = fakeHost(['ben']);
    const people = new People(f.host, () => now);
    const told: string[] = [];
    people.on('quality', ({ participant, quality }) => told.push(`${participant.id} ${quality}`));
    const pair = (rtt: number) => [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', currentRoundTripTime: rtt },
    ];
    for (let i = 0; i < 3; i++) {
      f.stats.set('ben', pair(0.002));
      await people.sample();
      now += QUALITY_MS;
    }
    expect(f.get('ben').quality).to.equal('good');
    for (let i = 3; i < 6; i++) {
      f.stats.set('ben', pair(0.8));
      await people.sample();
      now += QUALITY_MS;
    }
    expect(f.get('ben').quality).to.equal('poor');
    expect(people.report('ben')?.rtt).to.equal(800);
    expect(told).to.deep.equal(['ben good', 'ben poor']);
  });

  it('reads levels only while someone else is in the call', async () => {
    const f = fakeHost([]);
    const people = new People(f.host);
    let reads = 0;
    const pc = f.host.peerConnection;
    f.host.peerConnection = (id) => (reads++, pc(id));
    people.sync();
    expect(people.sampling).to.equal(false);
    f.host.participants = (
      (list) => () =>
        list
    )([f.get('me'), person('ben')]);
    people.sync();
    expect(people.sampling).to.equal(true);
    await waitUntil(() => reads >= 2, 'levels read', { timeout: 5000 });
    f.host.participants = (
      (list) => () =>
        list
    )([f.get('me')]);
    people.sync();
    expect(people.sampling).to.equal(false);
    people.close();
  });
});
