// The worker's engine side in-process: loading keeps the old session on refusal,
// views of any step match the CLI's results, and reading a view changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageSize } from '../scripts/bench.ts';
import { _PAGE_RW } from '../src/engine/constants.ts';
import { dumpState } from '../src/engine/inspect.ts';
import { rangesValues } from '../src/engine/ranges.ts';
import { Session } from '../src/engine/session.ts';
import { MAX_TRACE_EVENTS } from '../src/engine/trace.ts';
import { TRACE_PAGE_ROWS } from '../src/engine/traceView.ts';
import { pageWalk, pteRuns, RUN_IN_VMA, RUN_PRESENT, structPage } from '../src/engine/view.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { viewBuffers } from '../src/worker/buffers.ts';
import { createLab } from '../src/worker/lab.ts';

const text = readFileSync(
  join(import.meta.dirname, 'conformance/vm_insert_page-alloc_pages-order0-shared.json'),
  'utf8',
);
const expected = JSON.parse(
  readFileSync(join(import.meta.dirname, 'conformance/vm_insert_page-alloc_pages-order0-shared.expected.json'), 'utf8'),
);

describe('the worker lab', () => {
  it('loads a scenario, and a refused one leaves the previous session in place', () => {
    const lab = createLab();
    const ok = lab.load(text);
    expect(ok).toMatchObject({ ok: true, steps: 15, kernel: '6.1' });
    expect(ok.ok && ok.results).toEqual(expected.results);
    expect(lab.load('{"ptlab": 1, "steps": [')).toMatchObject({ ok: false });
    expect(lab.view({ cursor: 3, mapping: 'm', window: { first: -1, count: 4 }, addr: null, pfn: null }).cursor).toBe(
      3,
    );
  });

  it('shows each step with the result the CLI prints, and the PTEs as the pte op reports them', () => {
    const lab = createLab();
    lab.load(text);
    const session = new Session((parseScenario(text) as { ok: true; scenario: Scenario }).scenario);
    for (let k = 1; k <= 15; k++) {
      const v = lab.view({ cursor: k, mapping: 'm', window: { first: -1, count: 4 }, addr: null, pfn: null });
      expect(v.cursor).toBe(k);
      // The trace the lab hands out is the step's own, recomputed.
      const t = lab.trace({ step: k - 1, decisionsOnly: false, from: 0 });
      const own = session.traced(k - 1);
      expect(own.result).toEqual(expected.results[k - 1]);
      expect(t.summary.events).toBe(own.trace.length);
      expect(t.rows.map((r) => r.event)).toEqual(own.trace.slice(0, TRACE_PAGE_ROWS));
    }
    const v = lab.view({ cursor: 4, mapping: 'm', window: { first: 0, count: 2 }, addr: null, pfn: null });
    const r = v.ptes;
    expect([...r.first]).toEqual([0, 1]);
    expect([...r.count]).toEqual([1, 1]);
    expect([...r.bits]).toEqual([RUN_PRESENT | RUN_IN_VMA, RUN_IN_VMA]);
    expect((r.flags[0] as number) & _PAGE_RW).toBe(_PAGE_RW);
    expect(r.allocs[r.alloc[0] as number]).toBe('p');
    expect([r.allocPage[0], r.alloc[1], r.pfn[1], r.flags[1]]).toEqual([0, -1, -1, 0]);
  });

  it('walks the page table of a mapped address and decodes the PTE', () => {
    const lab = createLab();
    lab.load(text);
    const start = lab.view({ cursor: 3, mapping: 'm', window: { first: 0, count: 1 }, addr: null, pfn: null })
      .addressSpace.mappings.start[0] as number;
    const v = lab.view({ cursor: 3, mapping: 'm', window: { first: 0, count: 1 }, addr: start, pfn: null });
    expect(v.walk?.levels.map((l) => l.level)).toEqual(['PGD', 'P4D', 'PUD', 'PMD', 'PTE']);
    expect(v.walk?.levels[4]?.entry?.bits).toEqual(['P', 'RW', 'US', 'A', 'NX']);
    expect(v.walk?.levels[4]?.entry?.value).toMatch(/^0x80000000[0-9a-f]{5}027$/);
    const page = lab.view({
      cursor: 3,
      mapping: null,
      window: { first: 0, count: 0 },
      addr: null,
      pfn: v.walk?.frame ?? -1,
    }).page;
    expect(page).toMatchObject({
      pageCount: 2,
      mapcount: 1,
      ref: { alloc: 'p', page: 0 },
      mappedAt: [{ addr: start, special: false }],
    });
  });

  it('a walk that stops early names every level and says where it stopped', () => {
    const lab = createLab();
    lab.load(text);
    const v = lab.view({ cursor: 3, mapping: null, window: { first: 0, count: 0 }, addr: 2 ** 40, pfn: null });
    expect(v.walk?.levels.map((l) => [l.level, l.bits, l.entry === null, l.tableFrame >= 0])).toEqual([
      ['PGD', '47-39', true, true],
      ['P4D', 'folded', true, true],
      ['PUD', '38-30', true, false],
      ['PMD', '29-21', true, false],
      ['PTE', '20-12', true, false],
    ]);
    expect(v.walk?.frame).toBe(-1);
  });

  it('says what each step changed: the VMA and PTE of the mmap, the frames whose struct page moved', () => {
    const lab = createLab();
    lab.load(text);
    const at = (cursor: number) => {
      const c = lab.view({ cursor, mapping: 'm', window: { first: -1, count: 4 }, addr: null, pfn: null }).changes;
      return { vmas: c.vmas, ptes: rangesValues(c.ptes), frames: rangesValues(c.frames) };
    };
    expect(at(0)).toEqual({ vmas: [], ptes: [], frames: [] });
    const mmap = at(3); // step 2: mmap with vm_insert_page at 0
    expect(mmap.vmas).toEqual(['m']);
    expect(mmap.ptes).toEqual([0]);
    expect(mmap.frames.length).toBeGreaterThan(0); // the page (refcount, mapcount) and the page-table pages
    expect(at(4)).toEqual({ vmas: [], ptes: [], frames: [] }); // page_info reads only
    expect(at(8).ptes).toEqual([0]); // the write touch sets the dirty bit
  });

  it("pages a long step's trace and says how many routine events it did not keep", () => {
    const lab = createLab();
    const pages = 4096;
    const big = JSON.stringify({
      ptlab: 1,
      steps: [
        { op: 'alloc', id: 'v', kind: 'vmalloc_user', size: pages * 4096 },
        {
          op: 'mmap',
          id: 'm',
          pages,
          prot: ['read'],
          flags: 'shared',
          driver: { mmap: [{ call: 'vm_map_pages', alloc: 'v' }] },
        },
      ],
    });
    expect(lab.load(big)).toMatchObject({ ok: true });
    lab.view({ cursor: 2, mapping: 'm', window: { first: -1, count: 512 }, addr: null, pfn: null });
    const t = lab.trace({ step: 1, decisionsOnly: false, from: 0 });
    // The routine events kept, every decision, and the note saying how many were left out.
    expect(t.summary.events).toBeGreaterThan(MAX_TRACE_EVENTS);
    expect(t.summary.events).toBeLessThan(MAX_TRACE_EVENTS + 10);
    expect(t.summary.dropped).toBeGreaterThan(0);
    expect(t.rows).toHaveLength(TRACE_PAGE_ROWS);
    const end = lab.trace({ step: 1, decisionsOnly: false, from: t.total - 1 });
    expect(end.rows[0]?.event).toMatchObject({
      kind: 'change',
      what: expect.stringContaining(`${t.summary.dropped} more routine events`),
    });
    expect(() => lab.trace({ step: 2, decisionsOnly: false, from: 0 })).toThrow('no step 2');
  });

  it('keeps a step message small however big the state: 3,000 VMAs, a 65,536-page window', () => {
    const lab = createLab();
    const steps: unknown[] = [{ op: 'alloc', id: 'v', kind: 'vmalloc_user', size: 65_536 * 4096 }];
    steps.push({
      op: 'mmap',
      id: 'big',
      pages: 65_536,
      prot: ['read'],
      flags: 'shared',
      driver: { mmap: [{ call: 'vm_map_pages', alloc: 'v' }] },
    });
    for (let i = 0; i < 3000; i++)
      steps.push({ op: 'mmap', id: `m${i}`, pages: 1, prot: ['read'], flags: 'private', driver: { mmap: [] } });
    expect(lab.load(JSON.stringify({ ptlab: 1, steps }))).toMatchObject({ ok: true });
    const v = lab.view({ cursor: 2, mapping: 'big', window: { first: -1, count: 65_536 }, addr: null, pfn: null });
    expect(v.ptes.first.length).toBe(2); // the page before the VMA, then one run
    expect(messageSize(v).plain).toBeLessThan(100_000);
    const end = lab.view({
      cursor: steps.length,
      mapping: 'big',
      window: { first: -1, count: 65_536 },
      addr: null,
      pfn: null,
    });
    expect(end.addressSpace.vmas.start.length).toBe(3001);
    expect(messageSize(end).plain).toBeLessThan(100_000);
  });

  it('hands out fresh typed arrays: a transferred view leaves the next one whole', () => {
    const lab = createLab();
    lab.load(text);
    const req = { cursor: 3, mapping: 'm', window: { first: -1, count: 4 }, addr: null, pfn: null };
    const a = lab.view(req);
    const copy = structuredClone(a);
    // What the worker does: transfer every buffer, which detaches them here.
    structuredClone(a, { transfer: viewBuffers(a) });
    expect(a.physical.runs.first.length).toBe(0);
    const b = lab.view(req);
    expect(b).toEqual(copy);
    expect(rangesValues(b.changes.ptes)).toEqual([0]);
  });

  it('reading views has no side effects on the state', () => {
    const p = parseScenario(text);
    if (!p.ok) throw new Error(p.message);
    const s = new Session(p.scenario);
    const k = s.seek(3).kernel;
    const before = JSON.stringify(dumpState(k));
    const m = k.mappings.get('m');
    pteRuns(k, 'm', -100, 1000);
    pageWalk(k, (m?.start ?? 0) + 5 * 2 ** 30); // an address with no tables: nothing is allocated
    structPage(k, 5000);
    expect(JSON.stringify(dumpState(k))).toBe(before);
  });
});
