import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import { brokers, drawn, uniqueRoom, until } from '../../test-support.js';
import './rtc-call.js';

/**
 * English left behind: every text node and every label-like attribute in the element's shadow tree and the shadow
 * trees inside it that still has Latin words. Device names in the picker's options are the browser's, not ours.
 */
function english(el: Element): string[] {
  const found: string[] = [];
  const walk = (root: ShadowRoot | Element) => {
    for (const node of root.querySelectorAll('*')) {
      for (const attr of ['aria-label', 'title', 'alt', 'placeholder']) {
        const value = node.getAttribute(attr);
        if (value && /[A-Za-z]{2,}/.test(value)) found.push(`${node.localName}[${attr}="${value}"]`);
      }
      if (node.localName !== 'option')
        for (const child of node.childNodes) {
          const text = child.nodeType === Node.TEXT_NODE ? child.textContent!.trim() : '';
          if (/[A-Za-z]{2,}/.test(text)) found.push(`${node.localName}: "${text}"`);
        }
      if (node.shadowRoot) walk(node.shadowRoot);
    }
  };
  walk(el.shadowRoot!);
  return found;
}

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
const remoteTiles = (el: RtcCall) =>
  [...el.shadowRoot!.querySelectorAll<RtcVideoTile>('rtc-video-tile')].filter((t) => !t.local);
const zhLoaded = () => performance.getEntriesByType('resource').some((r) => /zh-CN/.test(r.name));

describe('rtc-call: languages', () => {
  const pageLang = document.documentElement.lang;
  afterEach(() => {
    document.documentElement.lang = pageLang;
    fixtureCleanup();
  });

  it('switching lang to zh-CN changes every string, in this element only, loading Chinese only then', async () => {
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin id="a" server=${brokers.open} room=${room} name="安娜"></rtc-call>
        <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="本" lang="en"></rtc-call>
      </div>`,
    );
    const a = wrap.querySelector<RtcCall>('#a')!;
    const b = wrap.querySelector<RtcCall>('#b')!;
    for (const el of [a, b]) {
      await until(() => remoteTiles(el).length === 1, `${el.id} to see the other`);
      await drawn(el);
    }
    part(a, 'devices-button').click();
    await a.updateComplete;
    expect(english(a), 'English to begin with').to.not.be.empty;
    expect(zhLoaded(), 'no Chinese before it is asked for').to.be.false;

    a.lang = 'zh-CN';
    await until(() => part(a, 'leave-button').getAttribute('aria-label') === '离开通话', 'the Chinese words');
    await until(() => english(a).length === 0, `no English left in A: ${english(a).join(' | ')}`, 5000);
    expect(zhLoaded(), 'the Chinese file was loaded').to.be.true;
    expect(part(b, 'leave-button').getAttribute('aria-label'), 'B keeps its own language').to.equal('Leave call');

    await a.leave();
    await a.updateComplete;
    expect(english(a), 'after leaving').to.deep.equal([]);
    expect(part(a, 'join-button').textContent!.trim()).to.equal('重新加入');
  });

  it("follows the page's language when it has none of its own: pre-join, and a refused join in words", async () => {
    document.documentElement.lang = 'zh-Hans-CN';
    const manual = await fixture<RtcCall>(
      html`<rtc-call manual server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    await until(() => part(manual, 'join-button').textContent!.trim() === '加入', 'the Chinese Join button');
    expect(english(manual)).to.deep.equal([]);

    const refused = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room="no spaces allowed"></rtc-call>`,
    );
    await until(() => refused.state === 'failed' && !!part(refused, 'notice'), 'the refusal');
    await refused.updateComplete;
    expect(english(refused)).to.deep.equal([]);
    expect(part(refused, 'notice').textContent).to.contain('房间名称无效');

    document.documentElement.lang = 'en';
    await until(() => part(refused, 'join-button').textContent!.trim() === 'Join again', 'English again');
  });

  it('strings overrides any word, also in the tiles inside it', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call
        no-prejoin
        server=${brokers.open}
        room=${uniqueRoom()}
        name="Ana"
        .strings=${{ leave: 'Hang up', nameYou: '{name} (me)' }}
      ></rtc-call>`,
    );
    await until(() => !!el.shadowRoot!.querySelector('[part~="leave-button"]'), 'the call controls');
    expect(part(el, 'leave-button').getAttribute('aria-label')).to.equal('Hang up');
    const own = el.shadowRoot!.querySelector<RtcVideoTile>('rtc-video-tile')!;
    await until(() => own.shadowRoot?.querySelector('[part~="name"]')?.textContent === 'Ana (me)', 'the tile override');
  });
});

describe('the words of the panels that load when first shown (their English comes with them)', () => {
  afterEach(() => fixtureCleanup());

  const self = {
    id: 'me',
    name: 'Ana',
    local: true,
    stream: null,
    audioEnabled: true,
    videoEnabled: true,
    connection: 'connected',
    weakLink: false,
    screen: null,
  } as const;
  const details = async () => ({
    report: { rtt: 20, loss: 0, bitrateIn: 1000, bitrateOut: 1000 } as never,
    stats: { route: { type: 'relay', protocol: 'udp' }, video: {}, audio: {} } as never,
  });

  for (const [lang, roundTrip, relay, editName] of [
    ['en', 'Round trip', 'Relayed through TURN over UDP', 'Change your name'],
    ['zh-CN', '往返时延', '经 TURN 中继（UDP）', '修改你的名字'],
  ])
    it(`the connection details and the participant list in ${lang}, and as the page says`, async () => {
      await import('../rtc-quality-details/rtc-quality-details.js');
      await import('../rtc-participant-list/rtc-participant-list.js');
      const wrap = await fixture<HTMLDivElement>(
        html`<div lang=${lang}>
          <rtc-quality-details .read=${details}></rtc-quality-details>
          <rtc-participant-list .participants=${[self]}></rtc-participant-list>
        </div>`,
      );
      const shown = wrap.querySelector('rtc-quality-details')!;
      const list = wrap.querySelector('rtc-participant-list')!;
      const term = (key: string) => shown.shadowRoot!.querySelector(`[data-key="${key}"] [part~="term"]`)?.textContent;
      const value = (key: string) =>
        shown.shadowRoot!.querySelector(`[data-key="${key}"] [part~="value"]`)?.textContent;
      const edit = () => list.shadowRoot!.querySelector('[part~="edit-button"]')?.getAttribute('aria-label');
      await until(() => term('rtt') === roundTrip && edit() === editName, `the ${lang} words`);
      expect(value('route')).to.equal(relay);
      shown.strings = { roundTrip: 'RTT', routeRelay: 'TURN/{protocol}' };
      list.strings = { editName: 'Rename' };
      await until(() => term('rtt') === 'RTT' && value('route') === 'TURN/UDP' && edit() === 'Rename', 'the page’s');
    });
});
