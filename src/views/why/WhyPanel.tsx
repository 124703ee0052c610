// Why: the chain of kernel checks the step that led to the cursor went
// through, in the order the kernel evaluates them: functions entered, each
// check with its condition and whether it held, the state it changed, each with
// a link to its source in that profile's tree.
import { MAX_TRACE_EVENTS, type TraceEvent } from '../../engine/trace.ts';
import { TRACE_PAGE_ROWS, type TraceRow } from '../../engine/traceView.ts';
import { useLab } from '../../store/lab.ts';
import { isHidden, usePredict } from '../../store/predict.ts';
import './WhyPanel.css';

const MAX_INDENT = 8;

function SourceLink({ e }: { e: TraceEvent }) {
  return (
    <a className="why-src" href={e.src.url} target="_blank" rel="noreferrer">
      {e.src.file}: {e.src.function}
    </a>
  );
}

function Row({ row }: { row: TraceRow }) {
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
  const trace = useLab((s) => (s.trace?.summary.step === s.cursor - 1 ? s.trace : null));
  const result = useLab((s) => (s.cursor > 0 ? s.loaded?.results[s.cursor - 1] : undefined));
  const decisionsOnly = useLab((s) => s.decisionsOnly);
  const setDecisionsOnly = useLab((s) => s.setDecisionsOnly);
  const moreTrace = useLab((s) => s.moreTrace);
  // The checks give the answer away while a prediction is pending.
  const hidden = usePredict((s) => trace !== null && isHidden(s, trace.summary.step, result));
  const last = hidden ? null : trace;
  const sum = last?.summary ?? null;
  const rows = last?.rows ?? [];
  const cursor = useLab((s) => s.cursor);

  return (
    <section className="panel why-panel" aria-label="Why">
      <div className="why-head">
        <h2>why{sum ? ` · step ${sum.step}` : ''}</h2>
        <span className="why-count">
          {sum ? `${sum.checks} checks · ${sum.held} held · ${sum.events - sum.checks} other` : ''}
        </span>
        <button
          type="button"
          aria-pressed={decisionsOnly}
          data-testid="decisions-only"
          onClick={() => void setDecisionsOnly(!decisionsOnly)}
        >
          decisions only
        </button>
      </div>
      <div className="panel-body">
        {!last ? (
          <p className="panel-empty">
            {cursor > 0 && !hidden ? `Retracing step ${cursor - 1}…` : 'No step has run yet.'}
          </p>
        ) : last.total === 0 ? (
          <p className="panel-empty">
            {sum?.events === 0
              ? 'This step went through no kernel checks (it reads state, or its result is recorded).'
              : 'No check held in this step: every condition was false, so the kernel went on.'}
          </p>
        ) : (
          <>
            {sum && sum.dropped > 0 ? (
              <p className="why-dropped" data-testid="why-dropped" data-dropped={sum.dropped}>
                The trace keeps the first {MAX_TRACE_EVENTS.toLocaleString('en-US')} routine events and every check that
                held: {sum.dropped.toLocaleString('en-US')} more routine events of this step were not kept.
              </p>
            ) : null}
            <ol className="why-list" data-testid="why-list">
              {rows.map((r) => (
                <Row key={r.index} row={r} />
              ))}
            </ol>
            {last.total > rows.length && (
              <button type="button" className="why-more" onClick={() => void moreTrace()}>
                show {Math.min(TRACE_PAGE_ROWS, last.total - rows.length)} more ({rows.length} of {last.total}{' '}
                {decisionsOnly ? 'decisions' : 'events'} shown)
              </button>
            )}
          </>
        )}
      </div>
    </section>
  );
}
