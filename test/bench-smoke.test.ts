// A smoke run of npm run bench's engine phases with tiny sizes, so the bench
// cannot rot; no timing is asserted (the benchmark itself stays out of npm test).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  entryScript,
  HUGE_VMA_PAGES,
  largestMessage,
  permutation,
  runEngineWork,
  staticImports,
  stepsScenario,
} from '../scripts/bench.ts';
import { Session } from '../src/engine/session.ts';
import { parseScenario } from '../src/scenario/parse.ts';

const bench = (name: string) => readFileSync(join(import.meta.dirname, '..', 'bench', name), 'utf8');

describe('bench smoke run', () => {
  it('permutes like ptwork.c (mulberry32 + Fisher-Yates)', () => {
    const p = permutation(1000, 1);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, 1)).toEqual(p);
  });

  it.each([1, 513, 2048])('inserts and touches %i pages in both orders with the state ptwork.c reaches', (n) => {
    const run = runEngineWork(n);
    const tables = 1 + 1 + Math.ceil(n / (512 * 512)) + Math.ceil(n / 512);
    const lookupPfns = n * 0x100000 + (n * (n - 1)) / 2;
    for (const c of run.checks) {
      expect(c).toMatchObject({
        refs: 2 * n,
        maps: n,
        tables,
        errors: 0,
        signals: 0,
        accessed: n,
        lookup_pfns: lookupPfns,
      });
    }
    expect(run.checks[1].pte_fnv).toBe(run.checks[0].pte_fnv);
  });

  it('keeps the committed scenarios runnable', () => {
    const huge = parseScenario(bench('huge-vma.json'));
    expect(huge.ok).toBe(true);
    if (!huge.ok) return;
    const s = new Session(huge.scenario);
    expect(s.results.slice(2).map((r) => (r as { signal: unknown }).signal)).toEqual([null, null, null]);
    expect(JSON.parse(bench('huge-vma.json')).steps[1].pages).toBe(HUGE_VMA_PAGES);
    expect(JSON.parse(bench('steps-10k.json'))).toEqual(stepsScenario());
    expect(parseScenario(bench('gib-vm_map_pages.json')).ok).toBe(true);
  });

  it('steps a generated scenario exactly', () => {
    const p = parseScenario(JSON.stringify(stepsScenario(300)));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const s = new Session(p.scenario);
    const at = s.seek(150).kernel.pt.tableCount();
    s.seek(299);
    expect(s.seek(150).kernel.pt.tableCount()).toBe(at);
    expect(s.back().kernel).toBeDefined();
  });

  it('measures the step message of the default scenario', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'src/scenario/library/default.json'), 'utf8');
    const { size, trace } = largestMessage(text, 'm', 512);
    expect(size.plain).toBeGreaterThan(0);
    expect(size.transferred).toBeGreaterThan(0);
    expect(trace).toBeGreaterThan(0);
    expect(Object.keys(size.parts)).toContain('physical');
  });

  it('finds the entry chunk and its static imports, not its dynamic ones', () => {
    expect(entryScript('<script type="module" crossorigin src="/assets/index-a1.js"></script>')).toBe(
      'assets/index-a1.js',
    );
    const code = 'import{a as b}from"./vendor-1.js";import"./side-2.js";const e=()=>import("./Editor-3.js");';
    expect(staticImports(code)).toEqual(['vendor-1.js', 'side-2.js']);
  });
});
