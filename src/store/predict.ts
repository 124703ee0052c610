// Predict-then-reveal: with the mode on, the result of the step that led to the
// cursor stays hidden until the student has picked a prediction and revealed it.
// It follows useLab (cursor, loaded scenario) and keeps the graded predictions of
// the loaded scenario; a newly loaded scenario starts over.
import { create } from 'zustand';
import { type Answer, type AnswerGrade, gradeAnswer } from '../classroom/grade.ts';
import { type Question, questionFor } from '../classroom/questions.ts';
import type { StepResult } from '../scenario/results.ts';
import { type Loaded, useLab } from './lab.ts';

export interface Prediction {
  answer: Answer;
  grade: AnswerGrade;
}

export interface PredictState {
  /** The predict mode. */
  enabled: boolean;
  /**
   * True while the result at the cursor (the step cursor - 1) must not be shown:
   * the mode is on, the step is asked and its prediction is not revealed yet.
   * The result panel reads it: `usePredict((s) => s.pending)`.
   */
  pending: boolean;
  /** The step the cursor shows (cursor - 1), or null before step 0. */
  step: number | null;
  /** Its question, or null when the step is not asked. */
  question: Question | null;
  /** The student's current pick for `step` (fields without `step`), or null. */
  draft: Omit<Answer, 'step'> | null;
  /** The revealed predictions of the loaded scenario, by step. */
  revealed: Record<number, Prediction>;
  /** The op of each step of the loaded scenario. */
  ops: (string | null)[];
  /** The scenario the predictions belong to (its profile and text): reloading the same one keeps them. */
  scenario: string | null;
  setEnabled: (on: boolean) => void;
  /** Pick (or change) the prediction for the current step. */
  choose: (answer: Omit<Answer, 'step'> | null) => void;
  /** Grade the pick against the real result and show it; false when there is nothing to reveal. */
  reveal: () => boolean;
  /** Forget every prediction of the loaded scenario. */
  reset: () => void;
}

/** Whether a step's result is hidden from the views (for the timeline, say): `usePredict((s) => isHidden(s, i))`. */
export function isHidden(s: PredictState, step: number, result?: StepResult): boolean {
  return s.enabled && !(step in s.revealed) && questionFor(s.ops[step], result) !== null;
}

/** The score so far: right predictions of the revealed ones. */
export function scoreOf(s: PredictState): { score: number; total: number } {
  const all = Object.values(s.revealed);
  return { score: all.filter((p) => p.grade.correct).length, total: all.length };
}

function opsOf(text: string): (string | null)[] {
  try {
    const doc = JSON.parse(text) as { steps?: unknown };
    if (!Array.isArray(doc.steps)) return [];
    return doc.steps.map((s) =>
      typeof s === 'object' && s !== null && typeof (s as { op?: unknown }).op === 'string'
        ? (s as { op: string }).op
        : null,
    );
  } catch {
    return [];
  }
}

function keyOf(text: string, loaded: Loaded | null): string | null {
  return loaded ? `${loaded.kernel}\u0000${text}` : null;
}

export const usePredict = create<PredictState>()((set, get) => ({
  enabled: false,
  pending: false,
  step: null,
  question: null,
  draft: null,
  revealed: {},
  ops: [],
  scenario: null,
  setEnabled(on) {
    set({ enabled: on });
    syncPredict();
  },
  choose(answer) {
    if (get().step === null) return;
    set({ draft: answer });
  },
  reveal() {
    const { step, draft, question } = get();
    const loaded = useLab.getState().loaded;
    if (step === null || !draft || !question || !loaded) return false;
    const result = loaded.results[step];
    if (!result) return false;
    const answer: Answer = { step, ...draft };
    const prediction: Prediction = { answer, grade: gradeAnswer(answer, result) };
    set({ revealed: { ...get().revealed, [step]: prediction } });
    syncPredict();
    return true;
  },
  reset() {
    set({ revealed: {}, draft: null });
    syncPredict();
  },
}));

/** Recompute what is asked from useLab's cursor and loaded scenario (runs on every useLab change). */
export function syncPredict(): void {
  const lab = useLab.getState();
  const s = usePredict.getState();
  const patch: Partial<PredictState> = {};
  const key = keyOf(lab.text, lab.loaded);
  if (key !== s.scenario) {
    patch.scenario = key;
    patch.revealed = {};
    patch.draft = null;
    patch.ops = opsOf(lab.text);
  }
  const revealed = patch.revealed ?? s.revealed;
  const ops = patch.ops ?? s.ops;
  const step = lab.loaded && lab.cursor > 0 ? lab.cursor - 1 : null;
  const result = step === null ? undefined : lab.loaded?.results[step];
  const question = step === null || !result ? null : questionFor(ops[step], result);
  if (step !== s.step) patch.draft = null;
  patch.step = step;
  patch.question = question;
  patch.pending = s.enabled && question !== null && step !== null && !(step in revealed);
  usePredict.setState(patch);
}

useLab.subscribe((s, prev) => {
  if (s.loaded !== prev.loaded || s.cursor !== prev.cursor || s.text !== prev.text) syncPredict();
});
