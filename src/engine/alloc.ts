// The driver's allocations and frees (kmalloc, vmalloc, alloc_pages, ...), and
// resolving a scenario PageRef to its struct page.
import type { PageRef, Step } from '../scenario/types.ts';
import { KMALLOC_MAX_SIZE, PAGE_SIZE } from './constants.ts';
import type { Allocation, Kernel } from './kernel.ts';
import { allocPages, freePages } from './page_alloc.ts';
import { OWNER_ALLOC } from './physmem.ts';
import { kfree, kmalloc } from './slab.ts';

type AllocStep = Extract<Step, { op: 'alloc' }>;

function blank(k: Kernel, s: AllocStep, npages: number, order: number): Allocation {
  return {
    slot: k.allocs.length,
    id: s.id,
    kind: s.kind,
    size: s.size,
    order,
    npages,
    isNull: false,
    freed: false,
    basePfn: -1,
    pageOffset: 0,
    vmPfns: null,
    vmArea: null,
    slab: null,
  };
}

/** __vmalloc_node_range(): one order-0 page per page, plus a guard page in the area. */
function vmalloc(k: Kernel, a: Allocation, usermap: boolean): void {
  if (a.npages > k.totalramPages) {
    a.isNull = true;
    return;
  }
  a.vmPfns = [];
  for (let i = 0; i < a.npages; i++) a.vmPfns.push(allocPages(k, 0, false, OWNER_ALLOC, a.slot));
  a.vmArea = { start: k.vmallocNext, pages: a.npages + 1, usermap };
  k.vmallocNext += (a.npages + 1) * PAGE_SIZE;
}

/** The alloc step: the allocation is recorded even when the allocator returned NULL. */
export function doAlloc(k: Kernel, s: AllocStep): Allocation {
  const pageCount = Math.ceil(s.size / PAGE_SIZE);
  let a: Allocation;
  switch (s.kind) {
    case 'kmalloc':
    case 'kzalloc': {
      a = blank(k, s, pageCount, 0);
      k.allocs.push(a);
      if (s.size > KMALLOC_MAX_SIZE) {
        a.isNull = true;
        break;
      }
      const r = kmalloc(k, s.size, a.slot);
      if (!r) {
        a.isNull = true;
        break;
      }
      a.basePfn = r.basePfn;
      a.pageOffset = r.pageOffset;
      a.slab = r.slab;
      a.order = r.order;
      break;
    }
    case 'vmalloc':
    case 'vzalloc':
    case 'vmalloc_user':
      a = blank(k, s, pageCount, 0);
      k.allocs.push(a);
      vmalloc(k, a, s.kind === 'vmalloc_user');
      break;
    case 'alloc_pages':
    case '__get_free_pages':
    case 'get_zeroed_page': {
      const order = s.kind === 'get_zeroed_page' ? 0 : s.order;
      a = blank(k, s, 1 << order, order);
      a.size = PAGE_SIZE << order;
      k.allocs.push(a);
      const pfn = allocPages(k, order, s.kind === 'alloc_pages' && s.comp, OWNER_ALLOC, a.slot);
      if (pfn < 0) a.isNull = true;
      else a.basePfn = pfn;
      break;
    }
  }
  k.allocById.set(s.id, a);
  return a;
}

/** kfree / vfree / __free_pages / free_pages, as the allocation's kind requires. */
export function doFree(k: Kernel, a: Allocation): void {
  a.freed = true;
  if (a.isNull) return;
  if (a.vmPfns) {
    // vfree(): the area goes, each page is __free_pages(page, 0).
    a.vmArea = null;
    for (const pfn of a.vmPfns) freePages(k, pfn, 0);
  } else if (a.kind === 'kmalloc' || a.kind === 'kzalloc') {
    kfree(k, a);
  } else {
    freePages(k, a.basePfn, a.order);
  }
}

/** The struct page a PageRef names, or -1 for a page of a NULL allocation. */
export function pageOf(k: Kernel, ref: PageRef): number {
  const a = k.allocById.get(ref.alloc) as Allocation;
  if (a.isNull) return -1;
  return a.vmPfns ? (a.vmPfns[ref.page] as number) : a.basePfn + ref.page;
}

/**
 * Which allocation page a frame is, as the harness resolves it: live
 * allocations first in scenario order, then freed ones.
 */
export function resolvePfn(k: Kernel, pfn: number): PageRef | null {
  for (const freed of [false, true]) {
    for (const a of k.allocs) {
      if (a.isNull || a.freed !== freed) continue;
      if (a.vmPfns) {
        const i = a.vmPfns.indexOf(pfn);
        if (i >= 0) return { alloc: a.id, page: i };
      } else if (pfn >= a.basePfn && pfn < a.basePfn + a.npages) {
        return { alloc: a.id, page: pfn - a.basePfn };
      }
    }
  }
  return null;
}
