import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import { brokers, drawn, uniqueRoom, until } from '../../test-support.js';
import './rtc-call.js';

const part = (el: RtcCall, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
/** Shown: slotted into a slot that is rendered, and taking up room on the page. */
const shown = (child: HTMLElement) => !!child.assignedSlot && child.getClientRects().length > 0;

describe('rtc-call: slots', () => {
  afterEach(() => fixtureCleanup());

  it('toolbar-start and toolbar-end put the site’s controls at either end of the control bar, in and out of calls', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}>
        <button slot="toolbar-start" id="start">Record</button>
        <button slot="toolbar-end" id="end">Help</button>
      </rtc-call>`,
    );
    const start = el.querySelector<HTMLButtonElement>('#start')!;
    const end = el.querySelector<HTMLButtonElement>('#end')!;
    const controls = part(el, 'controls')!;
    const order = () =>
      [...controls.children].map((c) => (c instanceof HTMLSlotElement ? c.name : c.getAttribute('part')!));
    expect(shown(start) && shown(end)).to.be.true;
    expect(order()).to.deep.equal(['toolbar-start', 'control join-button', 'toolbar-end']);
    await el.join();
    expect(shown(start) && shown(end)).to.be.true;
    expect(order()[0]).to.equal('toolbar-start');
    expect(order().at(-1)).to.equal('toolbar-end');
    expect(order()).to.include('control leave-button');
    // In the toolbar's row, left to right.
    const leave = part(el, 'leave-button')!.getBoundingClientRect();
    expect(start.getBoundingClientRect().right).to.be.at.most(part(el, 'mic-button')!.getBoundingClientRect().left);
    expect(end.getBoundingClientRect().left).to.be.at.least(leave.right);
  });

  it('empty shows while you are alone in the call, instead of the waiting line, and goes when someone comes', async () => {
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin id="a" server=${brokers.open} room=${room}
          ><p slot="empty" id="invite">Share this link</p></rtc-call
        >
      </div>`,
    );
    const a = wrap.querySelector<RtcCall>('#a')!;
    const invite = a.querySelector<HTMLElement>('#invite')!;
    expect(shown(invite)).to.be.false;
    await until(() => a.state === 'joined', 'joined');
    // Alone in the room, the rest of the call is drawn after a moment.
    await drawn(a);
    expect(shown(invite)).to.be.true;
    // The waiting line is the slot's fallback: not shown while the site's content is.
    expect(part(a, 'status')!.getClientRects().length).to.equal(0);

    const b = document.createElement('rtc-call');
    Object.assign(b, { noPrejoin: true, server: brokers.open, room });
    wrap.append(b);
    await until(() => a.participants.length === 2, 'Ana to see Ben');
    await a.updateComplete;
    expect(shown(invite)).to.be.false;
    b.remove();
    await until(() => a.participants.length === 1, 'Ben to be gone');
    await a.updateComplete;
    expect(shown(invite)).to.be.true;
  });

  it('without empty content, the waiting line shows', async () => {
    const a = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await until(() => a.state === 'joined', 'joined');
    await drawn(a);
    expect(part(a, 'status')!.textContent).to.contain('Waiting for others');
    expect(part(a, 'status')!.getClientRects().length).to.be.greaterThan(0);
  });

  it('prejoin shows on the pre-join screen only', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}>
        <label slot="prejoin">Your name <input /></label>
      </rtc-call>`,
    );
    const content = el.querySelector<HTMLElement>('[slot="prejoin"]')!;
    expect(el.state).to.equal('prejoin');
    expect(shown(content)).to.be.true;
    await el.join();
    expect(shown(content)).to.be.false;
    await el.leave();
    await el.updateComplete;
    expect(el.state).to.equal('left');
    expect(shown(content)).to.be.false;
  });
});
