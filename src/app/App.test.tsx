import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import expected from '../../test/conformance/vm_insert_page-alloc_pages-order0-shared.expected.json';
import defaultScenario from '../scenario/library/default.json?raw';
import { useRunStore } from '../store/run.ts';
import { App } from './App.tsx';

// Neither happy-dom nor jsdom runs real Workers: the client is replaced by an
// in-thread fake. The real worker path is covered by e2e/placeholder.spec.ts.
const simulate = vi.hoisted(() => vi.fn());
vi.mock('../worker/client.ts', () => ({ engine: () => ({ simulate }) }));

describe('App (placeholder page)', () => {
  beforeEach(() => {
    simulate.mockReset();
    useRunStore.setState({ text: '', status: { kind: 'idle' }, doc: null });
  });
  afterEach(cleanup);

  it('runs the scenario through the client and shows one row per step with its result', async () => {
    simulate.mockResolvedValue({ ok: true, doc: expected });
    useRunStore.getState().setText(defaultScenario);
    render(<App />);

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('ptlab');
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('done'));
    expect(simulate).toHaveBeenCalledWith(defaultScenario, undefined);

    const scenario = JSON.parse(defaultScenario) as { title: string; steps: unknown[] };
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(scenario.title);
    expect(screen.getByTestId('kernel').textContent).toBe('kernel 6.1');

    const table = screen.getByTestId('results');
    const rows = table.querySelectorAll('tbody tr[data-step]');
    expect(rows).toHaveLength(scenario.steps.length);
    rows.forEach((row, i) => {
      expect(row.getAttribute('data-step')).toBe(String(i));
      const cell = row.querySelector('[data-result]');
      expect(cell?.getAttribute('data-result')).toBe(JSON.stringify(expected.results[i]));
    });

    const mmapRow = table.querySelector('tr[data-step="2"]') as HTMLElement;
    expect(within(mmapRow).getByText('mmap')).toBeTruthy();
    expect(mmapRow.textContent).toContain('m pages=2 prot=read,write flags=shared');
    expect(mmapRow.textContent).toContain('driver mmap: vm_insert_page(at=0, page=p[0])');
    expect(mmapRow.querySelector('[data-result]')?.getAttribute('data-result')).toContain('"vm_insert_page"');
  });

  it('shows the message when the scenario is refused', async () => {
    simulate.mockResolvedValue({ ok: false, message: 'step 0: unknown op "bogus"' });
    useRunStore.getState().setText('{"ptlab":1,"steps":[{"op":"bogus"}]}');
    render(<App />);

    await waitFor(() => expect(screen.getByTestId('status').getAttribute('data-status')).toBe('error'));
    expect(screen.getByTestId('status').textContent).toBe('step 0: unknown op "bogus"');
    expect(screen.getByTestId('results').querySelector('[data-result]')).toBeNull();
  });

  it('shows "running in worker…" while the worker has not answered', async () => {
    simulate.mockReturnValue(new Promise(() => {}));
    useRunStore.getState().setText(defaultScenario);
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('running in worker…'));
  });
});
