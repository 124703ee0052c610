// SLUB kmalloc (mm/slub.c, mm/slab_common.c): size classes up to
// KMALLOC_MAX_CACHE_SIZE share slab pages; larger requests are compound pages
// from the page allocator (kmalloc_large), not slab.
import { KMALLOC_MAX_CACHE_SIZE, MAX_ORDER, PAGE_SHIFT, PAGE_SIZE } from './constants.ts';
import type { Kernel, KmemCache, Slab } from './kernel.ts';
import { allocPages, freePages, putPage } from './page_alloc.ts';
import { OWNER_ALLOC, OWNER_SLAB, PG_head, PG_slab } from './physmem.ts';

const KMALLOC_SIZES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192];
/** slub_max_order: PAGE_ALLOC_COSTLY_ORDER. */
const SLUB_MAX_ORDER = 3;
/**
 * calculate_order()'s min_objects = 4 * (fls(nr_cpus) + 1): the measured guest
 * has one present CPU of two possible (nr_cpu_ids = 2), so 12.
 */
const SLUB_MIN_OBJECTS = 12;

/** get_order(size): the smallest order whose block holds size bytes. */
export function getOrder(size: number): number {
  let order = 0;
  while (PAGE_SIZE * 2 ** order < size) order++;
  return order;
}

/** slab_order(): the first order from min that wastes at most 1/fraction. */
function slabOrder(size: number, minObjects: number, fraction: number): number {
  for (let order = Math.max(0, getOrder(minObjects * size)); order <= SLUB_MAX_ORDER; order++) {
    const slabSize = PAGE_SIZE << order;
    if (slabSize % size <= slabSize / fraction) return order;
  }
  return SLUB_MAX_ORDER + 1;
}

/** calculate_order() as 6.1 mm/slub.c has it. */
export function calculateOrder(size: number): number {
  const maxObjects = (PAGE_SIZE << SLUB_MAX_ORDER) / size;
  for (let minObjects = Math.min(SLUB_MIN_OBJECTS, maxObjects); minObjects > 1; minObjects--) {
    for (let fraction = 16; fraction >= 4; fraction /= 2) {
      const order = slabOrder(size, minObjects, fraction);
      if (order <= SLUB_MAX_ORDER) return order;
    }
  }
  return Math.min(getOrder(size), MAX_ORDER);
}

/** kmalloc_index(): the kmalloc-N cache for a request. */
function kmallocCache(k: Kernel, size: number): number {
  const cacheSize = KMALLOC_SIZES.find((s) => s >= size) as number;
  let i = k.caches.findIndex((c) => c.size === cacheSize);
  if (i < 0) {
    // set_min_partial(): ilog2(size) / 2, clamped to [5, 10].
    const minPartial = Math.min(10, Math.max(5, Math.floor(Math.log2(cacheSize) / 2)));
    k.caches.push({
      name: `kmalloc-${cacheSize}`,
      size: cacheSize,
      order: calculateOrder(cacheSize),
      minPartial,
      slabs: [],
    });
    i = k.caches.length - 1;
  }
  return i;
}

/** allocate_slab(): the cache's order, falling back to the minimum order. */
function allocateSlab(k: Kernel, cacheIndex: number): Slab {
  const cache = k.caches[cacheIndex] as KmemCache;
  let order = cache.order;
  // The preferred order is tried with __GFP_NORETRY: no OOM killer for it.
  let pfn = allocPages(k, order, true, OWNER_SLAB, cacheIndex, true);
  if (pfn < 0) {
    order = getOrder(cache.size);
    pfn = allocPages(k, order, true, OWNER_SLAB, cacheIndex);
  }
  // __SetPageSlab on the head; tails answer PageSlab through it.
  k.mem.setFlags(pfn, k.mem.flags(pfn) | PG_slab);
  const objects = (PAGE_SIZE << order) / cache.size;
  const slab: Slab = { pfn, order, objects, inuse: 0, objectOwner: new Array(objects).fill(-1) };
  cache.slabs.push(slab);
  return slab;
}

export interface KmallocObject {
  basePfn: number;
  pageOffset: number;
  /** The compound order of a kmalloc_large block. */
  order: number;
  slab: { cache: number; slab: number; object: number } | null;
}

/**
 * kmalloc(size): a slab object (placed in the first slab with room, lowest free
 * index: deterministic, where the real SLAB_FREELIST_RANDOM is not), or
 * kmalloc_large for sizes above KMALLOC_MAX_CACHE_SIZE.
 */
export function kmalloc(k: Kernel, size: number, slot: number): KmallocObject | null {
  if (size > KMALLOC_MAX_CACHE_SIZE) {
    const order = getOrder(size);
    const pfn = allocPages(k, order, true, OWNER_ALLOC, slot);
    return pfn < 0 ? null : { basePfn: pfn, pageOffset: 0, order, slab: null };
  }
  const cacheIndex = kmallocCache(k, size);
  const cache = k.caches[cacheIndex] as KmemCache;
  let slabIndex = cache.slabs.findIndex((s) => s.inuse < s.objects);
  if (slabIndex < 0) {
    allocateSlab(k, cacheIndex);
    slabIndex = cache.slabs.length - 1;
  }
  const slab = cache.slabs[slabIndex] as Slab;
  const object = slab.objectOwner.indexOf(-1);
  slab.objectOwner[object] = slot;
  slab.inuse++;
  const byteOffset = object * cache.size;
  return {
    basePfn: slab.pfn + (byteOffset >> PAGE_SHIFT),
    pageOffset: byteOffset & (PAGE_SIZE - 1),
    order: 0,
    slab: { cache: cacheIndex, slab: slabIndex, object },
  };
}

/**
 * kfree(): a slab object goes back to its slab; an empty slab is discarded once
 * the cache keeps min_partial empty ones (discard_slab: __ClearPageSlab, then
 * __free_pages). A large kmalloc is free_large_kmalloc().
 */
export function kfree(k: Kernel, a: KmallocObject): void {
  if (!a.slab) {
    freePages(k, a.basePfn, a.order);
    return;
  }
  const cache = k.caches[a.slab.cache] as KmemCache;
  const slab = cache.slabs[a.slab.slab] as Slab;
  slab.objectOwner[a.slab.object] = -1;
  slab.inuse--;
  if (slab.inuse > 0) return;
  const empty = cache.slabs.filter((s) => s.inuse === 0 && s.pfn >= 0).length;
  if (empty <= cache.minPartial) return;
  k.mem.setFlags(slab.pfn, k.mem.flags(slab.pfn) & ~PG_slab);
  const order = slab.order;
  const pfn = slab.pfn;
  slab.pfn = -1; // the slot stays so other objects' indices stay valid
  slab.objects = 0;
  if ((k.mem.flags(pfn) & PG_head) !== 0) putPage(k, pfn);
  else freePages(k, pfn, order);
}

/** The kmalloc objects whose bytes lie on a slab page: what a mapping of that page exposes. */
export function objectsOnPage(k: Kernel, pfn: number): { slot: number; offset: number; size: number }[] {
  if (k.mem.owner(pfn) !== OWNER_SLAB) return [];
  const cache = k.caches[k.mem.ownerIndex(pfn)] as KmemCache;
  const slab = cache.slabs.find((s) => s.pfn >= 0 && pfn >= s.pfn && pfn < s.pfn + (1 << s.order));
  if (!slab) return [];
  const pageStart = (pfn - slab.pfn) * PAGE_SIZE;
  const out: { slot: number; offset: number; size: number }[] = [];
  slab.objectOwner.forEach((slot, i) => {
    const start = i * cache.size;
    if (slot >= 0 && start < pageStart + PAGE_SIZE && start + cache.size > pageStart) {
      out.push({ slot, offset: start - pageStart, size: cache.size });
    }
  });
  return out;
}
