// The PTE map's geometry and aggregation: which pages a cell covers at a zoom
// level, and the per-cell summary of the runs the worker sent. Pure.

import { MAX_WINDOW_PAGES } from '../../worker/api.ts';
import { allocSlot } from '../physical/palette.ts';
import type { PteRun } from './runs.ts';

export interface ZoomLevel {
  /** Cell size in CSS px. */
  px: number;
  /** Pages per cell (1 until cells would be smaller than 3 px, then aggregated). */
  ppc: number;
}

export const ZOOM_LEVELS: ZoomLevel[] = [
  ...[56, 44, 36, 28, 22, 18, 14, 11, 9, 7, 5, 4, 3].map((px) => ({ px, ppc: 1 })),
  ...[2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].map((ppc) => ({ px: 4, ppc })),
];

export interface Geometry {
  cols: number;
  rows: number;
  px: number;
  ppc: number;
  /** Pages the canvas can show at this level. */
  capacity: number;
}

export function geometry(level: ZoomLevel, width: number, height: number): Geometry {
  const cols = Math.max(1, Math.floor(width / level.px));
  const rows = Math.max(1, Math.floor(height / level.px));
  return { cols, rows, px: level.px, ppc: level.ppc, capacity: cols * rows * level.ppc };
}

/** The most zoomed-in level that shows `total` pages (or as many as one window may hold). */
export function fitLevel(total: number, width: number, height: number): number {
  const want = Math.min(total, MAX_WINDOW_PAGES);
  for (let i = 0; i < ZOOM_LEVELS.length; i++) {
    if (geometry(ZOOM_LEVELS[i] as ZoomLevel, width, height).capacity >= want) return i;
  }
  return ZOOM_LEVELS.length - 1;
}

/** The last level worth zooming out to: the first whose view holds everything a window may. */
export function maxLevel(total: number, width: number, height: number): number {
  return fitLevel(total, width, height);
}

/** Pages shown when the view starts at `first` (row-aligned): never more than one window. */
export function visibleCount(g: Geometry, first: number, hi: number): number {
  return Math.max(0, Math.min(g.capacity, hi - first, MAX_WINDOW_PAGES));
}

/** Clamp and row-align the first page shown. */
export function clampFirst(first: number, g: Geometry, lo: number, hi: number): number {
  const rowPages = g.cols * g.ppc;
  const span = Math.min(g.capacity, MAX_WINDOW_PAGES);
  const maxFirst = Math.max(lo, hi - span);
  const f = Math.max(lo, Math.min(first, maxFirst));
  // At the end, align up so the last page stays in view (the last row may be partial).
  const steps = (f - lo) / rowPages;
  return lo + (f >= maxFirst ? Math.ceil(steps) : Math.floor(steps)) * rowPages;
}

/** Per-cell summary of the pages it covers. */
export interface Buckets {
  n: number;
  loaded: Uint8Array;
  inVma: Uint32Array;
  present: Uint32Array;
  write: Uint32Array;
  dirty: Uint32Array;
  accessed: Uint32Array;
  special: Uint32Array;
  /** Colour slot of the first present page's allocation, -1 none, -2 present without an allocation. */
  slot: Int8Array;
  /** "p[0]" of the first present page (single-page cells only). */
  label: (string | null)[];
}

export function bucketise(runs: readonly PteRun[], first: number, count: number, ppc: number, ncells: number): Buckets {
  const n = Math.max(0, Math.min(ncells, Math.ceil(count / ppc)));
  const b: Buckets = {
    n,
    loaded: new Uint8Array(n),
    inVma: new Uint32Array(n),
    present: new Uint32Array(n),
    write: new Uint32Array(n),
    dirty: new Uint32Array(n),
    accessed: new Uint32Array(n),
    special: new Uint32Array(n),
    slot: new Int8Array(n).fill(-1),
    label: new Array(n).fill(null),
  };
  const end = first + count;
  for (const r of runs) {
    const a = Math.max(r.first, first);
    const z = Math.min(r.first + r.count, end);
    if (a >= z) continue;
    const c = r.cell;
    let p = a;
    while (p < z) {
      const i = Math.floor((p - first) / ppc);
      if (i >= n) break;
      const cellEnd = Math.min(z, first + (i + 1) * ppc);
      const k = cellEnd - p;
      b.loaded[i] = 1;
      if (c.inVma) b.inVma[i] = (b.inVma[i] as number) + k;
      if (c.present) {
        if ((b.present[i] as number) === 0) {
          b.slot[i] = c.maps ? allocSlot(c.maps.alloc) : -2;
          if (ppc === 1 && c.maps) b.label[i] = `${c.maps.alloc}[${c.maps.page + (p - r.first)}]`;
        }
        b.present[i] = (b.present[i] as number) + k;
        if (c.write) b.write[i] = (b.write[i] as number) + k;
        if (c.dirty) b.dirty[i] = (b.dirty[i] as number) + k;
        if (c.accessed) b.accessed[i] = (b.accessed[i] as number) + k;
        if (c.special) b.special[i] = (b.special[i] as number) + k;
      }
      p = cellEnd;
    }
  }
  return b;
}
