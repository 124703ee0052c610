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

// The hot struct page fields of a frame sit side by side in one Int32Array per
// chunk (one cache line per page, as C's struct page): _refcount, page_mapcount(),
// compound_head pfn + 1 (0: not a tail), flags | owner << 8: word (offset << 2) | field.
const STRIDE = 4;
const HD = 2;
const FO = 3;
const FLAGS_MASK = 0xff;
// Chunks never written share zeroed arrays (reads see a free, zeroed struct
// page). A chunk gets its own hot array on its first write; the cold fields
// (ownerIndex, pfnmaps) get theirs on their first non-zero value.
const ZERO_HOT = new Int32Array(CHUNK * STRIDE);
const ZERO_COLD = new Int32Array(CHUNK);

/** The struct page array (mem_map). Frames never written read as free and zeroed. */
export class MemMap {
  readonly nframes: number;
  private hot: Int32Array[];
  /** The owner's index (allocation slot, kmem cache). */
  private owi: Int32Array[];
  /** Special PTEs that point at the frame (no reference held). */
  private pm: Int32Array[];

  constructor(nframes: number, from?: MemMap) {
    this.nframes = nframes;
    const copy = (a: Int32Array[]): Int32Array[] => a.map((c) => (c === ZERO_HOT || c === ZERO_COLD ? c : c.slice()));
    if (from) {
      this.hot = copy(from.hot);
      this.owi = copy(from.owi);
      this.pm = copy(from.pm);
      return;
    }
    const n = Math.ceil(nframes / CHUNK);
    this.hot = new Array<Int32Array>(n).fill(ZERO_HOT);
    this.owi = new Array<Int32Array>(n).fill(ZERO_COLD);
    this.pm = new Array<Int32Array>(n).fill(ZERO_COLD);
  }

  clone(): MemMap {
    return new MemMap(this.nframes, this);
  }

  /** The hot array of pfn's chunk, its own from the first write on. */
  private own(pfn: number): Int32Array {
    const c = this.hot[pfn >>> CHUNK_SHIFT] as Int32Array;
    return c !== ZERO_HOT ? c : this.materialize(pfn >>> CHUNK_SHIFT);
  }

  private materialize(i: number): Int32Array {
    const c = new Int32Array(CHUNK * STRIDE);
    this.hot[i] = c;
    return c;
  }

  private written(i: number): boolean {
    return this.hot[i] !== ZERO_HOT;
  }

  /** Write a cold field: a zero into a never-written chunk changes nothing. */
  private setCold(cold: Int32Array[], pfn: number, v: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    let c = cold[i] as Int32Array;
    if (c === ZERO_COLD) {
      if (v === 0) return;
      c = new Int32Array(CHUNK);
      cold[i] = c;
    }
    c[pfn & CHUNK_MASK] = v;
  }

  // The hot accessors spell the layout in literals (chunk pfn >>> 12, word
  // ((pfn & 4095) << 2) + field, MC 1, HD 2, FO 3): V8 inlines by bytecode size, and
  // each use of a module constant adds a load and a hole check to it.
  refcount(pfn: number): number {
    return (this.hot[pfn >>> 12] as Int32Array)[(pfn & 4095) << 2] as number;
  }
  setRefcount(pfn: number, v: number): void {
    this.own(pfn)[(pfn & 4095) << 2] = v;
  }
  /** _mapcount + 1, i.e. page_mapcount() of a PTE-mapped page. */
  mapcount(pfn: number): number {
    return (this.hot[pfn >>> 12] as Int32Array)[((pfn & 4095) << 2) + 1] as number;
  }
  setMapcount(pfn: number, v: number): void {
    this.own(pfn)[((pfn & 4095) << 2) + 1] = v;
  }
  flags(pfn: number): number {
    return ((this.hot[pfn >>> 12] as Int32Array)[((pfn & 4095) << 2) + 3] as number) & 0xff;
  }
  setFlags(pfn: number, v: number): void {
    const c = this.own(pfn);
    const j = ((pfn & CHUNK_MASK) << 2) | FO;
    c[j] = ((c[j] as number) & ~FLAGS_MASK) | (v & FLAGS_MASK);
  }
  /** compound_head(): the head's pfn for a tail page, else the page itself. */
  compoundHead(pfn: number): number {
    const h = (this.hot[pfn >>> 12] as Int32Array)[((pfn & 4095) << 2) + 2] as number;
    return h === 0 ? pfn : h - 1;
  }
  setCompoundHead(pfn: number, head: number): void {
    this.own(pfn)[((pfn & CHUNK_MASK) << 2) | HD] = head < 0 ? 0 : head + 1;
  }
  owner(pfn: number): number {
    return ((this.hot[pfn >>> CHUNK_SHIFT] as Int32Array)[((pfn & CHUNK_MASK) << 2) | FO] as number) >>> 8;
  }
  ownerIndex(pfn: number): number {
    return (this.owi[pfn >>> CHUNK_SHIFT] as Int32Array)[pfn & CHUNK_MASK] as number;
  }
  setOwner(pfn: number, owner: number, index: number): void {
    const c = this.own(pfn);
    const j = ((pfn & CHUNK_MASK) << 2) | FO;
    c[j] = ((c[j] as number) & FLAGS_MASK) | ((owner & 0xff) << 8);
    this.setCold(this.owi, pfn, index);
  }

  /** A struct page as the page allocator hands it out (prep_new_page): counts, flags and compound head cleared, its owner set. */
  prepNewPage(pfn: number, owner: number, index: number): void {
    const c = this.own(pfn);
    const j = (pfn & CHUNK_MASK) << 2;
    c[j] = 0;
    c[j + 1] = 0;
    c[j | HD] = 0;
    c[j | FO] = (owner & 0xff) << 8;
    this.setCold(this.owi, pfn, index);
  }

  /** Special (pfn) PTEs that point at the frame: they hold no reference. */
  pfnmaps(pfn: number): number {
    return (this.pm[pfn >>> CHUNK_SHIFT] as Int32Array)[pfn & CHUNK_MASK] as number;
  }
  addPfnmaps(pfn: number, d: number): void {
    this.own(pfn);
    this.setCold(this.pm, pfn, this.pfnmaps(pfn) + d);
  }

  /** Visit every frame whose struct page was ever written. */
  forEachWritten(fn: (pfn: number) => void): void {
    for (let i = 0; i < this.hot.length; i++) {
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
    let n = 0;
    for (let i = 0; i < this.hot.length; i++) {
      if (this.written(i)) n += ZERO_HOT.byteLength;
      if (this.owi[i] !== ZERO_COLD) n += ZERO_COLD.byteLength;
      if (this.pm[i] !== ZERO_COLD) n += ZERO_COLD.byteLength;
    }
    return n;
  }
}

/**
 * The buddy allocator with the per-cpu lists in front of it: blocks of the
 * profile's pcp orders are freed to a LIFO list and reused from it unmerged; all
 * other frees merge with their free buddies, and every block on a buddy free
 * list has PG_buddy on its head (what page_mapcount() then reads). A free block's
 * order is recorded at its head pfn, as the kernel keeps it in the head's
 * page->private (set_buddy_order); list entries that no longer match are stale.
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
  /** Free blocks' order + 1 at their head (0: none), per chunk, created when a block is first pushed there. */
  private orders: (Int8Array | undefined)[];
  /** Boot blocks still free, by pfn: memory never used costs no per-frame array (nor a copy per clone). */
  private bootOrder: Map<number, number>;
  freePages: number;

  constructor(
    private mem: MemMap,
    private pcpConfig: PcpConfig,
    from?: Buddy,
  ) {
    this.lists = from ? from.lists.map((l) => l.slice()) : Array.from({ length: MAX_ORDER + 1 }, () => []);
    this.pcp = from ? from.pcp.map((l) => l.slice()) : Array.from({ length: MAX_ORDER + 1 }, () => []);
    this.pcpCount = from ? from.pcpCount : 0;
    this.orders = from ? from.orders.map((c) => c?.slice()) : [];
    this.bootOrder = from ? new Map(from.bootOrder) : new Map();
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
      this.bootOrder.set(p, o);
      (this.lists[o] as number[]).push(p);
      this.freePages += 1 << o;
    }
  }

  /** The order of the free block whose head is pfn, or -1. */
  private orderAt(pfn: number): number {
    const c = this.orders[pfn >>> CHUNK_SHIFT];
    const v = c === undefined ? 0 : (c[pfn & CHUNK_MASK] as number);
    return v > 0 ? v - 1 : (this.bootOrder.get(pfn) ?? -1);
  }

  private push(pfn: number, order: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    let c = this.orders[i];
    if (c === undefined) {
      c = new Int8Array(CHUNK);
      this.orders[i] = c;
    }
    c[pfn & CHUNK_MASK] = order + 1;
    (this.lists[order] as number[]).push(pfn);
    this.freePages += 1 << order;
    this.mem.setFlags(pfn, this.mem.flags(pfn) | PG_buddy);
  }

  private take(pfn: number, order: number): void {
    const c = this.orders[pfn >>> CHUNK_SHIFT];
    if (c !== undefined && (c[pfn & CHUNK_MASK] as number) > 0) c[pfn & CHUNK_MASK] = 0;
    else this.bootOrder.delete(pfn);
    this.freePages -= 1 << order;
    this.mem.setFlags(pfn, this.mem.flags(pfn) & ~PG_buddy);
  }

  private pop(order: number): number {
    const list = this.lists[order] as number[];
    while (list.length > 0) {
      const pfn = list.pop() as number;
      if (this.orderAt(pfn) === order) {
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
      if (this.orderAt(buddy) !== o) break;
      this.take(buddy, o);
      p = Math.min(p, buddy);
      o++;
    }
    this.push(p, o);
  }

  /** The order of the free buddy block starting at pfn, or -1. */
  freeBlockOrder(pfn: number): number {
    return this.orderAt(pfn);
  }

  /** The per-cpu lists' blocks, as [pfn, order], for state dumps. */
  pcpBlocks(): number[][] {
    return this.pcp.flatMap((l, order) => l.map((pfn) => [pfn, order]));
  }
}
