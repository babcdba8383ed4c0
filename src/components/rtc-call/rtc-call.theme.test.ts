import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { LitElement } from 'lit';
import type { RtcCall } from './rtc-call.js';
import { brokers, drawn, uniqueRoom, until } from '../../test-support.js';
import './rtc-call.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
const colors = (el: RtcCall) => {
  const base = getComputedStyle(part(el, 'base'));
  return { background: base.backgroundColor, color: base.color, scheme: getComputedStyle(el).colorScheme };
};

/**
 * Every element in the shadow trees that a page cannot reach with `::part`: each must have a part (or be inside an
 * icon, or be a slot), and a part inside a nested element must be exported by it, and by every element around it.
 */
function unreachable(root: ShadowRoot, exported?: Set<string>): string[] {
  const found: string[] = [];
  const reaches = (names: string[]) => !exported || names.some((p) => exported.has(p));
  for (const node of root.querySelectorAll('*')) {
    if (node.closest('svg') || node.closest('[hidden]') || ['slot', 'style', 'option'].includes(node.localName))
      continue;
    const parts = [...node.part];
    if (node.shadowRoot) {
      const maps = (node.getAttribute('exportparts') ?? '')
        .split(',')
        .map((m) => m.split(':').map((name) => name.trim()))
        .filter(([inner]) => inner);
      if (!parts.length && !maps.length) found.push(node.localName);
      if (parts.length && !reaches(parts)) found.push(`${node.localName} part="${parts}" (not exported)`);
      // What it exports reaches the page only if the element it sits in exports it too.
      for (const [inner, outer = inner] of maps)
        if (!reaches([outer])) found.push(`${node.localName} exports ${outer} (not exported further)`);
      const names = new Set(maps.map(([inner]) => inner));
      found.push(...unreachable(node.shadowRoot, names).map((p) => `${node.localName} > ${p}`));
      continue;
    }
    if (!parts.length) found.push(`${node.localName}${node.id ? '#' + node.id : ''} (no part)`);
    else if (!reaches(parts)) found.push(`${node.localName} part="${parts}" (not exported)`);
  }
  return found;
}

describe('rtc-call: themes and parts', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
    fixtureCleanup();
  });

  it('theme="light" and theme="dark" differ, and without one it follows prefers-color-scheme', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call id="light" manual theme="light" server=${brokers.open} room="r"></rtc-call>
        <rtc-call id="dark" manual theme="dark" server=${brokers.open} room="r"></rtc-call>
        <rtc-call id="auto" manual server=${brokers.open} room="r"></rtc-call>
      </div>`,
    );
    const [light, dark, auto] = ['light', 'dark', 'auto'].map((id) => wrap.querySelector<RtcCall>(`#${id}`)!);
    const lightColors = colors(light);
    const darkColors = colors(dark);
    expect(lightColors.background).to.not.equal(darkColors.background);
    expect(lightColors.color).to.not.equal(darkColors.color);
    expect([lightColors.scheme, darkColors.scheme]).to.deep.equal(['light', 'dark']);
    expect(colors(auto)).to.deep.equal(lightColors);

    await emulateMedia({ colorScheme: 'dark' });
    await until(() => colors(auto).background === darkColors.background, 'the unthemed call to turn dark');
    expect(colors(auto)).to.deep.equal(darkColors);
    // An explicit theme is kept whatever the system prefers.
    expect(colors(light)).to.deep.equal(lightColors);

    // The page's own custom properties win over either theme.
    dark.style.setProperty('--rtc-call-background', 'rgb(1, 2, 3)');
    expect(colors(dark).background).to.equal('rgb(1, 2, 3)');
    // Reflected, for the page's CSS.
    auto.theme = 'light';
    await auto.updateComplete;
    expect(auto.getAttribute('theme')).to.equal('light');
    expect(colors(auto)).to.deep.equal(lightColors);
  });

  it('the device picker inside the call follows its theme', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call no-prejoin theme="dark" server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await until(() => el.state === 'joined', 'joined');
    await drawn(el);
    part(el, 'devices-button').click();
    await el.updateComplete;
    // Built when opened: its own first render follows the call's.
    await (part(el, 'device-picker') as LitElement).updateComplete;
    const picker = part(part(el, 'device-picker'), 'base');
    const darkBackground = getComputedStyle(picker).backgroundColor;
    el.theme = 'light';
    await el.updateComplete;
    expect(getComputedStyle(picker).backgroundColor).to.not.equal(darkBackground);
  });

  it('every visible piece can be reached with ::part: pre-join with a notice, and in a call with the picker open', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call manual server=${brokers.unreachable} room="r"></rtc-call>`);
    expect(unreachable(el.shadowRoot!)).to.deep.equal([]);
    el.server = brokers.open;
    el.room = uniqueRoom();
    const other = document.createElement('rtc-call');
    Object.assign(other, { noPrejoin: true, server: brokers.open, room: el.room });
    el.after(other);
    await el.join();
    await until(() => el.participants.length === 2, 'the other to come');
    part(el, 'devices-button').click();
    await el.updateComplete;
    // A notice with its dismiss button: the camera, turned off and on again, is refused.
    await el.setCamera(false);
    const md = navigator.mediaDevices;
    const real = md.getUserMedia.bind(md);
    md.getUserMedia = async () => {
      throw new DOMException('Permission denied', 'NotAllowedError');
    };
    try {
      await el.setCamera(true).catch(() => {});
    } finally {
      md.getUserMedia = real;
    }
    await el.updateComplete;
    expect(part(el, 'notice-dismiss')).to.exist;
    expect(unreachable(el.shadowRoot!)).to.deep.equal([]);

    // The chat, the people list, the reactions menu, and a tile's connection details, each open.
    for (const [button, shown] of [
      ['chat-button', 'rtc-chat'],
      ['people-button', 'rtc-participant-list'],
      ['reactions-button', '[part~="reaction-menu"]'],
    ]) {
      part(el, button).click();
      // The panels are chunks of their own: loaded, defined and rendered.
      await until(() => {
        const panel = el.shadowRoot!.querySelector(shown);
        return !!panel && (!shown.startsWith('rtc-') || !!panel.shadowRoot?.children.length);
      }, shown);
      await el.updateComplete;
      expect(unreachable(el.shadowRoot!).join('; '), `with ${shown} open`).to.equal('');
      if (button === 'reactions-button') part(el, button).click();
    }
    const tile = [...el.shadowRoot!.querySelectorAll('rtc-video-tile')].find((t) => !t.local)!;
    await until(() => !!part(tile, 'quality'), 'the quality badge');
    part(tile, 'quality').click();
    await until(
      () => !!tile.shadowRoot!.querySelector('rtc-quality-details')?.shadowRoot?.querySelector('[part~="row"]'),
      'the connection details',
    );
    expect(unreachable(el.shadowRoot!).join('; '), 'with the connection details open').to.equal('');
    other.remove();
  });
});
