import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { RtcCall } from './rtc-call.js';
import type { LitElement } from 'lit';
import { brokers, drawn, uniqueRoom, until } from '../../test-support.js';
import './rtc-call.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
/** The element that has keyboard focus, looking into shadow roots. */
function focused(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
const micOn = (el: RtcCall) => el.participants[0]?.audioEnabled;
const camOn = (el: RtcCall) => el.participants[0]?.videoEnabled;
const announced = (el: RtcCall) => part(el, 'announcer')!.textContent!.replace(/\s+/g, ' ');

/** A key pressed with a modifier held (this sendKeys takes one key per press). */
async function combo(modifier: 'Control' | 'Shift', key: string) {
  await sendKeys({ down: modifier });
  try {
    await sendKeys({ press: key });
  } finally {
    await sendKeys({ up: modifier });
  }
}

async function joined(el: RtcCall) {
  await until(() => el.state === 'joined' && !!micOn(el) && !!camOn(el), 'joined with microphone and camera');
  await el.updateComplete;
}

describe('rtc-call: accessibility', () => {
  afterEach(() => fixtureCleanup());

  it('the pre-join screen is operated by keyboard alone, with a visible focus, from the toggles to Join', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    await until(() => !!part(el, 'prejoin-preview'), 'the pre-join screen');
    await expect(el).to.be.accessible();
    const order: string[] = [];
    for (let i = 0; i < 12 && order.at(-1) !== 'control join-button'; i++) {
      await sendKeys({ press: 'Tab' });
      const control = focused() as HTMLElement;
      order.push(control.getAttribute('part') ?? control.localName);
      const style = getComputedStyle(control);
      expect(style.outlineStyle, `${order.at(-1)} shows its focus`).to.not.equal('none');
    }
    expect(order.slice(0, 3)).to.deep.equal(['control prejoin-mic-button', 'control prejoin-camera-button', 'select']);
    expect(order).to.include('prejoin-name');
    expect(order.at(-1)).to.equal('control join-button');
    // Space works the toggles there too; Enter on Join joins.
    for (let i = 1; i < order.length; i++) await combo('Shift', 'Tab');
    expect(focused()?.getAttribute('part')).to.equal('control prejoin-mic-button');
    await sendKeys({ press: 'Space' });
    await until(() => part(el, 'prejoin-mic-button')!.getAttribute('aria-pressed') === 'false', 'Space to mute');
    for (let i = 1; i < order.length; i++) await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await until(() => el.state === 'joined', 'joined');
    expect(el.participants[0].audioEnabled).to.be.false;
  });

  it('is operated by keyboard alone, with a visible focus on every control', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call manual no-prejoin server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await sendKeys({ press: 'Tab' });
    expect(focused()?.getAttribute('part')).to.equal('control join-button');
    await sendKeys({ press: 'Enter' });
    await joined(el);
    // Focus moves to the first control of the call.
    expect(focused()?.getAttribute('part')).to.equal('control mic-button');
    const seen: string[] = [];
    // The control bar's order (issue 8), of the controls this browser has.
    const order = [
      'mic-button',
      'camera-button',
      'camera-switch-button',
      'screen-button',
      'hand-button',
      'reactions-button',
      'chat-button',
      'people-button',
      'devices-button',
      'fullscreen-button',
      'leave-button',
    ].filter((name) => part(el, name));
    for (const name of order) {
      const control = focused() as HTMLElement;
      expect(control.getAttribute('part')).to.equal(`control ${name}`);
      const style = getComputedStyle(control);
      expect(style.outlineStyle, `${name} shows its focus`).to.not.equal('none');
      expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
      seen.push(name);
      if (name !== 'leave-button') await sendKeys({ press: 'Tab' });
    }
    expect(seen).to.have.length(order.length);
    expect(seen).to.include.members(['screen-button', 'fullscreen-button', 'chat-button', 'people-button']);
    // Space and Enter work the toggles.
    for (let i = 1; i < order.length; i++) await combo('Shift', 'Tab');
    expect(focused()?.getAttribute('part')).to.equal('control mic-button');
    await sendKeys({ press: 'Space' });
    await until(() => micOn(el) === false, 'Space to mute');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await until(() => camOn(el) === false, 'Enter to turn the camera off');
    for (let i = order.indexOf('camera-button'); i < order.indexOf('devices-button'); i++)
      await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part(el, 'device-picker')!.hidden).to.be.false;
  });

  it('joins and leaves are announced in a live region, in the element’s language', async () => {
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin id="en" server=${brokers.open} room=${room} name="Ana"></rtc-call>
        <rtc-call no-prejoin id="zh" server=${brokers.open} room=${room} name="安娜" lang="zh-CN"></rtc-call>
      </div>`,
    );
    const en = wrap.querySelector<RtcCall>('#en')!;
    const zh = wrap.querySelector<RtcCall>('#zh')!;
    const announcer = part(en, 'announcer')!;
    expect(announcer.getAttribute('role')).to.equal('log');
    expect(announcer.getAttribute('aria-live')).to.equal('polite');
    // Heard, not seen.
    expect(announcer.getBoundingClientRect().width).to.be.at.most(1);

    const ben = document.createElement('rtc-call');
    Object.assign(ben, { noPrejoin: true, server: brokers.open, room, name: 'Ben' });
    wrap.append(ben);
    await until(() => announced(en).includes('Ben joined the call'), 'English: Ben joined');
    await until(() => announced(zh).includes('Ben 加入了通话'), 'Chinese: Ben joined');
    ben.remove();
    await until(() => announced(en).includes('Ben left the call'), 'English: Ben left');
    await until(() => announced(zh).includes('Ben 离开了通话'), 'Chinese: Ben left');
  });

  it('Ctrl+D and Ctrl+E work the microphone and camera, but not while typing, outside a call or when turned off', async () => {
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <input id="field" aria-label="Notes" />
        <rtc-call manual server=${brokers.open} room=${uniqueRoom()}></rtc-call>
      </div>`,
    );
    const el = wrap.querySelector('rtc-call')!;
    const field = wrap.querySelector('input')!;
    const prevented: boolean[] = [];
    const record = (e: KeyboardEvent) => e.ctrlKey && e.code !== 'ControlLeft' && prevented.push(e.defaultPrevented);
    document.addEventListener('keydown', record);
    try {
      // Outside a call: the browser keeps its keys.
      await combo('Control', 'KeyD');
      expect(prevented).to.deep.equal([false]);

      await el.join();
      await joined(el);
      document.body.focus();
      // Handled at once, as the key goes down.
      await combo('Control', 'KeyD');
      expect(micOn(el)).to.be.false;
      await combo('Control', 'KeyE');
      expect(camOn(el)).to.be.false;
      await combo('Control', 'KeyD');
      expect(micOn(el)).to.be.true;
      expect(prevented.slice(1)).to.deep.equal([true, true, true]);
      expect(part(el, 'mic-button')!.getAttribute('aria-keyshortcuts')).to.equal('Control+D Meta+D');

      // Typing in the page's own field: the key is the field's.
      field.focus();
      await combo('Control', 'KeyD');
      expect(micOn(el)).to.be.true;
      expect(prevented.at(-1)).to.be.false;
      field.blur();

      el.shortcuts = 'off';
      await el.updateComplete;
      await combo('Control', 'KeyD');
      expect(micOn(el)).to.be.true;
      expect(prevented.at(-1)).to.be.false;
      expect(part(el, 'mic-button')!.hasAttribute('aria-keyshortcuts')).to.be.false;

      el.setAttribute('shortcuts', 'on');
      await el.updateComplete;
      await combo('Control', 'KeyD');
      expect(micOn(el)).to.be.false;
    } finally {
      document.removeEventListener('keydown', record);
    }
  });

  it('passes axe: pre-join, in a call (English and Chinese, picker open), and after a refused join', async () => {
    const prejoin = await fixture<RtcCall>(
      html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}><p slot="prejoin">Hello</p></rtc-call>`,
    );
    await expect(prejoin).to.be.accessible();

    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin id="a" server=${brokers.open} room=${room} name="Ana"></rtc-call>
        <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben" lang="zh-CN" theme="dark"></rtc-call>
      </div>`,
    );
    for (const el of wrap.querySelectorAll('rtc-call')) {
      await until(() => el.participants.length === 2, 'both in the call');
      await drawn(el);
      part(el, 'devices-button')!.click();
      await el.updateComplete;
      // Built when opened: its own first render follows the call's.
      await (part(el, 'device-picker') as LitElement).updateComplete;
      await expect(el).to.be.accessible();
    }

    const refused = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room="no spaces allowed"></rtc-call>`,
    );
    await until(() => refused.state === 'failed' && !!part(refused, 'notice'), 'the refusal');
    await refused.updateComplete;
    await expect(refused).to.be.accessible();
  });
});
