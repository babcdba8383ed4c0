import { expect } from '@open-wc/testing';
import { ownSeat, peerOptions } from './broker-client.js';

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
/** PeerJS's own check (util.validateId): an id that fails it never reaches the server. */
const PEERJS_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

describe('broker client', () => {
  it('a seat made for the upgrade: a fresh secret, and as id the first 32 hex digits of its SHA-256', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const seat = ownSeat({ room: 'standup', name: 'Ada' })!;
      expect(seat.secret).to.match(/^[A-Za-z0-9_-]{32}$/);
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seat.secret));
      expect(seat.id).to.equal(hex(digest).slice(0, 32));
      expect(seat.id).to.match(PEERJS_ID);
      expect(seat).to.deep.include({
        name: 'Ada',
        iceServers: [],
        ttl: 0,
        broker: { path: '/broker/', key: 'rtc-call' },
      });
      ids.add(seat.id);
    }
    expect(ids.size).to.equal(200);
  });

  it('puts the room, name and room token after the PeerJS key, escaped, only when asking in the upgrade', () => {
    const seat = ownSeat({ room: 'r' })!;
    const asked = peerOptions('https://calls.example.com', seat, 'all', {
      room: 'team-1',
      name: 'Zoë & co=1',
      token: 'a.b.c',
    });
    expect(asked.key).to.equal('rtc-call&room=team-1&name=Zo%C3%AB+%26+co%3D1&jwt=a.b.c');
    expect(asked).to.deep.include({ host: 'calls.example.com', port: 443, secure: true, token: seat.secret });
    const query = new URLSearchParams(`key=${asked.key}&id=${seat.id}&token=${seat.secret}`);
    expect(Object.fromEntries(query)).to.deep.equal({
      key: 'rtc-call',
      room: 'team-1',
      name: 'Zoë & co=1',
      jwt: 'a.b.c',
      id: seat.id,
      token: seat.secret,
    });
    expect(peerOptions('http://127.0.0.1:9', seat, 'all').key, 'a seat from POST /rtc/join').to.equal('rtc-call');
  });
});
