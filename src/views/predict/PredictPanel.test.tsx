import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateExercise } from '../../classroom/generate.ts';
import type { ResultDoc } from '../../scenario/results.ts';
import { simulate } from '../../scenario/run.ts';
import { useLab } from '../../store/lab.ts';
import { usePredict } from '../../store/predict.ts';
import { PredictPanel } from './PredictPanel.tsx';

// 0 alloc, 1 mmap (-EINVAL: a slab page on 6.1), 2 touch (SEGV_MAPERR), 3 alloc,
// 4 mmap (0), 5 touch write (none), 6 page_info (2, 1), 7 pte (present, writable), 8 munmap
const SCENARIO = JSON.stringify({
  ptlab: 1,
  kernel: '6.1',
  steps: [
    { op: 'alloc', id: 's', kind: 'kmalloc', size: 512 },
    {
      op: 'mmap',
      id: 'a',
      pages: 1,
      prot: ['read', 'write'],
      flags: 'shared',
      driver: { mmap: [{ call: 'vm_insert_page', at: 0, page: { alloc: 's', page: 0 } }] },
    },
    { op: 'touch', mmap: 'a', page: 0, access: 'read' },
    { op: 'alloc', id: 'c', kind: 'alloc_pages', order: 0 },
    {
      op: 'mmap',
      id: 'b',
      pages: 1,
      prot: ['read', 'write'],
      flags: 'shared',
      driver: { mmap: [{ call: 'vm_insert_page', at: 0, page: { alloc: 'c', page: 0 } }] },
    },
    { op: 'touch', mmap: 'b', page: 0, access: 'write' },
    { op: 'page_info', page: { alloc: 'c', page: 0 } },
    { op: 'pte', mmap: 'b', page: 0 },
    { op: 'munmap', mmap: 'b' },
  ],
});

const initialLab = useLab.getState();
const initialPredict = usePredict.getState();
let loads: { text: string; opts: unknown }[] = [];

function run(text: string): ResultDoc {
  const out = simulate(text);
  if (!out.ok) throw new Error(out.message);
  return out.doc;
}

/** Put a scenario's results from simulate() into the store at `cursor`; goto and load stay in-process. */
function setLab(text: string, cursor: number) {
  const doc = run(text);
  useLab.setState({
    text,
    loaded: { ok: true, title: null, kernel: doc.kernel, steps: doc.results.length, results: doc.results },
    cursor,
    view: null,
    kernel: null,
    compare: null,
    message: null,
    goto: async (c) => useLab.setState({ cursor: c }),
    load: async (t, opts) => {
      loads.push({ text: t, opts });
      const r = simulate(t);
      if (!r.ok) {
        useLab.setState({ message: r.message });
        return false;
      }
      useLab.setState({
        text: t,
        cursor: opts?.cursor ?? r.doc.results.length,
        loaded: { ok: true, title: null, kernel: r.doc.kernel, steps: r.doc.results.length, results: r.doc.results },
      });
      return true;
    },
  });
  return doc;
}

const goto = (cursor: number) => act(() => useLab.setState({ cursor }));
const toggle = () => fireEvent.click(screen.getByTestId('predict-toggle'));
const choice = (value: string) => {
  const el = screen.getAllByTestId('predict-choice').find((c) => c.getAttribute('data-value') === value);
  if (!el) throw new Error(`no choice ${value}`);
  return el as HTMLInputElement;
};
const score = () => {
  const s = screen.getByTestId('predict-score');
  return [Number(s.getAttribute('data-score')), Number(s.getAttribute('data-total'))];
};

describe('PredictPanel', () => {
  beforeEach(() => {
    loads = [];
    useLab.setState(initialLab, true);
    usePredict.setState(initialPredict, true);
  });
  afterEach(cleanup);

  it('asks nothing and hides nothing while the mode is off', () => {
    setLab(SCENARIO, 2);
    render(<PredictPanel />);
    expect((screen.getByTestId('predict-toggle') as HTMLInputElement).checked).toBe(false);
    expect(screen.queryAllByTestId('predict-choice')).toHaveLength(0);
    expect(usePredict.getState().pending).toBe(false);
    expect(score()).toEqual([0, 0]);
  });

  it("asks for an mmap's return, keeps it pending until revealed, then marks it right", () => {
    setLab(SCENARIO, 2);
    render(<PredictPanel />);
    toggle();
    expect(usePredict.getState().pending).toBe(true);
    const values = screen.getAllByTestId('predict-choice').map((c) => c.getAttribute('data-value'));
    expect(values).toEqual(['0', '-EINVAL', '-EFAULT', '-EBUSY', '-ENXIO', '-ENOMEM', '-EACCES', 'positive']);
    const reveal = screen.getByTestId('predict-reveal') as HTMLButtonElement;
    expect(reveal.disabled).toBe(true);
    // The choices are labelled radio buttons in a fieldset whose legend asks the question.
    expect(screen.getByRole('group', { name: /What does mmap\(\) return/ }).textContent).toContain(
      'What does mmap() return',
    );
    expect(screen.getByLabelText('-EINVAL')).toBe(choice('-EINVAL'));
    fireEvent.click(choice('-EINVAL'));
    expect(choice('-EINVAL').checked).toBe(true);
    expect(reveal.disabled).toBe(false);
    expect(usePredict.getState().pending).toBe(true);
    fireEvent.click(reveal);
    const verdict = screen.getByTestId('predict-verdict');
    expect(verdict.getAttribute('data-correct')).toBe('true');
    expect(verdict.textContent).toContain('Right.');
    expect(usePredict.getState().pending).toBe(false);
    expect(score()).toEqual([1, 1]);
    expect(screen.getByTestId('predict-score').textContent).toBe('1 of 1 right');
  });

  it("marks a wrong touch prediction wrong and says the kernel's answer", () => {
    setLab(SCENARIO, 3);
    render(<PredictPanel />);
    toggle();
    expect(screen.getAllByTestId('predict-choice').map((c) => c.getAttribute('data-value'))).toEqual([
      'none',
      'SIGSEGV/SEGV_MAPERR',
      'SIGSEGV/SEGV_ACCERR',
      'SIGBUS/BUS_ADRERR',
      'LOOP',
      'SIGKILL',
      'oops',
    ]);
    fireEvent.click(choice('SIGBUS/BUS_ADRERR'));
    fireEvent.click(screen.getByTestId('predict-reveal'));
    const verdict = screen.getByTestId('predict-verdict');
    expect(verdict.getAttribute('data-correct')).toBe('false');
    expect(verdict.textContent).toContain('you predicted SIGBUS (BUS_ADRERR)');
    expect(verdict.textContent).toContain('SIGSEGV');
    expect(score()).toEqual([0, 1]);
  });

  it('asks page_info for two labelled numbers and grades both', () => {
    setLab(SCENARIO, 7);
    render(<PredictPanel />);
    toggle();
    expect(screen.queryAllByTestId('predict-choice')).toHaveLength(0);
    const ref = screen.getByLabelText('refcount (page_count)');
    const map = screen.getByLabelText('mapcount (page_mapcount)');
    expect(ref).toBe(screen.getByTestId('predict-refcount'));
    fireEvent.change(ref, { target: { value: '2' } });
    expect((screen.getByTestId('predict-reveal') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(map, { target: { value: '0' } });
    // Enter in a field submits the form: reveal.
    fireEvent.submit(ref.closest('form') as HTMLFormElement);
    expect(screen.getByTestId('predict-verdict').getAttribute('data-correct')).toBe('false');
  });

  it('asks pte present/write and alloc ok/NULL; munmap is not asked', () => {
    setLab(SCENARIO, 8);
    render(<PredictPanel />);
    toggle();
    expect(screen.getAllByTestId('predict-choice').map((c) => c.getAttribute('data-value'))).toEqual([
      'absent',
      'read-only',
      'writable',
    ]);
    fireEvent.click(choice('writable'));
    fireEvent.click(screen.getByTestId('predict-reveal'));
    expect(screen.getByTestId('predict-verdict').getAttribute('data-correct')).toBe('true');

    goto(1);
    expect(usePredict.getState().pending).toBe(true);
    expect(screen.getAllByTestId('predict-choice').map((c) => c.getAttribute('data-value'))).toEqual(['ok', 'NULL']);

    goto(9);
    expect(usePredict.getState().pending).toBe(false);
    expect(screen.queryAllByTestId('predict-choice')).toHaveLength(0);
    expect(screen.queryByTestId('predict-reveal')).toBeNull();

    goto(0);
    expect(usePredict.getState().pending).toBe(false);
  });

  it('follows the cursor: a new step is pending, a revealed one keeps its verdict, the score adds up', () => {
    setLab(SCENARIO, 2);
    render(<PredictPanel />);
    toggle();
    fireEvent.click(choice('-EINVAL'));
    fireEvent.click(screen.getByTestId('predict-reveal'));
    goto(3);
    expect(usePredict.getState().pending).toBe(true);
    // The pick of the previous step does not carry over.
    expect((screen.getByTestId('predict-reveal') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(choice('SIGSEGV/SEGV_MAPERR'));
    fireEvent.click(screen.getByTestId('predict-reveal'));
    goto(5);
    fireEvent.click(choice('-EINVAL'));
    fireEvent.click(screen.getByTestId('predict-reveal'));
    expect(score()).toEqual([2, 3]);
    goto(2);
    expect(usePredict.getState().pending).toBe(false);
    expect(screen.getByTestId('predict-verdict').getAttribute('data-correct')).toBe('true');
    // Turning the mode off shows everything; a new scenario starts over.
    toggle();
    expect(usePredict.getState().pending).toBe(false);
    toggle();
    act(() => {
      const loaded = useLab.getState().loaded;
      if (loaded) useLab.setState({ text: `${SCENARIO} `, loaded: { ...loaded } });
    });
    expect(score()).toEqual([0, 0]);
    expect(usePredict.getState().pending).toBe(true);
  });

  it('loads the exercise of a seed at step 0 with the mode on', async () => {
    setLab(SCENARIO, 2);
    render(<PredictPanel />);
    const seed = screen.getByLabelText('exercise seed') as HTMLInputElement;
    expect(seed).toBe(screen.getByTestId('exercise-seed'));
    fireEvent.change(seed, { target: { value: '42' } });
    fireEvent.click(screen.getByTestId('exercise-new'));
    await waitFor(() => expect(loads).toHaveLength(1));
    expect(loads[0]).toEqual({ text: generateExercise(42), opts: { cursor: 0 } });
    await waitFor(() => expect(useLab.getState().text).toBe(generateExercise(42)));
    expect(usePredict.getState().enabled).toBe(true);
    expect(usePredict.getState().pending).toBe(false);
    // Stepping onto the alloc asks it.
    goto(1);
    expect(usePredict.getState().pending).toBe(true);
    expect(screen.getAllByTestId('predict-choice').map((c) => c.getAttribute('data-value'))).toEqual(['ok', 'NULL']);
  });

  it('generates for the kernel the header picked, and refuses a bad seed', () => {
    setLab(SCENARIO, 0);
    useLab.setState({ kernel: '4.19' });
    render(<PredictPanel />);
    const seed = screen.getByTestId('exercise-seed');
    fireEvent.change(seed, { target: { value: 'x1' } });
    expect((screen.getByTestId('exercise-new') as HTMLButtonElement).disabled).toBe(true);
    expect(seed.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(seed, { target: { value: '7' } });
    fireEvent.click(screen.getByTestId('exercise-new'));
    return waitFor(() => expect(loads[0]?.text).toBe(generateExercise(7, { kernel: '4.19' })));
  });
});
