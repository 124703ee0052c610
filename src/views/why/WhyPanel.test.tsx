import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import slab from '../../../test/conformance/vm_insert_page-kmalloc-slab.json?raw';
import type { TraceEvent } from '../../engine/trace.ts';
import defaultScenario from '../../scenario/library/default.json?raw';
import { useLab } from '../../store/lab.ts';
import { createLab } from '../../worker/lab.ts';
import { nest, WhyPanel } from './WhyPanel.tsx';

const initial = useLab.getState();

function loadInto(text: string, cursor: number) {
  const lab = createLab();
  const res = lab.load(text);
  if (!res.ok) throw new Error(res.message);
  const view = lab.view({ cursor, mapping: null, window: { first: 0, count: 0 }, addr: null, pfn: null });
  useLab.setState({ text, loaded: res, cursor, view, kernel: null, compare: null, message: null });
  return view;
}

describe('WhyPanel', () => {
  beforeEach(() => useLab.setState(initial, true));
  afterEach(cleanup);

  it('lists the checks of the step in order, with whether each held, its outcome and its source', () => {
    const view = loadInto(slab, 6);
    render(<WhyPanel />);
    const checks = screen.getAllByTestId('why-check');
    const traced = view.last?.trace.filter((e) => e.kind === 'check') ?? [];
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
    loadInto(defaultScenario, 1);
    const view = useLab.getState().view;
    if (!view) throw new Error('no view');
    useLab.setState({ view: { ...view, last: { step: 0, result: { ret: 'ok' }, trace } } });
    render(<WhyPanel />);
    const check = screen.getByTestId('why-check');
    expect(check.textContent).toContain('<img src=y onerror=alert(1)>');
    expect(check.getAttribute('data-outcome')).toBe('<b>-EINVAL</b>');
    expect(document.querySelector('.why-panel img, .why-panel b, .why-panel script')).toBeNull();
  });

  it('nests events by the functions entered', () => {
    const src = { file: 'f', function: 'f', url: 'u' };
    const rows = nest([
      { kind: 'enter', fn: 'a', src },
      { kind: 'enter', fn: 'b', src },
      { kind: 'check', fn: 'b', check: 'c', taken: false, outcome: 'passed', src },
      { kind: 'change', fn: 'helper', what: 'w', src },
      { kind: 'check', fn: 'a', check: 'd', taken: true, outcome: 'x', src },
    ]);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 1, 2, 0]);
  });
});
