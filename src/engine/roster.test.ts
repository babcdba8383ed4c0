import { expect } from '@open-wc/testing';
import { Roster } from './roster.js';
import type { Participant } from './types.js';

const me: Participant = {
  id: 'me',
  name: 'Me',
  local: true,
  stream: null,
  audioEnabled: true,
  videoEnabled: true,
  connection: 'connected',
  weakLink: false,
  hand: false,
  speaking: false,
  quality: null,
};

function recorded(roster: Roster) {
  const log: string[] = [];
  const lists: (readonly Participant[])[] = [];
  roster.on('joined', (p) => log.push(`joined ${p.id}`));
  roster.on('left', (p) => log.push(`left ${p.id}`));
  roster.on('changed', (list) => {
    log.push('changed');
    lists.push(list);
  });
  return { log, lists };
}

describe('roster', () => {
  it('shows a member the server announces, yourself first, with joined and changed events', () => {
    const roster = new Roster();
    const { log } = recorded(roster);
    roster.setSelf(me);
    roster.memberJoined('ben', 'Ben');
    roster.memberJoined('ben', 'Ben');
    expect(log).to.deep.equal(['changed', 'joined ben', 'changed']);
    expect(roster.participants.map((p) => [p.id, p.name, p.local, p.connection])).to.deep.equal([
      ['me', 'Me', true, 'connected'],
      ['ben', 'Ben', false, 'connecting'],
    ]);
    expect(roster.isMember('ben')).to.be.true;
    expect(roster.memberName('ben')).to.equal('Ben');
  });

  it('a change made while a change is told reaches every listener after it, so the last list each gets is current', () => {
    const roster = new Roster();
    roster.setSelf(me);
    roster.memberJoined('ben', 'Ben');
    roster.update('ben', { speaking: true });
    // Like the people features: whoever is muted is marked not speaking, as soon as the list says so.
    roster.on('changed', (list) => {
      for (const p of list) if (p.speaking && !p.audioEnabled) roster.update(p.id, { speaking: false });
    });
    const { lists } = recorded(roster);
    roster.update('ben', { audioEnabled: false });
    expect(lists.map((l) => l.map((p) => [p.id, p.audioEnabled, p.speaking]))).to.deep.equal([
      [
        ['me', true, false],
        ['ben', false, true],
      ],
      [
        ['me', true, false],
        ['ben', false, false],
      ],
    ]);
    expect(lists.at(-1)).to.deep.equal(roster.participants);
  });

  it('every change is a new snapshot; what did not change keeps its identity', () => {
    const roster = new Roster();
    roster.setSelf(me);
    roster.memberJoined('ben', 'Ben');
    roster.memberJoined('cy', 'Cy');
    const before = roster.participants;
    const ben = roster.get('ben')!;
    roster.update('ben', { audioEnabled: false, connection: 'connected' });
    const after = roster.participants;
    expect(after).to.not.equal(before);
    expect(roster.get('ben')).to.not.equal(ben);
    // The old snapshot is as it was: a view holding it sees no change until it gets the new one.
    expect(ben.audioEnabled).to.be.true;
    expect(ben.connection).to.equal('connecting');
    expect(roster.get('ben')!.audioEnabled).to.be.false;
    expect(after[0]).to.equal(before[0]);
    expect(after[2]).to.equal(before[2]);
    roster.updateSelf({ name: 'Me Too' });
    expect(roster.self).to.not.equal(after[0]);
    expect(after[0].name).to.equal('Me');
    // setSelf takes a copy: the caller's object is never the roster's.
    expect(roster.self).to.not.equal(me);
  });

  it('someone heard from before the server announced them is shown at once', () => {
    const roster = new Roster();
    const { log } = recorded(roster);
    roster.update('dee', { name: 'Dee', stream: null, connection: 'connected' });
    expect(log).to.deep.equal(['joined dee', 'changed']);
    expect(roster.get('dee')!.name).to.equal('Dee');
    expect(roster.isMember('dee')).to.be.false;
  });

  it('a closed connection hides a member who is still in the room; leaving the room ends membership', () => {
    const roster = new Roster();
    roster.memberJoined('ben', 'Ben');
    const { log } = recorded(roster);
    roster.remove('ben');
    expect(log).to.deep.equal(['left ben', 'changed']);
    expect(roster.get('ben')).to.be.undefined;
    expect(roster.isMember('ben')).to.be.true;
    // The server's next word on the room shows them again.
    roster.memberJoined('ben', 'Ben');
    expect(roster.get('ben')!.name).to.equal('Ben');
    roster.memberLeft('ben');
    expect(roster.isMember('ben')).to.be.false;
    expect(log.slice(2)).to.deep.equal(['joined ben', 'changed', 'left ben', 'changed']);
    roster.remove('nobody');
    roster.memberLeft('nobody');
    expect(log.length).to.equal(6);
  });

  it('forgets everyone but yourself at once when the seat ends', () => {
    const roster = new Roster();
    roster.setSelf(me);
    roster.memberJoined('ben', 'Ben');
    roster.memberJoined('cy', 'Cy');
    const { log, lists } = recorded(roster);
    roster.clearOthers();
    expect(log).to.deep.equal(['changed']);
    expect(lists[0].map((p) => p.id)).to.deep.equal(['me']);
    expect(roster.memberIds()).to.deep.equal([]);
    roster.clearOthers();
    expect(log).to.deep.equal(['changed']);
    roster.setSelf(undefined);
    expect(roster.participants).to.deep.equal([]);
  });

  it('someone still heard is kept when the server drops their seat, and listed again under their new one', () => {
    const roster = new Roster();
    roster.setSelf(me);
    roster.memberJoined('ana-1', 'Ana');
    const { log } = recorded(roster);
    roster.notMember('ana-1');
    expect(roster.isMember('ana-1')).to.be.false;
    expect(roster.get('ana-1'), 'still shown').to.exist;
    // Their new seat is listed under the participant they are.
    roster.memberJoined('ana-1', 'Ana');
    expect(roster.isMember('ana-1')).to.be.true;
    expect(log).to.deep.equal([]);
    // A member met again under the seat they have now.
    roster.rekeyMember('ana-1', 'ana-2');
    expect(roster.isMember('ana-1')).to.be.false;
    expect(roster.isMember('ana-2')).to.be.true;
    expect(roster.memberName('ana-2')).to.equal('Ana');
  });
});
