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
const CHUNK_MASK = CHUNK - 1;

// Chunks never written share these zeroed arrays (reads see a free, zeroed
// struct page); the first write to a chunk gives it its own arrays, all fields
// at once. One array of chunks per field keeps a field access to two loads.
const ZERO_I32 = new Int32Array(CHUNK);
const ZERO_U8 = new Uint8Array(CHUNK);
/** refcount, mapcount, head, ownerIndex, pfnmaps as Int32; flags, owner as Uint8. */
const CHUNK_BYTES_PER_FRAME = 5 * 4 + 2 * 1;

/** The struct page array (mem_map). Frames never written read as free and zeroed. */
export class MemMap {
  readonly nframes: number;
  /** _refcount. */
  private rc: Int32Array[];
  /** _mapcount + 1, i.e. page_mapcount() of a PTE-mapped page. */
  private mc: Int32Array[];
  private fl: Uint8Array[];
  /** compound_head pfn + 1 for tail pages, else 0. */
  private hd: Int32Array[];
  private ow: Uint8Array[];
  private owi: Int32Array[];
  /** Special PTEs that point at the frame (no reference held). */
  private pm: Int32Array[];

  constructor(nframes: number, from?: MemMap) {
    this.nframes = nframes;
    const copy = <T extends Int32Array | Uint8Array>(a: T[]): T[] =>
      a.map((c) => (c === ZERO_I32 || c === ZERO_U8 ? c : (c.slice() as T)));
    if (from) {
      this.rc = copy(from.rc);
      this.mc = copy(from.mc);
      this.fl = copy(from.fl);
      this.hd = copy(from.hd);
      this.ow = copy(from.ow);
      this.owi = copy(from.owi);
      this.pm = copy(from.pm);
      return;
    }
    const n = Math.ceil(nframes / CHUNK);
    const i32 = (): Int32Array[] => new Array<Int32Array>(n).fill(ZERO_I32);
    const u8 = (): Uint8Array[] => new Array<Uint8Array>(n).fill(ZERO_U8);
    this.rc = i32();
    this.mc = i32();
    this.fl = u8();
    this.hd = i32();
    this.ow = u8();
    this.owi = i32();
    this.pm = i32();
  }

  clone(): MemMap {
    return new MemMap(this.nframes, this);
  }

  /** Give chunk i its own arrays before its first write. */
  private materialize(i: number): void {
    this.rc[i] = new Int32Array(CHUNK);
    this.mc[i] = new Int32Array(CHUNK);
    this.fl[i] = new Uint8Array(CHUNK);
    this.hd[i] = new Int32Array(CHUNK);
    this.ow[i] = new Uint8Array(CHUNK);
    this.owi[i] = new Int32Array(CHUNK);
    this.pm[i] = new Int32Array(CHUNK);
  }

  private written(i: number): boolean {
    return this.rc[i] !== ZERO_I32;
  }

  refcount(pfn: number): number {
    return (this.rc[pfn >>> CHUNK_SHIFT] as Int32Array)[pfn & CHUNK_MASK] as number;
  }
  setRefcount(pfn: number, v: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    if (!this.written(i)) this.materialize(i);
    (this.rc[i] as Int32Array)[pfn & CHUNK_MASK] = v;
  }
  mapcount(pfn: number): number {
    return (this.mc[pfn >>> CHUNK_SHIFT] as Int32Array)[pfn & CHUNK_MASK] as number;
  }
  setMapcount(pfn: number, v: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    if (!this.written(i)) this.materialize(i);
    (this.mc[i] as Int32Array)[pfn & CHUNK_MASK] = v;
  }
  flags(pfn: number): number {
    return (this.fl[pfn >>> CHUNK_SHIFT] as Uint8Array)[pfn & CHUNK_MASK] as number;
  }
  setFlags(pfn: number, v: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    if (!this.written(i)) this.materialize(i);
    (this.fl[i] as Uint8Array)[pfn & CHUNK_MASK] = v;
  }
  /** compound_head(): the head's pfn for a tail page, else the page itself. */
  compoundHead(pfn: number): number {
    const h = (this.hd[pfn >>> CHUNK_SHIFT] as Int32Array)[pfn & CHUNK_MASK] as number;
    return h === 0 ? pfn : h - 1;
  }
  setCompoundHead(pfn: number, head: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    if (!this.written(i)) this.materialize(i);
    (this.hd[i] as Int32Array)[pfn & CHUNK_MASK] = head < 0 ? 0 : head + 1;
  }
  owner(pfn: number): number {
    return (this.ow[pfn >>> CHUNK_SHIFT] as Uint8Array)[pfn & CHUNK_MASK] as number;
  }
  ownerIndex(pfn: number): number {
    return (this.owi[pfn >>> CHUNK_SHIFT] as Int32Array)[pfn & CHUNK_MASK] as number;
  }
  setOwner(pfn: number, owner: number, index: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    if (!this.written(i)) this.materialize(i);
    (this.ow[i] as Uint8Array)[pfn & CHUNK_MASK] = owner;
    (this.owi[i] as Int32Array)[pfn & CHUNK_MASK] = index;
  }

  /** Special (pfn) PTEs that point at the frame: they hold no reference. */
  pfnmaps(pfn: number): number {
    return (this.pm[pfn >>> CHUNK_SHIFT] as Int32Array)[pfn & CHUNK_MASK] as number;
  }
  addPfnmaps(pfn: number, d: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    if (!this.written(i)) this.materialize(i);
    const c = this.pm[i] as Int32Array;
    c[pfn & CHUNK_MASK] = (c[pfn & CHUNK_MASK] as number) + d;
  }

  /** Visit every frame whose struct page was ever written. */
  forEachWritten(fn: (pfn: number) => void): void {
    for (let i = 0; i < this.rc.length; i++) {
      if (!this.written(i)) continue;
      const end = Math.min(this.nframes, (i + 1) * CHUNK);
      for (let pfn = i * CHUNK; pfn < end; pfn++) fn(pfn);
    }
  }

  /** page_count(): the refcount of the compound head (folio). */
  pageCount(pfn: number): number {
    return this.refcount(this.compoundHead(pfn));
  }
  /** Flags evaluated on the head (PageSlab, PageAnon: PF_NO_TAIL / folio tests). */
  headFlags(pfn: number): number {
    return this.flags(this.compoundHead(pfn));
  }

  /** Bytes held by the struct page chunks (for memory figures). */
  byteSize(): number {
    return this.chunkCount() * CHUNK * CHUNK_BYTES_PER_FRAME;
  }

  /** Number of chunks holding frames that were ever written (for memory figures). */
  chunkCount(): number {
    let n = 0;
    for (let i = 0; i < this.rc.length; i++) if (this.written(i)) n++;
    return n;
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
