// A user access, as the CPU and then arch/x86/mm/fault.c and mm/memory.c see it:
// the page walk first; a fault only when the PTE is missing or forbids the access.
import type { FaultRecord } from '../scenario/results.ts';
import type { Access } from '../scenario/types.ts';
import {
  _PAGE_ACCESSED,
  _PAGE_DIRTY,
  _PAGE_NX,
  _PAGE_PRESENT,
  _PAGE_RW,
  _PAGE_SOFT_DIRTY,
  _PAGE_SPECIAL,
  PAGE_SIZE,
  TASK_SIZE,
  VM_EXEC,
  VM_FAULT_COMPLETED,
  VM_FAULT_DONE_COW,
  VM_FAULT_ERROR,
  VM_FAULT_HWPOISON,
  VM_FAULT_HWPOISON_LARGE,
  VM_FAULT_NOPAGE,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
  VM_FAULT_SIGSEGV,
  VM_MAYSHARE,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
  X86_PF_INSTR,
  X86_PF_PROT,
  X86_PF_USER,
  X86_PF_WRITE,
} from './constants.ts';
import { type Kernel, KernelDeath, type Vma } from './kernel.ts';
import {
  lookupPte,
  pageAddFileRmap,
  pageRemoveRmap,
  pageTablePageAlloc,
  pageTablePageFree,
  pteAlloc,
  pteText,
  vmNormalPage,
  walkToPmd,
} from './memory.ts';
import { findVma } from './mm.ts';
import { allocPages, putPage } from './page_alloc.ts';
import { OWNER_ANON, PG_anon, PG_dirty } from './physmem.ts';
import { change, check, enter, hex, keeps } from './trace.ts';

/** The driver's vm_operations_struct->fault, provided by the step runner. */
export type FaultHandler = (
  vma: Vma,
  address: number,
  pgoff: number,
  write: boolean,
) => {
  ret: number;
  /** vmf->page, with the reference the handler took, or -1. */
  page: number;
  record: FaultRecord;
};

export interface TouchOutcome {
  signal: 'SIGSEGV' | 'SIGBUS' | 'SIGKILL' | 'LOOP' | null;
  code: 'SEGV_MAPERR' | 'SEGV_ACCERR' | 'BUS_ADRERR' | 'BUS_MCEERR_AR' | null;
  faults: FaultRecord[];
}

/** The format's cut-off for an access the kernel would retry for ever. */
export const MAX_HANDLER_CALLS = 16;
/**
 * The handler calls of one touch. Past the cut-off the call is not made and the
 * handler answers VM_FAULT_SIGBUS, as the real-kernel harness does, so the state
 * afterwards is the kernel's after a refused fault.
 */
class TouchLog {
  faults: FaultRecord[] = [];
  loop = false;
}

/** The outcome of an access the CPU completes by itself (shared: it is never changed). */
const NO_FAULT: TouchOutcome = Object.freeze({
  signal: null,
  code: null,
  faults: Object.freeze([]) as unknown as FaultRecord[],
});

/** Does a present PTE let the CPU do this access? (US is set on every user PTE.) */
function pteAllows(flags: number, access: Access): boolean {
  if ((flags & _PAGE_PRESENT) === 0) return false;
  if (access === 'write') return (flags & _PAGE_RW) !== 0;
  if (access === 'exec') return (flags & _PAGE_NX) === 0;
  return true;
}

function accessErrorText(errorCode: number): string {
  if ((errorCode & X86_PF_WRITE) !== 0) return 'write fault && !(vma->vm_flags & VM_WRITE)';
  if ((errorCode & X86_PF_PROT) !== 0) return 'read or exec fault on a present page (X86_PF_PROT)';
  return '!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC))';
}

/** access_error(): the VMA's permissions against the #PF error code. */
function accessError(errorCode: number, vma: Vma): boolean {
  if ((errorCode & X86_PF_WRITE) !== 0) return (vma.flags & VM_WRITE) === 0;
  if ((errorCode & X86_PF_PROT) !== 0) return true;
  return (vma.flags & (VM_READ | VM_WRITE | VM_EXEC)) === 0;
}

/**
 * A touch: repeat the access until it succeeds or a signal is due, as the
 * CPU re-executes a faulting instruction after every handled fault.
 */
export function touch(
  k: Kernel,
  addr: number,
  access: Access,
  handlerFor: (vma: Vma) => FaultHandler | null,
): TouchOutcome {
  // Untraced, an access the PTE allows is the CPU's walk alone: no fault, nothing allocated.
  if (k.trace === null && addr >= 0 && addr < TASK_SIZE) {
    const pte = lookupPte(k, addr);
    if (pte >= 0) {
      const flags = k.pt.pteFlagsAt(pte);
      if (pteAllows(flags, access)) {
        k.pt.setPteFlags(pte, access === 'write' ? flags | _PAGE_ACCESSED | _PAGE_DIRTY : flags | _PAGE_ACCESSED);
        return NO_FAULT;
      }
    }
  }
  return touchFaulting(k, addr, access, handlerFor);
}

/** The rest of a touch, out of line so that the walk above stays small enough to inline into callers. */
function touchFaulting(
  k: Kernel,
  addr: number,
  access: Access,
  handlerFor: (vma: Vma) => FaultHandler | null,
): TouchOutcome {
  const log = new TouchLog();
  const faults = log.faults;
  if (
    check(
      k,
      'do_user_addr_fault',
      addr < 0 || addr >= TASK_SIZE,
      'address outside the user address space',
      'SIGSEGV, SEGV_MAPERR',
    )
  ) {
    return { signal: 'SIGSEGV', code: 'SEGV_MAPERR', faults };
  }
  for (let attempt = 0; ; attempt++) {
    const pte = lookupPte(k, addr);
    if (pte >= 0 && pteAllows(k.pt.pteFlagsAt(pte), access)) {
      // The CPU sets accessed (and dirty on a write) as it walks.
      let f = k.pt.pteFlagsAt(pte) | _PAGE_ACCESSED;
      if (access === 'write') f |= _PAGE_DIRTY;
      k.pt.setPteFlags(pte, f);
      if (keeps(k)) {
        change(
          k,
          'cpu',
          `the CPU's walk finds a present PTE that allows the ${access}: no page fault; PTE now ${pteText(k.pt.ptePfn(pte), f)}`,
        );
      }
      return { signal: null, code: null, faults };
    }
    // Faults that do not reach the driver (COW, spurious) resolve at once; this only bounds a bug.
    if (attempt > 4 * MAX_HANDLER_CALLS) return { signal: 'LOOP', code: null, faults };
    let errorCode = 0;
    if (pte >= 0 && (k.pt.pteFlagsAt(pte) & _PAGE_PRESENT) !== 0) errorCode |= X86_PF_PROT;
    if (access === 'write') errorCode |= X86_PF_WRITE;
    if (access === 'exec') errorCode |= X86_PF_INSTR;
    const outcome = doUserAddrFault(k, addr, errorCode, handlerFor, log);
    if (log.loop) return { signal: 'LOOP', code: null, faults };
    if (outcome) return { ...outcome, faults };
  }
}

/** do_user_addr_fault(): null when the access is to be retried. */
function doUserAddrFault(
  k: Kernel,
  addr: number,
  errorCode: number,
  handlerFor: (vma: Vma) => FaultHandler | null,
  log: TouchLog,
): Omit<TouchOutcome, 'faults'> | null {
  const fn = 'do_user_addr_fault';
  enter(k, fn);
  if (keeps(k)) change(k, fn, `#PF at ${hex(addr)}, error code ${hex(errorCode | X86_PF_USER)}`);
  // lock_mm_and_find_vma()
  const vma = findVma(k, addr);
  if (
    check(k, fn, !vma || addr < vma.start, '!vma || address < vma->vm_start', 'SIGSEGV, SEGV_MAPERR (bad_area)') ||
    !vma
  ) {
    return { signal: 'SIGSEGV', code: 'SEGV_MAPERR' };
  }
  if (check(k, 'access_error', accessError(errorCode, vma), accessErrorText(errorCode), 'SIGSEGV, SEGV_ACCERR')) {
    return { signal: 'SIGSEGV', code: 'SEGV_ACCERR' };
  }
  const fault = handleMmFault(k, vma, addr, errorCode, handlerFor(vma), log);
  // VM_FAULT_RETRY: retried (6.1 loops; 4.19 retries once, then the access faults
  // again); VM_FAULT_COMPLETED: the access is simply re-executed.
  if (check(k, fn, (fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)) !== 0, 'fault & VM_FAULT_RETRY', 'retry the fault'))
    return null;
  if (!check(k, fn, (fault & VM_FAULT_ERROR) !== 0, 'fault & VM_FAULT_ERROR', 'the error branch')) return null;
  if (check(k, fn, (fault & VM_FAULT_OOM) !== 0, 'fault & VM_FAULT_OOM', 'pagefault_out_of_memory()')) {
    enter(k, 'pagefault_out_of_memory');
    if (k.profile.faultOom === 'oom-kill') {
      if (keeps(k)) change(k, 'pagefault_out_of_memory', 'out_of_memory(): the OOM killer kills the process (SIGKILL)');
      return { signal: 'SIGKILL', code: null };
    }
    if (keeps(k)) change(k, 'pagefault_out_of_memory', '"Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF"');
    return null;
  }
  const hw = (fault & (VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE)) !== 0;
  if (check(k, fn, hw, 'fault & (VM_FAULT_HWPOISON|VM_FAULT_HWPOISON_LARGE)', 'SIGBUS, BUS_MCEERR_AR (do_sigbus)')) {
    return { signal: 'SIGBUS', code: 'BUS_MCEERR_AR' };
  }
  if (check(k, fn, (fault & VM_FAULT_SIGBUS) !== 0, 'fault & VM_FAULT_SIGBUS', 'SIGBUS, BUS_ADRERR (do_sigbus)')) {
    return { signal: 'SIGBUS', code: 'BUS_ADRERR' };
  }
  if (
    check(
      k,
      fn,
      (fault & VM_FAULT_SIGSEGV) !== 0,
      'fault & VM_FAULT_SIGSEGV',
      'SIGSEGV, SEGV_MAPERR (bad_area_nosemaphore)',
    )
  ) {
    return { signal: 'SIGSEGV', code: 'SEGV_MAPERR' };
  }
  check(k, fn, true, 'none of OOM, SIGBUS, HWPOISON, SIGSEGV (VM_FAULT_FALLBACK)', 'BUG(): oops');
  throw new KernelDeath('oops', 'BUG()');
}

/** handle_mm_fault() → __handle_mm_fault() → handle_pte_fault(). */
function handleMmFault(
  k: Kernel,
  vma: Vma,
  addr: number,
  errorCode: number,
  handler: FaultHandler | null,
  log: TouchLog,
): number {
  enter(k, 'handle_mm_fault');
  const address = addr - (addr % PAGE_SIZE);
  const pmd = walkToPmd(k, address);
  const table = k.pt.child(pmd, address);
  const index = table >= 0 ? k.pt.pteIndex(table, address) : -1;
  const write = (errorCode & X86_PF_WRITE) !== 0;
  enter(k, 'handle_pte_fault');
  if (check(k, 'handle_pte_fault', index < 0 || k.pt.pteNone(index), 'pte_none(vmf->orig_pte)', 'do_fault()')) {
    return doFault(k, vma, address, pmd, write, handler, log);
  }
  const wp = write && (k.pt.pteFlagsAt(index) & _PAGE_RW) === 0;
  if (check(k, 'handle_pte_fault', wp, 'FAULT_FLAG_WRITE && !pte_write(entry)', 'do_wp_page()'))
    return doWpPage(k, vma, index);
  // A spurious fault: the entry already allows the access.
  return 0;
}

/** do_fault(): no ->fault is SIGBUS; else read, copy-on-write or shared fault. */
function doFault(
  k: Kernel,
  vma: Vma,
  address: number,
  pmd: number,
  write: boolean,
  handler: FaultHandler | null,
  log: TouchLog,
): number {
  enter(k, 'do_fault');
  if (
    check(k, 'do_fault', !handler, '!vma->vm_ops->fault', 'VM_FAULT_SIGBUS unless the PTE appeared meanwhile') ||
    !handler
  ) {
    // "The VMA was not fully populated on mmap() or missing VM_DONTEXPAND"
    const pte = lookupPte(k, address);
    return pte >= 0 && !k.pt.pteNone(pte) ? VM_FAULT_NOPAGE : VM_FAULT_SIGBUS;
  }
  const prealloc = { pfn: -1 };
  const ret =
    write && (vma.flags & VM_SHARED) === 0
      ? doCowFault(k, vma, address, pmd, handler, log, prealloc)
      : doReadOrSharedFault(k, vma, address, pmd, write, handler, log, prealloc);
  // The preallocated table was not needed: free it.
  if (prealloc.pfn >= 0) pageTablePageFree(k, prealloc.pfn);
  return ret;
}

const FAULT_DONE = VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY;

/** do_read_fault() / do_shared_fault(): map the page the handler returned. */
function doReadOrSharedFault(
  k: Kernel,
  vma: Vma,
  address: number,
  pmd: number,
  write: boolean,
  handler: FaultHandler,
  log: TouchLog,
  prealloc: { pfn: number },
): number {
  enter(k, write ? 'do_shared_fault' : 'do_read_fault');
  const fault = doDoFault(k, vma, address, pmd, write, handler, log, prealloc);
  if ((fault.ret & FAULT_DONE) !== 0) return fault.ret;
  // VM_FAULT_DONE_COW here leaves vmf->page unset, and finish_fault() dereferences it.
  if (
    check(
      k,
      'finish_fault',
      fault.page < 0,
      'vmf->page == NULL (VM_FAULT_DONE_COW outside a COW fault)',
      'NULL pointer dereference: oops',
    )
  ) {
    throw new KernelDeath('oops', `${k.profile.nullDeref} in ${k.profile.doneCowOopsIn}()`);
  }
  const ret = fault.ret | finishFault(k, vma, address, pmd, fault.page, write, false, prealloc);
  if ((ret & FAULT_DONE) !== 0) putPage(k, fault.page);
  return ret;
}

/** do_cow_fault(): the private copy is allocated before the driver is asked. */
function doCowFault(
  k: Kernel,
  vma: Vma,
  address: number,
  pmd: number,
  handler: FaultHandler,
  log: TouchLog,
  prealloc: { pfn: number },
): number {
  enter(k, 'do_cow_fault');
  const cowPage = allocPages(k, 0, false, OWNER_ANON, 0);
  const fault = doDoFault(k, vma, address, pmd, true, handler, log, prealloc);
  if ((fault.ret & FAULT_DONE) !== 0) {
    putPage(k, cowPage);
    return fault.ret;
  }
  // A DAX-style handler that did the copy itself keeps the copy.
  if ((fault.ret & VM_FAULT_DONE_COW) !== 0) return fault.ret;
  // copy_user_highpage(), then map the copy and drop the driver page's reference.
  const ret = fault.ret | finishFault(k, vma, address, pmd, cowPage, true, true, prealloc);
  putPage(k, fault.page);
  if ((ret & FAULT_DONE) !== 0) putPage(k, cowPage);
  return ret;
}

/** __do_fault(): preallocate a PTE table, call ->fault, check vmf->page. */
function doDoFault(
  k: Kernel,
  vma: Vma,
  address: number,
  pmd: number,
  write: boolean,
  handler: FaultHandler,
  log: TouchLog,
  prealloc: { pfn: number },
): { ret: number; page: number } {
  enter(k, '__do_fault');
  if (k.pt.child(pmd, address) < 0) prealloc.pfn = pageTablePageAlloc(k);
  if (log.faults.length >= MAX_HANDLER_CALLS) {
    log.loop = true;
    return { ret: VM_FAULT_SIGBUS, page: -1 };
  }
  const pgoff = vma.pgoff + (address - vma.start) / PAGE_SIZE;
  if (keeps(k)) change(k, '__do_fault', `vma->vm_ops->fault(vmf) with vmf->pgoff ${pgoff}`);
  const r = handler(vma, address, pgoff, write);
  log.faults.push(r.record);
  const passUp = (r.ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_DONE_COW)) !== 0;
  if (
    check(
      k,
      '__do_fault',
      passUp,
      'ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_DONE_COW)',
      'returned as is',
    )
  )
    return r;
  // PageHWPoison(vmf->page) reads vmf->page: a handler that returned 0 without it oopses here.
  if (
    check(
      k,
      '__do_fault',
      r.page < 0,
      'PageHWPoison(vmf->page) with vmf->page == NULL',
      'NULL pointer dereference: oops',
    )
  ) {
    throw new KernelDeath('oops', `${k.profile.nullDeref} in __do_fault()`);
  }
  return r;
}

/** finish_fault() → do_set_pte(): map vmf->page (or the COW copy) at address. */
function finishFault(
  k: Kernel,
  vma: Vma,
  address: number,
  pmd: number,
  page: number,
  write: boolean,
  cow: boolean,
  prealloc: { pfn: number },
): number {
  enter(k, 'finish_fault');
  const table = pteAlloc(k, pmd, address, prealloc);
  const index = k.pt.pteIndex(table, address);
  if (check(k, 'finish_fault', !k.pt.pteNone(index), '!pte_none(*vmf->pte)', 'VM_FAULT_NOPAGE')) return VM_FAULT_NOPAGE;
  let entry = vma.pageProt;
  if (write) {
    entry |= _PAGE_DIRTY | _PAGE_SOFT_DIRTY; // pte_mkdirty
    if ((vma.flags & VM_WRITE) !== 0) entry |= _PAGE_RW; // maybe_mkwrite
  }
  if (cow) {
    k.mem.setFlags(page, k.mem.flags(page) | PG_anon); // page_add_new_anon_rmap
  } else if (write && (vma.flags & VM_SHARED) !== 0) {
    const head = k.mem.compoundHead(page);
    k.mem.setFlags(head, k.mem.flags(head) | PG_dirty); // fault_dirty_shared_page
  }
  pageAddFileRmap(k, page);
  k.pt.setPte(index, page, entry);
  if (keeps(k)) change(k, 'do_set_pte', `set_pte_at: PTE ${pteText(page, entry)}${cow ? ' (the private copy)' : ''}`);
  return 0;
}

/** do_wp_page(): a write to a present read-only PTE of a writable VMA. */
function doWpPage(k: Kernel, vma: Vma, index: number): number {
  enter(k, 'do_wp_page');
  const old = vmNormalPage(k, index);
  const flags = k.pt.pteFlagsAt(index);
  if (
    check(
      k,
      'do_wp_page',
      (vma.flags & (VM_SHARED | VM_MAYSHARE)) !== 0,
      'vma->vm_flags & (VM_SHARED | VM_MAYSHARE)',
      'reuse the page (wp_page_reuse)',
    )
  ) {
    // wp_pfn_shared() / wp_page_shared() without ->pfn_mkwrite / ->page_mkwrite: reuse.
    k.pt.setPteFlags(index, flags | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SOFT_DIRTY | _PAGE_RW);
    return 0;
  }
  if (old >= 0 && (k.mem.headFlags(old) & PG_anon) !== 0 && k.mem.pageCount(old) === 1) {
    // An exclusive anonymous page is reused in place.
    k.pt.setPteFlags(index, flags | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SOFT_DIRTY | _PAGE_RW);
    return 0;
  }
  // wp_page_copy(): a private anonymous copy replaces the mapping.
  enter(k, 'wp_page_copy');
  const copy = allocPages(k, 0, false, OWNER_ANON, 0);
  k.mem.setFlags(copy, PG_anon);
  pageAddFileRmap(k, copy);
  let entry = vma.pageProt | _PAGE_DIRTY | _PAGE_SOFT_DIRTY;
  if ((vma.flags & VM_WRITE) !== 0) entry |= _PAGE_RW;
  if ((flags & _PAGE_SPECIAL) !== 0) k.mem.addPfnmaps(k.pt.ptePfn(index), -1);
  k.pt.setPte(index, copy, entry & ~_PAGE_SPECIAL);
  if (keeps(k))
    change(k, 'wp_page_copy', `set_pte_at: PTE ${pteText(copy, entry & ~_PAGE_SPECIAL)} (a private anonymous copy)`);
  if (old >= 0) {
    pageRemoveRmap(k, old);
    putPage(k, old);
  }
  return 0;
}
