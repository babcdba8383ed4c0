import { expect, fixture, html } from '@open-wc/testing';
import { initials, type RtcVideoTile } from './rtc-video-tile.js';
import type { Participant } from '../../engine/types.js';
import './rtc-video-tile.js';

const person = (over: Partial<Participant> = {}): Participant => ({
  id: 'abcdefghijklmnop',
  name: 'Ana Lopez',
  local: false,
  stream: null,
  audioEnabled: true,
  videoEnabled: true,
  connection: 'connected',
  weakLink: false,
  hand: false,
  speaking: false,
  quality: null,
  ...over,
});

async function cameraStream(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ video: true, audio: true });
}

describe('rtc-video-tile', () => {
  it('initials come from the first and last word', () => {
    expect(initials('Ana Lopez')).to.equal('AL');
    expect(initials('  ana  ')).to.equal('A');
    expect(initials('Jean Paul Sartre')).to.equal('JS');
    expect(initials('')).to.equal('?');
    expect(initials('élodie ñu')).to.equal('ÉÑ');
  });

  it('video-only shows the video alone; rtc-tile-frame says when its first picture is on screen', async () => {
    const stream = await cameraStream();
    const frames: string[] = [];
    const el = await fixture<RtcVideoTile>(
      html`<rtc-video-tile
        video-only
        .participant=${person({ stream, audioEnabled: false })}
        @rtc-tile-frame=${(e: CustomEvent<{ id: string }>) => frames.push(e.detail.id)}
      ></rtc-video-tile>`,
    );
    const video = el.shadowRoot!.querySelector('video')!;
    const parts = () => [...el.shadowRoot!.querySelectorAll('[part]')].map((n) => n.getAttribute('part'));
    expect(parts()).to.deep.equal(['base', 'video']);
    await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    expect(frames).to.deep.equal(['abcdefghijklmnop']);
    el.videoOnly = false;
    await el.updateComplete;
    expect(parts()).to.include.members(['base', 'video', 'label', 'name', 'mic-state']);
    // The same <video>, not a new one, so the picture goes on.
    expect(el.shadowRoot!.querySelector('video')).to.equal(video);
    expect(video.srcObject).to.equal(stream);
    stream.getTracks().forEach((t) => t.stop());
  });

  it('shows a remote participant: video playing with sound, name, no mirror', async () => {
    const stream = await cameraStream();
    const el = await fixture<RtcVideoTile>(html`<rtc-video-tile .participant=${person({ stream })}></rtc-video-tile>`);
    const video = el.shadowRoot!.querySelector('video')!;
    expect(video.srcObject).to.equal(stream);
    expect(video.muted).to.be.false;
    expect(video.hasAttribute('playsinline')).to.be.true;
    expect(el.hasAttribute('local')).to.be.false;
    expect(getComputedStyle(video).transform).to.equal('none');
    expect(el.shadowRoot!.querySelector('[part~="name"]')!.textContent!.trim()).to.equal('Ana Lopez');
    expect(el.shadowRoot!.querySelector('[part~="avatar"]')).to.be.null;
    await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
    // Playing, by itself (no user gesture), a picture of the camera's size.
    expect(video.paused).to.be.false;
    const { width, height } = stream.getVideoTracks()[0].getSettings();
    expect([video.videoWidth, video.videoHeight]).to.deep.equal([width, height]);
    await expect(el).to.be.accessible();
    stream.getTracks().forEach((t) => t.stop());
  });

  it('your own tile is local, mirrored and never played aloud', async () => {
    const stream = await cameraStream();
    const el = await fixture<RtcVideoTile>(
      html`<rtc-video-tile .participant=${person({ stream, local: true })}></rtc-video-tile>`,
    );
    const video = el.shadowRoot!.querySelector('video')!;
    expect(el.hasAttribute('local')).to.be.true;
    expect(video.muted).to.be.true;
    expect(getComputedStyle(video).transform).to.not.equal('none');
    expect(el.shadowRoot!.querySelector('[part~="name"]')!.textContent).to.contain('(you)');
    await expect(el).to.be.accessible();
    stream.getTracks().forEach((t) => t.stop());
  });

  it('shows the initials avatar when the camera is off, and the muted microphone', async () => {
    const el = await fixture<RtcVideoTile>(
      html`<rtc-video-tile .participant=${person({ videoEnabled: false, audioEnabled: false })}></rtc-video-tile>`,
    );
    expect(el.hasAttribute('video-off')).to.be.true;
    expect(el.hasAttribute('audio-muted')).to.be.true;
    expect(el.shadowRoot!.querySelector('[part~="avatar"]')!.textContent!.trim()).to.equal('AL');
    expect(el.shadowRoot!.querySelector('[part~="mic-state"]')).to.exist;
    expect(el.shadowRoot!.querySelector('[part~="camera-state"]')).to.exist;
    expect(el.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('aria-label')).to.equal(
      'Ana Lopez, microphone off, camera off',
    );
    await expect(el).to.be.accessible();
  });

  it('says when a participant is still connecting', async () => {
    const el = await fixture<RtcVideoTile>(
      html`<rtc-video-tile .participant=${person({ connection: 'reconnecting' })}></rtc-video-tile>`,
    );
    expect(el.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.equal('Reconnecting…');
  });

  it('says when a participant sends no video because the connection is weak, and clears it when video is back', async () => {
    const stream = await cameraStream();
    const el = await fixture<RtcVideoTile>(
      html`<rtc-video-tile .participant=${person({ stream, weakLink: true })}></rtc-video-tile>`,
    );
    const root = el.shadowRoot!;
    expect(el.hasAttribute('weak-link')).to.be.true;
    expect(el.hasAttribute('video-off')).to.be.false;
    expect(root.querySelector('[part~="weak-link"]')!.textContent).to.equal('Weak connection: video paused');
    expect(root.querySelector('[part~="weak-link"]')!.getAttribute('role')).to.equal('status');
    // Not a frozen frame: the avatar shows, without the camera-off icon or words (their camera is on).
    expect(getComputedStyle(root.querySelector('video')!).visibility).to.equal('hidden');
    expect(root.querySelector('[part~="avatar"]')).to.exist;
    expect(root.querySelector('[part~="camera-state"]')).to.be.null;
    expect(root.querySelector('[part~="base"]')!.getAttribute('aria-label')).to.equal('Ana Lopez');
    await expect(el).to.be.accessible();

    el.participant = person({ stream });
    await el.updateComplete;
    expect(el.hasAttribute('weak-link')).to.be.false;
    expect(root.querySelector('[part~="weak-link"]')).to.be.null;
    expect(root.querySelector('[part~="avatar"]')).to.be.null;
    expect(getComputedStyle(root.querySelector('video')!).visibility).to.equal('visible');
    stream.getTracks().forEach((t) => t.stop());
  });

  it('says it in Chinese on a Chinese page', async () => {
    const stream = await cameraStream();
    const el = await fixture<RtcVideoTile>(
      html`<div lang="zh-CN">
        <rtc-video-tile .participant=${person({ stream, weakLink: true })}></rtc-video-tile>
      </div>`,
    );
    const tile = el.querySelector('rtc-video-tile')!;
    const notice = () => tile.shadowRoot!.querySelector('[part~="weak-link"]')?.textContent;
    // The language file loads on first use.
    for (let i = 0; i < 100 && notice() !== '网络连接较弱：视频已暂停'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(notice()).to.equal('网络连接较弱：视频已暂停');
    stream.getTracks().forEach((t) => t.stop());
  });

  it('is themed through custom properties', async () => {
    const el = await fixture<RtcVideoTile>(
      html`<rtc-video-tile
        style="--rtc-tile-radius: 3px; --rtc-tile-background: rgb(1, 2, 3)"
        .participant=${person()}
      ></rtc-video-tile>`,
    );
    const base = el.shadowRoot!.querySelector('[part~="base"]')!;
    expect(getComputedStyle(base).borderTopLeftRadius).to.equal('3px');
    expect(getComputedStyle(base).backgroundColor).to.equal('rgb(1, 2, 3)');
  });
});
