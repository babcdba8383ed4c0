import { expect, fixture, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import type { RtcDeviceChangeDetail } from '../../events.js';
import { brokers, rejection, until, uniqueRoom } from '../../test-support.js';
import './rtc-call.js';

const remoteTiles = (el: RtcCall) =>
  [...el.shadowRoot!.querySelectorAll<RtcVideoTile>('rtc-video-tile')].filter((t) => !t.local);

/** Two calls in one room, each seeing the other. */
async function pair() {
  const room = uniqueRoom();
  const wrap = await fixture<HTMLDivElement>(
    html`<div class="calls">
      <rtc-call no-prejoin id="a" server=${brokers.open} room=${room} name="Ana"></rtc-call>
      <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben"></rtc-call>
    </div>`,
  );
  const a = wrap.querySelector<RtcCall>('#a')!;
  const b = wrap.querySelector<RtcCall>('#b')!;
  for (const el of [a, b]) {
    const ready = () => el.participants.length === 2 && el.participants.every((p) => p.audioEnabled && p.videoEnabled);
    await until(ready, `${el.id} to see the other, both with microphone and camera on`);
  }
  return { a, b };
}

describe('rtc-call: methods and properties', () => {
  afterEach(() => fixtureCleanup());

  it('outside a call, the media methods reject with not-in-call, participants is empty, localStream null', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    for (const p of [el.setMicrophone(false), el.setCamera(true), el.setDevices({ videoinput: '' })]) {
      const err = await rejection(p);
      expect(err.name).to.equal('RtcError');
      expect(err.code).to.equal('not-in-call');
    }
    expect(el.participants).to.deep.equal([]);
    expect(el.localStream).to.equal(null);
  });

  it('setMicrophone and setCamera change what the others see; participants are frozen snapshots', async () => {
    const { a, b } = await pair();
    const before = a.participants;
    expect(before.map((p) => [p.name, p.local])).to.deep.equal([
      ['Ana', true],
      ['Ben', false],
    ]);
    expect(Object.isFrozen(before) && before.every((p) => Object.isFrozen(p))).to.be.true;
    expect(() => ((before[0] as { name: string }).name = 'Mallory')).to.throw(TypeError);
    expect(a.participants).to.equal(before);

    const updates: string[] = [];
    b.addEventListener('rtc-participant-updated', (e) => {
      const { participant: p, changed } = e.detail;
      // (Speaking and quality come and go with the fake microphone and the link: not what this test is about.)
      const mine = changed.filter((k) => k === 'audioEnabled' || k === 'videoEnabled' || k === 'name');
      if (mine.length) updates.push(`${p.name}: ${mine.map((k) => `${k}=${p[k]}`).join(' ')}`);
    });
    await a.setMicrophone(false);
    expect(a.participants[0].audioEnabled).to.be.false;
    expect(before[0].audioEnabled).to.be.true;
    expect(a.localStream!.getAudioTracks()[0].enabled).to.be.false;
    await until(() => b.participants[1]?.audioEnabled === false, 'Ben to see Ana muted');

    await a.setCamera(false);
    expect(a.localStream!.getVideoTracks()).to.have.length(0);
    expect(a.participants[0].videoEnabled).to.be.false;
    await until(() => remoteTiles(b)[0]?.videoOff === true, "Ben to see Ana's camera off");

    await Promise.all([a.setCamera(true), a.setMicrophone(true)]);
    expect(a.localStream!.getVideoTracks()[0].readyState).to.equal('live');
    await until(() => b.participants[1]?.videoEnabled && b.participants[1]?.audioEnabled, 'Ben to see Ana back');
    a.name = 'Ana B.';
    await until(() => b.participants[1]?.name === 'Ana B.', 'Ben to see her new name');
    // Ben's page was told each change as it came, with what changed.
    await until(() => updates.length >= 5, 'the updates');
    expect(updates.join('; ')).to.match(
      /^Ana: audioEnabled=false; Ana: videoEnabled=false; (Ana: videoEnabled=true; Ana: audioEnabled=true|Ana: audioEnabled=true; Ana: videoEnabled=true|Ana: audioEnabled=true videoEnabled=true|Ana: videoEnabled=true audioEnabled=true); Ana B\.: name=Ana B\.$/,
    );
  });

  it('setCamera(true) rejects with camera-denied when the browser refuses, and the call goes on', async () => {
    const { a } = await pair();
    await a.setCamera(false);
    const md = navigator.mediaDevices;
    const real = md.getUserMedia.bind(md);
    md.getUserMedia = async (c?: MediaStreamConstraints) => {
      if (c?.video) throw new DOMException('Permission denied', 'NotAllowedError');
      return real(c);
    };
    try {
      expect((await rejection(a.setCamera(true))).code).to.equal('camera-denied');
    } finally {
      md.getUserMedia = real;
    }
    expect(a.state).to.equal('joined');
    await a.setCamera(true);
    expect(a.participants[0].videoEnabled).to.be.true;
  });

  it('setDevices switches the camera and fires rtc-device-change; an unknown device changes nothing', async () => {
    const room = uniqueRoom();
    const el = document.createElement('rtc-call');
    Object.assign(el, { noPrejoin: true, server: brokers.open, room });
    const told: RtcDeviceChangeDetail[] = [];
    el.addEventListener('rtc-device-change', (e) => told.push(e.detail));
    (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
    // The camera in use is told as soon as it opens, the list a moment later (its labels need the camera): wait for
    // both in one event.
    await until(
      () =>
        el.state === 'joined' &&
        told.at(-1)!.selected.videoinput !== '' &&
        told.at(-1)!.devices.some((d) => d.kind === 'videoinput'),
      'the camera and the list to be told',
    );
    const first = told.at(-1)!;
    const cameras = first.devices.filter((d) => d.kind === 'videoinput');
    expect(cameras.length).to.be.greaterThan(1);
    // Chromium's fake_device_1 is a depth camera; fake_device_2 is an ordinary one.
    const other = cameras.find((d) => d.label === 'fake_device_2')!;
    expect(first.selected.videoinput).to.not.equal(other.deviceId);

    const unknown = await rejection(el.setDevices({ videoinput: other.deviceId, audioinput: 'no-such-microphone' }));
    expect(unknown.code).to.equal('unknown-device');
    expect((await rejection(el.setDevices({ webcam: 'x' } as never))).code).to.equal('unknown-device');
    expect(el.localStream!.getVideoTracks()[0].getSettings().deviceId).to.equal(first.selected.videoinput);

    const change = oneEvent(el, 'rtc-device-change');
    await el.setDevices({ videoinput: other.deviceId });
    expect(el.localStream!.getVideoTracks()[0].getSettings().deviceId).to.equal(other.deviceId);
    const event = await change;
    expect(event.bubbles && event.composed).to.be.true;
    expect(event.detail.selected.videoinput).to.equal(other.deviceId);
  });
});
