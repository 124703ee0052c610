import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_RANGES, rangesValues } from '../../engine/ranges.ts';
import { FRAME_OWNERS } from '../../engine/view.ts';
import defaultText from '../../scenario/library/default.json?raw';
import { useLab } from '../../store/lab.ts';
import { connectLab, fakeLayout } from './labFixture.ts';
import { PhysicalMemory } from './PhysicalMemory.tsx';

let restore = () => {};

/** The first frame of the scenario's allocation. */
function allocFrame(): number {
  const runs = useLab.getState().view?.physical.runs;
  const r = runs ? [...runs.owner].indexOf(FRAME_OWNERS.indexOf('alloc')) : -1;
  if (!runs || r < 0) throw new Error('no allocation frame');
  return runs.first[r] as number;
}
beforeEach(() => {
  restore = fakeLayout(400, 200);
});
afterEach(() => {
  cleanup();
  restore();
});

// The default scenario: cursor 3 = after the mmap, 4 = after a page_info.
describe('PhysicalMemory: what the step changed', () => {
  it('marks the frames the mmap changed, its struct page, and says how many', () => {
    connectLab(defaultText, { cursor: 3 });
    render(<PhysicalMemory />);
    const changed = rangesValues(useLab.getState().view?.changes.frames ?? NO_RANGES);
    expect(changed.length).toBeGreaterThan(0);
    const frames = screen.getAllByTestId('frame');
    for (const f of frames) expect(f.dataset.changed).toBe(changed.includes(Number(f.dataset.pfn)) ? 'true' : 'false');
    const p = frames.find((f) => f.dataset.owner === 'alloc') as HTMLElement;
    expect(p.dataset.changed).toBe('true');
    // The PGD (already there before the mmap) did not change.
    expect(frames.some((f) => f.dataset.changed === 'false')).toBe(true);
    const note = screen.getByTestId('phys-changed');
    expect(note.dataset.count).toBe(String(changed.length));
    expect(note.textContent).toContain(`changed by this step: ${changed.length} frames`);
  });

  it('marks the selected struct page when its frame changed', async () => {
    connectLab(defaultText, { cursor: 3 });
    const pfn = allocFrame();
    await useLab.getState().select({ pfn });
    render(<PhysicalMemory />);
    const sp = screen.getByTestId('struct-page');
    expect(sp.dataset.pfn).toBe(String(pfn));
    expect(sp.dataset.changed).toBe('true');
    expect(screen.getByTestId('struct-page-changed').textContent).toBe('changed by this step');
  });

  it('marks nothing after a page_info', async () => {
    connectLab(defaultText, { cursor: 4 });
    const pfn = allocFrame();
    await useLab.getState().select({ pfn });
    render(<PhysicalMemory />);
    for (const f of screen.getAllByTestId('frame')) expect(f.dataset.changed).toBe('false');
    expect(screen.getByTestId('struct-page').dataset.changed).toBe('false');
    expect(screen.queryByTestId('struct-page-changed')).toBeNull();
    expect(screen.getByTestId('phys-changed').dataset.count).toBe('0');
    expect(screen.getByTestId('phys-changed').textContent).toBe(' changed by this step: none');
  });
});
