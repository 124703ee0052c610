// A step's trace for display: nested as a call chain, summarised, and handed
// out a page at a time (a 262,144-page vm_map_pages keeps thousands of events;
// the view shows the first rows and fetches more when asked). Pure.
import type { TraceEvent } from './trace.ts';

export interface TraceRow {
  event: TraceEvent;
  /** Call depth, from the sequence of functions entered. */
  depth: number;
  /** Position in the step's trace. */
  index: number;
}

export type OtherContextEvent = Extract<TraceEvent, { kind: 'other-context' }>;

/**
 * Nesting from the event sequence: an `enter` opens a function; a later event
 * of a function already open returns to it; an event of a function never
 * entered (a helper that only records a change) sits one level below the
 * innermost open function.
 */
export function nest(trace: readonly TraceEvent[]): TraceRow[] {
  const stack: string[] = [];
  return trace.map((event, index) => {
    if (event.kind === 'enter') {
      const at = stack.lastIndexOf(event.fn);
      // Re-entering the innermost open function is the same frame, not a recursion.
      if (at >= 0 && at === stack.length - 1) return { event, depth: at, index };
      stack.push(event.fn);
      return { event, depth: stack.length - 1, index };
    }
    const at = stack.lastIndexOf(event.fn);
    if (at >= 0) {
      stack.length = at + 1;
      return { event, depth: at, index };
    }
    return { event, depth: stack.length, index };
  });
}

/** Rows one trace page holds: about 250 bytes each, so a page stays near 50 kB. */
export const TRACE_PAGE_ROWS = 200;

export interface TraceSummary {
  step: number;
  events: number;
  checks: number;
  /** Checks whose condition held: the decisions. */
  held: number;
  /** Routine events left out past the trace's limit (every check that held is kept). */
  dropped: number;
  /** What the same call gives in the other context (mmap versus fault handler): each once, with how often. */
  otherContext: { event: OtherContextEvent; times: number }[];
}

export interface TracePage {
  summary: TraceSummary;
  /** Only the checks that held, as a flat list. */
  decisionsOnly: boolean;
  /** Rows before this page, and rows in all (of the filter). */
  from: number;
  total: number;
  rows: TraceRow[];
}

/** A step's trace, nested once, from which pages are cut. */
export class StepTrace {
  readonly summary: TraceSummary;
  private readonly rows: TraceRow[];
  private decisions: TraceRow[] | null = null;

  constructor(step: number, trace: readonly TraceEvent[], dropped = 0) {
    this.rows = nest(trace);
    let checks = 0;
    let held = 0;
    const at = new Map<string, number>();
    const otherContext: TraceSummary['otherContext'] = [];
    for (const e of trace) {
      if (e.kind === 'check') {
        checks++;
        if (e.taken) held++;
      } else if (e.kind === 'other-context') {
        const key = `${e.context}\u0000${e.fn}\u0000${e.what}`;
        const i = at.get(key);
        if (i === undefined) {
          at.set(key, otherContext.length);
          otherContext.push({ event: e, times: 1 });
        } else (otherContext[i] as { times: number }).times++;
      }
    }
    this.summary = { step, events: trace.length, checks, held, dropped, otherContext };
  }

  page(decisionsOnly: boolean, from: number, count = TRACE_PAGE_ROWS): TracePage {
    let rows = this.rows;
    if (decisionsOnly) {
      this.decisions ??= this.rows
        .filter((r) => r.event.kind === 'check' && r.event.taken)
        .map((r) => ({ ...r, depth: 0 }));
      rows = this.decisions;
    }
    const a = Math.max(0, Math.min(rows.length, Math.trunc(from)));
    const n = Math.max(0, Math.min(TRACE_PAGE_ROWS, Math.trunc(count)));
    return { summary: this.summary, decisionsOnly, from: a, total: rows.length, rows: rows.slice(a, a + n) };
  }
}
