import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PteRuns } from '../../engine/view.ts';
import { useLab } from '../../store/lab.ts';
import { MAX_WINDOW_PAGES } from '../../worker/api.ts';
import { connectLab, DEFAULT_STEPS, fakeLayout, scenario } from '../physical/labFixture.ts';
import { PteMap } from './PteMap.tsx';
import { pteRunList } from './runs.ts';

let restore = () => {};
beforeEach(() => {
  restore = fakeLayout(600, 300);
});
afterEach(() => {
  cleanup();
  restore();
});

const wait = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));

describe('PteMap', () => {
  it('asks for the VMA plus one page either side and lists the runs with exact values', async () => {
    const calls = connectLab(scenario(DEFAULT_STEPS), {
      selection: { mapping: 'm', page: 0, pfn: null },
      window: { first: 0, count: 512 },
    });
    render(<PteMap />);
    await wait(60);
    expect(calls.setWindow).toEqual([[-1, 4]]);
    const runs = screen.getAllByTestId('pte-run');
    expect(runs.map((r) => [r.dataset.first, r.dataset.count, r.dataset.present, r.dataset.inVma])).toEqual([
      ['-1', '1', 'false', 'false'],
      ['0', '1', 'true', 'true'],
      ['1', '1', 'false', 'true'],
      ['2', '1', 'false', 'false'],
    ]);
    const p0 = runs[1] as HTMLElement;
    expect(p0.dataset.write).toBe('true');
    expect(p0.dataset.dirty).toBe('true');
    expect(p0.dataset.accessed).toBe('true');
    expect(p0.dataset.special).toBe('false');
    expect(p0.dataset.maps).toBe('p[0]');
    expect(p0.dataset.value).toMatch(/^0x8000000[0-9a-f]{9}$/);

    const sel = screen.getByTestId('pte-selected');
    expect(sel.dataset.page).toBe('0');
    expect(sel.dataset.present).toBe('true');
    expect(sel.dataset.write).toBe('true');
    expect(sel.dataset.value).toBe(p0.dataset.value);
    expect(sel.textContent).toContain(
      `page 0: present, write, dirty, accessed, no exec, maps p[0], PTE ${p0.dataset.value}`,
    );
    expect(sel.getAttribute('aria-live')).toBe('polite');
  });

  it('selects with a click and the arrow keys, and a touch becomes a step after the cursor', async () => {
    const calls = connectLab(scenario(DEFAULT_STEPS), { selection: { mapping: 'm', page: 0, pfn: null } });
    render(<PteMap />);
    await wait(60);
    const canvas = document.querySelector('canvas') as HTMLCanvasElement;
    // 4 pages fit at the largest cell size (56 px): page 1 is the third cell.
    fireEvent.pointerDown(canvas, { clientX: 56 * 2 + 10, clientY: 10 });
    fireEvent.pointerUp(canvas, { clientX: 56 * 2 + 10, clientY: 10 });
    expect(calls.select.at(-1)).toEqual({ page: 1, pfn: null });
    fireEvent.keyDown(canvas, { key: 'ArrowLeft' });
    const pfn = pteRunList(useLab.getState().view?.ptes as PteRuns).find((r) => r.first === 0)?.cell.pfn;
    expect(calls.select.at(-1)).toEqual({ page: 0, pfn });
    expect(screen.getByTestId('pte-selected').dataset.page).toBe('0');

    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    await wait(0);
    fireEvent.click(screen.getByTestId('touch-write'));
    await wait(0);
    expect(calls.insertStep).toEqual([{ op: 'touch', mmap: 'm', page: 1, access: 'write' }]);
    expect(useLab.getState().loaded?.steps).toBe(DEFAULT_STEPS.length + 1);
    // The inserted write touch faulted with no fault handler: the PTE stays none.
    expect(screen.getByTestId('pte-selected').dataset.present).toBe('false');
  });

  it('stays small for a 262,144-page mapping: one window, aggregated cells, a few runs listed', async () => {
    const calls = connectLab(
      scenario([
        { op: 'alloc', id: 'v', kind: 'vmalloc', size: 3 * 4096 },
        {
          op: 'mmap',
          id: 'big',
          pages: 262144,
          prot: ['read'],
          flags: 'shared',
          driver: {
            vm_flags_set: ['VM_PFNMAP', 'VM_IO'],
            mmap: [{ call: 'remap_pfn_range', at: 0, page: { alloc: 'v', page: 0 }, count: 3 }],
          },
        },
      ]),
      { selection: { mapping: 'big', page: 0, pfn: null } },
    );
    const t0 = performance.now();
    render(<PteMap />);
    await wait(60);
    expect(performance.now() - t0).toBeLessThan(2000);
    const [first, count] = calls.setWindow.at(-1) as [number, number];
    expect(first).toBe(-1);
    expect(count).toBeLessThanOrEqual(MAX_WINDOW_PAGES);
    expect(Number(screen.getByTestId('pte-window').dataset.ppc)).toBeGreaterThan(1);
    const runs = screen.getAllByTestId('pte-run');
    expect(runs.length).toBeLessThan(10);
    const special = runs.find((r) => r.dataset.first === '0') as HTMLElement;
    expect(special.dataset.count).toBe('3');
    expect(special.dataset.special).toBe('true');
    expect(special.dataset.maps).toBe('v[0]');
    expect(screen.getByTestId('pte-selected').dataset.special).toBe('true');
  });

  it('says when no mapping is selected and disables the touch buttons', () => {
    connectLab(scenario(DEFAULT_STEPS));
    render(<PteMap />);
    expect(screen.getByText(/select a mapping above/)).toBeTruthy();
    expect((screen.getByTestId('touch-read') as HTMLButtonElement).disabled).toBe(true);
  });
});
