import { expect } from '@open-wc/testing';
import { fitGrid, fitStage, pickStage, tilesOf } from './layout.js';
import type { Participant } from '../../engine/types.js';

const person = (id: string, extra: Partial<Participant> = {}): Participant => ({
  id,
  name: id,
  local: false,
  stream: null,
  audioEnabled: true,
  videoEnabled: true,
  connection: 'connected',
  weakLink: false,
  screen: null,
  ...extra,
});

describe('layout arithmetic', () => {
  it('the grid picks the arrangement with the largest 16:9 tiles, not ceil(sqrt(n)) columns', () => {
    // Wide and short: 3 tiles in a row beat 2x2.
    expect(fitGrid(3, 1200, 300, 8)).to.deep.equal({
      columns: 3,
      width: Math.floor(Math.min(1184 / 3, 300 * (16 / 9))),
    });
    // A phone held upright: one column of 2.
    expect(fitGrid(2, 312, 444, 8).columns).to.equal(1);
    // 6 in a desktop call: 3 columns.
    expect(fitGrid(6, 1052, 592, 8)).to.deep.equal({ columns: 3, width: 345 });
    for (let n = 1; n <= 9; n++)
      for (const [w, h] of [
        [1052, 592],
        [312, 444],
        [800, 1200],
      ]) {
        const { columns, width } = fitGrid(n, w, h, 8);
        const rows = Math.ceil(n / columns);
        expect(columns * width + 8 * (columns - 1)).to.be.at.most(w, `n=${n} in ${w}x${h}: fits across`);
        expect(rows * width * (9 / 16) + 8 * (rows - 1)).to.be.at.most(h + 0.01, `n=${n} in ${w}x${h}: fits down`);
      }
  });

  it('the filmstrip goes beside the stage where that leaves it larger, under it otherwise', () => {
    const wide = fitStage(1052, 592, 8);
    expect(wide.side).to.equal(true);
    expect(wide.stage + 8 + wide.strip).to.be.at.most(1052);
    const phone = fitStage(312, 444, 8);
    expect(phone).to.deep.include({ side: false, stage: 312 });
    expect(phone.strip * 2 + 8).to.be.at.most(312, 'two filmstrip tiles across');
    expect(phone.stage * (9 / 16) + 8 + phone.strip * (9 / 16)).to.be.at.most(444);
  });

  it('the stage: the pin, else someone else’s screen, else ours, else (speaker) the speaker or the newest', () => {
    const me = person('me', { local: true });
    const [a, b] = [person('a'), person('b')];
    const screen = new MediaStream();
    expect(pickStage(tilesOf([me]), 'speaker', null)).to.equal(undefined, 'one tile: no stage');
    expect(pickStage(tilesOf([me, a, b]), 'grid', null)).to.equal(undefined);
    expect(pickStage(tilesOf([me, a, b]), 'speaker', null)?.key).to.equal('b', 'the newest remote');
    expect(pickStage(tilesOf([me, a, b]), 'speaker', null, 'a')?.key).to.equal('a', 'the speaker');
    const sharing = tilesOf([{ ...me, screen }, a, { ...b, screen }]);
    expect(sharing.map((t) => t.key)).to.deep.equal(['self', 'a', 'b', 'self:screen', 'b:screen']);
    expect(pickStage(sharing, 'grid', null)?.key).to.equal('b:screen', 'someone else’s screen first');
    expect(pickStage(tilesOf([{ ...me, screen }, a]), 'grid', null)?.key).to.equal('self:screen');
    expect(pickStage(sharing, 'grid', 'a')?.key).to.equal('a', 'a pin wins over a share');
    expect(pickStage(sharing, 'grid', 'me:screen')?.key).to.equal('self:screen');
    expect(pickStage(sharing, 'grid', 'gone')?.key).to.equal('b:screen', 'a pin on a tile that went is none');
  });
});
