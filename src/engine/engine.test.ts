import { expect } from '@open-wc/testing';
import { Mesh, shouldCall, type MeshSignaller } from './mesh.js';
import { isControlMessage, isFeatureMessage } from './types.js';
import { serverError, RtcError } from './errors.js';
import { LocalMedia, describeMediaError } from './local-media.js';
import { peerOptions } from './broker-client.js';
import * as publicApi from '../index.js';

describe('engine logic', () => {
  it('glare rule: exactly one of two members calls', () => {
    const ids = ['aaaaaaaaaaaaaaaa', 'AAAAAAAAAAAAAAAA', 'b-_0000000000000', 'zzzzzzzzzzzzzzzz'];
    for (const x of ids) for (const y of ids) if (x !== y) expect(shouldCall(x, y)).to.not.equal(shouldCall(y, x));
    expect(shouldCall('same', 'same')).to.be.false;
  });

  it('joining warms WebRTC up: one throwaway connection in the next task, closed at once; none once closed', async () => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        made.push(this);
      }
    };
    const signaller: MeshSignaller = {
      signal: () => true,
      configuration: () => ({ iceServers: [] }),
      refreshIce: async () => undefined,
    };
    const state = () => ({ v: 1, t: 'state', name: 'A', audio: false, video: false }) as const;
    const nextTask = () => new Promise((resolve) => setTimeout(resolve, 20));
    try {
      const mesh = new Mesh(signaller, new LocalMedia(), state, true, new Promise(() => {}));
      mesh.warm();
      expect(made, 'not in the task that asked').to.have.length(0);
      await nextTask();
      expect(made).to.have.length(1);
      expect(made[0].signalingState).to.equal('closed');
      // Never a default STUN server: none at all.
      expect(made[0].getConfiguration().iceServers).to.deep.equal([]);
      mesh.close();
      const closed = new Mesh(signaller, new LocalMedia(), state, true, new Promise(() => {}));
      closed.warm();
      closed.close();
      await nextTask();
      expect(made, 'a mesh closed before its turn').to.have.length(1);
    } finally {
      window.RTCPeerConnection = Native;
    }
  });

  it('control messages are checked before they are believed', () => {
    expect(isControlMessage({ v: 1, t: 'state', name: 'A', audio: true, video: false })).to.be.true;
    expect(isControlMessage({ v: 1, t: 'ping' })).to.be.true;
    expect(isControlMessage({ v: 1, t: 'state', name: 7, audio: true, video: false })).to.be.false;
    expect(isControlMessage({ v: 1, t: 'chat' })).to.be.false;
    expect(isControlMessage({ v: 1, t: 'seat', id: 'AbC_12-xyz0123456789' })).to.be.true;
    expect(isControlMessage({ v: 1, t: 'seat-ack', id: 'AbC_12-xyz0123456789' })).to.be.true;
    expect(isControlMessage({ v: 1, t: 'seat', id: 'a b' })).to.be.false;
    expect(isControlMessage({ v: 1, t: 'seat', id: 'x'.repeat(65) })).to.be.false;
    expect(isControlMessage({ v: 1, t: 'seat' })).to.be.false;
    expect(isControlMessage({ v: 2, t: 'state', audio: true, video: false })).to.be.false;
    expect(isControlMessage({ v: 1, t: 'state', audio: 'yes', video: false })).to.be.false;
    expect(isControlMessage(null)).to.be.false;
    expect(isControlMessage('state')).to.be.false;
  });

  it('a feature’s control messages are told apart from the connection’s own by their type', () => {
    expect(isFeatureMessage({ v: 1, t: 'chat', text: 'hi' })).to.be.true;
    expect(isFeatureMessage({ v: 1, t: 'file-offer' })).to.be.true;
    // The mesh's own types never reach a feature, even when malformed for the mesh.
    for (const t of ['state', 'ping', 'seat', 'seat-ack', 'view', 'link', 'codec'])
      expect(isFeatureMessage({ v: 1, t }), t).to.be.false;
    expect(isFeatureMessage({ v: 2, t: 'chat' })).to.be.false;
    expect(isFeatureMessage({ v: 1, t: 'Chat' })).to.be.false;
    expect(isFeatureMessage({ v: 1, t: 'x'.repeat(33) })).to.be.false;
    expect(isFeatureMessage({ v: 1 })).to.be.false;
    expect(isFeatureMessage(null)).to.be.false;
  });

  it('server answers become stable codes and human messages', () => {
    const full = serverError(409, { code: 'room-full', message: 'The room is full (at most 8 people).' });
    expect(full).to.be.instanceOf(RtcError);
    expect(full.toDetail()).to.deep.equal({
      code: 'room-full',
      message: 'The room is full (at most 8 people).',
      fatal: true,
    });
    expect(serverError(401, { code: 'unauthorized' }).fatal).to.be.true;
    expect(serverError(500, undefined).code).to.equal('server-error');
    expect(serverError(500, undefined).fatal).to.be.false;
    expect(serverError(429, { code: 'rate-limited', message: 'x' }).fatal).to.be.false;
  });

  it('media errors are explained in words', () => {
    const denied = describeMediaError('video', new DOMException('x', 'NotAllowedError'));
    expect(denied.code).to.equal('camera-denied');
    expect(denied.message).to.contain('camera');
    expect(describeMediaError('audio', new DOMException('x', 'NotFoundError')).code).to.equal('microphone-unavailable');
    expect(describeMediaError('audio', new DOMException('x', 'NotReadableError')).message).to.contain('in use');
  });

  /**
   * Devices whose cameras open when the test says: `open(n)` answers the n-th `getUserMedia` with a new camera (a real
   * track, as MediaStream takes no other), and `applied` keeps the frame rates each camera was re-asked for.
   */
  function camerasOpenedByHand() {
    const opening: ((s: MediaStream) => void)[] = [];
    const applied = new Map<MediaStreamTrack, number[]>();
    const md = {
      getUserMedia: () => new Promise<MediaStream>((resolve) => opening.push(resolve)),
      enumerateDevices: async () => [],
      addEventListener() {},
      removeEventListener() {},
    } as unknown as MediaDevices;
    const open = (n: number) => {
      const track = document.createElement('canvas').captureStream().getVideoTracks()[0];
      applied.set(track, []);
      track.applyConstraints = async (c?: MediaTrackConstraints) =>
        void applied.get(track)!.push((c?.frameRate as ConstrainDoubleRange).max!);
      opening[n](new MediaStream([track]));
      return track;
    };
    return { md, open, applied };
  }

  it('a capture size or rate asked for while the camera opens is applied to it once open', async () => {
    const { md, open, applied } = camerasOpenedByHand();
    const media = new LocalMedia(md);
    const starting = media.start({ audio: false, video: true });
    // The camera is asked for 360 lines at 30 a second; the others' views then say 15 is enough.
    await media.setCaptureHeight(360, 15);
    expect(applied.size, 'no camera open yet').to.equal(0);
    const camera = open(0);
    await starting;
    expect(applied.get(camera)).to.deep.equal([15]);
    media.stop();
  });

  it('a capture rate asked for while another camera opens is applied to the new one too', async () => {
    const { md, open, applied } = camerasOpenedByHand();
    const media = new LocalMedia(md);
    const starting = media.start({ audio: false, video: true });
    const first = open(0);
    await starting;
    // Another camera is picked; while it opens (asked for 30 a second), the others' views say 15.
    const switching = media.selectDevice('videoinput', 'other');
    await media.setCaptureHeight(360, 15);
    const second = open(1);
    await switching;
    expect(applied.get(first), 'the camera open then').to.deep.equal([15]);
    expect(applied.get(second), 'the one that was opening').to.deep.equal([15]);
    media.stop();
  });

  it('PeerJS is always pointed at our broker and our ICE servers, never its cloud defaults', () => {
    const seat = {
      id: 'i',
      secret: 's',
      name: '',
      broker: { path: '/broker/', key: 'rtc-call' },
      iceServers: [],
      ttl: 0,
    };
    const o = peerOptions('https://calls.example.com', seat, 'relay');
    expect(o).to.deep.include({
      host: 'calls.example.com',
      port: 443,
      secure: true,
      path: '/broker/',
      key: 'rtc-call',
      token: 's',
    });
    expect(o.config).to.deep.equal({ iceServers: [], iceTransportPolicy: 'relay' });
    const local = peerOptions('http://127.0.0.1:9000', seat, 'all');
    expect(local).to.deep.include({ host: '127.0.0.1', port: 9000, secure: false });
  });

  it('the package entry offers the call, not the mesh inside it', () => {
    expect(publicApi).to.not.have.property('Mesh');
    expect(publicApi).to.have.property('Call');
    expect(publicApi).to.have.property('DefaultReconnectPolicy');
  });
});
