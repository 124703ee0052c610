// mm/page_alloc.c and mm/swap.c: allocating, referencing and freeing struct pages.
import { PAGE_ALLOC_COSTLY_ORDER } from './constants.ts';
import { type Kernel, KernelDeath } from './kernel.ts';
import { OWNER_FREE, PG_head, PG_tail } from './physmem.ts';
import { change, countChange, enter, hex, keeps } from './trace.ts';

/** The page allocator gave up: NULL for costly orders, else the OOM killer took the process. */
function allocationFailed(order: number, noretry: boolean): -1 {
  if (noretry || order > PAGE_ALLOC_COSTLY_ORDER) return -1;
  throw new KernelDeath('killed', 'out_of_memory');
}

/**
 * __alloc_pages(GFP_KERNEL, order): the head pfn with refcount 1 (post_alloc_hook),
 * tails prepared as compound tails with __GFP_COMP (prep_compound_page).
 * Returns -1 for orders above PAGE_ALLOC_COSTLY_ORDER and for __GFP_NORETRY.
 */
export function allocPages(
  k: Kernel,
  order: number,
  comp: boolean,
  owner: number,
  ownerIndex: number,
  noretry = false,
): number {
  if (k.buddy.freePages - (1 << order) < k.minFreePages) return allocationFailed(order, noretry);
  const pfn = k.buddy.allocate(order);
  if (pfn < 0) return allocationFailed(order, noretry);
  const n = 1 << order;
  for (let i = 0; i < n; i++) k.mem.prepNewPage(pfn + i, owner, ownerIndex);
  k.mem.setRefcount(pfn, 1);
  if (keeps(k))
    change(
      k,
      '__alloc_pages',
      `order-${order} block at pfn ${hex(pfn)}${comp && order > 0 ? ' (__GFP_COMP: compound)' : ''}, refcount 1`,
    );
  if (comp && order > 0) {
    k.mem.setFlags(pfn, PG_head);
    k.compoundOrder.set(pfn, order);
    for (let i = 1; i < n; i++) {
      k.mem.setFlags(pfn + i, PG_tail);
      k.mem.setCompoundHead(pfn + i, pfn);
    }
  }
  return pfn;
}

/** free_the_page(): hand a block back to the buddy allocator. */
export function freeThePage(k: Kernel, pfn: number, order: number): void {
  const n = 1 << order;
  for (let i = 0; i < n; i++) {
    // A pfn mapping still points here: the process can now reach freed memory.
    if (k.mem.pfnmaps(pfn + i) > 0) k.useAfterFree = true;
    k.mem.setRefcount(pfn + i, 0);
    k.mem.setMapcount(pfn + i, 0);
    k.mem.setFlags(pfn + i, 0);
    k.mem.setCompoundHead(pfn + i, -1);
    k.mem.setOwner(pfn + i, OWNER_FREE, 0);
  }
  k.compoundOrder.delete(pfn);
  k.buddy.free(pfn, order);
  if (keeps(k)) change(k, 'free_the_page', `order-${order} block at pfn ${hex(pfn)} back to the buddy allocator`);
}

/** get_page(): +1 on the compound head (folio_get). */
export function getPage(k: Kernel, pfn: number): void {
  const head = k.mem.compoundHead(pfn);
  // get_page() of a free page (its VM_BUG_ON is compiled out): the page is mapped while free.
  const rc = k.mem.refcount(head);
  if (rc === 0) k.useAfterFree = true;
  k.mem.setRefcount(head, rc + 1);
  if (keeps(k)) countChange(k, 'get_page', 'page_count', head, rc, rc + 1);
}

/** put_page(): -1 on the head; the last reference frees the whole folio. */
export function putPage(k: Kernel, pfn: number): void {
  const head = k.mem.compoundHead(pfn);
  const rc = k.mem.refcount(head) - 1;
  k.mem.setRefcount(head, rc);
  if (keeps(k)) countChange(k, 'put_page', 'page_count', head, rc + 1, rc);
  if (rc === 0) freeThePage(k, head, k.compoundOrder.get(head) ?? 0);
}

/**
 * __free_pages(page, order): drop the allocation's reference. A non-compound
 * block whose first page is still referenced frees its tail buddies at once
 * where the profile does so (6.1), or leaks them (4.19).
 */
export function freePages(k: Kernel, pfn: number, order: number): void {
  enter(k, '__free_pages');
  const isHead = (k.mem.flags(pfn) & PG_head) !== 0;
  const rc = k.mem.refcount(pfn) - 1;
  k.mem.setRefcount(pfn, rc);
  if (keeps(k)) countChange(k, '__free_pages', 'page_count', pfn, rc + 1, rc);
  if (rc === 0) {
    freeThePage(k, pfn, order);
  } else if (!isHead && k.profile.freePagesFreesTails) {
    for (let o = order - 1; o >= 0; o--) freeThePage(k, pfn + (1 << o), o);
  }
}
