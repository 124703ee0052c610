// What the predict mode asks for each kind of step, and the choices it offers.
// Each choice is an Answer (grade.ts) so that a pick is graded like a line of an
// answers file.
import type { StepResult } from '../scenario/results.ts';
import type { Answer } from './grade.ts';

export type QuestionKind = 'alloc' | 'mmap' | 'touch' | 'pte' | 'page_info';

export interface Choice {
  /** The choice's stable id (data-value in the UI). */
  value: string;
  label: string;
  /** The fields of the answer it stands for (without `step`). */
  answer: Omit<Answer, 'step'>;
}

export interface Question {
  kind: QuestionKind;
  prompt: string;
  /** Radio choices; page_info asks for two numbers instead. */
  choices: Choice[];
}

const MMAP_ERRNOS = ['-EINVAL', '-EFAULT', '-EBUSY', '-ENXIO', '-ENOMEM', '-EACCES'];

const QUESTIONS: Record<QuestionKind, Question> = {
  alloc: {
    kind: 'alloc',
    prompt: 'Does the allocation succeed?',
    choices: [
      { value: 'ok', label: 'ok (a pointer)', answer: { ret: 'ok' } },
      { value: 'NULL', label: 'NULL', answer: { ret: 'NULL' } },
    ],
  },
  mmap: {
    kind: 'mmap',
    prompt: 'What does mmap() return to the process?',
    choices: [
      { value: '0', label: '0 (success: an address)', answer: { ret: 0 } },
      ...MMAP_ERRNOS.map((e) => ({ value: e, label: e, answer: { ret: e } })),
      {
        value: 'positive',
        label: 'a bogus positive value (a vm_fault_t taken as an address)',
        answer: { ret: 'positive' },
      },
    ],
  },
  touch: {
    kind: 'touch',
    prompt: 'What does the access give the process?',
    choices: [
      { value: 'none', label: 'no signal (the access succeeds)', answer: { signal: null, code: null } },
      {
        value: 'SIGSEGV/SEGV_MAPERR',
        label: 'SIGSEGV, SEGV_MAPERR',
        answer: { signal: 'SIGSEGV', code: 'SEGV_MAPERR' },
      },
      {
        value: 'SIGSEGV/SEGV_ACCERR',
        label: 'SIGSEGV, SEGV_ACCERR',
        answer: { signal: 'SIGSEGV', code: 'SEGV_ACCERR' },
      },
      { value: 'SIGBUS/BUS_ADRERR', label: 'SIGBUS, BUS_ADRERR', answer: { signal: 'SIGBUS', code: 'BUS_ADRERR' } },
      { value: 'LOOP', label: 'it faults forever (LOOP)', answer: { signal: 'LOOP', code: null } },
      { value: 'SIGKILL', label: 'SIGKILL (the OOM killer)', answer: { signal: 'SIGKILL' } },
      { value: 'oops', label: 'a kernel oops', answer: { oops: true } },
    ],
  },
  pte: {
    kind: 'pte',
    prompt: 'Is there a PTE for this page, and is it writable?',
    choices: [
      { value: 'absent', label: 'no PTE (not present)', answer: { present: false } },
      { value: 'read-only', label: 'present, read-only', answer: { present: true, write: false } },
      { value: 'writable', label: 'present, writable', answer: { present: true, write: true } },
    ],
  },
  page_info: {
    kind: 'page_info',
    prompt: 'What are page_count() and page_mapcount() of the page?',
    choices: [],
  },
};

/** The question for a step, or null when the step is not asked (munmap, free, madvise, a skipped step). */
export function questionFor(op: string | null | undefined, result?: StepResult): Question | null {
  if (result && 'skipped' in result) return null;
  switch (op) {
    case 'alloc':
    case 'mmap':
    case 'touch':
    case 'pte':
    case 'page_info':
      return QUESTIONS[op];
    default:
      return null;
  }
}
