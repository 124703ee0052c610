// The physical memory grid's marks, on a canvas React renders empty.
import type { FrameCells, FrameList, FrameView } from './frames.ts';
import type { FrameGrid } from './grid.ts';
import { allocSlot, changedRing, fitCanvas, hatch, type Palette, readPalette } from './palette.ts';

export interface PhysDrawData {
  width: number;
  height: number;
  g: FrameGrid;
  frames: FrameList;
  /** Per cell: its first frame's run, mapped and changed frames, the selected cell. */
  cells: FrameCells;
}

export function ownerColour(pal: Palette, f: FrameView): string {
  if (f.owner === 'alloc') return f.label ? (pal.alloc[allocSlot(f.label)] as string) : pal.unknown;
  if (f.owner === 'slab') return pal.slab;
  if (f.owner === 'pagetable') return pal.pagetable;
  if (f.owner === 'anon') return pal.anon;
  return pal.unknown;
}

function pattern(ctx: CanvasRenderingContext2D, pal: Palette, f: FrameView, x: number, y: number, s: number) {
  if (s < 7) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, s, s);
  ctx.clip();
  ctx.strokeStyle = pal.ink;
  ctx.fillStyle = pal.ink;
  ctx.globalAlpha = 0.45;
  ctx.lineWidth = 1;
  if (f.owner === 'slab') {
    // horizontal stripes
    ctx.beginPath();
    for (let yy = y + 3; yy < y + s; yy += 4) {
      ctx.moveTo(x, yy + 0.5);
      ctx.lineTo(x + s, yy + 0.5);
    }
    ctx.stroke();
  } else if (f.owner === 'pagetable') {
    // a grid: a table
    ctx.beginPath();
    for (let d = 4; d < s; d += 5) {
      ctx.moveTo(x + d + 0.5, y);
      ctx.lineTo(x + d + 0.5, y + s);
      ctx.moveTo(x, y + d + 0.5);
      ctx.lineTo(x + s, y + d + 0.5);
    }
    ctx.stroke();
  } else if (f.owner === 'anon') {
    for (let yy = y + 2; yy < y + s; yy += 5) for (let xx = x + 2; xx < x + s; xx += 5) ctx.fillRect(xx, yy, 1.5, 1.5);
  }
  ctx.restore();
}

function shortLabel(f: FrameView): string {
  if (f.owner === 'pagetable') return 'PT';
  if (f.owner === 'anon') return 'anon';
  if (f.owner === 'slab') return f.label?.replace(/^kmalloc-/, 'k') ?? 'slab';
  return f.label ?? f.owner;
}

export function createPhysicalView(canvas: HTMLCanvasElement) {
  let last: PhysDrawData | null = null;

  function draw(d: PhysDrawData) {
    last = d;
    const ctx = fitCanvas(canvas, d.width, d.height);
    if (!ctx) return;
    const pal = readPalette(canvas);
    const { g, frames } = d;
    ctx.clearRect(0, 0, d.width, d.height);
    ctx.fillStyle = pal.empty;
    ctx.fillRect(0, 0, d.width, d.height);
    const gap = g.px >= 7 ? 1 : 0;
    const s = g.px - gap;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const { cells: c } = d;
    const selCell = c.selected;
    const changedCells: number[] = [];
    for (let i = 0; i < c.n; i++) {
      const x = (i % g.cols) * g.px;
      const y = Math.floor(i / g.cols) * g.px;
      const r = c.run[i] as number;
      const f = frames.frame(r, (frames.runs.first[r] as number) + i * g.fpc - frames.startOf(r));
      const mapped = c.mapped[i] as number;
      const extra = c.extra[i] as number;
      if (c.changed[i] === 1) changedCells.push(i);
      ctx.fillStyle = ownerColour(pal, f);
      ctx.fillRect(x, y, s, s);
      pattern(ctx, pal, f, x, y, s);
      // A jump in pfn before this cell: a bar on its left edge.
      if (c.gap[i] === 1 && g.px >= 7) {
        ctx.fillStyle = pal.mark;
        ctx.fillRect(x, y, 2, s);
      }
      if (g.px >= 34 && g.fpc === 1) {
        ctx.fillStyle = pal.ink;
        ctx.font = `600 ${Math.min(13, Math.floor(g.px / 3.3))}px ui-monospace, Menlo, Consolas, monospace`;
        ctx.fillText(shortLabel(f), x + s / 2, y + s * 0.3, s - 4);
        ctx.font = `${Math.min(13, Math.floor(g.px / 3.5))}px ui-monospace, Menlo, Consolas, monospace`;
        ctx.fillText(`r${f.refcount} m${f.mapcount}`, x + s / 2, y + s * 0.68, s - 2);
      } else if (g.px >= 7) {
        // Mapped: a bar along the bottom; extra references: a corner.
        const m = Math.max(2, Math.round(g.px / 6));
        ctx.fillStyle = pal.ink;
        if (mapped > 0) ctx.fillRect(x, y + s - m, s, m);
        if (extra > 0) {
          ctx.beginPath();
          ctx.moveTo(x + s, y);
          ctx.lineTo(x + s - m * 2, y);
          ctx.lineTo(x + s, y + m * 2);
          ctx.closePath();
          ctx.fill();
        }
      } else if (mapped > 0) {
        ctx.fillStyle = pal.ink;
        ctx.fillRect(x, y + s - 1, s, 1);
      }
      if (f.owner === 'alloc' && g.px >= 7 && g.fpc === 1 && f.refcount === 0) hatch(ctx, x, y, s, s, pal.ink, 3);
    }
    // What the last step changed: a dashed ring on the cell's edge (outside it when cells are tiny).
    const cw = g.px >= 12 ? 3 : 2;
    for (const i of changedCells) {
      const x = (i % g.cols) * g.px;
      const y = Math.floor(i / g.cols) * g.px;
      changedRing(ctx, pal, x, y, s, cw, g.px < 9 ? -3 : 0);
    }
    if (selCell >= 0) {
      const x = (selCell % g.cols) * g.px;
      const y = Math.floor(selCell / g.cols) * g.px;
      const w = g.px >= 12 ? 3 : 2;
      // Inside the changed ring when the selected frame also changed, so both show.
      const o = changedCells.includes(selCell) && g.px >= 9 ? cw : 0;
      ctx.strokeStyle = pal.select;
      ctx.lineWidth = w;
      ctx.strokeRect(x + o + w / 2, y + o + w / 2, Math.max(1, s - w - 2 * o), Math.max(1, s - w - 2 * o));
      if (g.px < 9) ctx.strokeRect(x - 3, y - 3, s + 6, s + 6);
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
