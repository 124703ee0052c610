// Read-only views of a kernel state for display: plain data only, nothing here
// allocates a page table or sets a bit (reads for display have no side effects).
import { resolvePfn } from './alloc.ts';
import {
  _PAGE_ACCESSED,
  _PAGE_DIRTY,
  _PAGE_NX,
  _PAGE_PCD,
  _PAGE_PRESENT,
  _PAGE_PROTNONE,
  _PAGE_PWT,
  _PAGE_RW,
  _PAGE_SOFT_DIRTY,
  _PAGE_SPECIAL,
  _PAGE_TABLE,
  _PAGE_USER,
  MMAP_BASE,
  PAGE_SIZE,
  REPORTED_VM_FLAGS,
  TASK_SIZE,
  VM_ACCOUNT,
  VM_SOFTDIRTY,
} from './constants.ts';
import type { Kernel } from './kernel.ts';
import { pteText } from './memory.ts';
import { LEVEL_NAMES, LEVEL_PGD, LEVEL_PTE, levelIndex } from './pagetable.ts';
import {
  OWNER_ALLOC,
  OWNER_ANON,
  OWNER_FREE,
  OWNER_KERNEL,
  OWNER_PAGETABLE,
  OWNER_SLAB,
  PG_anon,
  PG_buddy,
  PG_dirty,
  PG_head,
  PG_reserved,
  PG_slab,
  PG_table,
  PG_tail,
} from './physmem.ts';
import { objectsOnPage } from './slab.ts';

export interface VmaView {
  mapping: string;
  start: number;
  end: number;
  pages: number;
  pgoff: number;
  flags: string[];
  /** vm_page_prot as the PTE bits it gives, hex. */
  pageProt: string;
  hasFault: boolean;
}

export interface MappingView {
  id: string;
  start: number | null;
  pages: number;
  /** Still (partly) mapped. */
  mapped: boolean;
}

export interface AddressSpaceView {
  vmas: VmaView[];
  mappings: MappingView[];
  mmapBase: number;
  taskSize: number;
}

const FLAG_NAMES: [string, number][] = [
  ...REPORTED_VM_FLAGS,
  ['VM_ACCOUNT', VM_ACCOUNT],
  ['VM_SOFTDIRTY', VM_SOFTDIRTY],
];

export function addressSpace(k: Kernel): AddressSpaceView {
  return {
    vmas: k.vmas.map((v) => ({
      mapping: v.mapping.id,
      start: v.start,
      end: v.end,
      pages: (v.end - v.start) / PAGE_SIZE,
      pgoff: v.pgoff,
      flags: FLAG_NAMES.filter(([, bit]) => (v.flags & bit) !== 0).map(([n]) => n),
      pageProt: `0x${(v.pageProt & 0xfff).toString(16).padStart(3, '0')}${(v.pageProt & _PAGE_NX) !== 0 ? ' | NX' : ''}`,
      hasFault: v.mapping.driver.fault !== null,
    })),
    mappings: [...k.mappings.values()].map((m) => ({
      id: m.id,
      start: m.start,
      pages: m.pages,
      mapped: k.vmas.some((v) => v.mapping === m),
    })),
    mmapBase: MMAP_BASE,
    taskSize: TASK_SIZE,
  };
}

/** PTE bits a view decodes, by name. */
export function pteBits(flags: number): string[] {
  const bits: [string, number][] = [
    ['P', _PAGE_PRESENT],
    ['RW', _PAGE_RW],
    ['US', _PAGE_USER],
    ['PWT', _PAGE_PWT],
    ['PCD', _PAGE_PCD],
    ['A', _PAGE_ACCESSED],
    ['D', _PAGE_DIRTY],
    ['PROTNONE', (flags & _PAGE_PRESENT) === 0 ? _PAGE_PROTNONE : 0],
    ['SPECIAL', _PAGE_SPECIAL],
    ['SOFT_DIRTY', _PAGE_SOFT_DIRTY],
    ['NX', _PAGE_NX],
  ];
  return bits.filter(([, b]) => b !== 0 && (flags & b) !== 0).map(([n]) => n);
}

/** One page of a mapping's range, as the page table has it. */
export interface PteCell {
  page: number;
  present: boolean;
  write: boolean;
  dirty: boolean;
  accessed: boolean;
  special: boolean;
  nx: boolean;
  pfn: number;
  value: string;
  maps: { alloc: string; page: number } | null;
  inVma: boolean;
}

/** A run of pages with the same look, for drawing big mappings without a mark per page. */
export interface PteRun {
  first: number;
  count: number;
  cell: PteCell;
}

/**
 * The PTEs of pages [first, first + count) of a mapping (page indexes relative
 * to its start; the range may reach past the VMA), collapsed into runs of equal
 * cells (same bits, consecutive pfns of the same allocation).
 */
export function pteRuns(k: Kernel, mappingId: string, first: number, count: number): PteRun[] {
  const m = k.mappings.get(mappingId);
  if (!m || m.start === null) return [];
  const runs: PteRun[] = [];
  let prev: PteRun | null = null;
  for (let p = first; p < first + count; p++) {
    const cell = pteCell(k, m.start, p);
    if (prev && sameRun(prev, cell)) {
      prev.count++;
      continue;
    }
    prev = { first: p, count: 1, cell };
    runs.push(prev);
  }
  return runs;
}

function sameRun(run: PteRun, c: PteCell): boolean {
  const a = run.cell;
  const next = run.count;
  if (a.present !== c.present || a.write !== c.write || a.dirty !== c.dirty || a.accessed !== c.accessed) return false;
  if (a.special !== c.special || a.nx !== c.nx || a.inVma !== c.inVma) return false;
  if (!a.present) return true;
  if (a.maps === null || c.maps === null) return a.maps === c.maps && c.pfn === a.pfn + next;
  return a.maps.alloc === c.maps.alloc && c.maps.page === a.maps.page + next;
}

export function pteCell(k: Kernel, start: number, page: number): PteCell {
  const addr = start + page * PAGE_SIZE;
  const inVma = k.vmas.some((v) => addr >= v.start && addr < v.end);
  const table = addr >= 0 && addr < TASK_SIZE ? k.pt.pteTable(addr) : -1;
  const i = table >= 0 ? k.pt.pteIndex(table, addr) : -1;
  if (i < 0 || !k.pt.ptePresent(i)) {
    return {
      page,
      present: false,
      write: false,
      dirty: false,
      accessed: false,
      special: false,
      nx: false,
      pfn: -1,
      value: '0x0',
      maps: null,
      inVma,
    };
  }
  const f = k.pt.pteFlagsAt(i);
  const pfn = k.pt.ptePfn(i);
  return {
    page,
    present: true,
    write: (f & _PAGE_RW) !== 0,
    dirty: (f & _PAGE_DIRTY) !== 0,
    accessed: (f & _PAGE_ACCESSED) !== 0,
    special: (f & _PAGE_SPECIAL) !== 0,
    nx: (f & _PAGE_NX) !== 0,
    pfn,
    value: pteText(pfn, f),
    maps: resolvePfn(k, pfn),
    inVma,
  };
}

export interface WalkLevel {
  level: string;
  /** The bits of the address that index this table. */
  bits: string;
  index: number;
  /** The frame holding the table, or -1 when the walk stopped above it. */
  tableFrame: number;
  entry: { value: string; bits: string[] } | null;
}

export interface WalkView {
  addr: number;
  cr3Frame: number;
  levels: WalkLevel[];
  /** The frame the PTE maps, or -1. */
  frame: number;
  offset: number;
}

const LEVEL_BITS: Record<number, string> = { 4: '47-39', 3: '38-30', 2: '29-21', 1: '20-12' };

/** The x86-64 walk CR3 → PGD → P4D (folded) → PUD → PMD → PTE → frame for a user address. */
export function pageWalk(k: Kernel, addr: number): WalkView {
  const levels: WalkLevel[] = [];
  let slot = k.pt.pgd;
  let frame = -1;
  for (let lvl = LEVEL_PGD; lvl >= LEVEL_PTE; lvl--) {
    const index = levelIndex(addr, lvl);
    const tableFrame = slot >= 0 ? k.pt.frameOf(slot) : -1;
    let entry: WalkLevel['entry'] = null;
    let child = -1;
    if (slot >= 0 && lvl > LEVEL_PTE) {
      child = k.pt.child(slot, addr);
      if (child >= 0) entry = { value: pteText(k.pt.frameOf(child), _PAGE_TABLE), bits: pteBits(_PAGE_TABLE) };
    } else if (slot >= 0) {
      const i = k.pt.pteIndex(slot, addr);
      if (!k.pt.pteNone(i)) {
        const f = k.pt.pteFlagsAt(i);
        entry = { value: pteText(k.pt.ptePfn(i), f), bits: pteBits(f) };
        if (k.pt.ptePresent(i)) frame = k.pt.ptePfn(i);
      }
    }
    levels.push({ level: LEVEL_NAMES[lvl] as string, bits: LEVEL_BITS[lvl] as string, index, tableFrame, entry });
    // P4D is folded into the PGD with 4-level paging: one entry, the PGD's.
    if (lvl === LEVEL_PGD) levels.push({ level: 'P4D', bits: 'folded', index: 0, tableFrame, entry });
    slot = child;
  }
  return { addr, cr3Frame: k.pt.frameOf(k.pt.pgd), levels, frame, offset: addr % PAGE_SIZE };
}

export type FrameOwner = 'free' | 'kernel' | 'alloc' | 'slab' | 'pagetable' | 'anon';
const OWNER_NAMES: Record<number, FrameOwner> = {
  [OWNER_FREE]: 'free',
  [OWNER_KERNEL]: 'kernel',
  [OWNER_ALLOC]: 'alloc',
  [OWNER_SLAB]: 'slab',
  [OWNER_PAGETABLE]: 'pagetable',
  [OWNER_ANON]: 'anon',
};

export interface FrameView {
  pfn: number;
  owner: FrameOwner;
  /** The allocation id (alloc), the kmem cache (slab), or null. */
  label: string | null;
  refcount: number;
  mapcount: number;
}

export interface PhysicalView {
  nframes: number;
  freePages: number;
  reservedFrames: number;
  /** Frames in use by the scenario (everything but free and boot-reserved frames), by pfn. */
  frames: FrameView[];
}

export function physicalMemory(k: Kernel): PhysicalView {
  const frames: FrameView[] = [];
  let reserved = 0;
  k.mem.forEachWritten((pfn) => {
    const o = k.mem.owner(pfn);
    if (o === OWNER_KERNEL) reserved++;
    if (o === OWNER_FREE || o === OWNER_KERNEL) return;
    frames.push({
      pfn,
      owner: OWNER_NAMES[o] as FrameOwner,
      label: frameLabel(k, pfn),
      refcount: k.mem.pageCount(pfn),
      mapcount: k.mem.mapcount(pfn),
    });
  });
  return { nframes: k.mem.nframes, freePages: k.buddy.freePages, reservedFrames: reserved, frames };
}

function frameLabel(k: Kernel, pfn: number): string | null {
  const o = k.mem.owner(pfn);
  if (o === OWNER_ALLOC) return k.allocs[k.mem.ownerIndex(pfn)]?.id ?? null;
  if (o === OWNER_SLAB) return k.caches[k.mem.ownerIndex(pfn)]?.name ?? null;
  return null;
}

export interface StructPageView {
  pfn: number;
  physAddr: string;
  owner: FrameOwner;
  label: string | null;
  /** page_count(): the folio head's _refcount. */
  pageCount: number;
  /** This struct page's own _refcount. */
  refcount: number;
  mapcount: number;
  flags: string[];
  compoundHead: number | null;
  compoundOrder: number | null;
  /** Which scenario allocation page this is, if any. */
  ref: { alloc: string; page: number } | null;
  /** For a slab page: the kmalloc objects on it. */
  objects: { alloc: string; offset: number; size: number }[];
  /** User addresses whose PTEs point at this frame. */
  mappedAt: { addr: number; special: boolean }[];
}

export function structPage(k: Kernel, pfn: number): StructPageView {
  const f = k.mem.flags(pfn);
  const head = k.mem.compoundHead(pfn);
  const names: [string, number][] = [
    ['slab', PG_slab],
    ['anon', PG_anon],
    ['head', PG_head],
    ['tail', PG_tail],
    ['reserved', PG_reserved],
    ['table', PG_table],
    ['buddy', PG_buddy],
    ['dirty', PG_dirty],
  ];
  const mappedAt: { addr: number; special: boolean }[] = [];
  k.pt.forEachPte((addr, p, flags) => {
    if (p === pfn) mappedAt.push({ addr, special: (flags & _PAGE_SPECIAL) !== 0 });
  });
  const headOrder = k.compoundOrder.get(head);
  return {
    pfn,
    physAddr: `0x${(pfn * PAGE_SIZE).toString(16)}`,
    owner: OWNER_NAMES[k.mem.owner(pfn)] as FrameOwner,
    label: frameLabel(k, pfn),
    pageCount: k.mem.pageCount(pfn),
    refcount: k.mem.refcount(pfn),
    mapcount: k.mem.mapcount(pfn),
    flags: names.filter(([, b]) => (f & b) !== 0).map(([n]) => n),
    compoundHead: head !== pfn || headOrder !== undefined ? head : null,
    compoundOrder: headOrder ?? null,
    ref: resolvePfn(k, pfn),
    objects: objectsOnPage(k, pfn).map((o) => ({ alloc: k.allocs[o.slot]?.id ?? '?', offset: o.offset, size: o.size })),
    mappedAt,
  };
}
