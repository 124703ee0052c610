import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import defaultScenario from '../scenario/library/default.json?raw';
import { useLab } from '../store/lab.ts';
import { usePlayback } from '../views/timeline/playback.ts';
import { App } from './App.tsx';

// happy-dom runs no Workers: the client hands out the same engine in-process,
// every method answering through a promise as comlink's proxy does.
vi.mock('../worker/client.ts', async () => {
  const { createLab } = await import('../worker/lab.ts');
  const lab = createLab();
  const api = Object.fromEntries(
    Object.entries(lab).map(([name, fn]) => [
      name,
      (...args: unknown[]) => Promise.resolve((fn as (...a: unknown[]) => unknown)(...args)),
    ]),
  );
  return { engine: () => api };
});

const initial = useLab.getState();
const expected = JSON.parse(defaultScenario) as { title: string; steps: unknown[] };

describe('App', () => {
  beforeEach(() => {
    useLab.setState(initial, true);
    usePlayback.setState({ playing: false });
  });
  afterEach(cleanup);

  it('lays out every panel in its grid area', async () => {
    await useLab.getState().load(defaultScenario, { cursor: 0 });
    const { container } = render(<App />);
    for (const area of ['header', 'scenario', 'space', 'ptes', 'walk', 'phys', 'result', 'why', 'timeline']) {
      expect(container.querySelector(`.area-${area}`), area).not.toBeNull();
    }
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('ptlab');
    expect(screen.getByTestId('title').textContent).toBe(expected.title);
  });

  it('steps through the scenario with the keyboard and shows each result and why', async () => {
    await useLab.getState().load(defaultScenario, { cursor: 0 });
    render(<App />);
    expect(screen.getAllByTestId('step')).toHaveLength(expected.steps.length);
    for (let i = 0; i < 3; i++) fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('result').getAttribute('data-step')).toBe('2'));
    expect(useLab.getState().cursor).toBe(3);
    const loaded = useLab.getState().loaded;
    expect(screen.getByTestId('result').getAttribute('data-result')).toBe(JSON.stringify(loaded?.results[2]));
    expect(document.querySelector('[data-testid="step"][data-step="2"]')?.getAttribute('data-current')).toBe('true');
    expect(screen.getAllByTestId('why-check').length).toBeGreaterThan(0);
    fireEvent.keyDown(document.body, { key: 'End' });
    await waitFor(() => expect(screen.getByTestId('result').getAttribute('data-step')).toBe('14'));
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
    await waitFor(() => expect(screen.getByTestId('result').getAttribute('data-step')).toBe('13'));
  });

  it('shows each step with its trace in one update: no view without the trace of its step', async () => {
    await useLab.getState().load(defaultScenario, { cursor: 0 });
    const mismatched: number[] = [];
    const stop = useLab.subscribe((st) => {
      const c = st.view?.cursor ?? 0;
      if (c > 0 && st.trace?.summary.step !== c - 1) mismatched.push(c);
    });
    for (let c = 1; c <= 6; c++) await useLab.getState().goto(c);
    await useLab.getState().goto(2);
    stop();
    expect(useLab.getState().trace?.summary.step).toBe(1);
    expect(mismatched).toEqual([]);
  });

  it('keeps the old scenario and shows the message when a scenario is refused', async () => {
    await useLab.getState().load(defaultScenario, { cursor: 3 });
    render(<App />);
    await act(async () => {
      await useLab.getState().load('{"ptlab":1,"steps":[{"op":"bogus"}]}');
    });
    const alert = await screen.findByTestId('message');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toMatch(/step 0/);
    expect(screen.getByTestId('title').textContent).toBe(expected.title);
    expect(screen.getAllByTestId('step')).toHaveLength(expected.steps.length);
    fireEvent.click(screen.getByRole('button', { name: /dismiss/i }));
    expect(screen.queryByTestId('message')).toBeNull();
  });

  it('runs under another profile and compares two', async () => {
    await useLab.getState().load(defaultScenario, { cursor: 3 });
    render(<App />);
    fireEvent.change(screen.getByTestId('kernel-picker'), { target: { value: '4.19' } });
    await waitFor(() => expect(useLab.getState().loaded?.kernel).toBe('4.19'));
    await waitFor(() => expect(screen.getByTestId('result').getAttribute('data-step')).toBe('2'));
    fireEvent.change(screen.getByTestId('compare-picker'), { target: { value: '6.1' } });
    await waitFor(() => expect(useLab.getState().compare?.kernels).toEqual(['4.19', '6.1']));
    expect(screen.getByTestId('compare-summary').textContent).toMatch(/differ/);
    expect(screen.getByTestId('compare-result').getAttribute('data-kernel')).toBe('6.1');
  });

  it('collapses the scenario panel', async () => {
    await useLab.getState().load(defaultScenario, { cursor: 0 });
    const { container } = render(<App />);
    const lab = container.querySelector('.lab') as HTMLElement;
    expect(lab.dataset.scenario).toBe('open');
    fireEvent.click(screen.getByRole('button', { name: /hide scenario/ }));
    expect(lab.dataset.scenario).toBe('collapsed');
  });
});
