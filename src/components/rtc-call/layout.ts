import type { Participant } from '../../engine/types.js';

/**
 * Where `<rtc-call>`'s tiles go: pure arithmetic on the size of the tiles' area, so it is tested without a browser.
 * Tiles are 16:9; widths are whole CSS pixels (rounded down), so what is laid out never exceeds the area.
 */

export type LayoutName = 'grid' | 'speaker';

/** One tile: a participant's camera, or their screen. `pin` is what `pin()` takes for it. */
export interface TileRef {
  key: string;
  pin: string;
  p: Participant;
  screen: boolean;
}

const RATIO = 16 / 9;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Each participant's camera tile, then, for everyone sharing, a tile of their screen. */
export function tilesOf(people: readonly Participant[]): TileRef[] {
  const tiles: TileRef[] = people.map((p) => ({ key: p.local ? 'self' : p.id, pin: p.id, p, screen: false }));
  for (const p of people)
    if (p.screen) tiles.push({ key: `${p.local ? 'self' : p.id}:screen`, pin: `${p.id}:screen`, p, screen: true });
  return tiles;
}

/** The grid whose 16:9 tiles are the largest for `n` tiles in a `width` x `height` area: columns and tile width. */
export function fitGrid(n: number, width: number, height: number, gap: number): { columns: number; width: number } {
  let best = { columns: 1, width: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const w = Math.min((width - gap * (columns - 1)) / columns, ((height - gap * (rows - 1)) / rows) * RATIO);
    if (w > best.width) best = { columns, width: w };
  }
  return { columns: best.columns, width: Math.max(0, Math.floor(best.width)) };
}

/**
 * The stage and its filmstrip in a `width` x `height` area: the filmstrip a row under the stage, or a column beside
 * it, whichever leaves the stage larger. `stage` and `strip` are the tiles' widths.
 */
export function fitStage(width: number, height: number, gap: number): { side: boolean; stage: number; strip: number } {
  // A row: tiles up to 160 px tall, and at least two of them across.
  const rowHeight = Math.min(clamp(height * 0.22, 64, 160), ((width - gap) / 2) * (1 / RATIO));
  const below = Math.min(width, (height - rowHeight - gap) * RATIO);
  const columnWidth = clamp(width * 0.2, 112, 240);
  const beside = Math.min(width - columnWidth - gap, height * RATIO);
  return beside > below
    ? { side: true, stage: Math.floor(beside), strip: Math.floor(columnWidth) }
    : { side: false, stage: Math.floor(below), strip: Math.floor(rowHeight * RATIO) };
}

/**
 * The tile on the stage: the pinned one, else a screen being shared (someone else's before ours), else, in the
 * speaker layout, the active speaker (`speaker`: the last one heard, else the most recent to arrive). None in a grid
 * without pin or share, or with fewer than two tiles.
 */
export function pickStage(
  tiles: readonly TileRef[],
  layout: LayoutName,
  pinned: string | null,
  speaker?: string,
): TileRef | undefined {
  if (tiles.length < 2) return undefined;
  const pin = tiles.find((t) => t.pin === pinned);
  if (pin) return pin;
  const screens = tiles.filter((t) => t.screen);
  const screen = screens.find((t) => !t.p.local) ?? screens[0];
  if (screen || layout !== 'speaker') return screen;
  const cameras = tiles.filter((t) => !t.screen);
  return (
    cameras.find((t) => t.p.id === speaker && !t.p.local) ??
    [...cameras].reverse().find((t) => !t.p.local) ??
    cameras[0]
  );
}
