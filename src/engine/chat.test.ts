import { expect } from '@open-wc/testing';
import { BURST, Chat, HISTORY, MAX_TEXT, type ChatHost } from './chat.js';
import type { FeatureMessage } from './types.js';

/**
 * Chats joined by fake control channels: each pair's channel is open or not, and what is sent on a closed one is lost
 * (as with a real connection that went). Messages are handed over at once, in order.
 */
class Net {
  readonly chats = new Map<string, Chat>();
  readonly names = new Map<string, string>();
  readonly closed = new Set<string>();
  readonly sent: { from: string; to: string; m: FeatureMessage }[] = [];

  add(id: string, name: string): Chat {
    this.names.set(id, name);
    const host: ChatHost = {
      send: (to, m) => {
        if (this.closed.has(key(id, to)) || !this.chats.has(to)) return false;
        this.sent.push({ from: id, to, m });
        this.chats.get(to)!.receive(id, JSON.parse(JSON.stringify(m)) as FeatureMessage);
        return true;
      },
      peers: () => [...this.chats.keys()].filter((p) => p !== id),
      self: () => ({ id, name }),
      nameOf: (p) => this.names.get(p) ?? '',
    };
    const chat = new Chat(host);
    this.chats.set(id, chat);
    return chat;
  }

  /** The channel between a and b opens: each side hears `open`, as the mesh says it. */
  open(a: string, b: string): void {
    this.closed.delete(key(a, b));
    this.chats.get(a)!.open(b);
    this.chats.get(b)!.open(a);
  }
}
const key = (a: string, b: string) => [a, b].sort().join('|');
const texts = (c: Chat) => c.messages.map((m) => m.text);

describe('Chat (engine, fake channels)', () => {
  it('a message reaches each peer once, with sender, time and its id; the sender has it too, marked local', () => {
    const net = new Net();
    const a = net.add('A', 'Ana');
    const b = net.add('B', 'Ben');
    const told: string[] = [];
    b.on('message', (m) => told.push(m.text));
    const sent = a.send('hello <img src=x onerror=alert(1)>');
    expect(sent).to.deep.include({ id: 'A-1', local: true, from: { id: 'A', name: 'Ana' } });
    expect(b.messages).to.have.length(1);
    expect(b.messages[0]).to.deep.include({ id: 'A-1', text: 'hello <img src=x onerror=alert(1)>', local: false });
    expect(b.messages[0].from).to.deep.equal({ id: 'A', name: 'Ana' });
    expect(b.messages[0].time).to.equal(sent.time);
    expect(told).to.deep.equal(['hello <img src=x onerror=alert(1)>']);
    expect(Object.isFrozen(b.messages[0])).to.be.true;
  });

  it('rejects an empty, blank or too long message with invalid-message, and a flood with rate-limited', () => {
    const net = new Net();
    const a = net.add('A', 'Ana');
    for (const bad of ['', '   \n', 'x'.repeat(MAX_TEXT + 1), 42 as unknown as string])
      expect(() => a.send(bad), JSON.stringify(bad).slice(0, 20))
        .to.throw()
        .with.property('code', 'invalid-message');
    expect(() => a.send('x'.repeat(MAX_TEXT))).not.to.throw();
    for (let i = 1; i < BURST; i++) a.send(`m${i}`);
    expect(() => a.send('one too many'))
      .to.throw()
      .with.property('code', 'rate-limited');
  });

  it('what a peer did not acknowledge is sent again when its channel opens again, and arrives once, in order', () => {
    const net = new Net();
    const a = net.add('A', 'Ana');
    const b = net.add('B', 'Ben');
    a.send('one');
    net.closed.add(key('A', 'B'));
    a.send('two');
    a.send('three');
    expect(texts(b)).to.deep.equal(['one']);
    net.open('A', 'B');
    expect(texts(b)).to.deep.equal(['one', 'two', 'three']);
    // Acknowledged now: another opening sends nothing of it again.
    const before = net.sent.filter((s) => s.m.t === 'chat').length;
    net.open('A', 'B');
    expect(net.sent.filter((s) => s.m.t === 'chat').length).to.equal(before);
  });

  it('a copy that arrives again (its acknowledgement was lost) is acknowledged and dropped', () => {
    const net = new Net();
    net.add('A', 'Ana');
    const b = net.add('B', 'Ben');
    const wire = { v: 1 as const, t: 'chat', id: 'A-1', text: 'hi', time: Date.now() };
    b.receive('A', wire);
    b.receive('A', wire);
    expect(texts(b)).to.deep.equal(['hi']);
    expect(net.sent.filter((s) => s.m.t === 'chat-ack' && s.from === 'B')).to.have.length(2);
  });

  it('a newcomer gets the recent history from those already there, merged without duplicates, in order', () => {
    const net = new Net();
    const a = net.add('A', 'Ana');
    const b = net.add('B', 'Ben');
    a.send('a1');
    b.send('b1');
    a.send('a2');
    const c = net.add('C', 'Cai');
    // The newcomer's word (no messages) asks each for the history; both answer with the same three.
    net.open('A', 'C');
    net.open('B', 'C');
    expect(texts(c)).to.deep.equal(['a1', 'b1', 'a2']);
    expect(c.messages.map((m) => m.from.name)).to.deep.equal(['Ana', 'Ben', 'Ana']);
    // …and what was sent to C before its channel opened (unacknowledged) is not shown twice either.
    c.send('c1');
    expect(texts(a)).to.deep.equal(['a1', 'b1', 'a2', 'c1']);
  });

  it('history is at most the last HISTORY messages', () => {
    const net = new Net();
    const a = net.add('A', 'Ana');
    const b = net.add('B', 'Ben');
    // An opening gives room for a catch-up of HISTORY + BURST messages at once.
    net.open('A', 'B');
    for (let i = 0; i < HISTORY + 20; i++)
      b.receive('A', { v: 1, t: 'chat', id: `A-${i + 1}`, text: `m${i}`, time: Date.now() });
    expect(b.messages.length).to.equal(HISTORY + 20);
    void a;
    const c = net.add('C', 'Cai');
    net.open('B', 'C');
    expect(c.messages.length).to.be.at.most(HISTORY);
    expect(c.messages.at(-1)!.text).to.equal(b.messages.at(-1)!.text);
  });

  it('drops what a hostile peer sends that is not valid, and limits how many it may send', () => {
    const net = new Net();
    net.add('A', 'Ana');
    const b = net.add('B', 'Ben');
    const bad: Record<string, unknown>[] = [
      { id: 'A-1', text: '', time: Date.now() },
      { id: 'A-2', text: 'x'.repeat(MAX_TEXT + 1), time: Date.now() },
      { id: 'A-3', text: 42, time: Date.now() },
      { id: 'A-4', text: 'ok', time: 'now' },
      { id: 'A-5', text: 'ok', time: Date.now() + 10 * 864e5 },
      { id: '<script>', text: 'ok', time: Date.now() },
      { id: 7, text: 'ok', time: Date.now() },
      { id: 'A-6', text: { toString: 'x' }, time: Date.now() },
    ];
    for (const m of bad) b.receive('A', { v: 1, t: 'chat', ...m });
    b.receive('A', { v: 1, t: 'chat-old', id: 'X-1', from: { id: '<b>', name: 'x' }, text: 'ok', time: Date.now() });
    b.receive('A', { v: 1, t: 'chat-old', id: 'X-1', from: 'X', text: 'ok', time: Date.now() });
    expect(b.messages).to.deep.equal([]);
    // A flood: a first burst (room for a history) gets through, the rest is dropped (and not acknowledged).
    for (let i = 0; i < 300; i++)
      b.receive('A', { v: 1, t: 'chat', id: `A-${100 + i}`, text: 'spam', time: Date.now() });
    expect(b.messages.length).to.equal(HISTORY + BURST);
    const acks = net.sent.filter((x) => x.from === 'B' && x.m.t === 'chat-ack').length;
    expect(acks).to.equal(HISTORY + BURST);
  });
});
