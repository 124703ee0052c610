// The result of the step that led to the cursor: in words and as the result
// document's JSON; beside it what the same call gives in the other context
// (mmap versus fault handler) with the conversion rules written out; and, when
// comparing, the other profile's result for this step.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TraceSummary } from '../../engine/traceView.ts';
import type { StepResult } from '../../scenario/results.ts';
import { type LabState, useLab } from '../../store/lab.ts';
import { isHidden, usePredict } from '../../store/predict.ts';
import { describeScenarioCached } from '../timeline/describe.ts';
import { badgeOf, describeResult } from './summary.ts';
import './ResultPanel.css';

export function BadgeView({ result }: { result: StepResult }) {
  const b = badgeOf(result);
  return <span className={`badge badge-${b.kind}`}>{b.text}</span>;
}

/**
 * The step that led to the cursor: its result (computed at load) and, once its
 * trace is back, what the other context gives (each sentence once, with a count).
 */
function lastStep(s: LabState): { step: number; result: StepResult; others: OtherContexts | null } | null {
  const step = s.cursor - 1;
  const result = s.loaded?.results[step];
  if (step < 0 || !result) return null;
  return { step, result, others: s.trace?.summary.step === step ? s.trace.summary.otherContext : null };
}

type OtherContexts = TraceSummary['otherContext'];

export function ResultPanel() {
  // A new object each time: compared field by field.
  const shownLast = useLab(useShallow(lastStep));
  // In predict mode a result the student has not predicted yet stays hidden.
  const hidden = usePredict((s) => shownLast !== null && isHidden(s, shownLast.step, shownLast.result));
  const last = hidden ? null : shownLast;
  const text = useLab((s) => s.text);
  const compare = useLab((s) => s.compare);
  const loaded = useLab((s) => s.loaded);

  const op = useMemo(() => {
    if (!last) return undefined;
    return describeScenarioCached(text)?.steps[last.step]?.op;
  }, [text, last]);

  if (!last) {
    return (
      <section className="panel result-panel" aria-label="Result">
        <h2>result</h2>
        <div className="panel-body">
          <p className="panel-empty" data-testid="result">
            {hidden
              ? `Predict the result of step ${shownLast?.step} first (the predict panel above).`
              : loaded
                ? 'Before step 0: nothing has run yet. Step forward (→) or click a step in the timeline.'
                : 'No scenario loaded.'}
          </p>
        </div>
      </section>
    );
  }

  const { result, step, others } = last;
  const words = describeResult(result, op === 'mmap' ? 'mmap' : op);

  return (
    <section className="panel result-panel" aria-label="Result">
      <h2>
        result of step {step}
        {op ? ` · ${op}` : ''}
        {loaded ? ` · on ${loaded.kernel}` : ''}
      </h2>
      <div className="panel-body">
        <div className="rs-result" data-testid="result" data-step={step} data-result={JSON.stringify(result)}>
          <p className="rs-headline">
            <BadgeView result={result} /> <span>{words.headline}</span>
          </p>
          {words.details.length > 0 && (
            <ul className="rs-details">
              {words.details.map((d, i) => (
                // Details are positional: a call record list never reorders.
                // biome-ignore lint/suspicious/noArrayIndexKey: positional list
                <li key={i} className="mono">
                  {d}
                </li>
              ))}
            </ul>
          )}
          <pre className="rs-json">{JSON.stringify(result)}</pre>
        </div>
        {compare && <CompareResult step={step} kernels={compare.kernels} differences={compare.differences} />}
        <div className="rs-other" data-testid="other-context" data-count={others?.length ?? ''}>
          <h3>the other context</h3>
          {others === null ? (
            <p className="panel-empty">Retracing the step…</p>
          ) : others.length === 0 ? (
            <p className="panel-empty">This step makes no insert call, so there is no other context to show.</p>
          ) : (
            <ul>
              {others.map(({ event: e, times }, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: positional list
                <li key={i} data-context={e.context}>
                  {times > 1 && <span className="rs-times">{times} calls: </span>}
                  <span className="rs-ctx">{e.context === 'fault' ? 'in a ->fault handler' : 'in f_op->mmap'}</span>{' '}
                  <a href={e.src.url} target="_blank" rel="noreferrer">
                    <code>{e.fn}</code>
                  </a>
                  : {e.what}
                </li>
              ))}
            </ul>
          )}
          <Rules />
        </div>
      </div>
    </section>
  );
}

function CompareResult({
  step,
  kernels,
  differences,
}: {
  step: number;
  kernels: [string, string];
  differences: { step: number; results: Record<string, StepResult> }[];
}) {
  const other = kernels[1];
  const d = differences.find((x) => x.step === step);
  const r = d?.results[other];
  return (
    <div className="rs-compare" data-testid="compare-result" data-kernel={other} data-differs={r ? 'true' : 'false'}>
      {r ? (
        <>
          <p className="rs-headline">
            <span className="rs-differs">differs</span> on <strong>{other}</strong>: <BadgeView result={r} />{' '}
            <span>{describeResult(r).headline}</span>
          </p>
          <pre className="rs-json" data-result={JSON.stringify(r)}>
            {JSON.stringify(r)}
          </pre>
        </>
      ) : (
        <p className="rs-same">
          same on <strong>{other}</strong>
        </p>
      )}
    </div>
  );
}

/** The conversions between the two contexts, as the kernel writes them. */
function Rules() {
  return (
    <details className="rs-rules" open>
      <summary>conversion rules</summary>
      <dl>
        <dt>
          <code>vmf_insert_page()</code> (a {'->'}fault handler's insert)
        </dt>
        <dd>
          <code>0</code> and <code>-EBUSY</code> → <code>VM_FAULT_NOPAGE</code>; <code>-ENOMEM</code> →{' '}
          <code>VM_FAULT_OOM</code>; any other errno → <code>VM_FAULT_SIGBUS</code>
        </dd>
        <dt>
          <code>vmf_error()</code> (an errno returned from a {'->'}fault handler)
        </dt>
        <dd>
          <code>-ENOMEM</code> → <code>VM_FAULT_OOM</code>; any other errno → <code>VM_FAULT_SIGBUS</code>
        </dd>
        <dt>then the process sees</dt>
        <dd>
          <code>VM_FAULT_NOPAGE</code>: the access is retried and succeeds; <code>VM_FAULT_SIGBUS</code>:{' '}
          <code>SIGBUS</code> (<code>BUS_ADRERR</code>); <code>VM_FAULT_OOM</code>: the OOM killer (<code>SIGKILL</code>{' '}
          on 4.19 and 5.2) or the fault is retried (5.10 and later)
        </dd>
        <dt>in f_op{'->'}mmap</dt>
        <dd>the errno is returned as is: mmap() fails with it</dd>
      </dl>
    </details>
  );
}
