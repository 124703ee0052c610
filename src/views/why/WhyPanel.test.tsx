import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import slab from '../../../test/conformance/vm_insert_page-kmalloc-slab.json?raw';
import type { TraceEvent } from '../../engine/trace.ts';
import { TRACE_PAGE_ROWS } from '../../engine/traceView.ts';
import defaultScenario from '../../scenario/library/default.json?raw';
import { useLab } from '../../store/lab.ts';
import { connectLab } from '../physical/labFixture.ts';
import { WhyPanel } from './WhyPanel.tsx';

const initial = useLab.getState();

function loadInto(text: string, cursor: number) {
  connectLab(text, { cursor });
  return useLab.getState();
}

describe('WhyPanel', () => {
  beforeEach(() => useLab.setState(initial, true));
  afterEach(cleanup);

  it('lists the checks of the step in order, with whether each held, its outcome and its source', () => {
    const { trace } = loadInto(slab, 6);
    render(<WhyPanel />);
    const checks = screen.getAllByTestId('why-check');
    const traced = trace?.rows.map((r) => r.event).filter((e) => e.kind === 'check') ?? [];
    expect(checks).toHaveLength(traced.length);
    checks.forEach((c, i) => {
      const e = traced[i];
      if (e?.kind !== 'check') throw new Error('not a check');
      expect(c.getAttribute('data-taken')).toBe(String(e.taken));
      expect(c.getAttribute('data-outcome')).toBe(e.outcome);
      expect(c.querySelector('code')?.textContent).toBe(e.check);
    });
    const deciding = checks.filter((c) => c.getAttribute('data-taken') === 'true');
    const slabCheck = deciding.find((c) => c.textContent?.includes('PageSlab(page)'));
    expect(slabCheck?.getAttribute('data-outcome')).toBe('-EINVAL');
    expect(slabCheck?.className).toContain('why-decides');
    const link = slabCheck?.querySelector('a');
    expect(link?.textContent).toBe('mm/memory.c: validate_page_before_insert');
    expect(link?.getAttribute('href')).toBe(
      'https://elixir.bootlin.com/linux/v6.1/C/ident/validate_page_before_insert',
    );
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noreferrer');
    expect(screen.getAllByTestId('why-enter')[0]?.textContent).toContain('do_mmap()');
  });

  it('shows state changes in their own style and filters to the decisions', () => {
    loadInto(defaultScenario, 3);
    render(<WhyPanel />);
    const changes = screen.getAllByTestId('why-change');
    expect(changes.some((c) => c.textContent?.includes('set_pte_at: PTE 0x8000000001001027'))).toBe(true);
    expect(changes.some((c) => c.textContent?.includes('page_count(pfn 0x1001) 1 -> 2'))).toBe(true);
    fireEvent.click(screen.getByTestId('decisions-only'));
    expect(screen.getByTestId('decisions-only').getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryAllByTestId('why-change')).toHaveLength(0);
    const checks = screen.getAllByTestId('why-check');
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((c) => c.getAttribute('data-taken') === 'true')).toBe(true);
  });

  it('says so when the step has no trace, and when nothing has run', () => {
    loadInto(defaultScenario, 2); // step 1, page_info: no kernel checks
    const { unmount } = render(<WhyPanel />);
    expect(screen.getByText(/went through no kernel checks/)).toBeTruthy();
    unmount();
    loadInto(defaultScenario, 0);
    render(<WhyPanel />);
    expect(screen.getByText('No step has run yet.')).toBeTruthy();
  });

  it('renders trace text as text', () => {
    const src = { file: 'mm/memory.c', function: 'x', url: 'https://example.org/x' };
    const trace: TraceEvent[] = [
      { kind: 'check', fn: 'x', check: '<img src=y onerror=alert(1)>', taken: true, outcome: '<b>-EINVAL</b>', src },
      { kind: 'change', fn: 'x', what: '<script>1</script>', src },
    ];
    const { trace: t } = loadInto(defaultScenario, 1);
    if (!t) throw new Error('no trace');
    const rows = trace.map((event, index) => ({ event, depth: 0, index }));
    useLab.setState({ trace: { ...t, total: rows.length, rows } });
    render(<WhyPanel />);
    const check = screen.getByTestId('why-check');
    expect(check.textContent).toContain('<img src=y onerror=alert(1)>');
    expect(check.getAttribute('data-outcome')).toBe('<b>-EINVAL</b>');
    expect(document.querySelector('.why-panel img, .why-panel b, .why-panel script')).toBeNull();
  });

  it('shows a long trace a page at a time, and fetches the next page when asked', async () => {
    const text = JSON.stringify({
      ptlab: 1,
      kernel: '6.1',
      steps: [
        { op: 'alloc', id: 'v', kind: 'vmalloc_user', size: 256 * 4096 },
        {
          op: 'mmap',
          id: 'm',
          pages: 256,
          prot: ['read'],
          flags: 'shared',
          driver: { mmap: [{ call: 'vm_map_pages', alloc: 'v' }] },
        },
      ],
    });
    const { trace } = loadInto(text, 2);
    render(<WhyPanel />);
    expect(trace?.total).toBeGreaterThan(TRACE_PAGE_ROWS);
    expect(screen.getByTestId('why-list').children).toHaveLength(TRACE_PAGE_ROWS);
    const more = screen.getByRole('button', { name: /^show \d+ more/ });
    expect(more.textContent).toContain(`${TRACE_PAGE_ROWS} of ${trace?.total} events shown`);
    await act(async () => fireEvent.click(more));
    expect(screen.getByTestId('why-list').children).toHaveLength(Math.min(2 * TRACE_PAGE_ROWS, trace?.total as number));
    expect(screen.getByText(new RegExp(`${trace?.summary.checks} checks`))).toBeTruthy();
  });
});
