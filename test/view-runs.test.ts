// The runs a view sends are exact: every page of a window and every frame in
// use reads back as the kernel state has it; ranges hold exactly their values.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePfn } from '../src/engine/alloc.ts';
import { changedFrames } from '../src/engine/changes.ts';
import { PAGE_SIZE, TASK_SIZE } from '../src/engine/constants.ts';
import { OWNER_FREE, OWNER_KERNEL } from '../src/engine/physmem.ts';
import { RangesBuilder, rangesHas, rangesOverlap, rangesSize, rangesValues } from '../src/engine/ranges.ts';
import { Session } from '../src/engine/session.ts';
import { physicalMemory, pteRuns, RUN_IN_VMA, RUN_PRESENT } from '../src/engine/view.ts';
import { parseScenario } from '../src/scenario/parse.ts';

const dir = join(import.meta.dirname, 'conformance');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.includes('expected'))
  .map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);

// vmalloc taking frames freed in a scattered order: consecutive allocation pages, scattered pfns.
const scattered = JSON.stringify({
  ptlab: 1,
  steps: [
    ...Array.from({ length: 8 }, (_, i) => ({ op: 'alloc', id: `p${i}`, kind: 'alloc_pages', order: 0 })),
    ...[1, 6, 3, 0, 5].map((i) => ({ op: 'free', id: `p${i}` })),
    { op: 'alloc', id: 'v', kind: 'vmalloc_user', size: 8 * 4096 },
    {
      op: 'mmap',
      id: 'm',
      pages: 8,
      prot: ['read'],
      flags: 'shared',
      driver: { mmap: [{ call: 'vm_map_pages', alloc: 'v' }] },
    },
  ],
});

describe('view runs', () => {
  it('every page of the window reads back from its run as the page table has it', () => {
    let scatteredRuns = 0;
    for (const [name, text] of [...cases, ['scattered vmalloc', scattered] as const]) {
      const p = parseScenario(text);
      if (!p.ok) continue;
      const s = new Session(p.scenario);
      for (let c = 0; c <= s.length; c++) {
        const k = s.seek(c).kernel;
        for (const m of k.mappings.values()) {
          if (m.start === null) continue;
          const r = pteRuns(k, m.id, -2, m.pages + 4);
          if (name === 'scattered vmalloc' && c === s.length) scatteredRuns = r.first.length;
          let run = 0;
          for (let page = -2; page < m.pages + 2; page++) {
            while (page >= (r.first[run] as number) + (r.count[run] as number)) run++;
            const d = page - (r.first[run] as number);
            const addr = m.start + page * PAGE_SIZE;
            const t = addr >= 0 && addr < TASK_SIZE ? k.pt.pteTable(addr) : -1;
            const i = t >= 0 ? k.pt.pteIndex(t, addr) : -1;
            const present = i >= 0 && k.pt.ptePresent(i);
            const bits = r.bits[run] as number;
            expect((bits & RUN_PRESENT) !== 0, `${name} cursor ${c} page ${page}`).toBe(present);
            expect((bits & RUN_IN_VMA) !== 0).toBe(k.vmas.some((v) => addr >= v.start && addr < v.end));
            if (!present) continue;
            expect((r.pfn[run] as number) + d).toBe(k.pt.ptePfn(i));
            expect(r.flags[run]).toBe(k.pt.pteFlagsAt(i) >>> 0);
            const ref = resolvePfn(k, k.pt.ptePfn(i));
            const a = r.alloc[run] as number;
            expect(a < 0 ? null : { alloc: r.allocs[a], page: (r.allocPage[run] as number) + d }).toEqual(ref);
          }
        }
        const ph = physicalMemory(k);
        const inUse: number[] = [];
        k.mem.forEachWritten((pfn) => {
          const o = k.mem.owner(pfn);
          if (o !== OWNER_FREE && o !== OWNER_KERNEL) inUse.push(pfn);
        });
        const fromRuns: number[] = [];
        ph.runs.first.forEach((f, j) => {
          for (let q = 0; q < (ph.runs.count[j] as number); q++) {
            fromRuns.push(f + q);
            expect(ph.runs.refcount[j]).toBe(k.mem.pageCount(f + q));
            expect(ph.runs.mapcount[j]).toBe(k.mem.mapcount(f + q));
          }
        });
        expect(fromRuns).toEqual(inUse);
        expect(ph.inUse).toBe(inUse.length);
      }
    }
    // The scattered pfns split the mapping into runs (outside, pages, outside).
    expect(scatteredRuns).toBeGreaterThan(3);
  });

  it("a step's changed frames are exactly the frames whose struct page differs", () => {
    let seen = 0;
    for (const [name, text] of cases) {
      const p = parseScenario(text);
      if (!p.ok) continue;
      const s = new Session(p.scenario);
      for (let c = 1; c <= s.length; c++) {
        const before = s.seek(c - 1).kernel.clone();
        const after = s.seek(c).kernel;
        const want: number[] = [];
        const a = before.mem;
        const b = after.mem;
        for (let pfn = 0; pfn < b.nframes; pfn++) {
          if (
            a.refcount(pfn) !== b.refcount(pfn) ||
            a.mapcount(pfn) !== b.mapcount(pfn) ||
            a.flags(pfn) !== b.flags(pfn) ||
            a.owner(pfn) !== b.owner(pfn) ||
            a.ownerIndex(pfn) !== b.ownerIndex(pfn)
          )
            want.push(pfn);
        }
        expect(rangesValues(changedFrames(before, after)), `${name} step ${c - 1}`).toEqual(want);
        seen += want.length;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('ranges hold exactly the values added', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(300)), fc.nat(310), fc.nat(20), (xs, probe, len) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const b = new RangesBuilder();
        for (const x of sorted) b.add(x);
        const r = b.done();
        expect(rangesValues(r)).toEqual(sorted);
        expect(rangesSize(r)).toBe(sorted.length);
        expect(rangesHas(r, probe)).toBe(sorted.includes(probe));
        expect(rangesOverlap(r, probe, len)).toBe(sorted.some((x) => x >= probe && x < probe + len));
      }),
      { numRuns: 500 },
    );
  });
});
