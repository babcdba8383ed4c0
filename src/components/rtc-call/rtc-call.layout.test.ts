import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendMouse, setViewport } from '@web/test-runner-commands';
import type { RtcCall } from './rtc-call.js';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import type { Participant } from '../../engine/types.js';
import { brokers, drawn, rejection, uniqueRoom, until } from '../../test-support.js';
import './rtc-call.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const tilesIn = (el: RtcCall) => [...el.shadowRoot!.querySelectorAll<RtcVideoTile>('rtc-video-tile')];
const placeOf = (t: Element) => t.parentElement?.getAttribute('part');

/**
 * A real click where the element is (the browser wants one for full screen, picture-in-picture and sharing), once the
 * layout has settled: the grid is laid out from the size its observer reports a frame later.
 */
async function click(target: Element) {
  let r = target.getBoundingClientRect();
  for (let same = 0; same < 2;) {
    await new Promise((done) => requestAnimationFrame(done));
    const now = target.getBoundingClientRect();
    same = now.x === r.x && now.y === r.y ? same + 1 : 0;
    r = now;
  }
  await sendMouse({ type: 'click', position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] });
}

function person(i: number): Participant {
  return {
    id: `p${i}`,
    name: `Person ${i}`,
    local: i === 0,
    stream: null,
    audioEnabled: true,
    videoEnabled: false,
    connection: 'connected',
    weakLink: false,
    screen: null,
  };
}

/** Two widgets in one room, each seeing the other. */
async function pair() {
  const room = uniqueRoom();
  const wrap = await fixture<HTMLDivElement>(
    html`<div style="max-width: 900px">
      <rtc-call no-prejoin id="a" server=${brokers.open} room=${room} name="Ana"></rtc-call>
      <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben"></rtc-call>
    </div>`,
  );
  const a = wrap.querySelector<RtcCall>('#a')!;
  const b = wrap.querySelector<RtcCall>('#b')!;
  for (const el of [a, b]) {
    await until(() => el.participants.length === 2 && !!el.participants[1]?.stream, `${el.id} to see the other`);
    await drawn(el);
  }
  return { a, b };
}

type Rect = { x: number; y: number; w: number; h: number; place: string };

describe('rtc-call: layouts', () => {
  afterEach(async () => {
    fixtureCleanup();
    await setViewport({ width: 800, height: 600 });
  });

  // The widget lays out real tiles; the call behind it is left out (its participants are set on its controller),
  // so that 1 to 6 tiles cost nothing. The real calls are below and in test/e2e/screen-share.test.js.
  for (const [width, height] of [
    [1280, 800],
    [360, 740],
  ])
    it(`at ${width}x${height}, 1 to 6 tiles in grid and speaker: 16:9 within 1 px, inside the call, not overlapping`, async () => {
      await setViewport({ width, height });
      // As on a page: a column with some padding (the demo's).
      const wrap = await fixture<HTMLDivElement>(
        html`<div style="max-width: 1100px; margin: 0 auto; padding: 16px"><rtc-call></rtc-call></div>`,
      );
      const el = wrap.querySelector('rtc-call')!;
      const controller = (el as unknown as { controller: { participants: Participant[]; state: string } }).controller;
      controller.state = 'joined';
      const report: string[] = [];
      for (const layout of ['grid', 'speaker'] as const) {
        await el.setLayout(layout);
        for (let n = 1; n <= 6; n++) {
          controller.participants = Array.from({ length: n }, (_, i) => person(i));
          el.requestUpdate();
          // Laid out once the area is measured and the tiles have their size.
          let rects: Rect[] = [];
          await until(() => {
            rects = tilesIn(el).map((t) => {
              const r = t.getBoundingClientRect();
              return { x: r.x, y: r.y, w: r.width, h: r.height, place: placeOf(t) ?? '' };
            });
            const stageShown = n < 2 || layout === 'grid' || rects.some((r) => r.place === 'stage');
            return rects.length === n && rects.every((r) => r.w > 40) && stageShown;
          }, `${n} tiles laid out (${layout})`);
          // Settled: the same twice.
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const call = el.getBoundingClientRect();
          const what = `${layout}, ${n} tiles at ${width}x${height}`;
          for (const r of rects) {
            expect(Math.abs(r.h - (r.w * 9) / 16), `${what}: 16:9 (${r.w}x${r.h})`).to.be.at.most(1);
          }
          const strip = part(el, 'filmstrip');
          for (const r of rects) {
            // A filmstrip that does not hold all its tiles scrolls: they are inside it along its width or height.
            const box = r.place === 'filmstrip' ? strip!.getBoundingClientRect() : call;
            const scrolls =
              r.place === 'filmstrip' &&
              (strip!.scrollWidth > strip!.clientWidth || strip!.scrollHeight > strip!.clientHeight);
            const across = strip && strip.scrollWidth > strip.clientWidth;
            if (!scrolls || across) {
              expect(r.y, `${what}: top inside`).to.be.at.least(box.y - 0.5);
              expect(r.y + r.h, `${what}: bottom inside`).to.be.at.most(box.y + box.height + 0.5);
            }
            if (!scrolls || !across) {
              expect(r.x, `${what}: left inside`).to.be.at.least(box.x - 0.5);
              expect(r.x + r.w, `${what}: right inside`).to.be.at.most(box.x + box.width + 0.5);
            }
          }
          expect(strip ? strip.getBoundingClientRect().right : 0).to.be.at.most(call.right + 0.5);
          for (let i = 0; i < rects.length; i++)
            for (let j = i + 1; j < rects.length; j++) {
              const [p, q] = [rects[i]!, rects[j]!];
              const overlap =
                Math.max(0, Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x)) *
                Math.max(0, Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y));
              expect(overlap, `${what}: tiles ${i} and ${j} overlap`).to.be.at.most(1);
            }
          if (layout === 'speaker' && n > 1) {
            const stage = rects.filter((r) => r.place === 'stage');
            expect(stage, `${what}: one tile on the stage`).to.have.length(1);
            for (const r of rects.filter((x) => x.place === 'filmstrip'))
              expect(r.w, `${what}: the stage is larger`).to.be.below(stage[0]!.w);
          }
          expect(document.documentElement.scrollWidth, `${what}: no horizontal page scroll`).to.be.at.most(width);
          const sizes = rects.map((r) => `${r.place} ${Math.round(r.w)}x${Math.round(r.h)}`);
          report.push(`${what}: ${sizes.join(', ')}`);
        }
      }
      // Every button a finger may press is at least 44 px each way, in the control bar and on the tiles.
      const buttons = [
        ...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="control"]'),
        ...tilesIn(el).flatMap((t) => [...t.shadowRoot!.querySelectorAll<HTMLElement>('[part~="controls"] button')]),
      ];
      expect(buttons.length).to.be.above(6);
      for (const b of buttons) {
        const r = b.getBoundingClientRect();
        expect(Math.min(r.width, r.height), `${b.getAttribute('part')}: a touch target`).to.be.at.least(44);
      }
      console.log(report.join('\n'));
    });

  it('speaker layout, pin() and the tile’s pin button; the stage asks for more video, the filmstrip for less', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { a } = await pair();
    const ben = a.participants[1]!.id;
    const self = a.participants[0]!.id;
    const told: Record<string, number> = {};
    a.addEventListener('rtc-tile-view', (e) => (told[e.detail.id] = e.detail.height));
    const layouts: string[] = [];
    a.addEventListener('rtc-layout-change', (e) => layouts.push(`${e.detail.layout} ${e.detail.pinned}`));
    expect(a.layout).to.equal('grid');
    expect(part(a, 'grid')).to.exist;
    expect(tilesIn(a).map(placeOf)).to.deep.equal(['grid', 'grid']);

    await a.setLayout('speaker');
    expect(a.getAttribute('layout')).to.equal('speaker');
    const onStage = () => tilesIn(a).find((t) => placeOf(t) === 'stage')?.participant?.id;
    await until(() => onStage() === ben, 'Ben on the stage (the most recent remote tile)');
    await until(() => (told[ben] ?? 0) >= 360, 'the stage to ask for a large video');
    const large = told[ben]!;

    await a.pin(self);
    await until(() => onStage() === self, 'her own tile pinned to the stage');
    await until(() => (told[ben] ?? 0) < large, 'the filmstrip to ask for less');
    expect(told[ben]).to.be.at.most(270);
    expect(tilesIn(a).find((t) => t.participant?.id === self)!.pinned).to.be.true;

    // The tile's own pin button: pins Ben, then unpins.
    const benTile = tilesIn(a).find((t) => t.participant?.id === ben)!;
    const pinButton = part(benTile, 'pin-button')!;
    expect(pinButton.getAttribute('aria-pressed')).to.equal('false');
    pinButton.click();
    await until(() => onStage() === ben, 'Ben pinned by his tile’s button');
    const pinned = tilesIn(a).find((t) => t.participant?.id === ben)!;
    await pinned.updateComplete;
    expect(part(pinned, 'pin-button')!.getAttribute('aria-pressed')).to.equal('true');
    part(pinned, 'pin-button')!.click();
    await until(() => !tilesIn(a).some((t) => t.pinned), 'unpinned');

    // In the grid, a pin takes the stage too; pin(null) gives the grid back.
    await a.setLayout('grid');
    await a.pin(ben);
    await until(() => onStage() === ben, 'a pin takes the stage in the grid');
    await a.pin(null);
    await until(() => !!part(a, 'grid'), 'the grid back');

    // Each change told once, in order, whichever way it came (method, button, attribute).
    a.setAttribute('layout', 'speaker');
    await a.updateComplete;
    expect(layouts).to.deep.equal([
      'speaker null',
      `speaker ${self}`,
      `speaker ${ben}`,
      'speaker null',
      'grid null',
      `grid ${ben}`,
      'grid null',
      'speaker null',
    ]);
    await a.setLayout('grid');

    const badLayout = await rejection(a.setLayout('mosaic' as 'grid'));
    expect([badLayout.name, badLayout.code]).to.deep.equal(['RtcError', 'invalid-layout']);
    const badPin = await rejection(a.pin('nobody'));
    expect(badPin.code).to.equal('unknown-participant');
    expect(a.layout).to.equal('grid');
  });

  it('shares a screen from the button: its tile takes the stage on both sides; axe passes; the button goes where sharing cannot be done', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { a, b } = await pair();
    const shares: [string, boolean][] = [];
    b.addEventListener('rtc-screen-share', (e) => shares.push([e.detail.participant.name, e.detail.sharing]));
    const button = part(a, 'screen-button')!;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    await click(button);
    await until(() => !!a.participants[0]?.screen, 'Ana shares');
    await a.updateComplete;
    expect(part(a, 'screen-button')!.getAttribute('aria-pressed')).to.equal('true');
    await until(() => !!b.participants.find((p) => p.name === 'Ana')?.screen, 'Ben gets her screen');
    expect(shares).to.deep.equal([['Ana', true]]);
    for (const el of [a, b]) {
      await until(
        () => tilesIn(el).some((t) => t.screen && placeOf(t) === 'stage'),
        `${el.id}: the screen on the stage`,
      );
      await el.updateComplete;
      const screen = tilesIn(el).find((t) => t.screen)!;
      expect(part(screen, 'name')!.textContent).to.equal(el === a ? 'Your screen' : 'Ana’s screen');
      await expect(el).to.be.accessible();
    }
    await a.stopScreenShare();
    await until(() => !tilesIn(b).some((t) => t.screen), 'the screen tile gone');
    expect(shares).to.deep.equal([
      ['Ana', true],
      ['Ana', false],
    ]);

    // Where the browser cannot share (phones): no button, and shareScreen() says why.
    const proto = MediaDevices.prototype as unknown as Record<string, unknown>;
    const real = Object.getOwnPropertyDescriptor(proto, 'getDisplayMedia')!;
    delete proto.getDisplayMedia;
    try {
      a.requestUpdate();
      await a.updateComplete;
      expect(part(a, 'screen-button')).to.equal(null);
      expect((await rejection(a.shareScreen())).code).to.equal('media-unsupported');
    } finally {
      Object.defineProperty(proto, 'getDisplayMedia', real);
    }
  });

  it('full screen for the whole call, and picture-in-picture for a tile', async () => {
    const { a, b } = await pair();
    const full = part(a, 'fullscreen-button')!;
    expect(full.getAttribute('aria-pressed')).to.equal('false');
    await click(full);
    await until(() => a.shadowRoot!.fullscreenElement === part(a, 'base'), 'the call full screen');
    // The button follows the browser's fullscreenchange.
    await until(() => part(a, 'fullscreen-button')!.getAttribute('aria-pressed') === 'true', 'the button pressed');
    await document.exitFullscreen();
    await until(() => part(a, 'fullscreen-button')!.getAttribute('aria-pressed') === 'false', 'out of full screen');

    // Where the browser has Document Picture-in-Picture (Chromium): a window with the video, the name and the
    // microphone state, which the button closes again, and which closing by itself is seen.
    const tile = tilesIn(a).find((t) => !t.local)!;
    await until(() => !!part(tile, 'pip-button'), 'a picture-in-picture button on a tile with video');
    expect(part(tile, 'pip-button')!.getAttribute('aria-pressed')).to.equal('false');
    const dpip = (window as unknown as { documentPictureInPicture: { window: Window | null } })
      .documentPictureInPicture;
    await click(part(tile, 'pip-button')!);
    await until(() => !!dpip.window?.document.querySelector('video'), 'a Document Picture-in-Picture window');
    const pipWindow = dpip.window!;
    const pipVideo = pipWindow.document.querySelector('video')!;
    expect(pipVideo.srcObject).to.equal(tile.participant!.stream);
    const first = pipVideo.getVideoPlaybackQuality().totalVideoFrames;
    await until(() => pipVideo.getVideoPlaybackQuality().totalVideoFrames > first + 5, 'the video plays in the window');
    expect(pipWindow.document.querySelector('p')!.textContent).to.equal('Ben');
    await until(() => part(tile, 'pip-button')!.getAttribute('aria-pressed') === 'true', 'the button pressed');
    // Ben mutes: the window says so.
    await b.setMicrophone(false);
    await until(
      () => pipWindow.document.querySelector('p')!.textContent === 'Ben · Microphone off',
      'the window shows the muted microphone',
    );
    // Watched in the window, the participant keeps sending even with the call out of sight; not once it closes.
    const said: number[] = [];
    tile.addEventListener('rtc-tile-view', (e) => said.push(e.detail.height));
    a.style.visibility = 'hidden';
    a.style.position = 'fixed';
    a.style.top = '-2000px';
    // The tile's size and visibility observers report in the frames that follow.
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => setTimeout(r, 200));
    expect(said.filter((h) => h === 0)).to.deep.equal([]);
    dpip.window!.close();
    await until(() => said.at(-1) === 0, 'the hidden tile says 0 once the window is closed');
    a.style.cssText = '';
    await until(() => part(tile, 'pip-button')!.getAttribute('aria-pressed') === 'false', 'closed from the window');
    await click(part(tile, 'pip-button')!);
    await until(() => !!dpip.window, 'open again');
    await click(part(tile, 'pip-button')!);
    await until(() => dpip.window === null && pipWindow.closed, 'the button closes the window');
    await until(() => part(tile, 'pip-button')!.getAttribute('aria-pressed') === 'false', 'the button not pressed');

    // Elsewhere: the video's own picture-in-picture.
    let owner: object | null = window;
    while (owner && !Object.getOwnPropertyDescriptor(owner, 'documentPictureInPicture'))
      owner = Object.getPrototypeOf(owner);
    const real = Object.getOwnPropertyDescriptor(owner!, 'documentPictureInPicture')!;
    delete (owner as Record<string, unknown>).documentPictureInPicture;
    try {
      await click(part(tile, 'pip-button')!);
      await until(() => tile.shadowRoot!.pictureInPictureElement === tile.shadowRoot!.querySelector('video'), 'PiP');
      await until(() => part(tile, 'pip-button')!.getAttribute('aria-pressed') === 'true', 'pressed for the video PiP');
      await document.exitPictureInPicture();
      await until(() => part(tile, 'pip-button')!.getAttribute('aria-pressed') === 'false', 'and not after it');
    } finally {
      Object.defineProperty(owner!, 'documentPictureInPicture', real);
    }
  });
});
