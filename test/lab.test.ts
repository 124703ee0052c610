// The worker's engine side in-process: loading keeps the old session on refusal,
// views of any step match the CLI's results, and reading a view changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpState } from '../src/engine/inspect.ts';
import { Session } from '../src/engine/session.ts';
import { pageWalk, pteRuns, structPage } from '../src/engine/view.ts';
import { parseScenario } from '../src/scenario/parse.ts';
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
    for (let k = 1; k <= 15; k++) {
      const v = lab.view({ cursor: k, mapping: 'm', window: { first: -1, count: 4 }, addr: null, pfn: null });
      expect(v.last?.result).toEqual(expected.results[k - 1]);
    }
    const v = lab.view({ cursor: 4, mapping: 'm', window: { first: 0, count: 2 }, addr: null, pfn: null });
    expect(v.ptes).toHaveLength(2);
    expect(v.ptes[0]).toMatchObject({
      first: 0,
      count: 1,
      cell: { present: true, write: true, maps: { alloc: 'p', page: 0 } },
    });
    expect(v.ptes[1]).toMatchObject({ first: 1, count: 1, cell: { present: false, inVma: true } });
  });

  it('walks the page table of a mapped address and decodes the PTE', () => {
    const lab = createLab();
    lab.load(text);
    const start = lab.view({ cursor: 3, mapping: 'm', window: { first: 0, count: 1 }, addr: null, pfn: null })
      .addressSpace.mappings[0]?.start as number;
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
    const at = (cursor: number) =>
      lab.view({ cursor, mapping: 'm', window: { first: -1, count: 4 }, addr: null, pfn: null }).changes;
    expect(at(0)).toEqual({ vmas: [], ptes: [], frames: [] });
    const mmap = at(3); // step 2: mmap with vm_insert_page at 0
    expect(mmap.vmas).toEqual(['m']);
    expect(mmap.ptes).toEqual([0]);
    expect(mmap.frames.length).toBeGreaterThan(0); // the page (refcount, mapcount) and the page-table pages
    expect(at(4)).toEqual({ vmas: [], ptes: [], frames: [] }); // page_info reads only
    expect(at(8).ptes).toEqual([0]); // the write touch sets the dirty bit
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
