// Sorted, disjoint ranges as [start, count] pairs in one Float64Array: how a
// step's changes cross the worker boundary (a step may change every page of a
// 1 GiB mapping: one range) and how the views ask them. Pure.

export type Ranges = Float64Array;

export const NO_RANGES: Ranges = new Float64Array(0);

/** Builds Ranges from values given in increasing order. */
export class RangesBuilder {
  private out: number[] = [];

  add(x: number): void {
    const n = this.out.length;
    if (n > 0 && (this.out[n - 2] as number) + (this.out[n - 1] as number) === x) {
      this.out[n - 1] = (this.out[n - 1] as number) + 1;
    } else this.out.push(x, 1);
  }

  done(): Ranges {
    return Float64Array.from(this.out);
  }
}

/** Index of the first range that ends after x. */
function firstEnding(r: Ranges, x: number): number {
  let a = 0;
  let b = r.length / 2;
  while (a < b) {
    const m = (a + b) >> 1;
    if ((r[2 * m] as number) + (r[2 * m + 1] as number) <= x) a = m + 1;
    else b = m;
  }
  return a;
}

/** Whether any of [first, first + count) is in the ranges. */
export function rangesOverlap(r: Ranges, first: number, count: number): boolean {
  const i = firstEnding(r, first);
  return 2 * i < r.length && (r[2 * i] as number) < first + count;
}

export function rangesHas(r: Ranges, x: number): boolean {
  return rangesOverlap(r, x, 1);
}

/** How many values the ranges hold. */
export function rangesSize(r: Ranges): number {
  let n = 0;
  for (let i = 1; i < r.length; i += 2) n += r[i] as number;
  return n;
}

/** Calls fn for each range (start, count) in order. */
export function forEachRange(r: Ranges, fn: (start: number, count: number) => void): void {
  for (let i = 0; i < r.length; i += 2) fn(r[i] as number, r[i + 1] as number);
}

/** The values, for small sets (tests, attributes): at most `limit` of them. */
export function rangesValues(r: Ranges, limit = Number.POSITIVE_INFINITY): number[] {
  const out: number[] = [];
  for (let i = 0; i < r.length && out.length < limit; i += 2) {
    const s = r[i] as number;
    const n = r[i + 1] as number;
    for (let j = 0; j < n && out.length < limit; j++) out.push(s + j);
  }
  return out;
}
