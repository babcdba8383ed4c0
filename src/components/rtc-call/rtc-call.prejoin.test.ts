import { expect, fixture, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import { brokers, until, uniqueRoom } from '../../test-support.js';
import './rtc-call.js';

const part = (el: RtcCall, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const preview = (el: RtcCall) => part(el, 'prejoin-preview') as RtcVideoTile | null;
const frames = (t: RtcVideoTile) => t.shadowRoot!.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames;
const remoteTiles = (el: RtcCall) =>
  [...el.shadowRoot!.querySelectorAll<RtcVideoTile>('rtc-video-tile:not([part~="prejoin-preview"])')].filter(
    (t) => !t.local,
  );

describe('rtc-call: the pre-join screen', () => {
  afterEach(() => fixtureCleanup());

  it('shows your camera, your microphone level and your name before you join, and joins with what you chose', async () => {
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call id="a" server=${brokers.open} room=${room} name="Ana"></rtc-call>
        <rtc-call id="b" no-prejoin server=${brokers.open} room=${room} name="Ben"></rtc-call>
      </div>`,
    );
    const a = wrap.querySelector<RtcCall>('#a')!;
    const b = wrap.querySelector<RtcCall>('#b')!;
    expect(a.state).to.equal('prejoin');
    await until(() => !!preview(a) && frames(preview(a)!) > 5, 'the preview to play the camera');
    expect(preview(a)!.local).to.be.true;
    // Chromium's fake microphone beeps: the meter moves.
    const meter = part(a, 'prejoin-meter')!;
    expect(meter.getAttribute('role')).to.equal('meter');
    await until(() => Number(meter.getAttribute('aria-valuenow')) > 0, 'the meter to show the beep', 10000);
    // The device picker is there to choose from before joining.
    const picker = part(a, 'device-picker')!;
    expect(picker.hidden).to.be.false;
    await until(
      () => (picker.shadowRoot?.querySelectorAll('select option').length ?? 0) > 0,
      'the picker to list the devices',
    );

    // Nobody sees Ana yet: she has not joined.
    await until(() => b.state === 'joined', 'Ben joined');
    expect(b.participants.length).to.equal(1);

    const name = part(a, 'prejoin-name') as HTMLInputElement;
    expect(name.value).to.equal('Ana');
    name.value = 'Ana B.';
    name.dispatchEvent(new Event('input'));
    expect(a.name).to.equal('Ana B.');
    part(a, 'prejoin-mic-button')!.click();
    await until(() => part(a, 'prejoin-mic-button')!.getAttribute('aria-pressed') === 'false', 'the mic off');
    const camera = a.shadowRoot!.querySelector<RtcVideoTile>('[part~="prejoin-preview"]')!;
    const previewTrack = (camera.participant!.stream as MediaStream).getVideoTracks()[0];
    expect(previewTrack.readyState).to.equal('live');

    part(a, 'join-button')!.click();
    await until(() => a.state === 'joined', 'Ana joined');
    expect(part(a, 'prejoin-screen')).to.be.null;
    // The camera the preview showed is the one the call sends: not opened twice.
    expect(a.localStream!.getVideoTracks()[0]).to.equal(previewTrack);
    // (Her state comes over the connection, a moment after the server's word that she is here.)
    await until(
      () => b.participants.some((p) => p.name === 'Ana B.' && !p.audioEnabled && p.videoEnabled),
      'Ben to see Ana under her new name, muted, camera on',
    );
    await until(() => remoteTiles(b).length === 1 && frames(remoteTiles(b)[0]) > 5, 'Ben to see Ana’s video');
  });

  it('Enter in the name field joins; the camera turned off there stays off in the call', async () => {
    const a = await fixture<RtcCall>(html`<rtc-call server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    await until(() => !!a.shadowRoot!.querySelector('[part~="prejoin-camera-button"][aria-pressed="true"]'), 'camera');
    part(a, 'prejoin-camera-button')!.click();
    await until(() => preview(a)?.videoOff === true, 'the preview to show the camera off');
    const name = part(a, 'prejoin-name') as HTMLInputElement;
    name.value = 'Cy';
    name.dispatchEvent(new Event('input'));
    name.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await until(() => a.state === 'joined', 'joined');
    expect(a.participants[0]).to.include({ name: 'Cy', videoEnabled: false, audioEnabled: true });
    expect(a.localStream!.getVideoTracks()).to.have.length(0);
  });

  it('start-muted and start-camera-off are the screen’s first choices', async () => {
    const a = await fixture<RtcCall>(
      html`<rtc-call server=${brokers.open} room=${uniqueRoom()} start-muted start-camera-off></rtc-call>`,
    );
    await until(() => !!preview(a), 'the preview');
    await a.updateComplete;
    expect(part(a, 'prejoin-mic-button')!.getAttribute('aria-pressed')).to.equal('false');
    expect(part(a, 'prejoin-camera-button')!.getAttribute('aria-pressed')).to.equal('false');
    expect(preview(a)!.videoOff).to.be.true;
  });

  it('a visitor who denies the camera is told why on the screen and in rtc-error, and still gets in', async () => {
    const md = navigator.mediaDevices;
    const getUserMedia = md.getUserMedia;
    md.getUserMedia = async (c?: MediaStreamConstraints) => {
      if (c?.video) throw new DOMException('Permission denied', 'NotAllowedError');
      return getUserMedia.call(md, c);
    };
    try {
      const a = document.createElement('rtc-call');
      Object.assign(a, { server: brokers.open, room: uniqueRoom(), name: 'Dee' });
      const error = oneEvent(a, 'rtc-error');
      const wrap = await fixture<HTMLDivElement>(html`<div></div>`);
      wrap.append(a);
      expect((await error).detail.code).to.equal('camera-denied');
      await a.updateComplete;
      const notice = a.shadowRoot!.querySelector<HTMLElement>('[part~="notice"][data-code="camera-denied"]')!;
      expect(notice.textContent).to.match(/camera/i);
      expect(part(a, 'prejoin-camera-button')!.getAttribute('aria-pressed')).to.equal('false');
      part(a, 'join-button')!.click();
      await until(() => a.state === 'joined', 'joined without a camera');
      expect(a.participants[0]).to.include({ videoEnabled: false, audioEnabled: true });
    } finally {
      md.getUserMedia = getUserMedia;
    }
  });

  it('leaving the page from the pre-join screen lets the camera and microphone go', async () => {
    const a = await fixture<RtcCall>(html`<rtc-call server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    await until(() => (preview(a)?.participant?.stream?.getTracks().length ?? 0) === 2, 'camera and microphone');
    const tracks = preview(a)!.participant!.stream!.getTracks();
    a.remove();
    await until(() => tracks.every((t) => t.readyState === 'ended'), 'the devices released');
  });

  it('no-prejoin skips the screen: no preview, no devices opened before joining', async () => {
    const a = await fixture<RtcCall>(
      html`<rtc-call no-prejoin manual server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await a.updateComplete;
    expect(a.state).to.equal('prejoin');
    expect(part(a, 'prejoin-screen')).to.be.null;
    // No picker either (it is built only when opened in a call), so nothing enumerates or opens devices.
    expect(part(a, 'device-picker')).to.be.null;
  });

  it('echo cancellation, noise suppression and auto gain are on, and each can be turned off', async () => {
    const on = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await until(() => !!on.localStream?.getAudioTracks().length, 'a microphone');
    expect(on.localStream!.getAudioTracks()[0].getSettings()).to.include({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
    fixtureCleanup();
    const off = await fixture<RtcCall>(
      html`<rtc-call
        server=${brokers.open}
        room=${uniqueRoom()}
        echo-cancellation="off"
        noise-suppression="off"
        auto-gain-control="off"
      ></rtc-call>`,
    );
    // Through the pre-join screen's microphone, kept for the call.
    await until(() => (preview(off)?.participant?.stream?.getAudioTracks().length ?? 0) === 1, 'a microphone');
    await off.join();
    expect(off.localStream!.getAudioTracks()[0].getSettings()).to.include({
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    });
  });
});
