// Grading a student's predictions against the engine's results. Pure: the CLI
// (--check, --answers) and the lab's predict panel share it.
//
// An answers file is {"ptlab": 1, "answers": [{"step": 2, "ret": "-EINVAL"}, ...]}:
// each answer names a step and some fields of that step's result (format v1).
// Top-level fields compare as they are, with a few forgiving spellings; "calls"
// and "faults" are the lists of the call records' and fault records' `ret`s.
import { z } from 'zod';
import type { ResultDoc, StepResult } from '../scenario/results.ts';
import { describeValue } from '../scenario/schema.ts';

export type Scalar = number | string | null;

export interface Answer {
  step: number;
  /** mmap's return (0, an errno, a positive address or "positive" for any), munmap/madvise's errno, or alloc's "ok"/"NULL". */
  ret?: number | string;
  /** A touch's signal: null (none), SIGSEGV, SIGBUS, LOOP, SIGKILL. */
  signal?: string | null;
  code?: string | null;
  refcount?: number;
  mapcount?: number;
  flags?: string[];
  present?: boolean;
  write?: boolean;
  maps?: { alloc: string; page: number } | null;
  /** An oops: true for any, or text the oops must contain ("VM_PFNMAP"). */
  oops?: string | true;
  skipped?: string;
  error?: string;
  vm_flags?: string[];
  /** The `ret` of each call record, in order. */
  calls?: Scalar[];
  /** The `ret` of each fault record, in order. */
  faults?: Scalar[];
  note?: string;
}

export interface AnswersDoc {
  ptlab: 1;
  /** The profile the answers are for; --check grades under it unless --kernel is given. */
  kernel?: string;
  title?: string;
  note?: string;
  answers: Answer[];
}

/** The graded fields, in the order results show them. */
export const ANSWER_FIELDS = [
  'ret',
  'signal',
  'code',
  'refcount',
  'mapcount',
  'flags',
  'present',
  'write',
  'maps',
  'oops',
  'skipped',
  'error',
  'vm_flags',
  'calls',
  'faults',
] as const;
export type AnswerField = (typeof ANSWER_FIELDS)[number];

export const SIGNALS = ['SIGSEGV', 'SIGBUS', 'SIGKILL', 'LOOP'] as const;
export const CODES = ['SEGV_MAPERR', 'SEGV_ACCERR', 'BUS_ADRERR', 'BUS_MCEERR_AR'] as const;

export interface AnswerGrade {
  step: number;
  correct: boolean;
  /** The result's value of each given field that the result has. */
  expected: Partial<Record<AnswerField, unknown>>;
  given: Partial<Record<AnswerField, unknown>>;
  /** The given fields that do not match (absent ones included). */
  wrong: AnswerField[];
  /** Given fields the step's result does not have at all (a signal for an mmap step, say). */
  absent?: AnswerField[];
}

export interface GradeReport {
  kernel: string;
  score: number;
  total: number;
  steps: AnswerGrade[];
}

// ---------------------------------------------------------------- the answers file

/** zod's message for a value of the wrong shape: "missing", or what it must be and what it got. */
const must =
  (what: string) =>
  (i: { input?: unknown }): string =>
    i.input === undefined ? 'missing' : `must be ${what} (got ${describeValue(i.input)})`;

const int = (what: string) =>
  z.number({ error: must(`${what}`) }).refine(Number.isSafeInteger, {
    error: must(`${what}`),
  });
const scalar = z.union([z.number(), z.string(), z.null()], {
  error: must(`a number, a string or null`),
});
const strList = z.array(z.string({ error: must(`a string`) }), {
  error: must(`a list of strings`),
});
const bool = z.boolean({ error: must(`true or false`) });
const str = z.string({ error: must(`a string`) });
const signalName = z.union([z.null(), z.string()]).refine((v) => v === null || isSignalSpelling(v), {
  error: must(`null (no signal), "none" or one of ${SIGNALS.join(', ')}`),
});
const codeName = z.union([z.null(), z.string()]).refine((v) => v === null || isCodeSpelling(v), {
  error: must(`null (no code), "none" or one of ${CODES.join(', ')}`),
});

const AnswerSchema = z.strictObject(
  {
    step: int('a step index, an integer from 0').refine((n) => n >= 0, {
      error: must('a step index, an integer from 0'),
    }),
    ret: z
      .union([z.number(), z.string()], {
        error: must(`a number or a string such as "-EINVAL"`),
      })
      .optional(),
    signal: signalName.optional(),
    code: codeName.optional(),
    refcount: int('an integer').optional(),
    mapcount: int('an integer').optional(),
    flags: strList.optional(),
    present: bool.optional(),
    write: bool.optional(),
    maps: z
      .union([z.strictObject({ alloc: z.string(), page: z.number() }), z.null()], {
        error: () => 'must be {"alloc": id, "page": n} or null',
      })
      .optional(),
    oops: z
      .union([z.string(), z.literal(true)], {
        error: must(`true (any oops) or a string the oops contains`),
      })
      .optional(),
    skipped: str.optional(),
    error: str.optional(),
    vm_flags: strList.optional(),
    calls: z.array(scalar, { error: must(`a list of call returns`) }).optional(),
    faults: z.array(scalar, { error: must(`a list of fault returns`) }).optional(),
    note: str.optional(),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (allowed: "step", ${ANSWER_FIELDS.map((f) => `"${f}"`).join(', ')}, "note")`
        : `must be an answer object {"step": n, ...} (got ${describeValue(i.input)})`,
  },
);

const AnswersSchema = z.strictObject(
  {
    ptlab: z.literal(1, { error: must(`1`) }),
    kernel: str.optional(),
    title: str.optional(),
    note: str.optional(),
    answers: z.array(AnswerSchema, { error: must(`a list of answers`) }),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (allowed: "ptlab", "kernel", "title", "note", "answers")`
        : `must be an answers object {"ptlab": 1, "answers": [...]} (got ${describeValue(i.input)})`,
  },
);

export type ParsedAnswers = { ok: true; doc: AnswersDoc } | { ok: false; message: string };

/** `answers[2].signal` */
function where(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : `${out ? '.' : ''}${String(k)}`;
  return out;
}

/** Validate an answers document (already parsed JSON). */
export function checkAnswers(value: unknown): ParsedAnswers {
  const r = AnswersSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue ? where(issue.path) : '';
    const text = issue?.message ?? 'not a valid answers document';
    const more = r.error.issues.length - 1;
    return {
      ok: false,
      message: `${path ? `${path}: ` : ''}${text}${more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''}`,
    };
  }
  const answers = r.data.answers as Answer[];
  for (const [i, a] of answers.entries()) {
    if (!ANSWER_FIELDS.some((f) => f in a))
      return { ok: false, message: `answers[${i}]: names no result field to grade (give e.g. "ret" or "signal")` };
  }
  return { ok: true, doc: r.data as AnswersDoc };
}

/** Parse and validate an answers file's text. */
export function parseAnswers(text: string): ParsedAnswers {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` };
  }
  return checkAnswers(value);
}

// ---------------------------------------------------------------- comparing

function isSignalSpelling(v: string): boolean {
  const s = v.trim().toUpperCase();
  return s === '' || s === 'NONE' || (SIGNALS as readonly string[]).includes(s);
}

function isCodeSpelling(v: string): boolean {
  const s = v.trim().toUpperCase();
  return s === '' || s === 'NONE' || (CODES as readonly string[]).includes(s);
}

/** A returned value in one spelling: "0" is 0, "0x100" is 256, "EINVAL" is "-EINVAL", flag order does not count. */
export function normalizeScalar(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  if (/^-?E[A-Z0-9]+$/i.test(s)) return `-${s.replace(/^-/, '').toUpperCase()}`;
  if (/^VM_FAULT_/i.test(s))
    return s
      .split('|')
      .map((p) => p.trim().toUpperCase())
      .sort()
      .join('|');
  if (s.toLowerCase() === 'ok') return 'ok';
  if (s.toLowerCase() === 'null') return 'NULL';
  return s;
}

function normalizeSignal(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim().toUpperCase();
  return s === '' || s === 'NONE' ? null : s;
}

function sameSet(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  const x = a.map((v) => String(v).trim()).sort();
  const y = b.map((v) => String(v).trim()).sort();
  return x.every((v, i) => v === y[i]);
}

function sameList(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((v, i) => normalizeScalar(v) === normalizeScalar(b[i]));
}

/** The value of a field in a step's result, or undefined when the result has no such field. */
export function resultField(result: StepResult, field: AnswerField): unknown {
  const r = result as Record<string, unknown>;
  if (field === 'calls' || field === 'faults') {
    const list = r[field];
    return Array.isArray(list) ? list.map((x) => (x as { ret: unknown }).ret) : undefined;
  }
  // A signal without a code (the OOM killer's SIGKILL) has no si_code: null.
  if (field === 'code' && !('code' in r) && 'signal' in r) return null;
  return r[field];
}

function matches(field: AnswerField, given: unknown, expected: unknown): boolean {
  switch (field) {
    case 'ret':
      if (typeof given === 'string' && given.trim().toLowerCase() === 'positive')
        return typeof expected === 'number' && expected > 0;
      return normalizeScalar(given) === normalizeScalar(expected);
    case 'signal':
    case 'code':
      return normalizeSignal(given) === normalizeSignal(expected);
    case 'flags':
    case 'vm_flags':
      return sameSet(given, expected);
    case 'calls':
    case 'faults':
      return sameList(given, expected);
    case 'oops':
      if (typeof expected !== 'string') return false;
      if (given === true) return true;
      return (
        typeof given === 'string' && given.trim() !== '' && expected.toLowerCase().includes(given.trim().toLowerCase())
      );
    case 'maps':
      return JSON.stringify(given) === JSON.stringify(expected);
    default:
      return given === expected;
  }
}

/** Grade one answer against its step's result. */
export function gradeAnswer(answer: Answer, result: StepResult): AnswerGrade {
  const expected: AnswerGrade['expected'] = {};
  const given: AnswerGrade['given'] = {};
  const wrong: AnswerField[] = [];
  const absent: AnswerField[] = [];
  for (const field of ANSWER_FIELDS) {
    if (!(field in answer)) continue;
    const g = answer[field];
    given[field] = g;
    const e = resultField(result, field);
    if (e === undefined) {
      absent.push(field);
      wrong.push(field);
      continue;
    }
    expected[field] = e;
    if (!matches(field, g, e)) wrong.push(field);
  }
  const grade: AnswerGrade = { step: answer.step, correct: wrong.length === 0, expected, given, wrong };
  if (absent.length) grade.absent = absent;
  return grade;
}

/** Grade every answer against a result document; an answer naming a step the scenario lacks is refused. */
export function gradeAnswers(
  answers: readonly Answer[],
  doc: ResultDoc,
): { ok: true; report: GradeReport } | { ok: false; message: string } {
  const n = doc.results.length;
  for (const [i, a] of answers.entries()) {
    if (a.step >= n)
      return {
        ok: false,
        message: `answers[${i}].step: step ${a.step} is past the end of the scenario (${n} step${n === 1 ? '' : 's'}, 0 .. ${n - 1})`,
      };
  }
  const steps = answers.map((a) => gradeAnswer(a, doc.results[a.step] as StepResult));
  return {
    ok: true,
    report: { kernel: doc.kernel, score: steps.filter((s) => s.correct).length, total: steps.length, steps },
  };
}

/** The answer key of a result document: every step with all its gradable fields, as an answers document. */
export function answerKey(doc: ResultDoc, title?: string): AnswersDoc {
  const answers = doc.results.map((result, step) => {
    const a: Record<string, unknown> = { step };
    for (const field of ANSWER_FIELDS) {
      if (!(field in result)) continue;
      a[field] = resultField(result, field);
    }
    return a as unknown as Answer;
  });
  return { ptlab: 1, kernel: doc.kernel, ...(title ? { title } : {}), answers };
}

/** One answer per line, as the CLI prints answer keys. */
export function formatAnswers(doc: AnswersDoc): string {
  const { answers, ...head } = doc;
  const top = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const lines = answers.map((a) => `  ${JSON.stringify(a)}`);
  return `{${top.join(', ')}, "answers": [\n${lines.join(',\n')}\n]}\n`;
}
