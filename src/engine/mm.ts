// mm/mmap.c and mm/madvise.c: VMAs, mmap()'s checks in the kernel's order,
// munmap with VMA splitting, MADV_DONTNEED.
import type { Prot } from '../scenario/types.ts';
import {
  _PAGE_ACCESSED,
  _PAGE_NX,
  _PAGE_PRESENT,
  _PAGE_PROTNONE,
  _PAGE_RW,
  _PAGE_USER,
  errno,
  MMAP_BASE,
  MMAP_LOW_LIMIT,
  PAGE_SIZE,
  TASK_SIZE,
  VM_EXEC,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_PFNMAP,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
} from './constants.ts';
import type { Kernel, Vma } from './kernel.ts';
import { freePgdRange, zapPageRange } from './memory.ts';
import { change, check, enter, hex, keeps } from './trace.ts';

/** vm_get_page_prot(): x86 protection_map (§8.3) as a PTE flag word. */
export function vmGetPageProt(flags: number): number {
  const r = (flags & VM_READ) !== 0;
  const w = (flags & VM_WRITE) !== 0;
  const x = (flags & VM_EXEC) !== 0;
  const shared = (flags & VM_SHARED) !== 0;
  if (!r && !w && !x) return _PAGE_PROTNONE | _PAGE_ACCESSED; // PAGE_NONE
  let prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
  if (w && shared) prot |= _PAGE_RW; // PAGE_SHARED(_EXEC); private writable is PAGE_COPY
  if (!x) prot |= _PAGE_NX;
  return prot >>> 0;
}

/** find_vma(): the first VMA ending above addr (binary search), or null. */
export function findVma(k: Kernel, addr: number): Vma | null {
  let lo = 0;
  let hi = k.vmas.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((k.vmas[mid] as Vma).end > addr) hi = mid;
    else lo = mid + 1;
  }
  return k.vmas[lo] ?? null;
}

/** The VMAs just below and above [start, end), for free_pgtables' floor and ceiling. */
function neighbours(k: Kernel, start: number, end: number): { floor: number; ceiling: number } {
  let floor = 0;
  let ceiling = 0;
  for (const v of k.vmas) {
    if (v.end <= start) floor = v.end;
    else if (v.start >= end) {
      ceiling = v.start;
      break;
    }
  }
  return { floor, ceiling };
}

/** unmap_region(): zap [start, end) and free the page tables only it used. */
export function unmapRegion(k: Kernel, start: number, end: number): void {
  enter(k, 'unmap_region');
  zapPageRange(k, start, end);
  const { floor, ceiling } = neighbours(k, start, end);
  freePgdRange(k, start, end, floor, ceiling);
}

/** vm_unmapped_area() top-down: the highest gap below mmap_base that fits. */
function unmappedAreaTopdown(k: Kernel, len: number): number {
  let gapEnd = MMAP_BASE;
  for (let i = k.vmas.length - 1; i >= 0; i--) {
    const v = k.vmas[i] as Vma;
    if (v.start >= gapEnd) continue;
    if (v.end <= gapEnd && gapEnd - v.end >= len) return gapEnd - len;
    gapEnd = Math.min(gapEnd, v.start);
  }
  return gapEnd - MMAP_LOW_LIMIT >= len ? gapEnd - len : -errno.ENOMEM;
}

export interface MmapRequest {
  pages: number;
  prot: Prot[];
  shared: boolean;
  pgoff: number;
  rdonly: boolean;
}

/**
 * do_mmap()'s checks before the driver sees the VMA, in the kernel's order.
 * Returns the address and vm_flags, or an errno.
 */
export function doMmap(k: Kernel, req: MmapRequest): { addr: number; flags: number } | { err: number } {
  const fn = 'do_mmap';
  enter(k, fn);
  // PAGE_ALIGN(len) and the pgoff wrap cannot trip for page counts; a length past
  // TASK_SIZE is refused by get_unmapped_area().
  enter(k, 'get_unmapped_area');
  if (check(k, 'get_unmapped_area', req.pages > TASK_SIZE / PAGE_SIZE, 'len > TASK_SIZE', '-ENOMEM'))
    return { err: -errno.ENOMEM };
  const addr = unmappedAreaTopdown(k, req.pages * PAGE_SIZE);
  if (check(k, 'get_unmapped_area', addr < 0, 'no gap below mmap_base fits len (vm_unmapped_area)', '-ENOMEM')) {
    return { err: -errno.ENOMEM };
  }
  let flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  if (req.prot.includes('read')) flags |= VM_READ;
  if (req.prot.includes('write')) flags |= VM_WRITE;
  if (req.prot.includes('exec')) flags |= VM_EXEC;
  // file_mmap_ok(): a char device's limit is ULONG_MAX bytes, so pgoff + pages < 2^52.
  if (check(k, fn, req.pgoff + req.pages >= 2 ** 52, '!file_mmap_ok(file, inode, pgoff, len)', '-EOVERFLOW')) {
    return { err: -errno.EOVERFLOW };
  }
  if (req.shared) {
    if (
      check(
        k,
        fn,
        (flags & VM_WRITE) !== 0 && req.rdonly,
        'MAP_SHARED, PROT_WRITE and !(file->f_mode & FMODE_WRITE)',
        '-EACCES',
      )
    ) {
      return { err: -errno.EACCES };
    }
    flags |= VM_SHARED | VM_MAYSHARE;
    if (check(k, fn, req.rdonly, '!(file->f_mode & FMODE_WRITE)', 'vm_flags &= ~(VM_MAYWRITE | VM_SHARED)')) {
      flags &= ~(VM_MAYWRITE | VM_SHARED);
    }
  }
  if (keeps(k)) change(k, fn, `VMA at ${hex(addr)}..${hex(addr + req.pages * PAGE_SIZE)}, vm_flags ${hex(flags)}`);
  // Both opens are readable (no -EACCES), /dev is not noexec, the driver has ->mmap.
  return { addr, flags };
}

export function insertVma(k: Kernel, vma: Vma): void {
  let i = 0;
  while (i < k.vmas.length && (k.vmas[i] as Vma).start < vma.start) i++;
  k.vmas.splice(i, 0, vma);
}

/** __split_vma(): the part of `vma` from addr up becomes a new VMA after it. */
function splitVma(k: Kernel, vma: Vma, addr: number): void {
  const upper: Vma = { ...vma, start: addr, pgoff: vma.pgoff + (addr - vma.start) / PAGE_SIZE };
  vma.end = addr;
  k.vmas.splice(k.vmas.indexOf(vma) + 1, 0, upper);
}

/** do_vmi_munmap(): checks, split at both ends, zap, free page tables, remove. */
export function doMunmap(k: Kernel, start: number, len: number): number {
  const fn = 'do_munmap';
  enter(k, fn);
  const bad = start % PAGE_SIZE !== 0 || start < 0 || start > TASK_SIZE || len > TASK_SIZE - start;
  if (check(k, fn, bad, 'offset_in_page(start) || start > TASK_SIZE || len > TASK_SIZE - start', '-EINVAL')) {
    return -errno.EINVAL;
  }
  const end = start + len;
  for (const v of k.vmas.slice()) {
    if (v.end <= start || v.start >= end) continue;
    if (v.start < start) splitVma(k, v, start);
  }
  for (const v of k.vmas.slice()) {
    if (v.end <= start || v.start >= end) continue;
    if (v.end > end) splitVma(k, v, end);
  }
  const gone = k.vmas.filter((v) => v.start >= start && v.end <= end);
  if (check(k, fn, gone.length === 0, 'no VMA in [start, end)', '0')) return 0;
  k.vmas = k.vmas.filter((v) => !gone.includes(v));
  // unmap_region() over the detached VMAs, with the remaining neighbours as limits.
  for (const v of gone) zapPageRange(k, v.start, v.end);
  const first = gone[0] as Vma;
  const last = gone[gone.length - 1] as Vma;
  const { floor, ceiling } = neighbours(k, first.start, last.end);
  for (const v of gone) freePgdRange(k, v.start, v.end, floor, ceiling);
  return 0;
}

/** madvise(MADV_DONTNEED): zap the PTEs of every VMA in the range. */
export function madviseDontneed(k: Kernel, start: number, len: number): number {
  const fn = 'madvise_walk_vmas';
  enter(k, 'madvise_dontneed_free');
  if (check(k, fn, start % PAGE_SIZE !== 0 || start < 0, 'start & ~PAGE_MASK', '-EINVAL')) return -errno.EINVAL;
  const end = start + len;
  // madvise_walk_vmas(): holes give -ENOMEM after the mapped parts are done.
  let unmappedError = 0;
  let addr = start;
  for (;;) {
    const vma = findVma(k, addr);
    if (check(k, fn, !vma, '!vma', '-ENOMEM') || !vma) return -errno.ENOMEM;
    if (check(k, fn, addr < vma.start, 'start < vma->vm_start (a hole)', '-ENOMEM once the rest is done')) {
      unmappedError = -errno.ENOMEM;
      addr = vma.start;
      if (addr >= end) break;
    }
    const tmp = Math.min(end, vma.end);
    // madvise_dontneed_free_valid_vma(): can_madv_lru_vma() refuses VM_PFNMAP (and VM_LOCKED, VM_HUGETLB).
    const notLru = (vma.flags & VM_PFNMAP) !== 0;
    if (check(k, 'madvise_dontneed_free', notLru, '!can_madv_lru_vma(vma): vma->vm_flags & VM_PFNMAP', '-EINVAL')) {
      return -errno.EINVAL;
    }
    zapPageRange(k, addr, tmp);
    addr = tmp;
    if (addr >= end) break;
  }
  return unmappedError;
}
