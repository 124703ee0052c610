// The reason behind every result: each errno, signal and oops of every measured
// scenario is decided by a check in the trace, and every event links its source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../src/engine/trace.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import type { CallRecord, StepResult } from '../src/scenario/results.ts';
import { traceScenario } from '../src/scenario/run.ts';

const dirs = ['conformance', 'conformance-own'].map((d) => join(import.meta.dirname, d));
const cases = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .flatMap((f) =>
      ['4.19', '5.2', '6.1', '6.12'].map((kernel) => ({
        name: `${f} on ${kernel}`,
        text: readFileSync(join(dir, f), 'utf8'),
        kernel,
      })),
    ),
);

const ELIXIR = /^https:\/\/elixir\.bootlin\.com\/linux\/v\d+\.\d+(\.\d+)?\/C\/ident\/[A-Za-z_][A-Za-z0-9_]*$/;
const LORE = /^https:\/\/lore\.kernel\.org\/all\/[^/]+@[^/]+\/$/;

/** The outcomes a taken check must name for this result. */
function decisions(r: StepResult): string[] {
  const out: string[] = [];
  if ('oops' in r) out.push('oops');
  if ('signal' in r && r.signal && r.signal !== 'LOOP' && 'code' in r && r.code) out.push(`${r.signal}, ${r.code}`);
  if ('signal' in r && r.signal === 'SIGKILL' && 'faults' in r) out.push('SIGKILL');
  if ('calls' in r) {
    for (const c of r.calls as CallRecord[]) if (typeof c.ret === 'string' && c.ret.startsWith('-E')) out.push(c.ret);
    if (typeof r.ret === 'string') out.push(r.ret);
  } else if ('ret' in r && typeof r.ret === 'string' && r.ret.startsWith('-E')) out.push(r.ret);
  return out;
}

function taken(trace: TraceEvent[]): string[] {
  const outcomes: string[] = [];
  for (const e of trace) {
    if (e.kind === 'check' && e.taken) outcomes.push(e.outcome);
    if (e.kind === 'change') outcomes.push(e.what);
  }
  return outcomes;
}

describe('every result is decided by a traced check with a source link', () => {
  it.each(cases)('$name', ({ text, kernel }) => {
    const p = parseScenario(text, { kernel: kernel as never });
    if (!p.ok) return; // a call this profile lacks: refused, nothing to trace
    const { doc, traces } = traceScenario(p.scenario);
    doc.results.forEach((r, i) => {
      const trace = traces[i] ?? [];
      for (const e of trace) {
        expect(e.src.url, JSON.stringify(e)).toMatch(e.fn === 'vm_insert_kmem_page' ? LORE : ELIXIR);
        expect(e.src.file).toMatch(/^(mm|include|arch)\//);
      }
      const outcomes = taken(trace);
      for (const d of decisions(r)) {
        expect(
          outcomes.some((o) => o.includes(d)),
          `step ${i} ${JSON.stringify(r)}: no check decided ${d}`,
        ).toBe(true);
      }
    });
  });
});

describe('the other context', () => {
  const text = (calls: unknown, fault: unknown, set: string[] = []) =>
    JSON.stringify({
      ptlab: 1,
      steps: [
        { op: 'alloc', id: 'k', kind: 'kmalloc', size: 64 },
        { op: 'alloc', id: 'p', kind: 'alloc_pages', order: 0 },
        {
          op: 'mmap',
          id: 'm',
          pages: 2,
          prot: ['read', 'write'],
          flags: 'shared',
          driver: { vm_flags_set: set, mmap: calls, fault, on_error: 'continue' },
        },
        { op: 'touch', mmap: 'm', page: 1, access: 'read' },
      ],
    });
  const others = (t: string, step: number) => {
    const p = parseScenario(t);
    if (!p.ok) throw new Error(p.message);
    return (traceScenario(p.scenario).traces[step] ?? [])
      .filter((e) => e.kind === 'other-context')
      .map((e) => ('what' in e ? e.what : ''));
  };

  it('an mmap-time insert shows what a fault handler would get from it', () => {
    const w = others(
      text(
        [
          { call: 'vm_insert_page', at: 0, page: { alloc: 'p', page: 0 } },
          { call: 'vm_insert_page', at: 1, page: { alloc: 'k', page: 0 } },
        ],
        null,
      ),
      2,
    );
    // Before VM_MIXEDMAP is set the same call oopses in a fault handler; after, it is -EINVAL → SIGBUS.
    expect(w[0]).toBe(
      'in a ->fault handler (mmap lock held for read) the same call oopses: mmap_read_trylock(vma->vm_mm)',
    );
    expect(w[1]).toMatch(
      /^in a ->fault handler vm_insert_page returns -EINVAL; vmf_insert_page\(\) makes that VM_FAULT_SIGBUS .* the process then gets SIGBUS \(BUS_ADRERR\)$/,
    );
  });

  it('a fault-time vmf_insert_page shows what its errno twin gives in mmap', () => {
    const w = others(
      text([], [{ pgoff: '*', call: 'vmf_insert_page', page: { alloc: 'p', page: 0 } }], ['VM_MIXEDMAP']),
      3,
    );
    expect(w).toEqual(['in f_op->mmap vm_insert_page returns 0 and mmap() succeeds']);
  });

  it('vmf_insert_page used by mistake in mmap: the errno twin, and why mmap() returned an address', () => {
    const w = others(
      text([{ call: 'vmf_insert_page', at: 0, page: { alloc: 'p', page: 0 } }], null, ['VM_MIXEDMAP']),
      2,
    );
    expect(w).toEqual([
      'in f_op->mmap vm_insert_page returns 0 and mmap() succeeds; vmf_insert_page() returned VM_FAULT_NOPAGE here, a positive number that mmap() hands out as an address',
    ]);
  });
});

describe('a big step keeps its decisions and a bounded trace', () => {
  it('a 4,096-page vm_map_pages keeps 4,000 routine events, every check that held, and says how many it left out', () => {
    const text = JSON.stringify({
      ptlab: 1,
      steps: [
        { op: 'alloc', id: 'v', kind: 'vmalloc', size: 4096 * 4096 },
        {
          op: 'mmap',
          id: 'm',
          pages: 4096,
          prot: ['read', 'write'],
          flags: 'shared',
          driver: { mmap: [{ call: 'vm_map_pages', alloc: 'v' }] },
        },
      ],
    });
    const p = parseScenario(text);
    if (!p.ok) throw new Error(p.message);
    const trace = traceScenario(p.scenario).traces[1] ?? [];
    const last = trace[trace.length - 1];
    expect(last?.kind === 'change' && last.what).toMatch(/^\d+ more routine events of this step not shown/);
    expect(trace.length).toBeLessThan(4100);
    // The decisions are all there: VM_MIXEDMAP set on the first insert, the handler's 0 kept the VMA.
    const held = trace.filter((e) => e.kind === 'check' && e.taken).map((e) => (e.kind === 'check' ? e.check : ''));
    expect(held).toContain('!(vma->vm_flags & VM_MIXEDMAP)');
  });
});
