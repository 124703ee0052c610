// The PTE map's marks: a canvas React renders empty and never touches again.
// One rectangle per cell (a cell is one page, or a bucket of pages when cells
// would be smaller than 3 px); runs of equal PTEs were collapsed by the worker.
import { forEachRange, type Ranges } from '../../engine/ranges.ts';
import { changedRing, fitCanvas, hatch, readPalette } from '../physical/palette.ts';
import type { Buckets, Geometry } from './grid.ts';

export interface PteDrawData {
  width: number;
  height: number;
  g: Geometry;
  buckets: Buckets;
  /** First page shown and pages shown. */
  first: number;
  count: number;
  selectedPage: number | null;
  /** Pages whose PTE the last step changed. */
  changed: Ranges;
}

export function createPteMapView(canvas: HTMLCanvasElement) {
  let last: PteDrawData | null = null;

  function draw(d: PteDrawData) {
    last = d;
    const ctx = fitCanvas(canvas, d.width, d.height);
    if (!ctx) return;
    const pal = readPalette(canvas);
    const { g, buckets: b } = d;
    ctx.clearRect(0, 0, d.width, d.height);
    ctx.fillStyle = pal.empty;
    ctx.fillRect(0, 0, d.width, d.height);
    const gap = g.px >= 7 ? 1 : 0;
    const s = g.px - gap;
    const big = g.px >= 36;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < b.n; i++) {
      const x = (i % g.cols) * g.px;
      const y = Math.floor(i / g.cols) * g.px;
      const pages = Math.min(g.ppc, d.count - i * g.ppc);
      if (!b.loaded[i]) {
        ctx.fillStyle = pal.unloaded;
        ctx.fillRect(x, y, s, s);
        continue;
      }
      const inVma = (b.inVma[i] as number) > 0;
      ctx.fillStyle = inVma ? pal.empty : pal.outside;
      ctx.fillRect(x, y, s, s);
      if (!inVma) hatch(ctx, x, y, s, s, pal.grid, 4);
      const present = b.present[i] as number;
      if (present > 0) {
        const slot = b.slot[i] as number;
        ctx.fillStyle = slot >= 0 ? (pal.alloc[slot] as string) : pal.unknown;
        // A bucket that is partly present is filled in proportion, from the bottom.
        const h = pages > 1 ? Math.max(1, Math.round((s * present) / pages)) : s;
        ctx.fillRect(x, y + s - h, s, h);
        if ((b.special[i] as number) > 0) hatch(ctx, x, y, s, s, pal.ink, g.px >= 14 ? 5 : 3);
        if (g.px >= 9) {
          const m = Math.max(2, Math.round(g.px / 7));
          ctx.fillStyle = pal.ink;
          // write: a bar along the top; dirty: a square bottom-right; accessed: a square bottom-left.
          if ((b.write[i] as number) > 0) ctx.fillRect(x, y, s, m);
          if ((b.dirty[i] as number) > 0) ctx.fillRect(x + s - m - 1, y + s - m - 1, m + 1, m + 1);
          if ((b.accessed[i] as number) > 0) ctx.fillRect(x + 1, y + s - m - 1, m + 1, m + 1);
        }
        if (big) {
          ctx.fillStyle = pal.ink;
          ctx.font = `600 ${Math.min(14, Math.floor(g.px / 3.4))}px ui-monospace, Menlo, Consolas, monospace`;
          const label = b.label[i] ?? (pages > 1 ? `${present}/${pages}` : 'pfn');
          ctx.fillText(label, x + s / 2, y + s / 2 - 2, s - 4);
          const bits = `${(b.write[i] as number) > 0 ? 'W' : 'R'}${(b.dirty[i] as number) > 0 ? 'D' : ''}${(b.accessed[i] as number) > 0 ? 'A' : ''}${(b.special[i] as number) > 0 ? 'S' : ''}`;
          ctx.font = `${Math.min(13, Math.floor(g.px / 4))}px ui-monospace, Menlo, Consolas, monospace`;
          ctx.fillText(bits, x + s / 2, y + s / 2 + Math.floor(g.px / 4.5), s - 4);
        }
      } else if (big) {
        ctx.fillStyle = pal.muted;
        ctx.font = `${Math.min(13, Math.floor(g.px / 4))}px ui-monospace, Menlo, Consolas, monospace`;
        ctx.fillText(inVma ? 'none' : 'out', x + s / 2, y + s / 2, s - 4);
      }
      if (gap === 0 || present > 0) continue;
      ctx.strokeStyle = pal.grid;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, s - 1, s - 1);
    }
    // What the last step changed: a thick dashed ring on the cell's edge (outside it when cells are tiny).
    const changedCells = new Set<number>();
    forEachRange(d.changed, (start, n) => {
      const a = Math.max(start, d.first);
      const z = Math.min(start + n, d.first + d.count);
      for (let i = Math.floor((a - d.first) / g.ppc); i < b.n && d.first + i * g.ppc < z; i++) changedCells.add(i);
    });
    const cw = g.px >= 14 ? 3 : 2;
    for (const i of changedCells) {
      const x = (i % g.cols) * g.px;
      const y = Math.floor(i / g.cols) * g.px;
      changedRing(ctx, pal, x, y, s, cw, g.px < 9 ? -3 : 0);
    }
    // The selected page, on top (inside the changed ring when it changed too).
    if (d.selectedPage !== null) {
      const i = Math.floor((d.selectedPage - d.first) / g.ppc);
      if (i >= 0 && i < b.n && d.selectedPage >= d.first) {
        const x = (i % g.cols) * g.px;
        const y = Math.floor(i / g.cols) * g.px;
        const w = Math.max(2, Math.min(3, Math.floor(g.px / 4)));
        const o = changedCells.has(i) && g.px >= 9 ? cw : 0;
        ctx.strokeStyle = pal.select;
        ctx.lineWidth = w;
        ctx.strokeRect(x + o + w / 2, y + o + w / 2, Math.max(1, s - w - 2 * o), Math.max(1, s - w - 2 * o));
        if (g.px < 9) {
          // Tiny cells: also a ring around it so the selection is findable.
          ctx.lineWidth = 2;
          ctx.strokeRect(x - 3, y - 3, s + 6, s + 6);
        }
      }
    }
  }

  return {
    update: draw,
    redraw() {
      if (last) draw(last);
    },
    destroy() {
      last = null;
    },
  };
}
