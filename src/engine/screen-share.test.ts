import { expect } from '@open-wc/testing';
import { ScreenShare, isScreenMessage, type ScreenMessage, type ScreenShareMesh } from './screen-share.js';
import type { RtcError } from './errors.js';

/** A real video track that moves (a canvas), as a screen or a received track stands in. */
function canvasStream(): MediaStream {
  const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
  canvas.getContext('2d')!.fillRect(0, 0, 64, 48);
  return canvas.captureStream(5);
}

/** The part of an RTCRtpTransceiver a share touches. */
class FakeTransceiver {
  mid: string | null = null;
  readonly sender: { track: MediaStreamTrack | null; replaceTrack(t: MediaStreamTrack | null): Promise<void> };
  readonly receiver: { track: MediaStreamTrack };
  constructor(
    public direction: RTCRtpTransceiverDirection,
    kind: string,
    sending: MediaStreamTrack | null,
    received?: MediaStreamTrack,
  ) {
    const sender = {
      track: sending,
      replaceTrack: async (t: MediaStreamTrack | null) => void (sender.track = t),
    };
    this.sender = sender;
    this.receiver = { track: received ?? ({ kind } as MediaStreamTrack) };
  }
}

/** The part of an RTCPeerConnection a share touches: transceivers get their mid when "negotiated". */
class FakePc extends EventTarget {
  signalingState: RTCSignalingState = 'stable';
  readonly transceivers: FakeTransceiver[] = [];
  added = 0;
  addTransceiver(track: MediaStreamTrack, init: RTCRtpTransceiverInit): FakeTransceiver {
    this.added++;
    const t = new FakeTransceiver(init.direction!, track.kind, track);
    this.transceivers.push(t);
    // Negotiation begins: mids come with it.
    this.signalingState = 'have-local-offer';
    return t;
  }
  getTransceivers() {
    return this.transceivers;
  }
  /** The answer came: every transceiver has a mid now. */
  negotiated(): void {
    this.transceivers.forEach((t, i) => (t.mid ??= String(i + 3)));
    this.signalingState = 'stable';
    this.dispatchEvent(new Event('signalingstatechange'));
  }
}

function host(pcs: Record<string, FakePc>) {
  const sent: { id: string; message: ScreenMessage }[] = [];
  const changes: { id: string | undefined; screen: MediaStream | null }[] = [];
  const mesh: ScreenShareMesh = {
    ids: () => Object.keys(pcs),
    peerConnection: (id) => pcs[id] as unknown as RTCPeerConnection,
    send: (id, message) => (sent.push({ id, message }), true),
  };
  const changed = (id: string | undefined, screen: MediaStream | null) => void changes.push({ id, screen });
  return { h: [mesh, changed] as const, sent, changes };
}

const notAllowed = () => Promise.reject(new DOMException('cancelled', 'NotAllowedError'));

describe('screen share (engine, with fake connections)', () => {
  it('a cancelled picker rejects with screen-denied, a browser without getDisplayMedia with media-unsupported', async () => {
    const { h, changes } = host({});
    const denied = await new ScreenShare(...h, undefined, notAllowed).start().catch((e: RtcError) => e);
    expect((denied as RtcError).code).to.equal('screen-denied');
    const unsupported = await new ScreenShare(...h, undefined, null).start().catch((e: RtcError) => e);
    expect((unsupported as RtcError).code).to.equal('media-unsupported');
    expect(changes).to.deep.equal([]);
  });

  it('shares on every connection as a sendonly transceiver, and names its mid once negotiated', async () => {
    const a = new FakePc();
    const b = new FakePc();
    const { h, sent, changes } = host({ a, b });
    const stream = canvasStream();
    const share = new ScreenShare(...h, undefined, async () => stream);
    await share.start();
    expect(changes).to.deep.equal([{ id: undefined, screen: stream }]);
    for (const pc of [a, b]) {
      expect(pc.transceivers.map((t) => [t.direction, t.sender.track])).to.deep.equal([
        ['sendonly', stream.getVideoTracks()[0]],
      ]);
    }
    // No mid before the negotiation: nothing said yet.
    expect(sent).to.deep.equal([]);
    a.negotiated();
    expect(sent).to.deep.equal([{ id: 'a', message: { v: 1, t: 'screen', mids: ['3'] } }]);
    b.negotiated();
    b.negotiated();
    expect(sent.map((s) => s.id)).to.deep.equal(['a', 'b'], 'each connection told once');
    share.stop();
  });

  it('the track ending (the browser’s own Stop sharing) stops it for everyone; the next share reuses the transceivers', async () => {
    const a = new FakePc();
    const { h, sent, changes } = host({ a });
    let stream = canvasStream();
    const share = new ScreenShare(...h, undefined, async () => stream);
    await share.start();
    a.negotiated();
    const [t] = a.transceivers;
    // What the browser does on "Stop sharing": the track ends and says so.
    const track = stream.getVideoTracks()[0]!;
    track.stop();
    track.dispatchEvent(new Event('ended'));
    expect(share.stream).to.equal(null);
    expect(t!.direction).to.equal('inactive');
    await Promise.resolve();
    expect(t!.sender.track).to.equal(null);
    expect(sent.at(-1)).to.deep.equal({ id: 'a', message: { v: 1, t: 'screen', mids: [] } });
    expect(changes.at(-1)).to.deep.equal({ id: undefined, screen: null });

    stream = canvasStream();
    await share.start();
    expect(a.added).to.equal(1, 'no new transceiver: the old one sends again');
    expect(t!.direction).to.equal('sendonly');
    await Promise.resolve();
    expect(t!.sender.track).to.equal(stream.getVideoTracks()[0]);
    expect(sent.at(-1)).to.deep.equal({ id: 'a', message: { v: 1, t: 'screen', mids: ['3'] } });
    share.stop();
  });

  it('a newcomer’s connection gets the screen too (attach)', async () => {
    const pcs: Record<string, FakePc> = { a: new FakePc() };
    const { h, sent } = host(pcs);
    const share = new ScreenShare(...h, undefined, async () => canvasStream());
    await share.start();
    pcs.c = new FakePc();
    share.attach('c');
    pcs.c.negotiated();
    expect(pcs.c.added).to.equal(1);
    expect(sent.find((s) => s.id === 'c')?.message.mids).to.deep.equal(['3']);
    share.stop();
  });

  it('someone else’s screen is the track of the transceiver they name, once it is here; [] ends it', () => {
    const pc = new FakePc();
    const { h, changes } = host({ b: pc });
    const share = new ScreenShare(...h, undefined, notAllowed);
    // Their message can come before the offer that makes the transceiver: nothing until it is here.
    share.receive('b', { v: 1, t: 'screen', mids: ['4'] });
    expect(changes).to.deep.equal([]);
    const received = canvasStream().getVideoTracks()[0]!;
    const camera = new FakeTransceiver('sendrecv', 'video', null, canvasStream().getVideoTracks()[0]);
    camera.mid = '1';
    const screen = new FakeTransceiver('recvonly', 'video', null, received);
    screen.mid = '4';
    pc.transceivers.push(camera, screen);
    share.track('b');
    expect(changes).to.have.length(1);
    expect(changes[0]!.id).to.equal('b');
    expect(changes[0]!.screen!.getTracks()).to.deep.equal([received]);
    share.track('b');
    expect(changes).to.have.length(1, 'the same screen is not told twice');
    share.receive('b', { v: 1, t: 'screen', mids: [] });
    expect(changes[1]).to.deep.equal({ id: 'b', screen: null });
  });

  it('a hostile message is dropped: wrong shapes, too many mids, odd characters', () => {
    const { h, changes } = host({ b: new FakePc() });
    const share = new ScreenShare(...h, undefined, notAllowed);
    const bad = [
      { v: 1, t: 'screen' },
      { v: 1, t: 'screen', mids: 'x' },
      { v: 1, t: 'screen', mids: [1] },
      { v: 1, t: 'screen', mids: ['a', 'b', 'c'] },
      { v: 1, t: 'screen', mids: ['<img>'] },
      { v: 1, t: 'screen', mids: ['x'.repeat(17)] },
    ] as const;
    for (const m of bad) {
      expect(isScreenMessage(m as never)).to.equal(false, JSON.stringify(m));
      share.receive('b', m as never);
    }
    expect(changes).to.deep.equal([]);
    expect(isScreenMessage({ v: 1, t: 'screen', mids: ['3', '4'] })).to.equal(true);
  });
});
