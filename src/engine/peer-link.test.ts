import { expect } from '@open-wc/testing';
import { DATA_CHANNEL_ID, MAX_QUEUED_DATA, PeerLink, type SignalPayload } from './peer-link.js';

/** Resolves once `check` holds; bounded, so a broken link fails the test instead of hanging it. */
async function until(check: () => boolean, what: string, timeout = 15000): Promise<void> {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Two real links in this page, their broker signalling crossed by hand and counted. */
function pair() {
  const a = new PeerLink({ polite: false, configuration: {} });
  const b = new PeerLink({ polite: true, configuration: {} });
  const viaBroker = { a: 0, b: 0 };
  a.on('signal', (s: SignalPayload) => void (viaBroker.a++, b.receive(s)));
  b.on('signal', (s: SignalPayload) => void (viaBroker.b++, a.receive(s)));
  const tracks = { a: [] as MediaStreamTrack[], b: [] as MediaStreamTrack[] };
  a.on('track', ({ track }) => tracks.a.push(track));
  b.on('track', ({ track }) => tracks.b.push(track));
  return { a, b, viaBroker, tracks };
}

function canvasTrack(): { track: MediaStreamTrack; stream: MediaStream } {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const ctx = canvas.getContext('2d')!;
  ctx.fillRect(0, 0, 64, 48);
  const stream = canvas.captureStream(10);
  return { track: stream.getVideoTracks()[0]!, stream };
}

describe('peer link: one RTCPeerConnection per peer', () => {
  it('connects, opens the negotiated control channel and carries a track', async () => {
    const { a, b, tracks } = pair();
    try {
      const { track, stream } = canvasTrack();
      a.addTrack(track, stream);
      await until(() => a.meshSignalling && b.meshSignalling, 'the control channels');
      await until(() => tracks.b.length === 1, 'the track at b');
      await until(() => a.pc.connectionState === 'connected' && b.pc.connectionState === 'connected', 'connected');
      expect(tracks.b[0]!.kind).to.equal('video');
      const got: unknown[] = [];
      b.on('message', (m) => got.push(m));
      a.sendControl({ v: 1, t: 'hello' });
      await until(() => got.length === 1, 'the control message');
      expect(got[0]).to.deep.equal({ v: 1, t: 'hello' });
      track.stop();
    } finally {
      a.close();
      b.close();
    }
  });

  it('page data has a negotiated channel of its own (id 1): what is sent before it opens waits, in order', async () => {
    const { a, b } = pair();
    try {
      const got: unknown[] = [];
      const control: unknown[] = [];
      b.on('data', (d) => got.push(d));
      b.on('message', (m) => control.push(m));
      expect(a.data.negotiated && a.data.ordered && a.data.id === DATA_CHANNEL_ID).to.be.true;
      expect(a.data.maxRetransmits ?? a.data.maxPacketLifeTime).to.equal(null);
      expect(a.data.readyState).to.equal('connecting');
      for (let i = 0; i < 5; i++) expect(a.sendData(`early ${i}`)).to.be.true;
      await until(() => a.data.readyState === 'open' && a.meshSignalling, 'the data channel');
      for (let i = 0; i < 5; i++) a.sendData(`late ${i}`);
      a.sendControl({ v: 1, t: 'hello' });
      await until(() => got.length === 10 && control.length === 1, 'ten data messages and the control one');
      expect(got).to.deep.equal(
        [0, 1, 2, 3, 4].map((i) => `early ${i}`).concat([0, 1, 2, 3, 4].map((i) => `late ${i}`)),
      );
      // Data never shows up as control, nor control as data.
      expect(control).to.deep.equal([{ v: 1, t: 'hello' }]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('at most MAX_QUEUED_DATA messages wait for the data channel; later ones are refused, and none after close', async () => {
    const { a, b } = pair();
    try {
      const got: unknown[] = [];
      b.on('data', (d) => got.push(d));
      const accepted = Array.from({ length: MAX_QUEUED_DATA + 3 }, (_, i) => a.sendData(String(i)));
      expect(accepted.filter(Boolean)).to.have.length(MAX_QUEUED_DATA);
      expect(accepted.slice(MAX_QUEUED_DATA)).to.deep.equal([false, false, false]);
      await until(() => got.length === MAX_QUEUED_DATA, 'the queued messages');
      expect(got).to.deep.equal(Array.from({ length: MAX_QUEUED_DATA }, (_, i) => String(i)));
      // The queue is empty now: the channel is open, so the next goes straight out.
      expect(a.sendData('after')).to.be.true;
      await until(() => got.length === MAX_QUEUED_DATA + 1, 'the one sent once open');
      a.close();
      expect(a.sendData('closed')).to.be.false;
    } finally {
      a.close();
      b.close();
    }
  });

  // Both offer at once here, but Chromium's implicit rollback lets them converge even without ignoreOffer, so this
  // shows that simultaneous changes end well, not that the glare rule is what makes them end well.
  it('once connected, both sides add a track at once: both tracks arrive and both sides settle', async () => {
    const { a, b, tracks } = pair();
    try {
      await until(() => a.meshSignalling && b.meshSignalling, 'the control channels');
      await until(() => a.pc.signalingState === 'stable' && b.pc.signalingState === 'stable', 'stable');
      const one = canvasTrack();
      const two = canvasTrack();
      a.addTrack(one.track, one.stream);
      b.addTrack(two.track, two.stream);
      await until(() => tracks.a.length === 1 && tracks.b.length === 1, 'both tracks');
      await until(() => a.pc.signalingState === 'stable' && b.pc.signalingState === 'stable', 'stable');
      one.track.stop();
      two.track.stop();
    } finally {
      a.close();
      b.close();
    }
  });

  it('renegotiates over the control channel, not the broker, once it is open', async () => {
    const { a, b, viaBroker, tracks } = pair();
    try {
      await until(() => a.meshSignalling && b.meshSignalling, 'the control channels');
      await until(() => a.pc.signalingState === 'stable' && b.pc.signalingState === 'stable', 'stable');
      // From here the broker is out of the picture: nothing more may go through it.
      const before = { ...viaBroker };
      const { track, stream } = canvasTrack();
      const sender = a.addTrack(track, stream);
      await until(() => tracks.b.length === 1, 'the added track at b');
      const remote = tracks.b[0]!;
      a.removeTrack(sender);
      // Removing a track renegotiates; the receiving side's track ends (its transceiver goes inactive).
      await until(() => remote.readyState === 'ended' || remote.muted, 'the removed track at b');
      await until(() => a.pc.signalingState === 'stable' && b.pc.signalingState === 'stable', 'stable again');
      expect(viaBroker).to.deep.equal(before);
      track.stop();
    } finally {
      a.close();
      b.close();
    }
  });
});

/** A stand-in RTCPeerConnection for the ICE restart decisions: its ICE state is set by the test. */
class FakePc extends EventTarget {
  iceConnectionState: RTCIceConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  restarts = 0;
  closed = false;
  configuration: RTCConfiguration = { iceServers: [] };
  readonly channel = Object.assign(new EventTarget(), { readyState: 'connecting', close() {} });
  createDataChannel() {
    return this.channel;
  }
  getConfiguration() {
    return this.configuration;
  }
  setConfiguration(c: RTCConfiguration) {
    this.configuration = c;
  }
  restartIce() {
    this.restarts++;
  }
  readonly rollbacks: string[] = [];
  /** Offers made (setLocalDescription without a rollback), and what holds them until the test lets them finish. */
  offers = 0;
  hold: Promise<void> = Promise.resolve();
  remoteDescription: RTCSessionDescriptionInit | null = null;
  async setLocalDescription(d?: { type: string }) {
    if (d?.type === 'rollback') {
      this.rollbacks.push(this.signalingState);
      this.signalingState = 'stable';
      return;
    }
    this.offers++;
    await this.hold;
  }
  getSenders() {
    return [];
  }
  close() {
    this.closed = true;
  }
  ice(state: RTCIceConnectionState) {
    this.iceConnectionState = state;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
  }
}

function faked(polite: boolean) {
  const pc = new FakePc();
  const fresh: RTCIceServer[] = [{ urls: 'turn:127.0.0.1:9', username: 'new', credential: 'fresh' }];
  let refreshed = 0;
  const link = new PeerLink({
    polite,
    configuration: {},
    createPeerConnection: () => pc as unknown as RTCPeerConnection,
    refreshIce: async () => (refreshed++, fresh),
    restartAfterMs: 100,
    restartRetryMs: 150,
  });
  const states: string[] = [];
  link.on('state', (s) => states.push(s));
  return { pc, link, fresh, states, refreshed: () => refreshed };
}

describe('peer link: ICE restart decisions', () => {
  it('the impolite side restarts ICE with fresh credentials when disconnected does not heal', async () => {
    const { pc, link, fresh, states, refreshed } = faked(false);
    pc.ice('disconnected');
    expect(states).to.deep.equal(['reconnecting']);
    await until(() => pc.restarts === 1, 'the restart');
    expect(refreshed()).to.equal(1);
    expect(pc.configuration.iceServers).to.deep.equal(fresh);
    link.close();
  });

  it('does not restart when disconnected heals by itself', async () => {
    const { pc, link, states } = faked(false);
    pc.ice('disconnected');
    pc.ice('connected');
    // Past the restart delay (100 ms) with a wide margin; the proof is that the timer was cleared.
    await new Promise((r) => setTimeout(r, 400));
    expect(pc.restarts).to.equal(0);
    expect(states).to.deep.equal(['reconnecting', 'connected']);
    link.close();
  });

  it('restarts at once on failed; the polite side never starts a restart', async () => {
    const impolite = faked(false);
    impolite.pc.ice('failed');
    await until(() => impolite.pc.restarts === 1, 'the restart');
    const polite = faked(true);
    polite.pc.ice('failed');
    polite.pc.ice('disconnected');
    await new Promise((r) => setTimeout(r, 400));
    expect(polite.pc.restarts).to.equal(0);
    expect(polite.states).to.deep.equal(['reconnecting', 'reconnecting']);
    impolite.link.close();
    polite.link.close();
  });

  it('close closes the connection and removes its listeners and timers', async () => {
    const { pc, link, states } = faked(false);
    pc.ice('disconnected');
    link.close();
    expect(pc.closed).to.be.true;
    pc.ice('failed');
    await new Promise((r) => setTimeout(r, 400));
    expect(pc.restarts).to.equal(0);
    expect(states).to.deep.equal(['reconnecting']);
  });

  it('while the connection is not back, the impolite side restarts again, and stops once it is', async () => {
    const { pc, link } = faked(false);
    pc.ice('disconnected');
    await until(() => pc.restarts === 2, 'a second restart');
    pc.ice('connected');
    const restarts = pc.restarts;
    // Several retry periods (150 ms) with a wide margin; the proof is that the retry timer was cleared.
    await new Promise((r) => setTimeout(r, 600));
    expect(pc.restarts).to.equal(restarts);
    link.close();
  });

  it('an offer that was never answered is rolled back before the restart', async () => {
    const { pc, link } = faked(false);
    pc.signalingState = 'have-local-offer';
    await link.restartIce();
    expect(pc.rollbacks).to.deep.equal(['have-local-offer']);
    expect(pc.restarts).to.equal(1);
    link.close();
  });

  it('signalling goes over the control channel only while the path under it works', () => {
    const { pc, link } = faked(false);
    pc.channel.readyState = 'open';
    pc.ice('connected');
    expect(link.meshSignalling).to.be.true;
    pc.ice('disconnected');
    expect(link.meshSignalling, 'open, but nothing gets through').to.be.false;
    link.close();
  });
});

describe('peer link: the first offer', () => {
  it('the caller offers at once, not a task later on negotiationneeded, and the event then adds no second offer', async () => {
    const { pc, link } = faked(false);
    let release!: () => void;
    pc.hold = new Promise((r) => (release = r));
    link.offer();
    expect(pc.offers, 'in the same task').to.equal(1);
    pc.dispatchEvent(new Event('negotiationneeded'));
    expect(pc.offers, 'the event while the offer is under way').to.equal(1);
    release();
    await pc.hold;
    link.close();
  });

  it('the polite side makes no first offer: it waits for the caller', () => {
    const { pc, link } = faked(true);
    link.offer();
    pc.dispatchEvent(new Event('negotiationneeded'));
    expect(pc.offers).to.equal(0);
    link.close();
  });
});
