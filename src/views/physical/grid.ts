// Physical memory grid geometry: frames in use in pfn order, as many per
// cell as it takes to fit. Pure.

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

export const OWNER_TEXT: Record<string, string> = {
  alloc: 'allocation',
  slab: 'slab (kmalloc)',
  pagetable: 'page table',
  anon: 'anon (COW copy)',
  kernel: 'kernel reserved',
  free: 'free',
};
