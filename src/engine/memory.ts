// mm/memory.c: page-table allocation and zapping, and the driver insert family,
// one function per kernel function, each check in the kernel's order.
import {
  _PAGE_DIRTY,
  _PAGE_NX,
  _PAGE_SPECIAL,
  ERRNO_NAMES,
  errno,
  PAGE_SIZE,
  PGDIR_SIZE,
  PMD_SIZE,
  PUD_SIZE,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_FAULT_NOPAGE,
  VM_FAULT_OOM,
  VM_FAULT_SIGBUS,
  VM_IO,
  VM_MAYWRITE,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
} from './constants.ts';
import { type Kernel, KernelDeath, type Vma } from './kernel.ts';
import { allocPages, freeThePage, getPage, putPage } from './page_alloc.ts';
import { LEVEL_NAMES, LEVEL_PMD, LEVEL_PTE, LEVEL_PUD } from './pagetable.ts';
import { OWNER_FREE, OWNER_PAGETABLE, PG_anon, PG_dirty, PG_slab, PG_table } from './physmem.ts';
import { objectsOnPage } from './slab.ts';
import { change, check, countChange, enter, hex, keeps } from './trace.ts';

/** Which mmap lock the caller holds: f_op->mmap runs with it for write, ->fault for read. */
export type LockHeld = 'write' | 'read';

/** BUG_ON(cond): a simulated oops that ends the run. */
export function BUG_ON(k: Kernel, fn: string, cond: boolean, text: string): void {
  if (check(k, fn, cond, `BUG_ON(${text})`, 'kernel BUG: oops')) throw new KernelDeath('oops', text);
}

/** A PTE as the 64-bit value the hardware sees (NX is bit 63). */
export function pteText(pfn: number, flags: number): string {
  const hi = ((flags & _PAGE_NX) !== 0 ? 0x80000000 : 0) + Math.floor(pfn / 0x100000);
  const lo = ((pfn % 0x100000) * 0x1000 + (flags & 0xfff)) >>> 0;
  return `0x${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;
}

function errnoText(err: number): string {
  return err === 0 ? '0' : (ERRNO_NAMES.get(err) ?? String(err));
}

/** is_cow_mapping(): private and possibly writable. */
export function isCowMapping(flags: number): boolean {
  return (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

// ---- page-table pages ------------------------------------------------------

/** pte_alloc_one() / __pud_alloc_one(): a zeroed page-table page (GFP_KERNEL: no failure short of the OOM killer). */
export function pageTablePageAlloc(k: Kernel): number {
  const pfn = allocPages(k, 0, false, OWNER_PAGETABLE, 0);
  k.mem.setFlags(pfn, PG_table);
  return pfn;
}

export function pageTablePageFree(k: Kernel, pfn: number): void {
  k.mem.setFlags(pfn, 0);
  freeThePage(k, pfn, 0);
}

const TABLE_ALLOC_FN = ['', '__pte_alloc', '__pmd_alloc', '__pud_alloc'];

/** pud_alloc / pmd_alloc / pte_alloc for one level: the child table, allocating it when missing. */
function tableAlloc(k: Kernel, parent: number, addr: number, level: number, prealloc?: { pfn: number }): number {
  const slot = k.pt.child(parent, addr);
  if (slot >= 0) return slot;
  let frame: number;
  if (prealloc && prealloc.pfn >= 0) {
    frame = prealloc.pfn;
    prealloc.pfn = -1;
  } else {
    frame = pageTablePageAlloc(k);
  }
  if (keeps(k))
    change(k, TABLE_ALLOC_FN[level] as string, `${LEVEL_NAMES[level]} table allocated in frame ${hex(frame)}`);
  return k.pt.install(parent, addr, level, frame);
}

/** walk_to_pmd(): p4d (folded), pud and pmd tables for addr. */
export function walkToPmd(k: Kernel, addr: number): number {
  const cached = k.pt.pmdTable(addr);
  if (cached >= 0) return cached;
  const pud = tableAlloc(k, k.pt.pgd, addr, LEVEL_PUD);
  return tableAlloc(k, pud, addr, LEVEL_PMD);
}

/** pte_alloc(): the PTE table under a PMD, from the fault's preallocated page when given. */
export function pteAlloc(k: Kernel, pmd: number, addr: number, prealloc?: { pfn: number }): number {
  return tableAlloc(k, pmd, addr, LEVEL_PTE, prealloc);
}

/** __get_locked_pte(): the PTE slot for addr (tables allocated as needed). */
export function getLockedPte(k: Kernel, addr: number): number {
  const table = k.pt.pteTable(addr);
  return k.pt.pteIndex(table >= 0 ? table : pteAlloc(k, walkToPmd(k, addr), addr), addr);
}

/** The PTE handle for addr without allocating anything (a read for display or a walk), or -1. */
export function lookupPte(k: Kernel, addr: number): number {
  const table = k.pt.pteTable(addr);
  return table < 0 ? -1 : k.pt.pteIndex(table, addr);
}

// ---- rmap and zap ---------------------------------------------------------

/** set_pte_at(pte_mkspecial(pfn_pte(pfn, prot))): no reference, no mapcount. */
function setSpecialPte(k: Kernel, index: number, pfn: number, prot: number): void {
  k.pt.setPte(index, pfn, prot | _PAGE_SPECIAL);
  if (keeps(k))
    change(k, 'insert_pfn', `set_pte_at: special PTE ${pteText(pfn, prot | _PAGE_SPECIAL)}, no reference taken`);
  if (!pfnValid(k, pfn)) return;
  k.mem.addPfnmaps(pfn, 1);
  // A pfn the page allocator has free: the process now reaches memory nobody owns.
  if (k.mem.owner(pfn) === OWNER_FREE) k.useAfterFree = true;
}

/** Clear a PTE that is not none; a special one stops counting against its frame. */
function clearPte(k: Kernel, index: number): void {
  const pfn = k.pt.ptePfn(index);
  if ((k.pt.pteFlagsAt(index) & _PAGE_SPECIAL) !== 0 && pfnValid(k, pfn)) k.mem.addPfnmaps(pfn, -1);
  k.pt.clearPte(index);
}

/** page_add_file_rmap(page, false): this struct page's own _mapcount + 1. */
export function pageAddFileRmap(k: Kernel, pfn: number): void {
  const mc = k.mem.mapcount(pfn);
  k.mem.setMapcount(pfn, mc + 1);
  if (keeps(k)) countChange(k, 'page_add_file_rmap', 'page_mapcount', pfn, mc, mc + 1);
}

/** page_remove_rmap(). */
export function pageRemoveRmap(k: Kernel, pfn: number): void {
  const mc = k.mem.mapcount(pfn);
  k.mem.setMapcount(pfn, mc - 1);
  if (keeps(k)) countChange(k, 'page_remove_rmap', 'page_mapcount', pfn, mc, mc - 1);
}

/** vm_normal_page(): the page behind a PTE, or -1 for special (pfn) PTEs. */
export function vmNormalPage(k: Kernel, pteIndex: number): number {
  if ((k.pt.pteFlagsAt(pteIndex) & _PAGE_SPECIAL) !== 0) return -1;
  return k.pt.ptePfn(pteIndex);
}

/**
 * zap_pte_range() over [start, end): clear every PTE; for a normal page drop
 * its mapcount now and its reference after the TLB flush (tlb_finish_mmu →
 * release_pages), in PTE order.
 */
export function zapPageRange(k: Kernel, start: number, end: number): void {
  const release: number[] = [];
  for (let addr = start; addr < end; ) {
    const table = k.pt.pteTable(addr);
    const next = Math.min(end, (Math.floor(addr / PMD_SIZE) + 1) * PMD_SIZE);
    if (table >= 0) {
      for (let a = addr; a < next; a += PAGE_SIZE) {
        const i = k.pt.pteIndex(table, a);
        if (k.pt.pteNone(i)) continue;
        const page = vmNormalPage(k, i);
        const dirty = (k.pt.pteFlagsAt(i) & _PAGE_DIRTY) !== 0;
        if (keeps(k))
          change(k, 'zap_pte_range', `PTE at ${hex(a)} cleared (was ${pteText(k.pt.ptePfn(i), k.pt.pteFlagsAt(i))})`);
        clearPte(k, i);
        if (page < 0) continue;
        const head = k.mem.compoundHead(page);
        if (dirty && (k.mem.flags(head) & PG_anon) === 0) k.mem.setFlags(head, k.mem.flags(head) | PG_dirty);
        pageRemoveRmap(k, page);
        release.push(page);
      }
    }
    addr = next;
  }
  for (const page of release) putPage(k, page);
}

/**
 * free_pgd_range(): free the page-table pages that map only [addr, end),
 * as far as floor and ceiling (the neighbouring VMAs) allow; ceiling 0 = none.
 */
export function freePgdRange(k: Kernel, addrIn: number, endIn: number, floor: number, ceilingIn: number): void {
  let addr = Math.floor(addrIn / PMD_SIZE) * PMD_SIZE;
  let end = endIn;
  let ceiling = ceilingIn;
  if (addr < floor) addr += PMD_SIZE;
  if (ceiling) {
    ceiling = Math.floor(ceiling / PMD_SIZE) * PMD_SIZE;
    if (!ceiling) return;
    if (end - 1 > ceiling - 1) end -= PMD_SIZE;
  }
  if (addr > end - 1) return;
  for (let a = addr; a < end; ) {
    const next = Math.min(end, (Math.floor(a / PGDIR_SIZE) + 1) * PGDIR_SIZE);
    const pud = k.pt.child(k.pt.pgd, a);
    if (pud >= 0) freePudRange(k, pud, a, next, floor, ceiling);
    a = next;
  }
}

/** Is the upper table's whole span [start, start + size) inside [floor, ceiling)? */
function spanFree(start: number, end: number, size: number, floor: number, ceiling: number): boolean {
  const s = Math.floor(start / size) * size;
  if (s < floor) return false;
  if (ceiling) {
    const c = Math.floor(ceiling / size) * size;
    if (!c) return false;
    if (end - 1 > c - 1) return false;
  }
  return true;
}

/**
 * pmd_free_tlb / pud_free_tlb free one table page. Tables still linked below it
 * exist only when a driver wrote PTEs outside every VMA (remap_pfn_range on a
 * shared mapping is not range-checked): the kernel never frees those pages.
 */
function freeUpperTable(k: Kernel, parent: number, addr: number): void {
  const slot = k.pt.uninstall(parent, addr);
  for (const t of k.pt.descendants(slot)) {
    if (k.pt.levelOf(t) === LEVEL_PTE) {
      for (let i = t * 512; i < (t + 1) * 512; i++) if (!k.pt.pteNone(i)) clearPte(k, i);
    }
    k.leakedPageTables.push(k.pt.frameOf(t));
    k.pt.release(t);
  }
  pageTablePageFree(k, k.pt.frameOf(slot));
}

function freePudRange(k: Kernel, pud: number, addr: number, end: number, floor: number, ceiling: number): void {
  for (let a = addr; a < end; ) {
    const next = Math.min(end, (Math.floor(a / PUD_SIZE) + 1) * PUD_SIZE);
    const pmd = k.pt.child(pud, a);
    if (pmd >= 0) freePmdRange(k, pud, pmd, a, next, floor, ceiling);
    a = next;
  }
  // free_p4d_range's tail: the PUD table goes when its 512 GiB span is free.
  if (!spanFree(addr, end, PGDIR_SIZE, floor, ceiling)) return;
  freeUpperTable(k, k.pt.pgd, Math.floor(addr / PGDIR_SIZE) * PGDIR_SIZE);
}

function freePmdRange(
  k: Kernel,
  pud: number,
  pmd: number,
  addr: number,
  end: number,
  floor: number,
  ceiling: number,
): void {
  for (let a = addr; a < end; a = (Math.floor(a / PMD_SIZE) + 1) * PMD_SIZE) {
    // free_pte_range(): the PTE table goes whatever it still holds.
    const table = k.pt.child(pmd, a);
    if (table < 0) continue;
    for (let i = table * 512; i < (table + 1) * 512; i++) if (!k.pt.pteNone(i)) clearPte(k, i);
    const slot = k.pt.uninstall(pmd, a);
    pageTablePageFree(k, k.pt.frameOf(slot));
  }
  if (!spanFree(addr, end, PUD_SIZE, floor, ceiling)) return;
  freeUpperTable(k, pud, Math.floor(addr / PUD_SIZE) * PUD_SIZE);
}

// ---- vm_insert_page and friends -------------------------------------------

/** validate_page_before_insert(). */
export function validatePageBeforeInsert(k: Kernel, page: number): number {
  const fn = 'validate_page_before_insert';
  enter(k, fn);
  const head = k.mem.compoundHead(page);
  if (
    k.profile.refcountCheckAfterMixedmap &&
    check(k, fn, k.mem.refcount(head) === 0, '!folio_ref_count(folio)', '-EINVAL')
  ) {
    return -errno.EINVAL;
  }
  const headFlags = k.mem.flags(head);
  if (check(k, fn, (headFlags & PG_anon) !== 0, 'PageAnon(page)', '-EINVAL')) return -errno.EINVAL;
  if (k.profile.refusesSlabAndTypedPages) {
    if (check(k, fn, (headFlags & PG_slab) !== 0, 'PageSlab(page)', '-EINVAL')) return -errno.EINVAL;
    // A freed page reused as a page table (a free page itself has refcount 0).
    if (check(k, fn, (k.mem.flags(page) & PG_table) !== 0, 'page_has_type(page)', '-EINVAL')) return -errno.EINVAL;
  }
  return 0;
}

/** insert_page_into_pte_locked(). */
export function insertPageIntoPteLocked(k: Kernel, vma: Vma, index: number, page: number): number {
  const fn = 'insert_page_into_pte_locked';
  if (check(k, fn, !k.pt.pteNone(index), '!pte_none(*pte)', '-EBUSY')) return -errno.EBUSY;
  getPage(k, page);
  pageAddFileRmap(k, page);
  k.pt.setPte(index, page, vma.pageProt);
  if (k.trace) tracePageMapped(k, fn, vma, page);
  return 0;
}

function tracePageMapped(k: Kernel, fn: string, vma: Vma, page: number): void {
  if (keeps(k)) change(k, fn, `set_pte_at: PTE ${pteText(page, vma.pageProt)} (mk_pte(page, vma->vm_page_prot))`);
  const objects = objectsOnPage(k, page);
  if (objects.length > 0) {
    const list = objects.map((o) => `${k.allocs[o.slot]?.id} (bytes ${o.offset}..${o.offset + o.size - 1})`).join(', ');
    change(k, fn, `a slab page is mapped: the process sees the whole page, with the kmalloc objects ${list}`);
  }
}

/** insert_page(). */
function insertPage(k: Kernel, vma: Vma, addr: number, page: number): number {
  enter(k, 'insert_page');
  const ret = validatePageBeforeInsert(k, page);
  if (ret) return ret;
  return insertPageIntoPteLocked(k, vma, getLockedPte(k, addr), page);
}

/** The VM_MIXEDMAP preamble of vm_insert_page and vm_insert_pages. */
function setMixedmapOrBug(k: Kernel, fn: string, vma: Vma, lock: LockHeld): void {
  if (
    !check(k, fn, (vma.flags & VM_MIXEDMAP) === 0, '!(vma->vm_flags & VM_MIXEDMAP)', 'the lock and VM_PFNMAP BUG_ONs')
  )
    return;
  // mmap_read_trylock() succeeds unless the caller holds the lock for write.
  BUG_ON(k, fn, lock === 'read', k.profile.mmapLockBugOn);
  BUG_ON(k, fn, (vma.flags & VM_PFNMAP) !== 0, 'vma->vm_flags & VM_PFNMAP');
  vma.flags |= VM_MIXEDMAP;
  if (keeps(k)) change(k, fn, 'vma->vm_flags |= VM_MIXEDMAP (set before the page checks: it stays if they fail)');
}

/** vm_insert_page() (and the seed proposal's vm_insert_kmem_page, line for line the same). */
export function vmInsertPage(
  k: Kernel,
  vma: Vma,
  addr: number,
  page: number,
  lock: LockHeld,
  fn = 'vm_insert_page',
): number {
  enter(k, fn);
  if (check(k, fn, addr < vma.start || addr >= vma.end, 'addr < vma->vm_start || addr >= vma->vm_end', '-EFAULT')) {
    return -errno.EFAULT;
  }
  if (
    !k.profile.refcountCheckAfterMixedmap &&
    check(k, fn, k.mem.pageCount(page) === 0, '!page_count(page)', '-EINVAL')
  ) {
    return -errno.EINVAL;
  }
  setMixedmapOrBug(k, fn, vma, lock);
  return insertPage(k, vma, addr, page);
}

/** The errno → vm_fault_t mapping of vmf_insert_page (0 and -EBUSY are success). */
export function vmfInsertPageResult(err: number): number {
  if (err === -errno.ENOMEM) return VM_FAULT_OOM;
  if (err < 0 && err !== -errno.EBUSY) return VM_FAULT_SIGBUS;
  return VM_FAULT_NOPAGE;
}

/** vmf_insert_page(): the inline wrapper. */
export function vmfInsertPage(k: Kernel, vma: Vma, addr: number, page: number, lock: LockHeld): number {
  enter(k, 'vmf_insert_page');
  const err = vmInsertPage(k, vma, addr, page, lock);
  const ret = vmfInsertPageResult(err);
  if (keeps(k)) change(k, 'vmf_insert_page', `vm_insert_page returned ${errnoText(err)}: ${VMF_INSERT_PAGE_RULE}`);
  return ret;
}

export const VMF_INSERT_PAGE_RULE =
  '0 and -EBUSY become VM_FAULT_NOPAGE, -ENOMEM VM_FAULT_OOM, any other errno VM_FAULT_SIGBUS';
export const VMF_ERROR_RULE =
  'vmf_error(): -ENOMEM becomes VM_FAULT_OOM, anything else (even 0 or -EBUSY) VM_FAULT_SIGBUS';

/** vmf_error(): -ENOMEM is VM_FAULT_OOM, anything else VM_FAULT_SIGBUS. */
export function vmfError(err: number): number {
  return err === -errno.ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

/** __vm_map_pages(): every page of the VMA from `offset` in the object. */
function vmMapPagesInternal(k: Kernel, vma: Vma, pages: number[], offset: number, lock: LockHeld): number {
  const fn = '__vm_map_pages';
  enter(k, fn);
  const count = (vma.end - vma.start) / PAGE_SIZE;
  const num = pages.length;
  const ge = k.profile.vmMapPagesOffsetCheck === 'ge';
  if (check(k, fn, ge ? offset >= num : offset > num, ge ? 'offset >= num' : 'offset > num', '-ENXIO'))
    return -errno.ENXIO;
  if (check(k, fn, count > num - offset, 'count > num - offset', '-ENXIO')) return -errno.ENXIO;
  let uaddr = vma.start;
  for (let i = 0; i < count; i++) {
    const ret = vmInsertPage(k, vma, uaddr, pages[offset + i] as number, lock);
    if (ret < 0) return ret;
    uaddr += PAGE_SIZE;
  }
  return 0;
}

/** vm_map_pages(): offset from vma->vm_pgoff. */
export function vmMapPages(k: Kernel, vma: Vma, pages: number[], lock: LockHeld): number {
  enter(k, 'vm_map_pages');
  return vmMapPagesInternal(k, vma, pages, vma.pgoff, lock);
}

/** vm_map_pages_zero(): offset 0, whatever vm_pgoff says. */
export function vmMapPagesZero(k: Kernel, vma: Vma, pages: number[], lock: LockHeld): number {
  enter(k, 'vm_map_pages_zero');
  return vmMapPagesInternal(k, vma, pages, 0, lock);
}

/** insert_page_in_batch_locked(). */
function insertPageInBatchLocked(k: Kernel, vma: Vma, index: number, page: number): number {
  const fn = 'insert_page_in_batch_locked';
  enter(k, fn);
  if (check(k, fn, k.mem.pageCount(page) === 0, '!page_count(page)', '-EINVAL')) return -errno.EINVAL;
  const err = validatePageBeforeInsert(k, page);
  if (err) return err;
  return insertPageIntoPteLocked(k, vma, index, page);
}

/** vm_insert_pages(): batched per PMD; `remaining` is *num on return (pages not mapped). */
export function vmInsertPages(
  k: Kernel,
  vma: Vma,
  addrIn: number,
  pages: number[],
  lock: LockHeld,
): { ret: number; remaining: number } {
  const fn = 'vm_insert_pages';
  enter(k, fn);
  const endAddr = addrIn + pages.length * PAGE_SIZE - 1;
  if (
    check(k, fn, addrIn < vma.start || endAddr >= vma.end, 'addr < vma->vm_start || end_addr >= vma->vm_end', '-EFAULT')
  ) {
    return { ret: -errno.EFAULT, remaining: pages.length };
  }
  setMixedmapOrBug(k, fn, vma, lock);
  enter(k, 'insert_pages');
  // insert_pages()
  let addr = addrIn;
  let remaining = pages.length;
  let idx = 0;
  do {
    const pmd = walkToPmd(k, addr);
    const table = pteAlloc(k, pmd, addr);
    const inPmd = Math.min(remaining, 512 - (Math.floor(addr / PAGE_SIZE) % 512));
    for (let n = 0; n < inPmd; n++) {
      const err = insertPageInBatchLocked(k, vma, k.pt.pteIndex(table, addr), pages[idx] as number);
      if (err) return { ret: err, remaining: remaining - n };
      addr += PAGE_SIZE;
      idx++;
    }
    remaining -= inPmd;
  } while (remaining > 0);
  return { ret: 0, remaining: 0 };
}

/**
 * remap_pfn_range(): special PTEs for [addr, addr + count pages), no reference
 * taken. A shared mapping's range is not checked against the VMA.
 */
export function remapPfnRange(k: Kernel, vma: Vma, addr: number, pfn: number, count: number): number {
  const fn = 'remap_pfn_range';
  enter(k, fn);
  // track_pfn_remap() (x86 PAT, write-back RAM) does not fail here.
  const end = addr + count * PAGE_SIZE;
  if (check(k, fn, isCowMapping(vma.flags), 'is_cow_mapping(vma->vm_flags)', 'the range must be the whole VMA')) {
    if (check(k, fn, addr !== vma.start || end !== vma.end, 'addr != vma->vm_start || end != vma->vm_end', '-EINVAL')) {
      return -errno.EINVAL;
    }
    vma.pgoff = pfn;
    if (keeps(k)) change(k, fn, `vma->vm_pgoff = pfn (${hex(pfn)}): vm_normal_page() then tells COWed pages apart`);
  }
  vma.flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
  if (keeps(k)) change(k, fn, 'vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP');
  BUG_ON(k, fn, addr >= end, 'addr >= end');
  for (let a = addr, p = pfn; a < end; a += PAGE_SIZE, p++) {
    const index = getLockedPte(k, a);
    // remap_pte_range()
    BUG_ON(k, 'remap_pte_range', !k.pt.pteNone(index), k.profile.remapPteNoneBugOn);
    // pfn_modify_allowed() (the L1TF guard) refuses only PROT_NONE-style
    // protections of pfns above the RAM: never for the frames a scenario names.
    setSpecialPte(k, index, p, vma.pageProt);
  }
  return 0;
}

/** insert_pfn(): a special PTE; a present PTE is left alone (VM_FAULT_NOPAGE either way). */
function insertPfn(k: Kernel, vma: Vma, addr: number, pfn: number): number {
  enter(k, 'insert_pfn');
  const index = getLockedPte(k, addr);
  if (check(k, 'insert_pfn', !k.pt.pteNone(index), '!pte_none(*pte)', 'VM_FAULT_NOPAGE, PTE left as it is')) {
    return VM_FAULT_NOPAGE;
  }
  setSpecialPte(k, index, pfn, vma.pageProt);
  return VM_FAULT_NOPAGE;
}

/** vmf_insert_pfn() → vmf_insert_pfn_prot(vma->vm_page_prot). */
export function vmfInsertPfn(k: Kernel, vma: Vma, addr: number, pfn: number): number {
  const fn = 'vmf_insert_pfn_prot';
  enter(k, 'vmf_insert_pfn');
  enter(k, fn);
  const pfnmap = (vma.flags & VM_PFNMAP) !== 0;
  const mixed = (vma.flags & VM_MIXEDMAP) !== 0;
  BUG_ON(k, fn, !pfnmap && !mixed, '!(vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP))');
  BUG_ON(k, fn, pfnmap && mixed, '(vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP)) == (VM_PFNMAP|VM_MIXEDMAP)');
  BUG_ON(k, fn, pfnmap && isCowMapping(vma.flags), '(vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags)');
  BUG_ON(k, fn, mixed && pfnValid(k, pfn), '(vma->vm_flags & VM_MIXEDMAP) && pfn_valid(pfn)');
  if (
    check(k, fn, addr < vma.start || addr >= vma.end, 'addr < vma->vm_start || addr >= vma->vm_end', 'VM_FAULT_SIGBUS')
  ) {
    return VM_FAULT_SIGBUS;
  }
  return insertPfn(k, vma, addr, pfn);
}

/** vmf_insert_mixed(): x86 has pte_special, so RAM pages too get a special PTE. */
export function vmfInsertMixed(k: Kernel, vma: Vma, addr: number, pfn: number): number {
  const fn = '__vm_insert_mixed';
  enter(k, 'vmf_insert_mixed');
  enter(k, fn);
  // vm_mixed_ok(): VM_MIXEDMAP (a PFN_DEV pfn_t is neither devmap nor special).
  const notOk = (vma.flags & VM_MIXEDMAP) === 0;
  if (k.profile.mixedNotOk === 'sigbus') {
    if (check(k, fn, notOk, '!vm_mixed_ok(vma, pfn, mkwrite)', 'VM_FAULT_SIGBUS')) return VM_FAULT_SIGBUS;
  } else {
    BUG_ON(k, fn, notOk, '!vm_mixed_ok(vma, pfn)');
  }
  if (
    check(k, fn, addr < vma.start || addr >= vma.end, 'addr < vma->vm_start || addr >= vma->vm_end', 'VM_FAULT_SIGBUS')
  ) {
    return VM_FAULT_SIGBUS;
  }
  return insertPfn(k, vma, addr, pfn);
}

/** pfn_valid(): a frame of the simulated RAM. */
export function pfnValid(k: Kernel, pfn: number): boolean {
  return pfn >= 0 && pfn < k.mem.nframes;
}
