// The frame runs the worker sends, read by index: cells, lookups and ranges
// agree with the frame-by-frame reading they replace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangesBuilder } from '../../engine/ranges.ts';
import { FRAME_OWNERS, type FrameRuns } from '../../engine/view.ts';
import { FrameList, type FrameView, frameCells, frameRanges } from './frames.ts';

/** Runs from a frame-by-frame list (as the engine merges them). */
function runsOf(frames: FrameView[]): FrameRuns {
  const labels: string[] = [];
  const cols = {
    first: [] as number[],
    count: [] as number[],
    owner: [] as number[],
    label: [] as number[],
    refcount: [] as number[],
    mapcount: [] as number[],
  };
  for (const f of frames) {
    const owner = FRAME_OWNERS.indexOf(f.owner);
    let label = f.label === null ? -1 : labels.indexOf(f.label);
    if (f.label !== null && label < 0) label = labels.push(f.label) - 1;
    const r = cols.first.length - 1;
    if (
      r >= 0 &&
      (cols.first[r] as number) + (cols.count[r] as number) === f.pfn &&
      cols.owner[r] === owner &&
      cols.label[r] === label &&
      cols.refcount[r] === f.refcount &&
      cols.mapcount[r] === f.mapcount
    ) {
      cols.count[r] = (cols.count[r] as number) + 1;
      continue;
    }
    cols.first.push(f.pfn);
    cols.count.push(1);
    cols.owner.push(owner);
    cols.label.push(label);
    cols.refcount.push(f.refcount);
    cols.mapcount.push(f.mapcount);
  }
  return {
    first: Int32Array.from(cols.first),
    count: Int32Array.from(cols.count),
    owner: Uint8Array.from(cols.owner),
    label: Int32Array.from(cols.label),
    refcount: Int32Array.from(cols.refcount),
    mapcount: Int32Array.from(cols.mapcount),
    labels,
  };
}

const frameList = fc
  .array(
    fc.record({
      gap: fc.nat(3),
      owner: fc.constantFrom('alloc', 'slab', 'pagetable', 'anon') as fc.Arbitrary<FrameView['owner']>,
      label: fc.constantFrom(null, 'a', 'b'),
      refcount: fc.nat(3),
      mapcount: fc.nat(2),
    }),
    { maxLength: 80 },
  )
  .map((xs) => {
    let pfn = 10;
    return xs.map((x) => {
      pfn += x.gap + 1;
      return { pfn, owner: x.owner, label: x.label, refcount: x.refcount, mapcount: x.mapcount };
    });
  });

describe('FrameList', () => {
  it('reads every frame back by index and by pfn, and cells sum what they cover', () => {
    fc.assert(
      fc.property(frameList, fc.integer({ min: 1, max: 7 }), fc.array(fc.nat(200)), (frames, fpc, picks) => {
        const list = new FrameList(runsOf(frames));
        expect(list.length).toBe(frames.length);
        frames.forEach((f, i) => {
          expect(list.at(i)).toEqual(f);
          expect(list.indexOf(f.pfn)).toBe(i);
        });
        expect(list.at(frames.length)).toBeNull();
        expect(list.mapped()).toBe(frames.filter((f) => f.mapcount > 0).length);
        const changedPfns = [...new Set(picks)].sort((a, b) => a - b);
        const b = new RangesBuilder();
        for (const p of changedPfns) b.add(p);
        const changed = b.done();
        expect(list.countIn(changed)).toBe(changedPfns.filter((p) => list.indexOf(p) >= 0).length);
        const sel = frames[Math.floor(frames.length / 2)]?.pfn ?? null;
        const c = frameCells(list, fpc, 1000, changed, sel);
        expect(c.n).toBe(Math.ceil(frames.length / fpc));
        for (let i = 0; i < c.n; i++) {
          const cell = frames.slice(i * fpc, (i + 1) * fpc);
          expect(c.mapped[i]).toBe(cell.filter((f) => f.mapcount > 0).length);
          expect(c.extra[i]).toBe(cell.filter((f) => f.refcount > 1).length);
          expect(c.changed[i]).toBe(cell.some((f) => changedPfns.includes(f.pfn)) ? 1 : 0);
          const prev = frames[i * fpc - 1];
          expect(c.gap[i]).toBe(prev && prev.pfn !== (cell[0] as FrameView).pfn - 1 ? 1 : 0);
          expect(list.frame(c.run[i] as number, (cell[0] as FrameView).pfn)).toEqual(cell[0]);
        }
        expect(c.selected).toBe(sel === null ? -1 : Math.floor(frames.findIndex((f) => f.pfn === sel) / fpc));
        const ranges = frameRanges(list);
        expect(ranges.reduce((a, r) => a + r.count, 0)).toBe(frames.length);
        expect(ranges.reduce((a, r) => a + r.mapped, 0)).toBe(list.mapped());
      }),
      { numRuns: 200 },
    );
  });
});
