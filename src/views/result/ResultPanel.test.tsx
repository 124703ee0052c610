import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import slab from '../../../test/conformance/vm_insert_page-kmalloc-slab.json?raw';
import defaultScenario from '../../scenario/library/default.json?raw';
import type { StepResult } from '../../scenario/results.ts';
import { compareProfiles } from '../../scenario/run.ts';
import { useLab } from '../../store/lab.ts';
import { connectLab } from '../physical/labFixture.ts';
import { ResultPanel } from './ResultPanel.tsx';
import { badgeOf, describeResult } from './summary.ts';

const initial = useLab.getState();

function loadInto(text: string, cursor: number) {
  connectLab(text, { cursor });
  const { loaded: res, view } = useLab.getState();
  if (!res) throw new Error('not loaded');
  return { res, view };
}

describe('ResultPanel', () => {
  beforeEach(() => useLab.setState(initial, true));
  afterEach(cleanup);

  it('says nothing has run before step 0', () => {
    loadInto(defaultScenario, 0);
    render(<ResultPanel />);
    const r = screen.getByTestId('result');
    expect(r.hasAttribute('data-result')).toBe(false);
    expect(r.textContent).toContain('nothing has run');
  });

  it("shows the mmap's result, its call records and the other context", () => {
    const { res } = loadInto(defaultScenario, 3);
    render(<ResultPanel />);
    const r = screen.getByTestId('result');
    expect(r.getAttribute('data-result')).toBe(JSON.stringify(res.results[2]));
    expect(r.getAttribute('data-step')).toBe('2');
    expect(r.textContent).toContain('mmap() succeeds');
    expect(r.textContent).toContain('vm_insert_page(at page 0) → 0');
    expect(r.textContent).toContain('VM_MIXEDMAP');
    const other = screen.getByTestId('other-context');
    expect(other.textContent).toContain('in a ->fault handler');
    expect(other.textContent).toContain('oopses');
    expect(other.querySelector('a')?.getAttribute('href')).toBe(
      'https://elixir.bootlin.com/linux/v6.1/C/ident/vm_insert_page',
    );
    // The conversion rules, written out.
    expect(other.textContent).toContain('0 and -EBUSY → VM_FAULT_NOPAGE; -ENOMEM → VM_FAULT_OOM');
    expect(other.textContent).toContain('vmf_error()');
  });

  it('shows a refused insert and what the fault handler would give (once, with a count)', () => {
    const { res } = loadInto(slab, 6);
    render(<ResultPanel />);
    expect(screen.getByTestId('result').getAttribute('data-result')).toBe(JSON.stringify(res.results[5]));
    expect(screen.getByTestId('result').textContent).toContain('vm_insert_page(at page 1) → -EINVAL');
    const items = screen.getByTestId('other-context').querySelectorAll('li');
    expect(items).toHaveLength(2);
    expect(items[1]?.textContent).toContain('3 calls:');
    expect(items[1]?.textContent).toContain('vmf_insert_page() makes that VM_FAULT_SIGBUS');
    expect(items[1]?.textContent).toContain('the process then gets SIGBUS');
  });

  it("shows a touch's signal and si_code", () => {
    const { res } = loadInto(slab, 8);
    render(<ResultPanel />);
    const r = screen.getByTestId('result');
    expect(r.getAttribute('data-result')).toBe(JSON.stringify(res.results[7]));
    expect(r.textContent).toContain('The process gets SIGBUS with si_code BUS_ADRERR');
    expect(screen.getByTestId('other-context').textContent).toContain('no insert call');
  });

  it("shows the other profile's result while comparing, or that it is the same", () => {
    loadInto(slab, 8);
    const out = compareProfiles(slab, ['6.1', '4.19']);
    if (!out.ok) throw new Error(out.message);
    useLab.setState({ compare: { kernels: ['6.1', '4.19'], differences: out.differences } });
    const { unmount } = render(<ResultPanel />);
    const c = screen.getByTestId('compare-result');
    expect(c.getAttribute('data-differs')).toBe('true');
    expect(c.textContent).toContain('differs on 4.19');
    expect(c.textContent).toContain('The access succeeds');
    unmount();
    loadInto(slab, 1);
    useLab.setState({ compare: { kernels: ['6.1', '4.19'], differences: out.differences } });
    render(<ResultPanel />);
    expect(screen.getByTestId('compare-result').textContent).toBe('same on 4.19');
  });

  it('puts every result shape in words and a badge', () => {
    const cases: [StepResult, string, string][] = [
      [{ ret: 'ok' }, 'ok', 'succeeds.'],
      [{ ret: 'NULL' }, 'errno', 'returns NULL'],
      [{ ret: '-EINVAL', calls: [] }, 'errno', 'fails with -EINVAL (invalid argument)'],
      [{ ret: 0, calls: [{ call: 'vm_insert_page', at: 0, ret: '-EINVAL' }] }, 'errno', 'succeeds'],
      [{ signal: 'SIGBUS', code: 'BUS_ADRERR', faults: [] }, 'signal', 'SIGBUS with si_code BUS_ADRERR'],
      [{ signal: null, code: null, faults: [{ pgoff: 0, ret: 'VM_FAULT_NOPAGE', calls: [] }] }, 'ok', '1 fault'],
      [{ signal: null, code: null, faults: [{ pgoff: 0, ret: 'VM_FAULT_OOM', calls: [] }] }, 'vm_fault', 'succeeds'],
      [{ signal: 'SIGKILL' }, 'signal', 'killed with SIGKILL'],
      [{ oops: 'kernel BUG at mm/memory.c:1234!' }, 'oops', 'oopses'],
      [{ skipped: 'oops' }, 'skipped', 'Not run'],
      [{ refcount: 2, mapcount: 1, flags: [] }, 'ok', 'page_count 2, page_mapcount 1'],
      [{ present: false }, 'ok', 'No PTE'],
      [{ present: true, maps: { alloc: 'p', page: 0 }, write: true }, 'ok', 'maps p[0], writable'],
      [{ error: 'NULL allocation' }, 'errno', 'NULL allocation'],
    ];
    for (const [r, kind, words] of cases) {
      expect(badgeOf(r).kind, JSON.stringify(r)).toBe(kind);
      const w = describeResult(r, 'mmap');
      expect(`${w.headline} ${w.details.join(' ')}`, JSON.stringify(r)).toContain(words);
    }
    expect(describeResult({ ret: 'ok' }, 'alloc').headline).toBe('The allocation succeeds.');
    expect(describeResult({ ret: 'ok' }, 'free').headline).toBe('free succeeds.');
    const fault = describeResult({
      signal: null,
      code: null,
      faults: [{ pgoff: 3, ret: 'VM_FAULT_NOPAGE', calls: [] }],
    });
    expect(fault.details[0]).toContain('fault at page 3: ->fault returns VM_FAULT_NOPAGE');
  });
});
