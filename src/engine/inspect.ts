// Read-only views of the kernel state: a canonical dump (for exact state
// comparison) and the invariant checker. Nothing here changes the state.
import { _PAGE_SPECIAL } from './constants.ts';
import type { Kernel } from './kernel.ts';
import { OWNER_FREE, OWNER_KERNEL } from './physmem.ts';

/** Every part of the state as plain data, in a canonical order. */
export function dumpState(k: Kernel): unknown {
  const frames: number[][] = [];
  k.mem.forEachWritten((pfn) => {
    const row = [
      k.mem.refcount(pfn),
      k.mem.mapcount(pfn),
      k.mem.flags(pfn),
      k.mem.compoundHead(pfn),
      k.mem.owner(pfn),
      k.mem.ownerIndex(pfn),
      k.mem.pfnmaps(pfn),
    ];
    if (row.some((v, i) => (i === 3 ? v !== pfn : v !== 0))) frames.push([pfn, ...row]);
  });
  const free: number[][] = [];
  k.mem.forEachWritten((pfn) => {
    const o = k.buddy.freeBlockOrder(pfn);
    if (o >= 0) free.push([pfn, o]);
  });
  const pcp = k.buddy.pcpBlocks();
  const tables: number[][] = [];
  k.pt.forEachTable((_slot, level, frame, base) => tables.push([level, frame, base]));
  const ptes: number[][] = [];
  k.pt.forEachPte((addr, pfn, flags) => ptes.push([addr, pfn, flags]));
  return {
    freePages: k.buddy.freePages,
    free,
    pcp,
    frames,
    tables,
    ptes,
    vmas: k.vmas.map((v) => [v.start, v.end, v.flags, v.pageProt, v.pgoff, v.mapping.id]),
    mappings: [...k.mappings.values()].map((m) => [m.id, m.start, m.pages, m.ruleHits]),
    allocs: k.allocs.map((a) => [
      a.id,
      a.isNull,
      a.freed,
      a.basePfn,
      a.pageOffset,
      a.order,
      a.vmPfns,
      a.vmArea,
      a.slab,
    ]),
    caches: k.caches.map((c) => [c.name, c.order, c.slabs.map((s) => [s.pfn, s.order, s.inuse, s.objectOwner])]),
    compoundOrder: [...k.compoundOrder.entries()].sort((a, b) => a[0] - b[0]),
    vmallocNext: k.vmallocNext,
    useAfterFree: k.useAfterFree,
    leakedPageTables: k.leakedPageTables,
  };
}

/**
 * The engine's invariants; returns the violations (none when all hold):
 * refcounts equal the references held, mapcounts equal the PTEs mapping the
 * page, no PTE reaches a free frame unless a use-after-free was flagged, VMAs
 * sorted and disjoint, the buddy allocator's count matches its blocks.
 */
export function checkInvariants(k: Kernel): string[] {
  const problems: string[] = [];
  const refs = new Map<number, number>();
  const maps = new Map<number, number>();
  const add = (m: Map<number, number>, pfn: number) => m.set(pfn, (m.get(pfn) ?? 0) + 1);

  // References the kernel holds: allocations, slabs, page tables, boot reservations.
  for (const a of k.allocs) {
    if (a.isNull || a.freed) continue;
    if (a.vmPfns) for (const p of a.vmPfns) add(refs, p);
    else if (!a.slab) add(refs, a.basePfn);
  }
  for (const c of k.caches) for (const s of c.slabs) if (s.pfn >= 0) add(refs, s.pfn);
  k.pt.forEachTable((_slot, _level, frame) => add(refs, frame));
  for (const frame of k.leakedPageTables) add(refs, frame);
  // References PTEs hold: every normal PTE, on its compound head; its own mapcount.
  k.pt.forEachPte((addr, pfn, flags) => {
    if (k.mem.owner(pfn) === OWNER_FREE && !k.useAfterFree) {
      problems.push(`PTE at 0x${addr.toString(16)} maps free frame ${pfn}`);
    }
    if ((flags & _PAGE_SPECIAL) !== 0) return;
    add(refs, k.mem.compoundHead(pfn));
    add(maps, pfn);
  });
  k.mem.forEachWritten((pfn) => {
    const owner = k.mem.owner(pfn);
    const want = owner === OWNER_KERNEL ? 1 : (refs.get(pfn) ?? 0);
    if (!k.useAfterFree && k.mem.refcount(pfn) !== want) {
      problems.push(`frame ${pfn}: refcount ${k.mem.refcount(pfn)}, references held ${want}`);
    }
    // After a use-after-free the allocator may hand a still-mapped frame out again: counts then disagree.
    if (!k.useAfterFree && k.mem.mapcount(pfn) !== (maps.get(pfn) ?? 0)) {
      problems.push(`frame ${pfn}: mapcount ${k.mem.mapcount(pfn)}, PTEs mapping it ${maps.get(pfn) ?? 0}`);
    }
  });
  for (let i = 1; i < k.vmas.length; i++) {
    const a = k.vmas[i - 1];
    const b = k.vmas[i];
    if (a && b && a.end > b.start) problems.push(`VMAs ${a.mapping.id} and ${b.mapping.id} overlap or are unsorted`);
  }
  for (const v of k.vmas) if (v.start >= v.end) problems.push(`VMA ${v.mapping.id} is empty`);
  // Free blocks (buddy lists and per-cpu lists) hold only free, unreferenced frames.
  const blocks = k.buddy.pcpBlocks();
  k.mem.forEachWritten((pfn) => {
    const o = k.buddy.freeBlockOrder(pfn);
    if (o >= 0) blocks.push([pfn, o]);
  });
  for (const [pfn, order] of blocks as [number, number][]) {
    for (let i = 0; i < 1 << order; i++) {
      if (k.mem.owner(pfn + i) !== OWNER_FREE) problems.push(`frame ${pfn + i} is in a free block but owned`);
    }
  }
  return problems;
}
