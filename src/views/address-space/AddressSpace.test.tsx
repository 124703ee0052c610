import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useLab } from '../../store/lab.ts';
import { connectLab, DEFAULT_STEPS, fakeLayout, scenario } from '../physical/labFixture.ts';
import { AddressSpace } from './AddressSpace.tsx';
import { layoutStrip } from './layout.ts';

let restore = () => {};
beforeEach(() => {
  restore = fakeLayout(800, 80);
});
afterEach(() => {
  cleanup();
  restore();
});

describe('AddressSpace', () => {
  it('draws each VMA with its exact range and flags and selects it on click', async () => {
    const calls = connectLab(scenario(DEFAULT_STEPS), { selection: { mapping: 'x' } });
    render(<AddressSpace />);
    const vma = await screen.findByTestId('vma-m');
    const start = useLab.getState().view?.addressSpace.vmas.start[0] as number;
    expect(vma.getAttribute('data-start')).toBe(`0x${start.toString(16)}`);
    expect(vma.getAttribute('data-end')).toBe(`0x${(start + 2 * 4096).toString(16)}`);
    expect(vma.getAttribute('data-flags')?.split(' ')).toContain('VM_MIXEDMAP');
    expect(vma.textContent).toContain('m · 2 pages · rd wr sh mr mw me ms mm');
    expect(vma.getAttribute('aria-label')).toContain(`0x${start.toString(16)}`);
    // The stale selection "x" was replaced by the first VMA.
    expect(calls.select[0]).toEqual({ mapping: 'm', page: 0, pfn: null });
    act(() => useLab.setState({ selection: { mapping: null, page: null, pfn: null } }));
    calls.select.length = 0;
    fireEvent.click(screen.getByTestId('vma-m'));
    expect(calls.select).toContainEqual({ mapping: 'm', page: 0, pfn: null });
    expect(screen.getByTestId('vma-m').getAttribute('aria-pressed')).toBe('true');
  });

  it('marks gaps with their size and lists mappings that are not mapped', () => {
    connectLab(
      scenario([
        { op: 'mmap', id: 'a', pages: 4, prot: ['read'], flags: 'shared', driver: { mmap: [] } },
        { op: 'mmap', id: 'b', pages: 2, prot: ['read'], flags: 'shared', driver: { mmap: [] } },
        { op: 'munmap', mmap: 'a', first: 1, count: 1 },
        { op: 'munmap', mmap: 'b' },
      ]),
    );
    render(<AddressSpace />);
    // a was split in two by the partial munmap: two parts, a 4 KiB gap between them.
    const parts = screen.getAllByTestId('vma-a');
    expect(parts.map((p) => p.getAttribute('data-part'))).toEqual(['0', '1']);
    const gaps = screen.getAllByTestId('gap');
    expect(gaps.some((g) => g.getAttribute('data-bytes') === '4096')).toBe(true);
    expect(screen.getByText(/gap 4 KiB from/)).toBeTruthy();
    expect(screen.getByTestId('unmapped-b').getAttribute('data-reason')).toBe('unmapped');
  });

  it('lists a mapping whose mmap failed as not mapped', () => {
    connectLab(
      scenario([
        { op: 'alloc', id: 'k', kind: 'kmalloc', size: 64 },
        {
          op: 'mmap',
          id: 'bad',
          pages: 1,
          prot: ['read'],
          flags: 'shared',
          driver: { mmap: [{ call: 'vm_insert_page', at: 0, page: { alloc: 'k', page: 0 } }] },
        },
      ]),
    );
    render(<AddressSpace />);
    expect(screen.getByTestId('unmapped-bad').getAttribute('data-reason')).toBe('mmap-failed');
    expect(screen.getByText(/no VMAs/)).toBeTruthy();
  });
});

describe('layoutStrip', () => {
  it('keeps a 2-page VMA visible next to a 1 GiB one and fills the width', () => {
    const base = 0x7ffff7fff000;
    const space = {
      mmapBase: base,
      taskSize: 2 ** 47,
      mappings: [],
      vmas: [
        {
          mapping: 'big',
          start: base - 2 * 4096 - 2 ** 30,
          end: base - 2 * 4096,
          pages: 2 ** 18,
          pgoff: 0,
          flags: [],
          pageProt: '',
          hasFault: false,
        },
        {
          mapping: 'small',
          start: base - 2 * 4096,
          end: base,
          pages: 2,
          pgoff: 0,
          flags: [],
          pageProt: '',
          hasFault: false,
        },
      ],
    };
    const l = layoutStrip(space, 600);
    const small = l.segments.find((s) => s.kind === 'vma' && s.vma.mapping === 'small');
    expect(small?.w).toBeGreaterThanOrEqual(40);
    expect(l.widened).toBe(true);
    const sum = l.segments.reduce((a, s) => a + s.w, 0);
    expect(sum).toBeCloseTo(600, 5);
    expect(l.hi).toBe(base);
  });
});
