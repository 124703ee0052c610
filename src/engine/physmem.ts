// Physical memory: one struct page per frame, created lazily in chunks, and the
// buddy allocator (mm/page_alloc.c). Fields are typed arrays, never per-page objects.
import { MAX_ORDER } from './constants.ts';

// Page flags kept by the engine (a subset of include/linux/page-flags.h).
export const PG_slab = 0x1;
export const PG_anon = 0x2; // PageAnon: page->mapping & PAGE_MAPPING_ANON
export const PG_head = 0x4;
export const PG_tail = 0x8;
export const PG_reserved = 0x10;
export const PG_table = 0x20; // a page type: page-table page
export const PG_buddy = 0x40; // a page type: head of a free buddy block
export const PG_dirty = 0x80;

/** Who a frame belongs to, for display and for resolving a pfn to an allocation. */
export const OWNER_FREE = 0;
export const OWNER_KERNEL = 1; // reserved at boot (kernel image, firmware)
export const OWNER_ALLOC = 2; // a scenario allocation (ownerIndex = allocation slot)
export const OWNER_PAGETABLE = 3;
export const OWNER_ANON = 4; // an anonymous page (copy-on-write copy)
export const OWNER_SLAB = 5; // a slab page (ownerIndex = kmem cache)

const CHUNK_SHIFT = 12;
const CHUNK = 1 << CHUNK_SHIFT;

interface Chunk {
  refcount: Int32Array; // _refcount
  mapcount: Int32Array; // _mapcount + 1, i.e. page_mapcount() of a PTE-mapped page
  flags: Uint8Array;
  head: Int32Array; // compound_head pfn + 1 for tail pages, else 0
  owner: Uint8Array;
  ownerIndex: Int32Array;
  pfnmaps: Int32Array; // special PTEs that point at the frame (no reference held)
}

function newChunk(): Chunk {
  return {
    refcount: new Int32Array(CHUNK),
    mapcount: new Int32Array(CHUNK),
    flags: new Uint8Array(CHUNK),
    head: new Int32Array(CHUNK),
    owner: new Uint8Array(CHUNK),
    ownerIndex: new Int32Array(CHUNK),
    pfnmaps: new Int32Array(CHUNK),
  };
}

function cloneChunk(c: Chunk): Chunk {
  return {
    refcount: c.refcount.slice(),
    mapcount: c.mapcount.slice(),
    flags: c.flags.slice(),
    head: c.head.slice(),
    owner: c.owner.slice(),
    ownerIndex: c.ownerIndex.slice(),
    pfnmaps: c.pfnmaps.slice(),
  };
}

const EMPTY = newChunk();

/** The struct page array (mem_map). Frames never written read as free and zeroed. */
export class MemMap {
  readonly nframes: number;
  private chunks: (Chunk | undefined)[];

  constructor(nframes: number, chunks?: (Chunk | undefined)[]) {
    this.nframes = nframes;
    this.chunks = chunks ?? new Array(Math.ceil(nframes / CHUNK));
  }

  clone(): MemMap {
    return new MemMap(
      this.nframes,
      this.chunks.map((c) => (c ? cloneChunk(c) : undefined)),
    );
  }

  private read(pfn: number): Chunk {
    return this.chunks[pfn >>> CHUNK_SHIFT] ?? EMPTY;
  }

  private write(pfn: number): Chunk {
    const i = pfn >>> CHUNK_SHIFT;
    let c = this.chunks[i];
    if (!c) {
      c = newChunk();
      this.chunks[i] = c;
    }
    return c;
  }

  refcount(pfn: number): number {
    return this.read(pfn).refcount[pfn & (CHUNK - 1)] as number;
  }
  setRefcount(pfn: number, v: number): void {
    this.write(pfn).refcount[pfn & (CHUNK - 1)] = v;
  }
  mapcount(pfn: number): number {
    return this.read(pfn).mapcount[pfn & (CHUNK - 1)] as number;
  }
  setMapcount(pfn: number, v: number): void {
    this.write(pfn).mapcount[pfn & (CHUNK - 1)] = v;
  }
  flags(pfn: number): number {
    return this.read(pfn).flags[pfn & (CHUNK - 1)] as number;
  }
  setFlags(pfn: number, v: number): void {
    this.write(pfn).flags[pfn & (CHUNK - 1)] = v;
  }
  /** compound_head(): the head's pfn for a tail page, else the page itself. */
  compoundHead(pfn: number): number {
    const h = this.read(pfn).head[pfn & (CHUNK - 1)] as number;
    return h === 0 ? pfn : h - 1;
  }
  setCompoundHead(pfn: number, head: number): void {
    this.write(pfn).head[pfn & (CHUNK - 1)] = head < 0 ? 0 : head + 1;
  }
  owner(pfn: number): number {
    return this.read(pfn).owner[pfn & (CHUNK - 1)] as number;
  }
  ownerIndex(pfn: number): number {
    return this.read(pfn).ownerIndex[pfn & (CHUNK - 1)] as number;
  }
  setOwner(pfn: number, owner: number, index: number): void {
    const c = this.write(pfn);
    c.owner[pfn & (CHUNK - 1)] = owner;
    c.ownerIndex[pfn & (CHUNK - 1)] = index;
  }

  /** Special (pfn) PTEs that point at the frame: they hold no reference. */
  pfnmaps(pfn: number): number {
    return this.read(pfn).pfnmaps[pfn & (CHUNK - 1)] as number;
  }
  addPfnmaps(pfn: number, d: number): void {
    const c = this.write(pfn);
    c.pfnmaps[pfn & (CHUNK - 1)] = (c.pfnmaps[pfn & (CHUNK - 1)] as number) + d;
  }

  /** Visit every frame whose struct page was ever written. */
  forEachWritten(fn: (pfn: number) => void): void {
    this.chunks.forEach((c, i) => {
      if (!c) return;
      const end = Math.min(this.nframes, (i + 1) * CHUNK);
      for (let pfn = i * CHUNK; pfn < end; pfn++) fn(pfn);
    });
  }

  /** page_count(): the refcount of the compound head (folio). */
  pageCount(pfn: number): number {
    return this.refcount(this.compoundHead(pfn));
  }
  /** Flags evaluated on the head (PageSlab, PageAnon: PF_NO_TAIL / folio tests). */
  headFlags(pfn: number): number {
    return this.flags(this.compoundHead(pfn));
  }

  /** Number of chunks holding frames that were ever written (for memory figures). */
  chunkCount(): number {
    return this.chunks.reduce((n, c) => n + (c ? 1 : 0), 0);
  }
}

/**
 * The buddy allocator with the per-cpu lists in front of it: blocks of the
 * profile's pcp orders are freed to a LIFO list and reused from it unmerged; all
 * other frees merge with their free buddies, and every block on a buddy free
 * list has PG_buddy on its head (what page_mapcount() then reads). A free block
 * is recorded in `freeOrder`; list entries that no longer match it are stale.
 */
export interface PcpConfig {
  orders: readonly number[];
  /** pcp->high: past it, `batch` pages go back to the buddy lists (free_pcppages_bulk). */
  high: number;
  batch: number;
}

export class Buddy {
  private lists: number[][];
  private pcp: number[][];
  private pcpCount: number;
  private freeOrder: Map<number, number>;
  freePages: number;

  constructor(
    private mem: MemMap,
    private pcpConfig: PcpConfig,
    from?: Buddy,
  ) {
    this.lists = from ? from.lists.map((l) => l.slice()) : Array.from({ length: MAX_ORDER + 1 }, () => []);
    this.pcp = from ? from.pcp.map((l) => l.slice()) : Array.from({ length: MAX_ORDER + 1 }, () => []);
    this.pcpCount = from ? from.pcpCount : 0;
    this.freeOrder = from ? new Map(from.freeOrder) : new Map();
    this.freePages = from ? from.freePages : 0;
  }

  clone(mem: MemMap): Buddy {
    return new Buddy(mem, this.pcpConfig, this);
  }

  /** Give [start, end) to the allocator at boot, in the largest aligned blocks. */
  addRange(start: number, end: number): void {
    const blocks: [number, number][] = [];
    let pfn = start;
    while (pfn < end) {
      let order = MAX_ORDER;
      while (order > 0 && (pfn % (1 << order) !== 0 || pfn + (1 << order) > end)) order--;
      blocks.push([pfn, order]);
      pfn += 1 << order;
    }
    // Pushed highest first so the lowest frames are handed out first. Boot
    // blocks are not marked (their struct pages are created when first used).
    for (let i = blocks.length - 1; i >= 0; i--) {
      const [p, o] = blocks[i] as [number, number];
      this.freeOrder.set(p, o);
      (this.lists[o] as number[]).push(p);
      this.freePages += 1 << o;
    }
  }

  private push(pfn: number, order: number): void {
    this.freeOrder.set(pfn, order);
    (this.lists[order] as number[]).push(pfn);
    this.freePages += 1 << order;
    this.mem.setFlags(pfn, this.mem.flags(pfn) | PG_buddy);
  }

  private take(pfn: number, order: number): void {
    this.freeOrder.delete(pfn);
    this.freePages -= 1 << order;
    this.mem.setFlags(pfn, this.mem.flags(pfn) & ~PG_buddy);
  }

  private pop(order: number): number {
    const list = this.lists[order] as number[];
    while (list.length > 0) {
      const pfn = list.pop() as number;
      if (this.freeOrder.get(pfn) === order) {
        this.take(pfn, order);
        return pfn;
      }
    }
    return -1;
  }

  /** rmqueue(): the per-cpu list first, then __rmqueue_smallest + expand(); -1 when nothing fits. */
  allocate(order: number): number {
    const pcp = this.pcp[order] as number[];
    if (pcp.length > 0) {
      this.freePages -= 1 << order;
      this.pcpCount -= 1 << order;
      return pcp.pop() as number;
    }
    for (let o = order; o <= MAX_ORDER; o++) {
      const pfn = this.pop(o);
      if (pfn < 0) continue;
      // expand(): the upper halves go back on the lower lists.
      for (let k = o - 1; k >= order; k--) this.push(pfn + (1 << k), k);
      return pfn;
    }
    return -1;
  }

  /** free_unref_page() to the per-cpu list, or __free_one_page(): merge with free buddies. */
  free(pfn: number, order: number): void {
    if (this.pcpConfig.orders.includes(order)) {
      (this.pcp[order] as number[]).push(pfn);
      this.freePages += 1 << order;
      this.pcpCount += 1 << order;
      if (this.pcpCount >= this.pcpConfig.high) this.drainPcp();
      return;
    }
    this.freeOneBlock(pfn, order);
  }

  /** free_pcppages_bulk(): the oldest blocks, order by order, until `batch` pages went back. */
  private drainPcp(): void {
    let freed = 0;
    while (freed < this.pcpConfig.batch && this.pcpCount > 0) {
      for (let order = 0; order <= MAX_ORDER && freed < this.pcpConfig.batch; order++) {
        const list = this.pcp[order] as number[];
        if (list.length === 0) continue;
        const pfn = list.shift() as number;
        this.pcpCount -= 1 << order;
        this.freePages -= 1 << order;
        this.freeOneBlock(pfn, order);
        freed += 1 << order;
      }
    }
  }

  /** __free_one_page(). */
  private freeOneBlock(pfn: number, order: number): void {
    let p = pfn;
    let o = order;
    while (o < MAX_ORDER) {
      const buddy = p ^ (1 << o);
      if (this.freeOrder.get(buddy) !== o) break;
      this.take(buddy, o);
      p = Math.min(p, buddy);
      o++;
    }
    this.push(p, o);
  }

  /** The order of the free buddy block starting at pfn, or -1. */
  freeBlockOrder(pfn: number): number {
    return this.freeOrder.get(pfn) ?? -1;
  }

  /** The per-cpu lists' blocks, as [pfn, order], for state dumps. */
  pcpBlocks(): number[][] {
    return this.pcp.flatMap((l, order) => l.map((pfn) => [pfn, order]));
  }
}
