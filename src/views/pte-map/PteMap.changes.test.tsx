import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import defaultText from '../../scenario/library/default.json?raw';
import { connectLab, fakeLayout } from '../physical/labFixture.ts';
import { PteMap } from './PteMap.tsx';

let restore = () => {};
beforeEach(() => {
  restore = fakeLayout(600, 300);
});
afterEach(() => {
  cleanup();
  restore();
});

const wait = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));

// The default scenario: cursor 3 = after the mmap, 4 = after a page_info, 8 = after the write touch.
describe('PteMap: what the step changed', () => {
  const show = async (cursor: number, page = 0) => {
    connectLab(defaultText, { cursor, selection: { mapping: 'm', page, pfn: null } });
    render(<PteMap />);
    await wait(60);
    const runs = screen.getAllByTestId('pte-run');
    return Object.fromEntries(runs.map((r) => [r.dataset.first, r.dataset.changed]));
  };

  it('marks the run of page 0 after the mmap and after the write touch', async () => {
    for (const cursor of [3, 8]) {
      expect(await show(cursor)).toEqual({ '-1': 'false', '0': 'true', '1': 'false', '2': 'false' });
      const sel = screen.getByTestId('pte-selected');
      expect(sel.dataset.changed).toBe('true');
      expect(screen.getByTestId('pte-selected-changed').textContent).toBe('PTE changed by this step');
      expect(screen.getByTestId('pte-legend-changed').dataset.count).toBe('1');
      cleanup();
    }
  });

  it('marks nothing after a page_info, and not a selected page the step left alone', async () => {
    expect(Object.values(await show(4))).toEqual(['false', 'false', 'false', 'false']);
    expect(screen.getByTestId('pte-selected').dataset.changed).toBe('false');
    expect(screen.queryByTestId('pte-selected-changed')).toBeNull();
    expect(screen.getByTestId('pte-legend-changed').textContent).toBe(' changed by this step');
    cleanup();
    await show(3, 1);
    expect(screen.getByTestId('pte-selected').dataset.changed).toBe('false');
  });
});
