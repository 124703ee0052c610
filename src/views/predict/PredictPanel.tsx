// Predict-then-reveal and seeded exercises: with "predict" on, the result of the
// step the cursor shows stays hidden until the student picks a prediction and
// reveals it; each reveal is graded (classroom/grade.ts) and counted in a score.
// "New exercise" loads the scenario of a seed (classroom/generate.ts).
import { type FormEvent, useId, useState } from 'react';
import { describeExercise, isSeed } from '../../classroom/generate.ts';
import type { Answer } from '../../classroom/grade.ts';
import { useLab } from '../../store/lab.ts';
import { scoreOf, usePredict } from '../../store/predict.ts';
import { describeResult } from '../result/summary.ts';
import './PredictPanel.css';

export function PredictPanel() {
  const enabled = usePredict((s) => s.enabled);
  const setEnabled = usePredict((s) => s.setEnabled);
  const score = usePredict((s) => scoreOf(s).score);
  const total = usePredict((s) => scoreOf(s).total);
  return (
    <section className="panel predict-panel" aria-label="Predict">
      <div className="panel-body">
        <div className="pp-bar">
          <label className="pp-toggle">
            <input
              type="checkbox"
              data-testid="predict-toggle"
              checked={enabled}
              onChange={(e) => setEnabled(e.currentTarget.checked)}
            />{' '}
            predict first
          </label>
          <span className="pp-score" data-testid="predict-score" data-score={score} data-total={total}>
            {score} of {total} right
          </span>
          <details className="pp-more">
            <summary>new exercise</summary>
            <NewExercise />
          </details>
        </div>
        {enabled && <Ask />}
      </div>
    </section>
  );
}

function NewExercise() {
  const [seed, setSeed] = useState('1');
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  const n = /^\d+$/.test(seed.trim()) ? Number(seed.trim()) : Number.NaN;
  const valid = isSeed(n);

  async function load() {
    if (!valid) return;
    const lab = useLab.getState();
    try {
      const { text } = describeExercise(n, { kernel: lab.kernel ?? undefined });
      usePredict.getState().setEnabled(true);
      const ok = await lab.load(text, { cursor: 0 });
      setMessage(ok ? null : (useLab.getState().message ?? 'the exercise was refused'));
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <form
      className="pp-exercise"
      onSubmit={(e) => {
        e.preventDefault();
        void load();
      }}
    >
      <label htmlFor={`${id}-seed`}>exercise seed</label>{' '}
      <input
        id={`${id}-seed`}
        data-testid="exercise-seed"
        type="text"
        inputMode="numeric"
        size={10}
        value={seed}
        aria-invalid={!valid}
        aria-describedby={valid ? undefined : `${id}-bad`}
        onChange={(e) => setSeed(e.currentTarget.value)}
      />{' '}
      <button type="submit" data-testid="exercise-new" disabled={!valid}>
        New exercise
      </button>
      {!valid && (
        <span id={`${id}-bad`} className="pp-bad">
          a seed is an integer from 0 to 4294967295
        </span>
      )}
      {message && (
        <p role="alert" className="pp-bad">
          {message}
        </p>
      )}
    </form>
  );
}

/** The question for the step at the cursor, or its verdict once revealed. */
function Ask() {
  const step = usePredict((s) => s.step);
  const question = usePredict((s) => s.question);
  const prediction = usePredict((s) => (s.step === null ? undefined : s.revealed[s.step]));
  const loaded = useLab((s) => s.loaded);

  if (step === null || !loaded) return <p className="panel-empty">Step forward (→): each result is asked first.</p>;
  if (!question) return <p className="panel-empty">Step {step} is not asked: its result is shown.</p>;
  if (prediction) {
    const result = loaded.results[step];
    const op = question.kind;
    const correct = prediction.grade.correct;
    return (
      <div className="pp-verdict" data-testid="predict-verdict" data-correct={String(correct)} role="status">
        <p>
          <strong className={correct ? 'pp-right' : 'pp-wrong'}>{correct ? 'Right.' : 'Wrong.'}</strong> Step {step}:
          you predicted {answerText(prediction.answer)}
          {correct ? '.' : `; the kernel's answer: ${result ? describeResult(result, op).headline : '?'}`}
        </p>
      </div>
    );
  }
  return <Form key={step} step={step} />;
}

function Form({ step }: { step: number }) {
  const question = usePredict((s) => s.question);
  const draft = usePredict((s) => s.draft);
  const choose = usePredict((s) => s.choose);
  const reveal = usePredict((s) => s.reveal);
  const [refcount, setRefcount] = useState('');
  const [mapcount, setMapcount] = useState('');
  const id = useId();
  if (!question) return null;

  const numbers = question.kind === 'page_info';
  const setNumbers = (r: string, m: string) => {
    const ok = /^-?\d+$/.test(r.trim()) && /^-?\d+$/.test(m.trim());
    choose(ok ? { refcount: Number(r), mapcount: Number(m) } : null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reveal();
  };
  const picked = draft ? JSON.stringify(draft) : null;

  return (
    <form className="pp-ask" onSubmit={submit} data-step={step}>
      <fieldset>
        <legend>
          Step {step} · {question.kind}: {question.prompt}
        </legend>
        {numbers ? (
          <div className="pp-numbers">
            <label htmlFor={`${id}-ref`}>refcount (page_count)</label>
            <input
              id={`${id}-ref`}
              data-testid="predict-refcount"
              type="number"
              step={1}
              value={refcount}
              onChange={(e) => {
                setRefcount(e.currentTarget.value);
                setNumbers(e.currentTarget.value, mapcount);
              }}
            />
            <label htmlFor={`${id}-map`}>mapcount (page_mapcount)</label>
            <input
              id={`${id}-map`}
              data-testid="predict-mapcount"
              type="number"
              step={1}
              value={mapcount}
              onChange={(e) => {
                setMapcount(e.currentTarget.value);
                setNumbers(refcount, e.currentTarget.value);
              }}
            />
          </div>
        ) : (
          <div className="pp-choices">
            {question.choices.map((c) => (
              <label key={c.value} className="pp-choice">
                <input
                  type="radio"
                  name={`${id}-choice`}
                  data-testid="predict-choice"
                  data-value={c.value}
                  value={c.value}
                  checked={picked === JSON.stringify(c.answer)}
                  onChange={() => choose(c.answer)}
                />{' '}
                {c.label}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <button type="submit" data-testid="predict-reveal" disabled={!draft}>
        Reveal
      </button>
    </form>
  );
}

/** A prediction in words. */
export function answerText(a: Omit<Answer, 'step'>): string {
  if (a.oops !== undefined) return 'a kernel oops';
  if ('signal' in a) {
    if (a.signal === null) return 'no signal';
    return a.code ? `${a.signal} (${a.code})` : String(a.signal);
  }
  if (a.refcount !== undefined || a.mapcount !== undefined) return `refcount ${a.refcount}, mapcount ${a.mapcount}`;
  if (a.present !== undefined) {
    if (!a.present) return 'no PTE';
    return a.write ? 'a writable PTE' : 'a read-only PTE';
  }
  if (a.ret === 'positive') return 'a bogus positive value';
  if (a.ret !== undefined) return String(a.ret);
  return JSON.stringify(a);
}
