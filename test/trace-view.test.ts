// A step's trace for display: nesting, the summary, and pages that never
// exceed TRACE_PAGE_ROWS however long the step's trace is.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../src/engine/trace.ts';
import { nest, StepTrace, TRACE_PAGE_ROWS } from '../src/engine/traceView.ts';

const src = { file: 'f', function: 'f', url: 'u' };

describe('trace view', () => {
  it('nests events by the functions entered', () => {
    const rows = nest([
      { kind: 'enter', fn: 'a', src },
      { kind: 'enter', fn: 'b', src },
      { kind: 'check', fn: 'b', check: 'c', taken: false, outcome: 'passed', src },
      { kind: 'change', fn: 'helper', what: 'w', src },
      { kind: 'check', fn: 'a', check: 'd', taken: true, outcome: 'x', src },
    ]);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 1, 2, 0]);
  });

  it('summarises, dedupes the other context with a count, and pages within bounds', () => {
    const trace: TraceEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      trace.push({ kind: 'enter', fn: 'vm_insert_page', src });
      trace.push({ kind: 'check', fn: 'vm_insert_page', check: 'c', taken: i % 10 === 0, outcome: 'o', src });
      trace.push({ kind: 'other-context', fn: 'vmf_insert_page', context: 'fault', what: 'VM_FAULT_NOPAGE', src });
    }
    const t = new StepTrace(7, trace);
    expect(t.summary).toMatchObject({ step: 7, events: 3000, checks: 1000, held: 100 });
    expect(t.summary.otherContext).toHaveLength(1);
    expect(t.summary.otherContext[0]?.times).toBe(1000);

    const p0 = t.page(false, 0);
    expect(p0).toMatchObject({ from: 0, total: 3000, decisionsOnly: false });
    expect(p0.rows).toHaveLength(TRACE_PAGE_ROWS);
    expect(p0.rows[1]).toMatchObject({ index: 1, depth: 0 });
    const tail = t.page(false, 2900);
    expect(tail.rows.map((r) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => 2900 + i));
    expect(t.page(false, 5000, 10).rows).toEqual([]);
    expect(t.page(false, -3, 1e9).rows).toHaveLength(TRACE_PAGE_ROWS);

    const d = t.page(true, 0);
    expect(d.total).toBe(100);
    expect(d.rows.every((r) => r.event.kind === 'check' && r.event.taken && r.depth === 0)).toBe(true);
  });
});
