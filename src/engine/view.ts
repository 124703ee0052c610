// Read-only views of a kernel state for display: plain data only, nothing here
// allocates a page table or sets a bit (reads for display have no side effects).

import type { PageRef } from '../scenario/types.ts';
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
  TASK_SIZE,
} from './constants.ts';
import type { Kernel, Vma } from './kernel.ts';
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

/**
 * The address space as columns: the views draw every VMA (a scenario may make
 * thousands), and a VMA is a few numbers.
 */
export interface AddressSpaceData {
  mmapBase: number;
  taskSize: number;
  /** The scenario's mappings in order: id, start (NaN when its mmap failed), pages, whether still (partly) mapped. */
  mappings: { ids: string[]; start: Float64Array; pages: Float64Array; mapped: Uint8Array };
  /** The VMAs: their mapping (index in `mappings`), range, pgoff, vm_flags, vm_page_prot, whether it has a ->fault. */
  vmas: {
    mapping: Int32Array;
    start: Float64Array;
    end: Float64Array;
    pgoff: Float64Array;
    flags: Uint32Array;
    pageProt: Uint32Array;
    hasFault: Uint8Array;
  };
}

export function addressSpace(k: Kernel): AddressSpaceData {
  const maps = [...k.mappings.values()];
  const index = new Map(maps.map((m, i) => [m, i]));
  const mapped = new Uint8Array(maps.length);
  const n = k.vmas.length;
  const vmas = {
    mapping: new Int32Array(n),
    start: new Float64Array(n),
    end: new Float64Array(n),
    pgoff: new Float64Array(n),
    flags: new Uint32Array(n),
    pageProt: new Uint32Array(n),
    hasFault: new Uint8Array(n),
  };
  k.vmas.forEach((v, i) => {
    const m = index.get(v.mapping) ?? -1;
    if (m >= 0) mapped[m] = 1;
    vmas.mapping[i] = m;
    vmas.start[i] = v.start;
    vmas.end[i] = v.end;
    vmas.pgoff[i] = v.pgoff;
    vmas.flags[i] = v.flags;
    vmas.pageProt[i] = v.pageProt;
    vmas.hasFault[i] = v.mapping.driver.fault !== null ? 1 : 0;
  });
  return {
    mmapBase: MMAP_BASE,
    taskSize: TASK_SIZE,
    mappings: {
      ids: maps.map((m) => m.id),
      start: Float64Array.from(maps, (m) => m.start ?? Number.NaN),
      pages: Float64Array.from(maps, (m) => m.pages),
      mapped,
    },
    vmas,
  };
}

/** A mapping's start address from an address-space view, or null (no such mapping, or its mmap failed). */
export function mappingStart(d: AddressSpaceData, id: string | null): number | null {
  const i = id === null ? -1 : d.mappings.ids.indexOf(id);
  const start = i >= 0 ? (d.mappings.start[i] as number) : Number.NaN;
  return Number.isNaN(start) ? null : start;
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

/** A run's look: bits of `PteRuns.bits`. */
export const RUN_PRESENT = 1;
export const RUN_IN_VMA = 2;

/**
 * The PTEs of a window of a mapping's pages as runs of equal entries (same
 * flags, consecutive pfns and allocation pages), column by column: typed arrays
 * cross the worker boundary transferred, and a run is a few bytes however many
 * pages it covers.
 */
export interface PteRuns {
  /** Page index of the run's first page, relative to the mapping's start (the window may reach past the VMA). */
  first: Float64Array;
  count: Uint32Array;
  /** RUN_PRESENT, RUN_IN_VMA. */
  bits: Uint8Array;
  /** The first page's pfn and PTE flags (-1 and 0 when not present); page i of the run maps pfn + i. */
  pfn: Float64Array;
  flags: Uint32Array;
  /** Index in `allocs` of the allocation the first page maps, or -1; and which of its pages. */
  alloc: Int32Array;
  allocPage: Float64Array;
  allocs: string[];
}

/** The PTEs of pages [first, first + count) of a mapping, collapsed into runs. */
export function pteRuns(k: Kernel, mappingId: string, first: number, count: number): PteRuns {
  const m = k.mappings.get(mappingId);
  const n = m && m.start !== null ? Math.max(0, count) : 0;
  const start = m?.start ?? 0;
  let c = {
    first: new Float64Array(64),
    count: new Uint32Array(64),
    bits: new Uint8Array(64),
    pfn: new Float64Array(64),
    flags: new Uint32Array(64),
    alloc: new Int32Array(64),
    allocPage: new Float64Array(64),
  };
  const allocs: string[] = [];
  const allocIndex = new Map<string, number>();
  let runs = 0;
  let ref: PageRef | null = null;
  let vma: Vma | null = null;
  for (let p = first; p < first + n; p++) {
    const addr = start + p * PAGE_SIZE;
    if (vma === null || addr < vma.start || addr >= vma.end)
      vma = k.vmas.find((v) => addr >= v.start && addr < v.end) ?? null;
    const table = addr >= 0 && addr < TASK_SIZE ? k.pt.pteTable(addr) : -1;
    const i = table >= 0 ? k.pt.pteIndex(table, addr) : -1;
    const present = i >= 0 && k.pt.ptePresent(i);
    const b = (present ? RUN_PRESENT : 0) | (vma !== null ? RUN_IN_VMA : 0);
    const pfn = present ? k.pt.ptePfn(i) : -1;
    const f = present ? k.pt.pteFlagsAt(i) >>> 0 : 0;
    ref = present ? resolvePfnAfter(k, pfn, ref) : null;
    let a = -1;
    if (ref !== null) {
      a = allocIndex.get(ref.alloc) ?? allocs.length;
      if (a === allocs.length) allocIndex.set(ref.alloc, allocs.push(ref.alloc) - 1);
    }
    if (runs > 0) {
      const r = runs - 1;
      const d = c.count[r] as number;
      const same =
        c.bits[r] === b &&
        c.flags[r] === f &&
        c.alloc[r] === a &&
        (!present || (c.pfn[r] as number) + d === pfn) &&
        (a < 0 || (c.allocPage[r] as number) + d === (ref as PageRef).page);
      if (same) {
        c.count[r] = d + 1;
        continue;
      }
    }
    if (runs === c.first.length) c = grown(c);
    c.first[runs] = p;
    c.count[runs] = 1;
    c.bits[runs] = b;
    c.pfn[runs] = pfn;
    c.flags[runs] = f;
    c.alloc[runs] = a;
    c.allocPage[runs] = ref?.page ?? -1;
    runs++;
  }
  return { ...trimmed(c, runs), allocs };
}

type Column = Float64Array | Uint32Array | Int32Array | Uint8Array;

/** Columns twice as long, the rows so far kept: runs are counted as they are found. */
function grown<T extends Record<string, Column>>(c: T): T {
  const out: Record<string, Column> = {};
  for (const [key, a] of Object.entries(c)) {
    const b = new (a.constructor as new (n: number) => Column)(a.length * 2);
    b.set(a);
    out[key] = b;
  }
  return out as T;
}

/** The first n rows of each column, in arrays of their own (they are transferred). */
function trimmed<T extends Record<string, Column>>(c: T, n: number): T {
  const out: Record<string, Column> = {};
  for (const [key, a] of Object.entries(c)) out[key] = a.slice(0, n);
  return out as T;
}

/**
 * resolvePfn, first trying the page after `prev` in the same allocation: a
 * window walks a mapping in page order, and a vmalloc area's page list would
 * otherwise be searched from its start for every page. Only a live allocation
 * is trusted (a freed one's frame may belong to a newer allocation now).
 */
function resolvePfnAfter(k: Kernel, pfn: number, prev: PageRef | null): PageRef | null {
  if (prev !== null) {
    const a = k.allocById.get(prev.alloc);
    if (a && !a.freed && !a.isNull && a.vmPfns?.[prev.page + 1] === pfn) return { alloc: a.id, page: prev.page + 1 };
  }
  return resolvePfn(k, pfn);
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

/** Frame owners by their code in `FrameRuns.owner`. */
export const FRAME_OWNERS = ['free', 'kernel', 'alloc', 'slab', 'pagetable', 'anon'] as const;
export type FrameOwner = (typeof FRAME_OWNERS)[number];
const OWNER_CODES: Record<number, number> = {
  [OWNER_FREE]: 0,
  [OWNER_KERNEL]: 1,
  [OWNER_ALLOC]: 2,
  [OWNER_SLAB]: 3,
  [OWNER_PAGETABLE]: 4,
  [OWNER_ANON]: 5,
};

/**
 * The frames in use as runs of consecutive pfns with the same owner, label,
 * refcount and mapcount, column by column (a 1 GiB buffer is a handful of runs).
 */
export interface FrameRuns {
  first: Int32Array;
  count: Int32Array;
  /** Index in FRAME_OWNERS. */
  owner: Uint8Array;
  /** Index in `labels` (the allocation id, or the kmem cache of a slab page), or -1. */
  label: Int32Array;
  refcount: Int32Array;
  mapcount: Int32Array;
  labels: string[];
}

export interface PhysicalView {
  nframes: number;
  freePages: number;
  reservedFrames: number;
  /** Frames in use by the scenario (everything but free and boot-reserved frames). */
  inUse: number;
  runs: FrameRuns;
}

export function physicalMemory(k: Kernel): PhysicalView {
  let reserved = 0;
  let inUse = 0;
  let n = 0;
  let c = {
    first: new Int32Array(64),
    count: new Int32Array(64),
    owner: new Uint8Array(64),
    label: new Int32Array(64),
    refcount: new Int32Array(64),
    mapcount: new Int32Array(64),
  };
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  k.mem.forEachWritten((pfn) => {
    const o = k.mem.owner(pfn);
    if (o === OWNER_KERNEL) reserved++;
    if (o === OWNER_FREE || o === OWNER_KERNEL) return;
    inUse++;
    const name = frameLabel(k, pfn);
    let label = -1;
    if (name !== null) {
      label = labelIndex.get(name) ?? labels.length;
      if (label === labels.length) labelIndex.set(name, labels.push(name) - 1);
    }
    const owner = OWNER_CODES[o] as number;
    const refcount = k.mem.pageCount(pfn);
    const mapcount = k.mem.mapcount(pfn);
    const r = n - 1;
    if (
      r >= 0 &&
      (c.first[r] as number) + (c.count[r] as number) === pfn &&
      c.owner[r] === owner &&
      c.label[r] === label &&
      c.refcount[r] === refcount &&
      c.mapcount[r] === mapcount
    ) {
      c.count[r] = (c.count[r] as number) + 1;
      return;
    }
    if (n === c.first.length) c = grown(c);
    c.first[n] = pfn;
    c.count[n] = 1;
    c.owner[n] = owner;
    c.label[n] = label;
    c.refcount[n] = refcount;
    c.mapcount[n] = mapcount;
    n++;
  });
  const runs: FrameRuns = { ...trimmed(c, n), labels };
  return { nframes: k.mem.nframes, freePages: k.buddy.freePages, reservedFrames: reserved, inUse, runs };
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
  /** User addresses whose PTEs point at this frame (the first MAX_MAPPED_AT of them). */
  mappedAt: { addr: number; special: boolean }[];
  /** How many PTEs point at this frame. */
  mappedCount: number;
}

/** Addresses a struct page view lists (the zero page may be mapped at millions). */
export const MAX_MAPPED_AT = 64;

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
  let mappedCount = 0;
  k.pt.forEachPte((addr, p, flags) => {
    if (p !== pfn) return;
    if (mappedCount++ < MAX_MAPPED_AT) mappedAt.push({ addr, special: (flags & _PAGE_SPECIAL) !== 0 });
  });
  const headOrder = k.compoundOrder.get(head);
  return {
    pfn,
    physAddr: `0x${(pfn * PAGE_SIZE).toString(16)}`,
    owner: FRAME_OWNERS[OWNER_CODES[k.mem.owner(pfn)] as number] as FrameOwner,
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
    mappedCount,
  };
}
