import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useLab } from '../../store/lab.ts';
import { FrameList, NO_FRAMES } from './frames.ts';
import { connectLab, DEFAULT_STEPS, fakeLayout, scenario } from './labFixture.ts';
import { PhysicalMemory } from './PhysicalMemory.tsx';

let restore = () => {};
beforeEach(() => {
  restore = fakeLayout(400, 200);
});
afterEach(() => {
  cleanup();
  restore();
});

describe('PhysicalMemory', () => {
  it('lists every frame in use with its owner and counts, and the totals', () => {
    connectLab(scenario(DEFAULT_STEPS));
    render(<PhysicalMemory />);
    const frames = screen.getAllByTestId('frame');
    const phys = useLab.getState().view?.physical;
    expect(frames).toHaveLength(phys?.inUse as number);
    const p = frames.find((f) => f.dataset.owner === 'alloc') as HTMLElement;
    expect(p.dataset.label).toBe('p');
    expect(p.dataset.refcount).toBe('2');
    expect(p.dataset.mapcount).toBe('1');
    expect(frames.filter((f) => f.dataset.owner === 'pagetable').length).toBe(4);
    const totals = screen.getByTestId('phys-totals');
    expect(totals.dataset.frames).toBe(String(phys?.nframes));
    expect(totals.dataset.reserved).toBe(String(phys?.reservedFrames));
    expect(totals.textContent).toContain('free');
  });

  it('selects a frame and shows its struct page, with the user address mapping it', () => {
    const calls = connectLab(scenario(DEFAULT_STEPS));
    render(<PhysicalMemory />);
    expect(screen.getByTestId('struct-page').dataset.pfn).toBe('');
    const p = screen.getAllByTestId('frame').find((f) => f.dataset.owner === 'alloc') as HTMLElement;
    fireEvent.click(p.querySelector('button') as HTMLButtonElement);
    expect(calls.select.at(-1)).toEqual({ pfn: Number(p.dataset.pfn) });
    const sp = screen.getByTestId('struct-page');
    expect(sp.dataset.pfn).toBe(p.dataset.pfn);
    expect(sp.dataset.refcount).toBe('2');
    expect(sp.dataset.mapcount).toBe('1');
    expect(sp.textContent).toContain('p[0]');
    expect(screen.getByTestId('struct-page-mapped').dataset.count).toBe('1');
    // Following the user address selects that page of the mapping.
    const start = useLab.getState().view?.addressSpace.vmas.start[0] as number;
    fireEvent.click(screen.getByRole('button', { name: `0x${start.toString(16)}` }));
    expect(calls.select.at(-1)).toEqual({ mapping: 'm', page: 0, pfn: Number(p.dataset.pfn) });
  });

  it('on 4.19 names the kmalloc neighbours a mapped slab page exposes', () => {
    connectLab(
      scenario(
        [
          { op: 'alloc', id: 'a', kind: 'kmalloc', size: 100 },
          { op: 'alloc', id: 'b', kind: 'kmalloc', size: 100 },
          {
            op: 'mmap',
            id: 'm',
            pages: 1,
            prot: ['read'],
            flags: 'shared',
            driver: { mmap: [{ call: 'vm_insert_page', at: 0, page: { alloc: 'a', page: 0 } }] },
          },
        ],
        '4.19',
      ),
    );
    render(<PhysicalMemory />);
    const slab = screen.getAllByTestId('frame').find((f) => f.dataset.owner === 'slab') as HTMLElement;
    expect(slab.dataset.label).toBe('kmalloc-128');
    expect(slab.dataset.mapcount).toBe('1');
    fireEvent.click(slab.querySelector('button') as HTMLButtonElement);
    const objects = screen.getByTestId('struct-page-objects');
    expect(objects.textContent).toContain('a');
    expect(objects.textContent).toContain('b');
    expect(screen.getByRole('note').textContent).toMatch(/every object/);
    expect(screen.getByTestId('struct-page').dataset.flags).toContain('slab');
  });

  it('lists ranges, not frames, when more than 500 frames are in use', () => {
    connectLab(scenario([{ op: 'alloc', id: 'v', kind: 'vmalloc', size: 4 * 1024 * 1024 }]));
    render(<PhysicalMemory />);
    expect(screen.queryAllByTestId('frame')).toHaveLength(0);
    const ranges = screen.getAllByTestId('frame-range');
    expect(ranges.length).toBeLessThanOrEqual(300);
    const v = ranges.filter((r) => r.dataset.label === 'v').reduce((a, r) => a + Number(r.dataset.count), 0);
    expect(v).toBe(1024);
    const runs = useLab.getState().view?.physical.runs;
    if (!runs) throw new Error('no view');
    const pfn = runs.first[[...runs.label].indexOf(runs.labels.indexOf('v'))] as number;
    act(() => void useLab.getState().select({ pfn }));
    expect(screen.getByTestId('frame').dataset.pfn).toBe(String(pfn));
  });

  it('moves the selection with the arrow keys on the canvas', () => {
    const calls = connectLab(scenario(DEFAULT_STEPS));
    render(<PhysicalMemory />);
    const runs = useLab.getState().view?.physical.runs;
    const frames = runs ? new FrameList(runs) : NO_FRAMES;
    const canvas = document.querySelector('canvas') as HTMLCanvasElement;
    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    expect(calls.select.at(-1)).toEqual({ pfn: frames.pfnAt(0) });
    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    expect(calls.select.at(-1)).toEqual({ pfn: frames.pfnAt(1) });
  });
});
