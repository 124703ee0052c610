// Why: the chain of kernel checks the step that led to the cursor went
// through, in the order the kernel evaluates them: functions entered, each
// check with its condition and whether it held, the state it changed, each with
// a link to its source in that profile's tree.
import { useMemo, useState } from 'react';
import type { TraceEvent } from '../../engine/trace.ts';
import { useLab } from '../../store/lab.ts';
import { isHidden, usePredict } from '../../store/predict.ts';
import './WhyPanel.css';

/** Rows rendered at first; a step's trace can be long (a 4,096-call mmap). */
const FIRST_ROWS = 400;
const MAX_INDENT = 8;

export interface WhyRow {
  event: TraceEvent;
  /** Call depth, from the sequence of functions entered. */
  depth: number;
  index: number;
}

/**
 * Nesting from the event sequence: an `enter` opens a function; a later event
 * of a function already open returns to it; an event of a function never
 * entered (a helper that only records a change) sits one level below the
 * innermost open function.
 */
export function nest(trace: readonly TraceEvent[]): WhyRow[] {
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

function SourceLink({ e }: { e: TraceEvent }) {
  return (
    <a className="why-src" href={e.src.url} target="_blank" rel="noreferrer">
      {e.src.file}: {e.src.function}
    </a>
  );
}

function Row({ row }: { row: WhyRow }) {
  const { event: e, depth } = row;
  const style = { paddingLeft: `${Math.min(depth, MAX_INDENT) * 12 + 4}px` };
  switch (e.kind) {
    case 'enter':
      return (
        <li className="why-row why-enter" data-testid="why-enter" style={style}>
          <span className="why-fn">→ {e.fn}()</span> <SourceLink e={e} />
        </li>
      );
    case 'check':
      return (
        <li
          className={`why-row why-check${e.taken ? ' why-decides' : ''}`}
          data-testid="why-check"
          data-taken={String(e.taken)}
          data-outcome={e.outcome}
          style={style}
        >
          <span className={`why-held ${e.taken ? 'why-held-yes' : 'why-held-no'}`}>{e.taken ? 'true' : 'false'}</span>{' '}
          <code className="why-cond">{e.check}</code>
          {e.taken && (
            <>
              {' '}
              <span className="why-outcome">⇒ {e.outcome}</span>
            </>
          )}{' '}
          <SourceLink e={e} />
        </li>
      );
    case 'change':
      return (
        <li className="why-row why-change" data-testid="why-change" style={style}>
          <span className="why-tag">change</span> <span className="why-what">{e.what}</span> <SourceLink e={e} />
        </li>
      );
    case 'other-context':
      return (
        <li className="why-row why-other" data-testid="why-other" data-context={e.context} style={style}>
          <span className="why-tag">other context</span> <span className="why-what">{e.what}</span> <SourceLink e={e} />
        </li>
      );
  }
}

export function WhyPanel() {
  const shownLast = useLab((s) => s.view?.last ?? null);
  // The checks give the answer away while a prediction is pending.
  const hidden = usePredict((s) => shownLast !== null && isHidden(s, shownLast.step, shownLast.result));
  const last = hidden ? null : shownLast;
  const [decisionsOnly, setDecisionsOnly] = useState(false);
  const [all, setAll] = useState<number | null>(null);

  const rows = useMemo(() => (last ? nest(last.trace) : []), [last]);
  const shown = useMemo(
    // Filtered, the nesting no longer reads as a call chain: a flat list.
    () =>
      decisionsOnly
        ? rows.filter((r) => r.event.kind === 'check' && r.event.taken).map((r) => ({ ...r, depth: 0 }))
        : rows,
    [rows, decisionsOnly],
  );
  const checks = rows.filter((r) => r.event.kind === 'check');
  const held = checks.filter((r) => r.event.kind === 'check' && r.event.taken).length;
  // "show all" applies to the step it was asked for.
  const limit = all !== null && all === last?.step ? shown.length : FIRST_ROWS;

  return (
    <section className="panel why-panel" aria-label="Why">
      <div className="why-head">
        <h2>why{last ? ` · step ${last.step}` : ''}</h2>
        <span className="why-count">
          {last ? `${checks.length} checks · ${held} held · ${rows.length - checks.length} other` : ''}
        </span>
        <button
          type="button"
          aria-pressed={decisionsOnly}
          data-testid="decisions-only"
          onClick={() => setDecisionsOnly(!decisionsOnly)}
        >
          decisions only
        </button>
      </div>
      <div className="panel-body">
        {!last ? (
          <p className="panel-empty">No step has run yet.</p>
        ) : shown.length === 0 ? (
          <p className="panel-empty">
            {rows.length === 0
              ? 'This step went through no kernel checks (it reads state, or its result is recorded).'
              : 'No check held in this step: every condition was false, so the kernel went on.'}
          </p>
        ) : (
          <>
            <ol className="why-list" data-testid="why-list">
              {shown.slice(0, limit).map((r) => (
                <Row key={r.index} row={r} />
              ))}
            </ol>
            {shown.length > limit && (
              <button type="button" className="why-more" onClick={() => setAll(last.step)}>
                show all {shown.length} events ({shown.length - limit} more)
              </button>
            )}
          </>
        )}
      </div>
    </section>
  );
}
