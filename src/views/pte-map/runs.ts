// The PTE runs the worker sent (columns of typed arrays) as the cells the PTE
// map draws and describes. Pure.
import { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_NX, _PAGE_RW, _PAGE_SPECIAL } from '../../engine/constants.ts';
import { pteText } from '../../engine/memory.ts';
import { type PteRuns, RUN_IN_VMA, RUN_PRESENT } from '../../engine/view.ts';

/** One page of a mapping's range, as the page table has it. */
export interface PteCell {
  page: number;
  present: boolean;
  write: boolean;
  dirty: boolean;
  accessed: boolean;
  special: boolean;
  nx: boolean;
  pfn: number;
  /** The PTE's flag bits (0 when not present). */
  flags: number;
  /** The PTE as the kernel prints it. */
  value: string;
  maps: { alloc: string; page: number } | null;
  inVma: boolean;
}

/** A run of pages with equal PTEs: page i of it maps pfn + i (and allocation page + i). */
export interface PteRun {
  first: number;
  count: number;
  cell: PteCell;
}

export function pteRunList(w: PteRuns): PteRun[] {
  const out: PteRun[] = new Array(w.first.length);
  for (let r = 0; r < w.first.length; r++) {
    const present = ((w.bits[r] as number) & RUN_PRESENT) !== 0;
    const f = w.flags[r] as number;
    const pfn = w.pfn[r] as number;
    const a = w.alloc[r] as number;
    const first = w.first[r] as number;
    out[r] = {
      first,
      count: w.count[r] as number,
      cell: {
        page: first,
        present,
        write: (f & _PAGE_RW) !== 0,
        dirty: (f & _PAGE_DIRTY) !== 0,
        accessed: (f & _PAGE_ACCESSED) !== 0,
        special: (f & _PAGE_SPECIAL) !== 0,
        nx: (f & _PAGE_NX) !== 0,
        pfn,
        flags: f,
        value: present ? pteText(pfn, f) : '0x0',
        maps: a >= 0 ? { alloc: w.allocs[a] as string, page: w.allocPage[r] as number } : null,
        inVma: ((w.bits[r] as number) & RUN_IN_VMA) !== 0,
      },
    };
  }
  return out;
}

/** Binary search of a sorted run list for the run holding `page`. */
export function findRun(runs: readonly PteRun[], page: number): PteRun | null {
  let a = 0;
  let b = runs.length - 1;
  while (a <= b) {
    const m = (a + b) >> 1;
    const r = runs[m] as PteRun;
    if (page < r.first) b = m - 1;
    else if (page >= r.first + r.count) a = m + 1;
    else return r;
  }
  return null;
}

/** The PTE of one page from its run (pfn and allocation page advance along the run). */
export function cellAt(run: PteRun, page: number): PteCell {
  const d = page - run.first;
  const c = run.cell;
  if (d === 0) return c;
  if (!c.present) return { ...c, page };
  return {
    ...c,
    page,
    pfn: c.pfn + d,
    maps: c.maps ? { alloc: c.maps.alloc, page: c.maps.page + d } : null,
    value: pteText(c.pfn + d, c.flags),
  };
}
