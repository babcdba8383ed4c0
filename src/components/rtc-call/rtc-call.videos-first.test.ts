import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import { brokers, drawn, uniqueRoom, until } from '../../test-support.js';
import './rtc-call.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const busy = (el: RtcCall) => part(el, 'base')!.getAttribute('aria-busy') === 'true';
const tiles = (el: RtcCall) => [...el.shadowRoot!.querySelectorAll<RtcVideoTile>('rtc-video-tile')];
const remoteTile = (el: RtcCall) => tiles(el).find((t) => !t.local);
const videoOf = (tile: RtcVideoTile) => tile.shadowRoot!.querySelector('video')!;
/** Frames shown by a tile's video so far. */
const frames = (tile: RtcVideoTile) => videoOf(tile).getVideoPlaybackQuality().totalVideoFrames;

/** A call already in `room`, drawn in full (alone there for a moment). */
async function first(room: string, wrap: HTMLElement) {
  const b = document.createElement('rtc-call');
  Object.assign(b, { noPrejoin: true, server: brokers.open, room, name: 'Ben' });
  wrap.append(b);
  await until(() => b.state === 'joined', 'Ben in the room');
  await drawn(b);
  return b;
}

describe('rtc-call: the videos first (videos-first)', () => {
  afterEach(() => fixtureCleanup());

  it('draws only the videos until the first picture from someone else, then the rest around the same <video>s', async () => {
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(html`<div></div>`);
    await first(room, wrap);
    const a = document.createElement('rtc-call');
    // Only the picture may end it here: no deadline within the test's time.
    Object.assign(a, { noPrejoin: true, server: brokers.open, room, name: 'Ana', videosFirst: 60000 });
    /** What the page showed when Ben's first picture was on Ana's screen. */
    let atFrame: { busy: boolean; controls: boolean; videoOnly: boolean; video: HTMLVideoElement } | undefined;
    a.addEventListener('rtc-tile-frame', (e) => {
      const tile = e.composedPath()[0] as RtcVideoTile;
      if (tile.local || atFrame) return;
      atFrame = { busy: busy(a), controls: !!part(a, 'controls'), videoOnly: tile.videoOnly, video: videoOf(tile) };
    });
    // On screen: a video out of sight shows no picture (there the deadline ends the wait).
    wrap.prepend(a);
    await a.updateComplete;
    expect(a.callState, 'joining').to.equal('joining');
    expect(busy(a), 'busy while only the videos are drawn').to.be.true;
    expect(part(a, 'controls'), 'no toolbar yet').to.equal(null);
    expect(part(a, 'status'), 'no status line yet').to.equal(null);

    await until(() => !!atFrame, "Ben's first picture on Ana's screen");
    expect(atFrame).to.include({ busy: true, controls: false, videoOnly: true });
    await drawn(a);
    expect(part(a, 'leave-button'), 'the toolbar, once the picture is there').to.not.equal(null);
    const tile = remoteTile(a)!;
    expect(tile.videoOnly).to.be.false;
    expect(part(tile, 'name')!.textContent).to.equal('Ben');
    // The same <video>, still playing Ben: drawing the rest did not start his picture again.
    expect(videoOf(tile)).to.equal(atFrame!.video);
    expect(videoOf(tile).srcObject).to.equal(a.participants.find((p) => !p.local)!.stream);
    const before = frames(tile);
    await until(() => frames(tile) > before + 5, "Ben's video going on");
  });

  it('alone in the room, draws the rest after a moment; videos-first="0" draws everything at once', async () => {
    const alone = await fixture<RtcCall>(
      html`<rtc-call no-prejoin videos-first="60000" server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    expect(busy(alone)).to.be.true;
    await until(() => alone.state === 'joined', 'joined');
    await drawn(alone);
    expect(part(alone, 'status')!.textContent).to.contain('Waiting for others');

    const now = await fixture<RtcCall>(
      html`<rtc-call no-prejoin videos-first="0" server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    expect(now.callState).to.equal('joining');
    expect(busy(now)).to.be.false;
    expect(part(now, 'leave-button')).to.not.equal(null);
    expect(part(now, 'status')!.textContent).to.contain('Joining');
  });

  it('the pre-join screen and manual calls are drawn in full from the start', async () => {
    const pre = await fixture<RtcCall>(html`<rtc-call server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    expect(busy(pre)).to.be.false;
    expect(part(pre, 'join-button')).to.not.equal(null);
    await pre.join();
    expect(busy(pre)).to.be.false;
    expect(part(pre, 'leave-button')).to.not.equal(null);
  });
});
