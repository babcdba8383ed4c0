import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcHandDetail, RtcQualityDetail, RtcReactionDetail } from '../../events.js';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import { brokers, drawn, rejection, uniqueRoom, until } from '../../test-support.js';
import './rtc-call.js';

/** Widgets in one room; each waits until connected to all the others. */
async function room(people: { name: string }[], name = uniqueRoom('people')) {
  const els: RtcCall[] = [];
  const wrap = await fixture<HTMLDivElement>(html`<div></div>`);
  for (const p of people) {
    const el = document.createElement('rtc-call');
    Object.assign(el, { server: brokers.open, room: name, name: p.name, noPrejoin: true });
    el.startCameraOff = true;
    wrap.append(el);
    els.push(el);
  }
  await connected(els);
  return { els, wrap, name };
}

async function connected(els: RtcCall[]) {
  for (const el of els)
    await until(
      () => el.participants.length === els.length && el.participants.every((p) => p.connection === 'connected'),
      `${el.name} connected to the others`,
    );
  for (const el of els) await drawn(el);
}

const tileOf = (el: RtcCall, name: string) =>
  [...el.shadowRoot!.querySelectorAll('rtc-video-tile')].find((t) => t.participant?.name === name) as RtcVideoTile;
const inTile = (el: RtcCall, name: string, part: string) =>
  tileOf(el, name)?.shadowRoot!.querySelector<HTMLElement>(`[part~="${part}"]`) ?? null;
const part = (el: RtcCall, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const person = (el: RtcCall, name: string) => el.participants.find((p) => p.name === name);

function recorder<T>(el: RtcCall, type: 'rtc-hand' | 'rtc-reaction' | 'rtc-active-speaker' | 'rtc-quality') {
  const got: T[] = [];
  el.addEventListener(type, (e) => got.push((e as CustomEvent<T>).detail));
  return got;
}

describe('rtc-call: people (hands, reactions, the list, names)', () => {
  afterEach(() => fixtureCleanup());

  it('outside a call, raiseHand and react reject with not-in-call', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    expect((await rejection(el.raiseHand(true))).code).to.equal('not-in-call');
    expect((await rejection(el.react('👍'))).code).to.equal('not-in-call');
  });

  it('a raised hand shows on the tile and in the list for everyone, is announced, and a newcomer sees it', async () => {
    const { els, wrap, name } = await room([{ name: 'Ana' }, { name: 'Ben' }]);
    const [ana, ben] = els;
    const hands = recorder<RtcHandDetail>(ben, 'rtc-hand');
    // By the button, as a person would.
    part(ana, 'hand-button')!.click();
    await until(() => hands.length === 1, 'Ben to hear of the hand');
    expect(hands[0].raised).to.equal(true);
    expect(hands[0].participant.name).to.equal('Ana');
    expect(person(ben, 'Ana')!.hand).to.equal(true);
    expect(part(ana, 'hand-button')!.getAttribute('aria-pressed')).to.equal('true');
    await until(() => !!inTile(ben, 'Ana', 'hand'), "the hand on Ana's tile at Ben's");
    expect(inTile(ben, 'Ben', 'hand')).to.equal(null);
    await until(
      () => !!part(ben, 'announcer')!.textContent!.includes('Ana raised a hand'),
      "Ben's screen reader to say so",
    );
    // The list at Ben's: yourself first, the count on the button, Ana's hand.
    part(ben, 'people-button')!.click();
    await until(() => !!part(ben, 'people-list')?.shadowRoot?.querySelector('[part~="row"]'), 'the list');
    const list = part(ben, 'people-list')!;
    await (list as unknown as { updateComplete: Promise<void> }).updateComplete;
    const rows = [...list.shadowRoot!.querySelectorAll('[part~="row"]')];
    expect(rows.map((r) => r.querySelector('[part~="name"]')!.textContent)).to.deep.equal(['Ben (you)', 'Ana']);
    expect(rows[1].querySelector('[part~="hand"]')).to.not.equal(null);
    expect(rows[0].querySelector('[part~="hand"]')).to.equal(null);
    expect(part(ben, 'people-count')!.textContent).to.equal('2');
    expect(part(ben, 'people-button')!.getAttribute('aria-expanded')).to.equal('true');
    expect(rows[0].querySelector('[part~="mic-state"]')!.getAttribute('data-on')).to.equal('true');
    expect(rows[1].querySelector('[part~="camera-state"]')!.getAttribute('data-on')).to.equal('false');
    await expect(ben).to.be.accessible();

    // Cai joins later and sees Ana's hand up.
    const cai = document.createElement('rtc-call');
    Object.assign(cai, { server: brokers.open, room: name, name: 'Cai', noPrejoin: true, startCameraOff: true });
    const caiHands = recorder<RtcHandDetail>(cai, 'rtc-hand');
    wrap.append(cai);
    await connected([ana, ben, cai]);
    await until(() => !!person(cai, 'Ana')?.hand, 'Cai to see the hand');
    expect(caiHands.map((h) => [h.participant.name, h.raised])).to.deep.equal([['Ana', true]]);
    expect(person(cai, 'Ben')!.hand).to.equal(false);

    // Down again, by the method.
    await ana.raiseHand(false);
    await until(() => person(ben, 'Ana')!.hand === false && person(cai, 'Ana')!.hand === false, 'the hand down');
    expect(hands.map((h) => h.raised)).to.deep.equal([true, false]);
  });

  it('a reaction floats over the sender’s tile for everyone; others are refused', async () => {
    const { els } = await room([{ name: 'Ana' }, { name: 'Ben' }]);
    const [ana, ben] = els;
    const seen = recorder<RtcReactionDetail>(ben, 'rtc-reaction');
    part(ana, 'reactions-button')!.click();
    await ana.updateComplete;
    const menu = part(ana, 'reaction-menu')!;
    expect(part(ana, 'reactions-button')!.getAttribute('aria-expanded')).to.equal('true');
    const buttons = [...menu.querySelectorAll<HTMLButtonElement>('[part~="reaction"]')];
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['👍', '❤️', '😂', '🎉', '👏', '😮']);
    buttons[3].click();
    // Her own first: it is drawn at once, and gone a few seconds later, however long Ben's side takes.
    await until(() => inTile(ana, 'Ana', 'reaction')?.textContent === '🎉', 'the reaction over her own tile');
    await until(() => seen.length === 1, 'Ben to see the reaction');
    expect(seen[0]).to.deep.include({ emoji: '🎉' });
    expect(seen[0].participant.name).to.equal('Ana');
    await until(() => inTile(ben, 'Ana', 'reaction')?.textContent === '🎉', "the reaction over Ana's tile");
    // It goes after a few seconds.
    await until(() => !inTile(ben, 'Ana', 'reaction'), 'the reaction to go', 10000);

    for (const bad of ['🍕', '<img src=x onerror=alert(1)>', ''])
      expect((await rejection(ana.react(bad))).code).to.equal('invalid-reaction');
    // Five in five seconds; the sixth is refused and not sent.
    for (let i = 0; i < 4; i++) await ana.react('👍');
    expect((await rejection(ana.react('👍'))).code).to.equal('rate-limited');
    await until(() => seen.length === 5, 'Ben to get the four');
    await ben.react('👏');
    expect(seen.length).to.equal(6);
  });

  it('your own name, changed in the list, reaches everyone, as text', async () => {
    const { els } = await room([{ name: 'Ana' }, { name: 'Ben' }]);
    const [ana, ben] = els;
    part(ana, 'people-button')!.click();
    await until(() => !!part(ana, 'people-list')?.shadowRoot?.querySelector('[part~="edit-button"]'), 'the list');
    const list = part(ana, 'people-list')!;
    list.shadowRoot!.querySelector<HTMLElement>('[part~="edit-button"]')!.click();
    await (list as unknown as { updateComplete: Promise<void> }).updateComplete;
    const input = list.shadowRoot!.querySelector<HTMLInputElement>('[part~="name-input"]')!;
    expect(input.maxLength).to.equal(40);
    input.value = '<b>Ana</b> Maria';
    list.shadowRoot!.querySelector<HTMLElement>('[part~="save-button"]')!.click();
    await until(() => !!person(ben, '<b>Ana</b> Maria'), 'Ben to see the new name');
    await until(() => !!tileOf(ben, '<b>Ana</b> Maria'), 'on the tile');
    await tileOf(ben, '<b>Ana</b> Maria').updateComplete;
    const shown = inTile(ben, '<b>Ana</b> Maria', 'name')!;
    expect(shown.textContent).to.equal('<b>Ana</b> Maria');
    expect(shown.querySelector('b')).to.equal(null);
    expect(person(ana, '<b>Ana</b> Maria')!.local).to.equal(true);
    // A name too long is cut, for everyone.
    ana.name = 'x'.repeat(100);
    await until(() => !!person(ben, 'x'.repeat(40)), 'the name cut to 40');
  });
});

// Speaking and the active speaker: test/e2e/speaking.test.js, with a microphone that plays speech-like sound.
describe('rtc-call: connection quality', () => {
  afterEach(() => fixtureCleanup());

  it('a remote tile shows a good connection on loopback, with its details on demand', async () => {
    const { els } = await room([{ name: 'Ana' }, { name: 'Ben' }]);
    const [ana, ben] = els;
    const told = recorder<RtcQualityDetail>(ben, 'rtc-quality');
    await until(() => inTile(ben, 'Ana', 'quality')?.dataset.quality === 'good', 'a good badge', 15000);
    expect(person(ben, 'Ana')!.quality).to.equal('good');
    expect(told.map((q) => [q.participant.name, q.quality])).to.deep.equal([['Ana', 'good']]);
    expect(inTile(ana, 'Ana', 'quality'), 'none on your own tile').to.equal(null);
    const badge = inTile(ben, 'Ana', 'quality')! as HTMLButtonElement;
    expect(badge.getAttribute('aria-label')).to.equal('Connection: good');
    badge.click();
    await until(() => !!inTile(ben, 'Ana', 'quality-details'), 'the details');
    expect(badge.getAttribute('aria-expanded')).to.equal('true');
    const details = inTile(ben, 'Ana', 'quality-details')!;
    const value = (key: string) =>
      details.shadowRoot!.querySelector(`[data-key="${key}"] [part~="value"]`)?.textContent ?? '';
    await until(() => !!value('route') && !!value('rtt') && !!value('codec'), 'the facts');
    expect(value('route')).to.equal('Direct (UDP)');
    expect(value('rtt')).to.match(/^\d+ ms$/);
    expect(value('loss')).to.match(/^\d+\.\d %$/);
    expect(value('bitrate')).to.match(/kbit\/s/);
    expect(value('codec')).to.match(/opus/);
    await expect(ben).to.be.accessible();
    // Escape closes it.
    badge.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await until(() => !inTile(ben, 'Ana', 'quality-details'), 'the details closed');
  });
});
