// The simulated kernel's whole state. Subsystems (page_alloc.ts, slab.ts,
// vmalloc.ts, mm.ts, memory.ts, fault.ts) are functions over it, named after
// the kernel functions they model.
import type { AllocKind, Driver, KernelName } from '../scenario/types.ts';
import { PAGE_SIZE } from './constants.ts';
import { PageTables } from './pagetable.ts';
import { Buddy, MemMap, OWNER_KERNEL, OWNER_PAGETABLE, type PcpConfig, PG_reserved, PG_table } from './physmem.ts';
import { PROFILES, type Profile } from './profiles.ts';
import type { TraceBuffer } from './trace.ts';

export interface Allocation {
  /** Allocation slot, in scenario order. */
  slot: number;
  id: string;
  kind: AllocKind;
  /** Requested bytes (kmalloc/vmalloc families), else PAGE_SIZE << order. */
  size: number;
  order: number;
  npages: number;
  isNull: boolean;
  freed: boolean;
  /** virt_to_page(ptr) for physically contiguous kinds. */
  basePfn: number;
  /** Offset of the object inside its first page (kmalloc from a slab). */
  pageOffset: number;
  /** vmalloc_to_page() of each page, for the vmalloc family. */
  vmPfns: number[] | null;
  /** The vmalloc area (offset from VMALLOC_START, pages with the guard page), if any. */
  vmArea: { start: number; pages: number; usermap: boolean } | null;
  /** The slab object, for small kmallocs. */
  slab: { cache: number; slab: number; object: number } | null;
}

export interface Slab {
  pfn: number;
  order: number;
  objects: number;
  inuse: number;
  /** The allocation slot holding each object, or -1. */
  objectOwner: number[];
}

export interface KmemCache {
  name: string;
  size: number;
  order: number;
  minPartial: number;
  slabs: Slab[];
}

/** One mmap step: the id stays known after the mapping is gone. */
export interface Mapping {
  id: string;
  /** The address mmap() returned, or null when it failed. */
  start: number | null;
  pages: number;
  driver: Driver;
  /** Matches per fault rule, for `times` (per mapping, shared by split VMAs). */
  ruleHits: number[];
}

export interface Vma {
  start: number;
  end: number;
  flags: number;
  /** vm_page_prot as a PTE flag word. */
  pageProt: number;
  pgoff: number;
  mapping: Mapping;
}

/** A simulated kernel death: a BUG_ON/oops, or the OOM killer taking the process. */
export class KernelDeath {
  constructor(
    readonly kind: 'oops' | 'killed',
    readonly what: string,
  ) {}
}

/** zone_batchsize() and the per-cpu high mark of the profile's tree, for one zone and CPU. */
function pcpConfig(profile: Profile, managed: number, minWmark: number): PcpConfig {
  let batch = Math.max(1, Math.floor(Math.min(managed / 1024, 256) / 4));
  batch = 2 ** Math.floor(Math.log2(batch + Math.floor(batch / 2))) - 1;
  // 6.1 zone_highsize(): the low watermark (min + max(min/4, managed/1000)); before 5.14, 6 * batch.
  const low = minWmark + Math.max(Math.floor(minWmark / 4), Math.floor(managed / 1000));
  const high = profile.pcpHigh === 'low-watermark' ? Math.max(low, 4 * batch) : 6 * batch;
  return { orders: profile.pcpOrders, high, batch: Math.max(1, batch) };
}

/** Frames reserved at boot (firmware, kernel image), as PageReserved. */
const RESERVED_MIB = 16;

export class Kernel {
  readonly profile: Profile;
  readonly ramMib: number;
  mem: MemMap;
  buddy: Buddy;
  /** totalram_pages(): what the page allocator manages. */
  readonly totalramPages: number;
  /** The zone's min watermark: GFP_KERNEL allocations fail below it. */
  readonly minFreePages: number;
  compoundOrder: Map<number, number>;
  allocs: Allocation[];
  allocById: Map<string, Allocation>;
  caches: KmemCache[];
  /** Next free vmalloc offset (bump allocation; addresses are only shown). */
  vmallocNext: number;
  pt: PageTables;
  vmas: Vma[];
  mappings: Map<string, Mapping>;
  /** Set once user space can reach a free frame (a pfn mapping of free or freed memory, get_page of a free page). */
  useAfterFree: boolean;
  /** The events of the step being traced, or null (tracing off). */
  trace: TraceBuffer | null = null;
  /** Page-table pages cut off by free_pgtables and never freed (PTEs a driver wrote outside its VMA). */
  leakedPageTables: number[];

  constructor(kernel: KernelName, ramMib: number, from?: Kernel) {
    this.profile = PROFILES[kernel];
    this.ramMib = ramMib;
    if (from) {
      this.mem = from.mem.clone();
      this.buddy = from.buddy.clone(this.mem);
      this.totalramPages = from.totalramPages;
      this.minFreePages = from.minFreePages;
      this.compoundOrder = new Map(from.compoundOrder);
      this.allocs = from.allocs.map((a) => ({ ...a, vmPfns: a.vmPfns?.slice() ?? null }));
      this.allocById = new Map(this.allocs.map((a) => [a.id, a]));
      this.caches = from.caches.map((c) => ({
        ...c,
        slabs: c.slabs.map((s) => ({ ...s, objectOwner: s.objectOwner.slice() })),
      }));
      this.vmallocNext = from.vmallocNext;
      this.pt = from.pt.clone();
      const maps = new Map<Mapping, Mapping>();
      for (const m of from.mappings.values()) maps.set(m, { ...m, ruleHits: m.ruleHits.slice() });
      this.mappings = new Map([...maps.values()].map((m) => [m.id, m]));
      this.vmas = from.vmas.map((v) => ({ ...v, mapping: maps.get(v.mapping) as Mapping }));
      this.useAfterFree = from.useAfterFree;
      this.leakedPageTables = from.leakedPageTables.slice();
      return;
    }
    const nframes = (ramMib * 1024 * 1024) / PAGE_SIZE;
    const reserved = (RESERVED_MIB * 1024 * 1024) / PAGE_SIZE;
    this.mem = new MemMap(nframes);
    for (let pfn = 0; pfn < reserved; pfn++) {
      this.mem.setRefcount(pfn, 1);
      this.mem.setFlags(pfn, PG_reserved);
      this.mem.setOwner(pfn, OWNER_KERNEL, 0);
    }
    this.totalramPages = nframes - reserved;
    // calculate_min_free_kbytes(): int_sqrt(lowmem_kbytes * 16), clamped to [128, 262144].
    const minFreeKbytes = Math.min(262144, Math.max(128, Math.floor(Math.sqrt(this.totalramPages * 4 * 16))));
    this.minFreePages = Math.floor(minFreeKbytes / 4);
    this.buddy = new Buddy(this.mem, pcpConfig(this.profile, this.totalramPages, this.minFreePages));
    this.buddy.addRange(reserved, nframes);
    this.compoundOrder = new Map();
    this.allocs = [];
    this.allocById = new Map();
    this.caches = [];
    this.vmallocNext = 0;
    this.vmas = [];
    this.mappings = new Map();
    this.useAfterFree = false;
    this.leakedPageTables = [];
    // The PGD of the process, allocated at fork.
    const pgd = this.buddy.allocate(0);
    this.mem.setRefcount(pgd, 1);
    this.mem.setFlags(pgd, PG_table);
    this.mem.setOwner(pgd, OWNER_PAGETABLE, 0);
    this.pt = new PageTables(pgd);
  }

  clone(): Kernel {
    return new Kernel(this.profile.name, this.ramMib, this);
  }
}
