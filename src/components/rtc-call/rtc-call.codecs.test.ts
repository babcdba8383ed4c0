import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import { brokers, until, uniqueRoom } from '../../test-support.js';
import './rtc-call.js';

/**
 * Both ends of a connection learn, once connected, that they do H.264 in hardware (this page's MediaCapabilities say
 * so when the test lets them). Each would offer again at once, and perfect negotiation would roll one offer back: in
 * Chromium that left the polite side's remote video decoded but never shown. Only the caller may offer again.
 */

let release!: () => void;
const known = new Promise<void>((resolve) => (release = resolve));
const caps = navigator.mediaCapabilities;
for (const method of ['decodingInfo', 'encodingInfo'] as const) {
  const real = caps[method].bind(caps) as (config: unknown) => Promise<MediaCapabilitiesInfo>;
  Object.defineProperty(caps, method, {
    configurable: true,
    value: async (config: { video?: { contentType?: string } }) => {
      const info = await real(config);
      if (!/^video\/h264/i.test(config?.video?.contentType ?? '')) return info;
      await known;
      return { ...info, powerEfficient: true };
    },
  });
}

/** Every offer a connection of this page applies from the other side while it has one of its own out: a glare. */
const glares: string[] = [];
const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, d?: RTCSessionDescriptionInit) {
  if (d?.type === 'offer' && this.signalingState === 'have-local-offer') glares.push(this.signalingState);
  return setRemote.call(this, d as RTCSessionDescriptionInit);
} as typeof setRemote;

const frames = (t: RtcVideoTile) => t.shadowRoot!.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames;
const remoteTile = (el: RtcCall) => el.shadowRoot!.querySelector<RtcVideoTile>('rtc-video-tile:not([local])')!;

describe('rtc-call: codecs', () => {
  afterEach(() => fixtureCleanup());

  it('when both ends learn, connected, that they do H.264 in hardware, only the caller offers again, and both see the other', async () => {
    const room = uniqueRoom('codecs');
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin id="a" server=${brokers.open} room=${room} name="Ana"></rtc-call>
        <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben"></rtc-call>
      </div>`,
    );
    const calls = [...wrap.querySelectorAll<RtcCall>('rtc-call')];
    for (const el of calls)
      await until(
        () => el.participants[1]?.connection === 'connected' && frames(remoteTile(el)) > 0,
        `${el.id} sees the other`,
      );
    const codecs = async (el: RtcCall) => {
      const s = await el.call!.stats(el.participants[1].id);
      return `${s?.video.send?.codec}/${s?.video.receive?.codec}`;
    };
    /** What both ends carry, read until it is `want` (bounded: 15 s). */
    const settle = async (want: string) => {
      let got: string[] = [];
      for (const end = Date.now() + 15000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
        got = await Promise.all(calls.map(codecs));
        if (got.every((c) => c === want)) break;
      }
      return got;
    };
    expect(await settle('VP8/VP8'), 'VP8 before').to.deep.equal(['VP8/VP8', 'VP8/VP8']);

    release();
    expect(await settle('H264/H264'), 'H.264 both ways at both ends').to.deep.equal(['H264/H264', 'H264/H264']);
    expect(glares, 'offers that crossed').to.deep.equal([]);
    // Each one's picture of the other goes on after the switch.
    for (const el of calls) {
      const tile = remoteTile(el);
      const before = frames(tile);
      await until(() => frames(tile) > before + 10, `${el.id}'s picture of the other to advance`, 10000);
    }
  });
});
