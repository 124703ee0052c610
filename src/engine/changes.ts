// What one step changed, computed from the states before and after it (a read
// of both; nothing is changed). The views highlight these.
import { PAGE_SIZE } from './constants.ts';
import type { Kernel } from './kernel.ts';
import { type Ranges, RangesBuilder } from './ranges.ts';

export interface Changes {
  /** Mappings whose VMAs appeared, changed (flags, split) or went. */
  vmas: string[];
  /** Pages of the requested window of the mapping whose PTE changed. */
  ptes: Ranges;
  /** Frames whose struct page changed (refcount, mapcount, flags, owner). */
  frames: Ranges;
}

/** Each mapping's VMAs as one string (range, flags, pgoff of each), in one pass over the VMAs. */
function vmaKeys(k: Kernel): Map<string, string> {
  const keys = new Map<string, string>();
  for (const v of k.vmas) {
    const key = `${v.start}-${v.end}-${v.flags}-${v.pgoff}`;
    const had = keys.get(v.mapping.id);
    keys.set(v.mapping.id, had === undefined ? key : `${had},${key}`);
  }
  return keys;
}

export function changedVmas(before: Kernel, after: Kernel): string[] {
  const a = vmaKeys(before);
  const b = vmaKeys(after);
  const ids = new Set([...before.mappings.keys(), ...after.mappings.keys()]);
  return [...ids].filter((id) => (a.get(id) ?? '') !== (b.get(id) ?? ''));
}

/** The PTE entry index at a user address, or -1 when no PTE table covers it or the entry is none. */
function pteAt(k: Kernel, addr: number): number {
  const table = addr >= 0 ? k.pt.pteTable(addr) : -1;
  if (table < 0) return -1;
  const i = k.pt.pteIndex(table, addr);
  return k.pt.pteNone(i) ? -1 : i;
}

/** Pages [first, first + count) of the mapping whose PTE differs. */
export function changedPtes(
  before: Kernel,
  after: Kernel,
  mapping: string | null,
  first: number,
  count: number,
): Ranges {
  const out = new RangesBuilder();
  const start =
    mapping === null ? null : (after.mappings.get(mapping)?.start ?? before.mappings.get(mapping)?.start ?? null);
  if (start === null || start === undefined) return out.done();
  for (let p = first; p < first + count; p++) {
    const addr = start + p * PAGE_SIZE;
    const a = pteAt(before, addr);
    const b = pteAt(after, addr);
    if (a < 0 && b < 0) continue;
    const same =
      a >= 0 &&
      b >= 0 &&
      before.pt.ptePfn(a) === after.pt.ptePfn(b) &&
      before.pt.pteFlagsAt(a) === after.pt.pteFlagsAt(b);
    if (!same) out.add(p);
  }
  return out.done();
}

/** Frames whose struct page differs, over the frames either state ever wrote. */
export function changedFrames(before: Kernel, after: Kernel): Ranges {
  // Each state's written frames come in pfn order: two sorted lists, merged.
  const differing = (k: Kernel): number[] => {
    const out: number[] = [];
    k.mem.forEachWritten((pfn) => {
      const same =
        before.mem.refcount(pfn) === after.mem.refcount(pfn) &&
        before.mem.mapcount(pfn) === after.mem.mapcount(pfn) &&
        before.mem.flags(pfn) === after.mem.flags(pfn) &&
        before.mem.owner(pfn) === after.mem.owner(pfn) &&
        before.mem.ownerIndex(pfn) === after.mem.ownerIndex(pfn);
      if (!same) out.push(pfn);
    });
    return out;
  };
  const a = differing(after);
  const b = differing(before);
  const out = new RangesBuilder();
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i] ?? Number.POSITIVE_INFINITY;
    const y = b[j] ?? Number.POSITIVE_INFINITY;
    if (x <= y) i++;
    if (y <= x) j++;
    out.add(Math.min(x, y));
  }
  return out.done();
}
