// The frame runs the worker sent (columns of typed arrays), read by index in
// pfn order of the frames in use: the grid, the keys, hover and the list ask
// "frame number i" without a JavaScript object per frame. Pure.
import { forEachRange, type Ranges, rangesOverlap } from '../../engine/ranges.ts';
import { FRAME_OWNERS, type FrameOwner, type FrameRuns } from '../../engine/view.ts';

/** One frame in use. */
export interface FrameView {
  pfn: number;
  owner: FrameOwner;
  /** The allocation id (alloc), the kmem cache (slab), or null. */
  label: string | null;
  refcount: number;
  mapcount: number;
}

export class FrameList {
  readonly runs: FrameRuns;
  /** Frames in use. */
  readonly length: number;
  /** Index of each run's first frame (and the length at the end). */
  private readonly starts: Float64Array;

  constructor(runs: FrameRuns) {
    this.runs = runs;
    const n = runs.first.length;
    this.starts = new Float64Array(n + 1);
    for (let r = 0; r < n; r++) this.starts[r + 1] = (this.starts[r] as number) + (runs.count[r] as number);
    this.length = this.starts[n] as number;
  }

  /** The run holding frame number i (0 <= i < length). */
  runOf(i: number): number {
    let a = 0;
    let b = this.runs.first.length - 1;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if ((this.starts[m] as number) <= i) a = m;
      else b = m - 1;
    }
    return a;
  }

  /** Index of run r's first frame. */
  startOf(r: number): number {
    return this.starts[r] as number;
  }

  pfnAt(i: number): number {
    const r = this.runOf(i);
    return (this.runs.first[r] as number) + i - (this.starts[r] as number);
  }

  at(i: number): FrameView | null {
    if (!(i >= 0 && i < this.length)) return null;
    const r = this.runOf(i);
    return this.frame(r, (this.runs.first[r] as number) + i - (this.starts[r] as number));
  }

  /** Frame pfn of run r. */
  frame(r: number, pfn: number): FrameView {
    const label = this.runs.label[r] as number;
    return {
      pfn,
      owner: FRAME_OWNERS[this.runs.owner[r] as number] as FrameOwner,
      label: label >= 0 ? (this.runs.labels[label] as string) : null,
      refcount: this.runs.refcount[r] as number,
      mapcount: this.runs.mapcount[r] as number,
    };
  }

  /** Index of the frame with this pfn, or -1 when it is not in use. */
  indexOf(pfn: number): number {
    const { first, count } = this.runs;
    let a = 0;
    let b = first.length - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const f = first[m] as number;
      if (pfn < f) b = m - 1;
      else if (pfn >= f + (count[m] as number)) a = m + 1;
      else return (this.starts[m] as number) + pfn - f;
    }
    return -1;
  }

  /** Frames in use with mapcount > 0. */
  mapped(): number {
    let n = 0;
    for (let r = 0; r < this.runs.first.length; r++)
      if ((this.runs.mapcount[r] as number) > 0) n += this.runs.count[r] as number;
    return n;
  }

  /** How many pfns of the ranges are frames in use: both are sorted, so one pass over each. */
  countIn(ranges: Ranges): number {
    const { first, count } = this.runs;
    let n = 0;
    let r = 0;
    forEachRange(ranges, (start, len) => {
      const end = start + len;
      while (r < first.length && (first[r] as number) + (count[r] as number) <= start) r++;
      for (let q = r; q < first.length && (first[q] as number) < end; q++) {
        const a = Math.max(start, first[q] as number);
        const z = Math.min(end, (first[q] as number) + (count[q] as number));
        if (z > a) n += z - a;
      }
    });
    return n;
  }
}

export const NO_FRAMES = new FrameList({
  first: new Int32Array(0),
  count: new Int32Array(0),
  owner: new Uint8Array(0),
  label: new Int32Array(0),
  refcount: new Int32Array(0),
  mapcount: new Int32Array(0),
  labels: [],
});

/** What one grid cell (`fpc` consecutive frames in use) shows. */
export interface FrameCells {
  n: number;
  /** The run of the cell's first frame (its owner and label colour the cell). */
  run: Int32Array;
  mapped: Uint32Array;
  /** Frames with more than one reference. */
  extra: Uint32Array;
  /** 1: a frame of the cell changed in the last step. */
  changed: Uint8Array;
  /** 1: the pfn jumps between the previous cell's last frame and this cell's first. */
  gap: Uint8Array;
  /** The cell holding the selected frame, or -1. */
  selected: number;
}

export function frameCells(
  list: FrameList,
  fpc: number,
  cells: number,
  changed: Ranges,
  selectedPfn: number | null,
): FrameCells {
  const n = Math.max(0, Math.min(cells, Math.ceil(list.length / fpc)));
  const c: FrameCells = {
    n,
    run: new Int32Array(n),
    mapped: new Uint32Array(n),
    extra: new Uint32Array(n),
    changed: new Uint8Array(n),
    gap: new Uint8Array(n),
    selected: -1,
  };
  const { runs } = list;
  const sel = selectedPfn === null ? -1 : list.indexOf(selectedPfn);
  if (sel >= 0 && Math.floor(sel / fpc) < n) c.selected = Math.floor(sel / fpc);
  let r = 0;
  for (let i = 0; i < n; i++) {
    const a = i * fpc;
    const z = Math.min(list.length, a + fpc);
    while (list.startOf(r + 1) <= a) r++;
    c.run[i] = r;
    // A cell starting a run follows the previous run's last frame: a gap unless the pfns touch.
    if (a > 0 && a === list.startOf(r)) {
      const prev = r - 1;
      if ((runs.first[prev] as number) + (runs.count[prev] as number) !== runs.first[r]) c.gap[i] = 1;
    }
    // The cell's frames, run by run.
    for (let q = r, x = a; x < z; q++) {
      const end = Math.min(z, list.startOf(q + 1));
      const k = end - x;
      if ((runs.mapcount[q] as number) > 0) c.mapped[i] = (c.mapped[i] as number) + k;
      if ((runs.refcount[q] as number) > 1) c.extra[i] = (c.extra[i] as number) + k;
      const pfn = (runs.first[q] as number) + x - list.startOf(q);
      if (c.changed[i] === 0 && rangesOverlap(changed, pfn, k)) c.changed[i] = 1;
      x = end;
    }
  }
  return c;
}

/** Ranges of consecutive pfns with the same owner and label (for the accessible list). */
export interface FrameRange {
  first: number;
  count: number;
  owner: string;
  label: string | null;
  mapped: number;
}

export function frameRanges(list: FrameList): FrameRange[] {
  const out: FrameRange[] = [];
  let cur: FrameRange | null = null;
  const { runs } = list;
  for (let r = 0; r < runs.first.length; r++) {
    const f = list.frame(r, runs.first[r] as number);
    const count = runs.count[r] as number;
    const mapped = f.mapcount > 0 ? count : 0;
    if (cur && f.pfn === cur.first + cur.count && f.owner === cur.owner && f.label === cur.label) {
      cur.count += count;
      cur.mapped += mapped;
      continue;
    }
    cur = { first: f.pfn, count, owner: f.owner, label: f.label, mapped };
    out.push(cur);
  }
  return out;
}
