// Physical memory grid geometry: frames in use in pfn order, as many per
// cell as it takes to fit. Pure.
import type { FrameView } from '../../engine/view.ts';

export interface FrameGrid {
  px: number;
  cols: number;
  rows: number;
  /** Frames per cell. */
  fpc: number;
  cells: number;
}

const SIZES = [48, 40, 34, 28, 24, 20, 16, 13, 11, 9, 7, 5, 4, 3];

export function frameGrid(n: number, width: number, height: number): FrameGrid {
  const at = (px: number, fpc: number): FrameGrid => {
    const cols = Math.max(1, Math.floor(width / px));
    const rows = Math.max(1, Math.floor(height / px));
    return { px, cols, rows, fpc, cells: Math.ceil(n / fpc) };
  };
  for (const px of SIZES) {
    const g = at(px, 1);
    if (g.cols * g.rows >= n) return g;
  }
  let fpc = 2;
  while (true) {
    const g = at(4, fpc);
    if (g.cols * g.rows * fpc >= n || fpc >= 1 << 24) return g;
    fpc *= 2;
  }
}

/** Ranges of consecutive pfns with the same owner and label (for the accessible list). */
export interface FrameRange {
  first: number;
  count: number;
  owner: string;
  label: string | null;
  mapped: number;
}

export function frameRanges(frames: FrameView[]): FrameRange[] {
  const out: FrameRange[] = [];
  let cur: FrameRange | null = null;
  for (const f of frames) {
    if (cur && f.pfn === cur.first + cur.count && f.owner === cur.owner && f.label === cur.label) {
      cur.count++;
      if (f.mapcount > 0) cur.mapped++;
      continue;
    }
    cur = { first: f.pfn, count: 1, owner: f.owner, label: f.label, mapped: f.mapcount > 0 ? 1 : 0 };
    out.push(cur);
  }
  return out;
}

/** Index of the frame with this pfn in a pfn-sorted list, or -1. */
export function frameIndex(frames: FrameView[], pfn: number): number {
  let a = 0;
  let b = frames.length - 1;
  while (a <= b) {
    const m = (a + b) >> 1;
    const p = (frames[m] as FrameView).pfn;
    if (p === pfn) return m;
    if (p < pfn) a = m + 1;
    else b = m - 1;
  }
  return -1;
}

export const OWNER_TEXT: Record<string, string> = {
  alloc: 'allocation',
  slab: 'slab (kmalloc)',
  pagetable: 'page table',
  anon: 'anon (COW copy)',
  kernel: 'kernel reserved',
  free: 'free',
};
