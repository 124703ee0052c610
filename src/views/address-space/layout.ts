// The address-space strip's scale: linear over the region around the VMAs
// (lowest VMA start minus a margin, up to mmap_base), piecewise so that a
// 2-page VMA next to a 1 GiB one stays visible. Pure.

import { PAGE_SIZE } from './format.ts';
import type { AddressSpaceView, VmaView } from './space.ts';

export type Segment =
  | { kind: 'below'; start: number; end: number; x: number; w: number }
  | { kind: 'gap'; start: number; end: number; x: number; w: number }
  | { kind: 'vma'; start: number; end: number; x: number; w: number; vma: VmaView; part: number };

export interface StripLayout {
  segments: Segment[];
  /** Some segment was widened past its share: the strip is not exactly to scale. */
  widened: boolean;
  lo: number;
  hi: number;
}

const MIN_VMA = 40;
const MIN_GAP = 14;
const MIN_BELOW = 36;

export function layoutStrip(space: AddressSpaceView, width: number): StripLayout {
  const vmas = [...space.vmas].sort((a, b) => a.start - b.start);
  const hi = Math.max(space.mmapBase, ...vmas.map((v) => v.end));
  if (vmas.length === 0 || width <= 0) return { segments: [], widened: false, lo: hi, hi };
  const first = vmas[0] as VmaView;
  const span = hi - first.start;
  const margin = Math.max(PAGE_SIZE, Math.round((span * 0.08) / PAGE_SIZE) * PAGE_SIZE);
  const lo = Math.max(0, first.start - margin);
  const raw: Omit<Segment, 'x' | 'w'>[] = [];
  if (lo < first.start) raw.push({ kind: 'below', start: lo, end: first.start });
  const parts = new Map<string, number>();
  let at = first.start;
  for (const v of vmas) {
    if (v.start > at) raw.push({ kind: 'gap', start: at, end: v.start });
    const part = parts.get(v.mapping) ?? 0;
    parts.set(v.mapping, part + 1);
    raw.push({ kind: 'vma', start: v.start, end: v.end, vma: v, part } as Omit<Segment, 'x' | 'w'>);
    at = Math.max(at, v.end);
  }
  if (hi > at) raw.push({ kind: 'gap', start: at, end: hi });

  const minOf = (s: Omit<Segment, 'x' | 'w'>) => (s.kind === 'vma' ? MIN_VMA : s.kind === 'gap' ? MIN_GAP : MIN_BELOW);
  const total = hi - lo;
  const fixed = new Set<number>();
  let widened = false;
  // The space below the lowest VMA is a fixed-width break (it stands for everything down to 0), not to scale.
  raw.forEach((s, i) => {
    if (s.kind === 'below') fixed.add(i);
  });
  const scaled = total - raw.reduce((a, s) => (s.kind === 'below' ? a + (s.end - s.start) : a), 0);
  const room0 = Math.max(0, width - raw.reduce((a, s) => (s.kind === 'below' ? a + MIN_BELOW : a), 0));
  let widths = raw.map((s) => (s.kind === 'below' ? MIN_BELOW : (room0 * (s.end - s.start)) / Math.max(1, scaled)));
  // Widen what is too small to see, shrink the rest in proportion; a few rounds settle it.
  for (let round = 0; round < 6; round++) {
    let changed = false;
    widths.forEach((w, i) => {
      if (!fixed.has(i) && w < minOf(raw[i] as Segment)) {
        fixed.add(i);
        changed = true;
      }
    });
    if (!changed) break;
    widened = true;
    const fixedW = [...fixed].reduce((a, i) => a + minOf(raw[i] as Segment), 0);
    const freeBytes = raw.reduce((a, s, i) => (fixed.has(i) ? a : a + (s.end - s.start)), 0);
    const room = Math.max(0, width - fixedW);
    widths = raw.map((s, i) =>
      fixed.has(i) ? minOf(s as Segment) : freeBytes > 0 ? (room * (s.end - s.start)) / freeBytes : 0,
    );
  }
  // If even the minimums do not fit, scale everything down together.
  const sum = widths.reduce((a, b) => a + b, 0);
  if (sum > width) widths = widths.map((w) => (w * width) / sum);
  let x = 0;
  const segments = raw.map((s, i) => {
    const w = widths[i] as number;
    const seg = { ...s, x, w } as Segment;
    x += w;
    return seg;
  });
  return { segments, widened, lo, hi };
}
