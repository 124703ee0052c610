import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import slab from '../../../test/conformance/vm_insert_page-kmalloc-slab.json?raw';
import { installKeyboard } from '../../app/keyboard.ts';
import defaultScenario from '../../scenario/library/default.json?raw';
import { useLab } from '../../store/lab.ts';
import { createLab } from '../../worker/lab.ts';
import { usePlayback } from './playback.ts';
import { CHIP_GAP, CHIP_W, cursorWords, Timeline, visibleRange } from './Timeline.tsx';

const initial = useLab.getState();

function loadInto(text: string, cursor = 0) {
  const lab = createLab();
  const res = lab.load(text);
  if (!res.ok) throw new Error(res.message);
  const view = lab.view({ cursor, mapping: null, window: { first: 0, count: 0 }, addr: null, pfn: null });
  useLab.setState({ text, loaded: res, cursor, view, kernel: null, compare: null, message: null });
  return { lab, res };
}

/** goto that moves the cursor in the store (the view is not needed by the timeline). */
function fakeGoto() {
  const goto = vi.fn(async (k: number) => {
    const steps = useLab.getState().loaded?.steps ?? 0;
    useLab.setState({ cursor: Math.max(0, Math.min(steps, k)) });
  });
  useLab.setState({ goto });
  return goto;
}

const chips = () => screen.getAllByTestId('step');
const chip = (i: number) => document.querySelector(`[data-testid="step"][data-step="${i}"]`) as HTMLElement;

describe('Timeline', () => {
  beforeEach(() => {
    useLab.setState(initial, true);
    usePlayback.setState({ playing: false, interval: 500 });
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('shows every step with its index, op, description and result badge', () => {
    const { res } = loadInto(defaultScenario, 3);
    render(<Timeline />);
    expect(chips()).toHaveLength(15);
    const mmap = chip(2);
    expect(mmap.textContent).toContain('mmap');
    expect(mmap.textContent).toContain('m pages=2 prot=read,write flags=shared');
    expect(mmap.textContent).toContain('driver mmap: vm_insert_page(at=0, page=p[0])');
    expect(mmap.getAttribute('data-badge')).toBe('ok');
    // The exec touch of a present page: SIGSEGV.
    expect(chip(8).getAttribute('data-badge')).toBe('signal');
    expect(chip(8).querySelector('.badge')?.textContent).toBe('SIGSEGV');
    expect(res.results[8]).toEqual({ signal: 'SIGSEGV', code: 'SEGV_ACCERR', faults: [] });
    // The step that led to the cursor (3 steps run: step 2).
    expect(mmap.getAttribute('data-current')).toBe('true');
    expect(document.querySelectorAll('[data-current="true"][data-testid="step"]')).toHaveLength(1);
    expect(screen.getByTestId('cursor').textContent).toContain('after step 2 · before step 3');
  });

  it('renders step text as text', () => {
    const text = JSON.stringify({
      ptlab: 1,
      steps: [{ op: 'alloc', id: '<img src=x>', kind: 'alloc_pages', order: 0 }],
    });
    loadInto(text.replace('<img src=x>', 'p'), 0);
    // The engine refuses odd ids; the timeline reads the raw text, so feed it directly.
    useLab.setState({ text });
    render(<Timeline />);
    expect(chip(0).textContent).toContain('<img src=x>');
    expect(chip(0).querySelector('img')).toBeNull();
  });

  it('jumps to after a step on click, and moves with the buttons and the scrubber', () => {
    loadInto(defaultScenario, 0);
    const goto = fakeGoto();
    render(<Timeline />);
    fireEvent.click(chip(4));
    expect(goto).toHaveBeenLastCalledWith(5);
    expect(chip(4).getAttribute('data-current')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
    expect(goto).toHaveBeenLastCalledWith(4);
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
    expect(goto).toHaveBeenLastCalledWith(5);
    fireEvent.click(screen.getByRole('button', { name: 'Go to end' }));
    expect(goto).toHaveBeenLastCalledWith(15);
    expect(screen.getByTestId('cursor').textContent).toContain('after step 14 · the end');
    expect((screen.getByRole('button', { name: 'Step forward' }) as HTMLButtonElement).disabled).toBe(true);
    const scrub = screen.getByTestId('scrubber') as HTMLInputElement;
    expect(scrub.max).toBe('15');
    fireEvent.change(scrub, { target: { value: '7' } });
    expect(goto).toHaveBeenLastCalledWith(7);
    fireEvent.click(screen.getByRole('button', { name: 'Go to start' }));
    expect(goto).toHaveBeenLastCalledWith(0);
    expect(document.querySelector('[data-testid="step"][data-current]')).toBeNull();
  });

  it('plays one step per interval and stops at the end', async () => {
    vi.useFakeTimers();
    loadInto(defaultScenario, 12);
    const goto = fakeGoto();
    render(<Timeline />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Play speed' }), { target: { value: '200' } });
    fireEvent.click(screen.getByTestId('play'));
    expect(usePlayback.getState().playing).toBe(true);
    expect(screen.getByTestId('play').textContent).toContain('pause');
    for (let i = 0; i < 5; i++) await act(async () => vi.advanceTimersByTime(200));
    expect(goto.mock.calls.map((c) => c[0])).toEqual([13, 14, 15]);
    expect(useLab.getState().cursor).toBe(15);
    expect(usePlayback.getState().playing).toBe(false);
    // Play at the end starts over.
    fireEvent.click(screen.getByTestId('play'));
    expect(goto).toHaveBeenLastCalledWith(0);
    fireEvent.click(screen.getByTestId('play'));
    expect(usePlayback.getState().playing).toBe(false);
  });

  it('marks the steps whose results differ while comparing', () => {
    const { lab } = loadInto(slab, 0);
    const out = lab.compare(slab, ['6.1', '4.19']);
    if (!out.ok) throw new Error(out.message);
    useLab.setState({ compare: { kernels: ['6.1', '4.19'], differences: out.differences } });
    render(<Timeline />);
    const differs = [...document.querySelectorAll('[data-differs="true"]')].map((e) => e.getAttribute('data-step'));
    expect(differs).toEqual(['5', '6', '7']);
    expect(chip(5).textContent).toContain('differs');
    expect(chip(7).textContent).toContain('4.19: ok');
    expect(chip(0).hasAttribute('data-differs')).toBe(false);
    expect(screen.getByTestId('cursor').textContent).toContain('6.1 vs 4.19: 3 differ');
  });

  it('renders only the visible chips of 10,000 steps', () => {
    const steps = [{ op: 'alloc', id: 'p', kind: 'alloc_pages', order: 0 }];
    for (let i = 1; i < 10_000; i++) steps.push({ op: 'page_info', page: { alloc: 'p', page: 0 } } as never);
    const text = JSON.stringify({ ptlab: 1, steps });
    loadInto(text, 5000);
    const t0 = performance.now();
    render(<Timeline />);
    const ms = performance.now() - t0;
    expect(chips().length).toBeLessThan(60);
    expect(ms).toBeLessThan(1000);
    expect((screen.getByTestId('scrubber') as HTMLInputElement).max).toBe('10000');
    expect(visibleRange(0, 1280, 10_000)[1]).toBeLessThan(20);
    expect(visibleRange((CHIP_W + CHIP_GAP) * 9000, 1280, 10_000)[0]).toBeGreaterThan(8980);
  });

  it('describes the cursor position', () => {
    expect(cursorWords(0, 3)).toContain('before step 0');
    expect(cursorWords(1, 3)).toBe('after step 0 · before step 1 (of 3)');
    expect(cursorWords(3, 3)).toContain('after step 2 · the end');
  });

  it('steps with the keyboard, but not while typing in a field', () => {
    loadInto(defaultScenario, 5);
    const goto = fakeGoto();
    render(
      <>
        <Timeline />
        <textarea aria-label="editor" />
      </>,
    );
    const uninstall = installKeyboard(window);
    try {
      fireEvent.keyDown(document.body, { key: 'ArrowRight' });
      expect(goto).toHaveBeenLastCalledWith(6);
      fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
      expect(goto).toHaveBeenLastCalledWith(5);
      fireEvent.keyDown(document.body, { key: 'End' });
      expect(goto).toHaveBeenLastCalledWith(15);
      fireEvent.keyDown(document.body, { key: 'Home' });
      expect(goto).toHaveBeenLastCalledWith(0);
      fireEvent.keyDown(document.body, { key: ' ' });
      expect(usePlayback.getState().playing).toBe(true);
      fireEvent.keyDown(document.body, { key: ' ' });
      expect(usePlayback.getState().playing).toBe(false);
      const calls = goto.mock.calls.length;
      fireEvent.keyDown(screen.getByRole('textbox', { name: 'editor' }), { key: 'ArrowRight' });
      fireEvent.keyDown(screen.getByRole('textbox', { name: 'editor' }), { key: ' ' });
      expect(goto.mock.calls.length).toBe(calls);
      expect(usePlayback.getState().playing).toBe(false);
    } finally {
      uninstall();
    }
  });
});
