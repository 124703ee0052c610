// What one step changed, computed from the states before and after it (a read
// of both; nothing is changed). The views highlight these.
import { PAGE_SIZE } from './constants.ts';
import type { Kernel } from './kernel.ts';

export interface Changes {
  vmas: string[];
  ptes: number[];
  frames: number[];
}

function vmaKey(k: Kernel, id: string): string {
  return k.vmas
    .filter((v) => v.mapping.id === id)
    .map((v) => `${v.start}-${v.end}-${v.flags}-${v.pgoff}`)
    .join(',');
}

function pteAt(k: Kernel, addr: number): string {
  const table = addr >= 0 ? k.pt.pteTable(addr) : -1;
  if (table < 0) return '';
  const i = k.pt.pteIndex(table, addr);
  return k.pt.pteNone(i) ? '' : `${k.pt.ptePfn(i)}:${k.pt.pteFlagsAt(i)}`;
}

/** Frames whose struct page differs, over the frames either state ever wrote. */
function changedFrames(before: Kernel, after: Kernel): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const visit = (pfn: number) => {
    if (seen.has(pfn)) return;
    seen.add(pfn);
    const same =
      before.mem.refcount(pfn) === after.mem.refcount(pfn) &&
      before.mem.mapcount(pfn) === after.mem.mapcount(pfn) &&
      before.mem.flags(pfn) === after.mem.flags(pfn) &&
      before.mem.owner(pfn) === after.mem.owner(pfn) &&
      before.mem.ownerIndex(pfn) === after.mem.ownerIndex(pfn);
    if (!same) out.push(pfn);
  };
  after.mem.forEachWritten(visit);
  before.mem.forEachWritten(visit);
  return out.sort((a, b) => a - b);
}

/** The changes from `before` to `after`, with PTEs looked at for pages [first, first+count) of `mapping`. */
export function stepChanges(
  before: Kernel,
  after: Kernel,
  mapping: string | null,
  first: number,
  count: number,
): Changes {
  const ids = new Set([...before.mappings.keys(), ...after.mappings.keys()]);
  const vmas = [...ids].filter((id) => vmaKey(before, id) !== vmaKey(after, id));
  const ptes: number[] = [];
  const start =
    mapping === null ? null : (after.mappings.get(mapping)?.start ?? before.mappings.get(mapping)?.start ?? null);
  if (start !== null && start !== undefined) {
    for (let p = first; p < first + count; p++) {
      const addr = start + p * PAGE_SIZE;
      if (pteAt(before, addr) !== pteAt(after, addr)) ptes.push(p);
    }
  }
  return { vmas, ptes, frames: changedFrames(before, after) };
}
