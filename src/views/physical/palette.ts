// The memory views' colours, read from CSS variables (light and dark variants
// live in palette.css) so canvases follow the theme, and the canvas helpers
// the canvas views share.
import { type RefObject, useEffect, useRef } from 'react';
import './palette.css';

export const ALLOC_COLOURS = 8;

/** A stable colour slot for an allocation id: the same allocation has the same colour in every view. */
export function allocSlot(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % ALLOC_COLOURS;
}

export function allocVar(id: string): string {
  return `var(--mem-alloc-${allocSlot(id)})`;
}

export interface Palette {
  alloc: string[];
  slab: string;
  pagetable: string;
  anon: string;
  unknown: string;
  empty: string;
  outside: string;
  unloaded: string;
  grid: string;
  ink: string;
  mark: string;
  select: string;
  /** What the last step changed (a dashed ring). */
  changed: string;
  accent: string;
  fg: string;
  muted: string;
}

export function readPalette(el: Element): Palette {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    alloc: Array.from({ length: ALLOC_COLOURS }, (_, i) => v(`--mem-alloc-${i}`, '#5bb3e6')),
    slab: v('--mem-slab', '#b7a3e0'),
    pagetable: v('--mem-pagetable', '#9fb0bb'),
    anon: v('--mem-anon', '#f2a58e'),
    unknown: v('--mem-unknown', '#c8ccd4'),
    empty: v('--mem-empty', '#ffffff'),
    outside: v('--mem-outside', '#eceff3'),
    unloaded: v('--mem-unloaded', '#f4f5f7'),
    grid: v('--mem-grid', '#c3c9d3'),
    ink: v('--mem-ink', '#10141b'),
    mark: v('--mem-mark', '#1d2330'),
    select: v('--mem-select', '#d0197a'),
    changed: v('--changed', '#b45309'),
    accent: v('--accent', '#1f4f8f'),
    fg: v('--fg', '#1d2330'),
    muted: v('--muted', '#5b6475'),
  };
}

/** Call `cb` when the theme changes (system preference or <html data-theme>). */
export function watchTheme(cb: () => void): () => void {
  const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  mq?.addEventListener?.('change', cb);
  const mo = typeof MutationObserver === 'function' ? new MutationObserver(cb) : null;
  mo?.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
  return () => {
    mq?.removeEventListener?.('change', cb);
    mo?.disconnect();
  };
}

/** Size a canvas's backing store to its CSS box times the device pixel ratio; returns its 2D context scaled to CSS px. */
export function fitCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    ctx = null;
  }
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** Diagonal hatch lines over a rectangle (clipped to it). */
export function hatch(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  colour: string,
  step = 5,
) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let d = -h; d < w; d += step) {
    ctx.moveTo(x + d, y + h);
    ctx.lineTo(x + d + h, y);
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * The "changed by this step" ring around a cell: a dashed line in --changed
 * over a solid line in the background colour, so it reads on any fill.
 * `inset` 0 puts it on the cell's edge; a negative inset draws it outside.
 */
export function changedRing(
  ctx: CanvasRenderingContext2D,
  pal: Palette,
  x: number,
  y: number,
  s: number,
  lineWidth: number,
  inset = 0,
) {
  const o = inset + lineWidth / 2;
  const w = Math.max(1, s - 2 * o);
  const dash = Math.max(2, Math.round(lineWidth * 1.5));
  ctx.save();
  ctx.lineWidth = lineWidth;
  ctx.setLineDash([]);
  ctx.strokeStyle = pal.empty;
  ctx.strokeRect(x + o, y + o, w, w);
  ctx.setLineDash([dash, dash]);
  ctx.strokeStyle = pal.changed;
  ctx.strokeRect(x + o, y + o, w, w);
  ctx.restore();
}

/**
 * Mount a canvas view factory (`createXView(canvas) → {update, redraw, destroy}`) on the
 * canvas React renders, redrawing it when the theme changes; one owner per element.
 */
export function useCanvasView<V extends { redraw(): void; destroy(): void }>(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  create: (canvas: HTMLCanvasElement) => V,
): RefObject<V | null> {
  const viewRef = useRef<V | null>(null);
  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const v = create(c);
    viewRef.current = v;
    const unwatch = watchTheme(() => v.redraw());
    return () => {
      unwatch();
      v.destroy();
      viewRef.current = null;
    };
  }, [canvasRef, create]);
  return viewRef;
}
