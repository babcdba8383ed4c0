import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from '../rtc-call/rtc-call.js';
import type { RtcChat } from './rtc-chat.js';
import type { RtcMessageDetail } from '../../events.js';
import { brokers, drawn, rejection, uniqueRoom, until } from '../../test-support.js';
import '../rtc-call/rtc-call.js';

const q = <T extends Element = HTMLElement>(root: Element | ShadowRoot | null | undefined, part: string) =>
  root?.querySelector<T>(`[part~="${part}"]`) ?? null;
const qa = <T extends Element = HTMLElement>(root: Element | ShadowRoot | null | undefined, part: string) => [
  ...(root?.querySelectorAll<T>(`[part~="${part}"]`) ?? []),
];
/** The chat in el's side panel, once loaded and rendered. */
const chatOf = (el: RtcCall) => q<RtcChat>(el.shadowRoot, 'chat');
const inChat = (el: RtcCall) => chatOf(el)?.shadowRoot ?? null;

/** `names.length` calls in one room (camera off, to spare the machine), each connected to all the others. */
async function calls(...names: string[]) {
  const room = uniqueRoom('chat');
  const wrap = await fixture<HTMLDivElement>(html`<div></div>`);
  const els: RtcCall[] = [];
  const got = new Map<RtcCall, RtcMessageDetail[]>();
  const add = async (name: string) => {
    const el = document.createElement('rtc-call');
    Object.assign(el, { noPrejoin: true, server: brokers.open, room, name, startCameraOff: true });
    got.set(el, []);
    el.addEventListener('rtc-message', (e) => got.get(el)!.push(e.detail));
    wrap.append(el);
    els.push(el);
    for (const x of els) {
      const ready = () =>
        x.callState === 'joined' &&
        x.participants.length === els.length &&
        x.participants.every((p) => p.connection === 'connected');
      await until(ready, `${x.name} to be connected to ${els.length - 1} others`);
    }
    // Each control channel is open (what chat goes on).
    for (const x of els)
      for (const p of x.participants.filter((p) => !p.local))
        await until(() => x.call!.mesh!.send(p.id, { v: 1, t: 'ping' }), 'the control channels');
    for (const x of els) await drawn(x);
    return el;
  };
  for (const name of names) await add(name);
  return { els, got, add, texts: (el: RtcCall) => got.get(el)!.map((m) => m.text) };
}

async function openChat(el: RtcCall): Promise<RtcChat> {
  q(el.shadowRoot, 'chat-button')!.click();
  await until(() => !!inChat(el)?.querySelector('[part~="chat-input"]'), 'the chat panel');
  return chatOf(el)!;
}

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, '0')).join('');
}

function randomFile(bytes: number, name: string): File {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65536)));
  return new File([data], name, { type: 'application/octet-stream' });
}

describe('rtc-call: chat (sendMessage, rtc-message, <rtc-chat>)', () => {
  afterEach(() => fixtureCleanup());

  it('outside a call sendMessage rejects with not-in-call; a bad message with invalid-message', async () => {
    const el = await fixture<RtcCall>(html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}></rtc-call>`);
    expect((await rejection(el.sendMessage('hi'))).code).to.equal('not-in-call');
    expect(q(el.shadowRoot, 'chat-button'), 'no chat button outside a call').to.equal(null);
    const { els } = await calls('Ana');
    const [a] = els;
    for (const bad of ['', '  ', 'x'.repeat(4001)]) {
      const err = await rejection(a.sendMessage(bad));
      expect(err.name).to.equal('RtcError');
      expect(err.code).to.equal('invalid-message');
    }
  });

  it('a message reaches the others once with sender and time; unread count; markup stays text; links are safe', async () => {
    const { els, got, texts } = await calls('Ana', '<b>Ben</b>');
    const [a, b] = els;
    const button = q(b.shadowRoot, 'chat-button')!;
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    const evil = 'look <img src=x onerror="window.__pwned=1"> javascript:alert(1) https://example.com/a?b=1.';
    await a.sendMessage(evil);
    await until(() => got.get(b)!.length === 1, 'Ben to get it');
    const m = got.get(b)![0];
    expect(m).to.deep.include({ text: evil, local: false, from: { id: a.participants[0].id, name: 'Ana' } });
    expect(m.id).to.be.a('string');
    expect(Math.abs(m.time - Date.now())).to.be.below(10000);
    // The sender's page hears its own too, marked local.
    expect(got.get(a)!.map((x) => [x.text, x.local])).to.deep.equal([[evil, true]]);
    await until(() => q(b.shadowRoot, 'chat-unread')?.textContent === '1', 'the unread count');
    expect(button.getAttribute('aria-label')).to.contain('1');

    // Ben sends one back: Ana sees the name as text, not markup.
    await b.sendMessage('hi');
    const chatA = await openChat(a);
    expect(q(a.shadowRoot, 'chat-button')!.getAttribute('aria-expanded')).to.equal('true');
    expect(q(a.shadowRoot, 'chat-unread')).to.equal(null);
    await until(() => qa(inChat(a), 'chat-message').length === 2, "Ana's panel to list both");
    const [mine, bens] = qa(inChat(a), 'chat-message');
    expect(mine.getAttribute('part')).to.contain('chat-message-local');
    expect(bens.getAttribute('part')).not.to.contain('chat-message-local');
    expect(q(bens, 'chat-sender')!.textContent).to.equal('<b>Ben</b>');
    expect(bens.querySelector('b')).to.equal(null);
    expect(q(bens, 'chat-time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    // Markup and javascript: are text; only the https URL is a link, and a safe one.
    const text = q(mine, 'chat-text')!;
    expect(text.textContent).to.equal(evil);
    expect(inChat(a)!.querySelector('img')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    const links = qa<HTMLAnchorElement>(text, 'chat-link');
    expect(links.map((l) => l.href)).to.deep.equal(['https://example.com/a?b=1']);
    expect(links[0].rel).to.equal('noopener noreferrer');
    expect(links[0].target).to.equal('_blank');
    // The page reaches the chat's pieces through <rtc-call>.
    const style = document.createElement('style');
    style.textContent = 'rtc-call::part(chat-message-local) { border-top: 3px solid rgb(1, 2, 3); }';
    document.head.append(style);
    expect(getComputedStyle(mine).borderTopColor).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(bens).borderTopColor).not.to.equal('rgb(1, 2, 3)');
    style.remove();
    await expect(chatA).to.be.accessible();
    await expect(a).to.be.accessible();
    expect(texts(b)).to.deep.equal([evil, 'hi']);
  });

  it('Enter sends, Shift+Enter does not, Escape closes and gives focus back to the chat button', async () => {
    const { els, texts } = await calls('Ana', 'Ben');
    const [a, b] = els;
    await openChat(a);
    const input = q<HTMLTextAreaElement>(inChat(a), 'chat-input')!;
    await until(() => inChat(a)!.activeElement === input, 'focus in the text box');
    input.value = 'by keyboard';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, composed: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => texts(b).length === 1, 'Ben to get it');
    expect(texts(b)).to.deep.equal(['by keyboard']);
    expect(input.value).to.equal('');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await until(() => !chatOf(a), 'the panel to close');
    expect(q(a.shadowRoot, 'chat-button')!.getAttribute('aria-expanded')).to.equal('false');
    await until(() => a.shadowRoot!.activeElement === q(a.shadowRoot, 'chat-button'), 'focus on the chat button');
    // A message to a closed chat is said in the live region.
    await b.sendMessage('are you there?');
    await until(() => q(a.shadowRoot, 'announcer')!.textContent!.includes('Ben: are you there?'), 'the announcement');
  });

  it('a newcomer gets the history, in order and once; messages keep order across a reconnect', async () => {
    const { els, add, texts } = await calls('Ana', 'Ben');
    const [a, b] = els;
    for (const t of ['one', 'two']) await a.sendMessage(t);
    await until(() => texts(b).length === 2, 'Ben to have the first two');
    await b.sendMessage('three');
    await until(() => texts(a).length === 3 && texts(b).length === 3, 'both to have three');
    const c = await add('Cai');
    await until(() => texts(c).length === 3, 'the newcomer to get the history');
    expect(texts(c)).to.deep.equal(['one', 'two', 'three']);
    expect(c.call!.messages.map((m) => m.from.name)).to.deep.equal(['Ana', 'Ana', 'Ben']);

    // Ana's connection to Ben goes (as when it closes under the call): what she says meanwhile reaches Ben once the
    // call makes the connection again, exactly once and in order.
    const benId = a.participants.find((p) => p.name === 'Ben')!.id;
    a.call!.mesh!.drop(benId);
    await until(() => !a.call!.mesh!.send(benId, { v: 1, t: 'ping' }), "Ana's channel to Ben to be closed");
    for (const t of ['four', 'five', 'six']) await a.sendMessage(t);
    await until(() => texts(c).length === 6, 'Cai to get them at once');
    await until(() => texts(b).length === 6, 'Ben to get them after the reconnect', 40000);
    expect(texts(b)).to.deep.equal(['one', 'two', 'three', 'four', 'five', 'six']);
    expect(new Set(b.call!.messages.map((m) => m.id)).size).to.equal(6);
    expect(texts(c)).to.deep.equal(texts(b));
  });

  it('a file goes peer to peer: accepted, it arrives byte-identical and is offered as a download', async () => {
    const { els } = await calls('Ana', 'Ben');
    const [a, b] = els;
    const file = randomFile(3 * 1024 * 1024, 'notes <b>.bin');
    const heard: string[] = [];
    for (const el of [a, b])
      el.addEventListener('rtc-file', (e) =>
        heard.push(`${el === a ? 'Ana' : 'Ben'} ${e.detail.transfer.direction} ${e.detail.state}`),
      );
    await openChat(a);
    // The attach button's file input, as a person's choice.
    const picker = inChat(a)!.querySelector<HTMLInputElement>('input[type=file]')!;
    const dt = new DataTransfer();
    dt.items.add(file);
    picker.files = dt.files;
    picker.dispatchEvent(new Event('change'));
    await until(() => a.call!.transfers.length === 1, "Ana's offer");
    expect(a.call!.transfers[0].state).to.equal('offered');
    await until(() => q(b.shadowRoot, 'chat-unread') !== null || !!b.call!.transfers.length, "Ben's offer");
    await openChat(b);
    await until(() => !!q(inChat(b), 'file-accept'), 'the offer in the panel');
    expect(q(inChat(b), 'file-name')!.textContent).to.contain('notes <b>.bin');
    q(inChat(b), 'file-accept')!.click();
    await until(() => !!q(inChat(a), 'file-progress') || a.call!.transfers[0].state === 'done', 'progress for Ana');
    await until(() => !!q(inChat(b), 'file-download'), 'the download link', 60000);
    const link = q<HTMLAnchorElement>(inChat(b), 'file-download')!;
    expect(link.href).to.match(/^blob:/);
    expect(link.download).to.equal('notes <b>.bin');
    const received = await (await fetch(link.href)).blob();
    expect(await sha256(received)).to.equal(await sha256(file));
    await until(() => a.call!.transfers[0].state === 'done', 'Ana to see it done');
    expect(a.call!.transfers[0].peakBuffered).to.be.at.most(1024 * 1024);
    // The pages heard each step as rtc-file events, once each.
    await until(() => heard.filter((h) => h.endsWith('done')).length === 2, 'both done events');
    expect(heard.filter((h) => h.startsWith('Ana'))).to.deep.equal([
      'Ana send offered',
      'Ana send sending',
      'Ana send done',
    ]);
    expect(heard.filter((h) => h.startsWith('Ben'))).to.deep.equal([
      'Ben receive offered',
      'Ben receive receiving',
      'Ben receive done',
    ]);
    // Closing the panel lets go of the download link.
    const href = link.href;
    q(b.shadowRoot, 'chat-button')!.click();
    await until(() => !chatOf(b), 'the panel to close');
    const gone = await fetch(href).then(
      () => false,
      () => true,
    );
    expect(gone, 'the Blob URL is revoked').to.be.true;
  });

  it('to a group each receiver answers for themselves; refuse and cancel on either side leave the call working', async () => {
    const { els, texts } = await calls('Ana', 'Ben', 'Cai');
    const [a, b, c] = els;
    const out = await a.call!.sendFile(randomFile(30 * 1024 * 1024, 'big.bin'));
    expect(out.map((t) => t.peer.name).sort()).to.deep.equal(['Ben', 'Cai']);
    await until(() => b.call!.transfers.length === 1 && c.call!.transfers.length === 1, 'both offers');
    await openChat(b);
    await openChat(c);
    await until(() => !!q(inChat(c), 'file-refuse') && !!q(inChat(b), 'file-accept'), 'the buttons');
    q(inChat(c), 'file-refuse')!.click();
    q(inChat(b), 'file-accept')!.click();
    const toCai = out.find((t) => t.peer.name === 'Cai')!;
    const toBen = out.find((t) => t.peer.name === 'Ben')!;
    await until(() => toCai.state === 'refused', 'Ana to see Cai refuse');
    // Ben cancels from his panel in the middle.
    await until(() => b.call!.transfers[0].bytes > 512 * 1024, 'some of it to arrive');
    q(inChat(b), 'file-cancel')!.click();
    await until(() => toBen.state === 'cancelled', 'Ana to see it cancelled');
    expect(b.call!.transfers[0].state).to.equal('cancelled');
    await until(() => !q(inChat(b), 'file-progress'), "Ben's progress bar to go");
    // And the sender cancels one of her own.
    const [again] = await a.call!.sendFile(randomFile(30 * 1024 * 1024, 'again.bin'), { to: b.participants[0].id });
    await until(() => b.call!.transfers.length === 2, 'the second offer');
    b.call!.transfers[1].accept();
    await until(() => again.bytes > 512 * 1024, 'some of it to go');
    again.cancel();
    await until(() => b.call!.transfers[1].state === 'cancelled', 'Ben to see it cancelled');
    // The call and the chat go on.
    await c.sendMessage('still here');
    await until(() => texts(a).includes('still here') && texts(b).includes('still here'), 'a message after');
    expect(a.participants.every((p) => p.connection === 'connected')).to.be.true;
    expect((await rejection(a.call!.sendFile(new Blob(['x']), { to: 'nobody' }))).code).to.equal('unknown-participant');
  });
});
