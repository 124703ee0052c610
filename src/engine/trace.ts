// The reason behind every result: kernel functions entered, checks evaluated
// with their outcome, state changes, each with its place in the profile's
// source. Recorded only while a step is traced (kernel.trace is an array);
// otherwise every call here returns at once.
import type { Kernel } from './kernel.ts';
import type { Profile } from './profiles.ts';

export interface SourceRef {
  file: string;
  function: string;
  url: string;
}

export type TraceEvent =
  | { kind: 'enter'; fn: string; src: SourceRef }
  | { kind: 'check'; fn: string; check: string; taken: boolean; outcome: string; src: SourceRef }
  | { kind: 'change'; fn: string; what: string; src: SourceRef }
  | { kind: 'other-context'; fn: string; context: 'fault' | 'mmap'; what: string; src: SourceRef };

/** Where each function lives (the same file in every profile unless listed per profile). */
const FILES: Record<string, string> = {
  vm_insert_page: 'mm/memory.c',
  vm_insert_kmem_page: 'mm/memory.c',
  insert_page: 'mm/memory.c',
  validate_page_before_insert: 'mm/memory.c',
  insert_page_into_pte_locked: 'mm/memory.c',
  insert_page_in_batch_locked: 'mm/memory.c',
  vm_insert_pages: 'mm/memory.c',
  insert_pages: 'mm/memory.c',
  __vm_map_pages: 'mm/memory.c',
  vm_map_pages: 'mm/memory.c',
  vm_map_pages_zero: 'mm/memory.c',
  remap_pfn_range: 'mm/memory.c',
  remap_pte_range: 'mm/memory.c',
  vmf_insert_pfn_prot: 'mm/memory.c',
  vmf_insert_pfn: 'mm/memory.c',
  vmf_insert_mixed: 'mm/memory.c',
  __vm_insert_mixed: 'mm/memory.c',
  insert_pfn: 'mm/memory.c',
  vmf_insert_page: 'include/linux/mm.h',
  vmf_error: 'include/linux/mm.h',
  __get_locked_pte: 'mm/memory.c',
  walk_to_pmd: 'mm/memory.c',
  __pte_alloc: 'mm/memory.c',
  __pud_alloc: 'mm/memory.c',
  __pmd_alloc: 'mm/memory.c',
  zap_pte_range: 'mm/memory.c',
  free_pgd_range: 'mm/memory.c',
  handle_mm_fault: 'mm/memory.c',
  handle_pte_fault: 'mm/memory.c',
  do_fault: 'mm/memory.c',
  do_read_fault: 'mm/memory.c',
  do_shared_fault: 'mm/memory.c',
  do_cow_fault: 'mm/memory.c',
  __do_fault: 'mm/memory.c',
  finish_fault: 'mm/memory.c',
  do_set_pte: 'mm/memory.c',
  do_wp_page: 'mm/memory.c',
  wp_page_copy: 'mm/memory.c',
  wp_page_reuse: 'mm/memory.c',
  do_user_addr_fault: 'arch/x86/mm/fault.c',
  __do_page_fault: 'arch/x86/mm/fault.c',
  access_error: 'arch/x86/mm/fault.c',
  mm_fault_error: 'arch/x86/mm/fault.c',
  pagefault_out_of_memory: 'mm/oom_kill.c',
  do_mmap: 'mm/mmap.c',
  mmap_region: 'mm/mmap.c',
  get_unmapped_area: 'mm/mmap.c',
  vm_get_page_prot: 'mm/mmap.c',
  do_munmap: 'mm/mmap.c',
  do_vmi_munmap: 'mm/mmap.c',
  unmap_region: 'mm/mmap.c',
  madvise_dontneed_free: 'mm/madvise.c',
  madvise_walk_vmas: 'mm/madvise.c',
  remap_vmalloc_range_partial: 'mm/vmalloc.c',
  __vmalloc_node_range: 'mm/vmalloc.c',
  vfree: 'mm/vmalloc.c',
  __alloc_pages: 'mm/page_alloc.c',
  __free_pages: 'mm/page_alloc.c',
  free_the_page: 'mm/page_alloc.c',
  put_page: 'include/linux/mm.h',
  get_page: 'include/linux/mm.h',
  page_add_file_rmap: 'mm/rmap.c',
  page_remove_rmap: 'mm/rmap.c',
  __kmalloc: 'mm/slub.c',
  kmalloc_large: 'mm/slab_common.c',
  kfree: 'mm/slub.c',
  allocate_slab: 'mm/slub.c',
  discard_slab: 'mm/slub.c',
  'vm_ops->fault': 'include/linux/mm.h',
  cpu: 'arch/x86/include/asm/pgtable.h',
};

/** The seed proposal's own code is not in any tree: link the patch itself. */
const SEED_PATCH = 'https://lore.kernel.org/all/20181003185854.GA1174@jordon-HP-15-Notebook-PC/';

/** The driver's own code is the scenario: its events link the interface it implements. */
const ALIASES: Record<string, string> = {
  'vm_ops->fault': 'vm_operations_struct',
  // The MMU itself: the kernel's model of what the hardware permits.
  cpu: 'pte_access_permitted',
};

export function sourceRef(profile: Profile, fn: string): SourceRef {
  const name = ALIASES[fn] ?? profile.functionNames[fn] ?? fn;
  const url =
    fn === 'vm_insert_kmem_page' ? SEED_PATCH : `https://elixir.bootlin.com/linux/${profile.elixirTag}/C/ident/${name}`;
  return { file: FILES[fn] ?? 'mm/memory.c', function: name, url };
}

// The helpers below are tiny so that the compiler inlines them into the hot
// paths: untraced, each is one test of k.trace; recording lives out of line.

/**
 * The events kept of one step. Past it only the checks that held (the decisions)
 * are kept, and the rest are counted: a 262,144-page vm_map_pages would
 * otherwise trace millions of events.
 */
export const MAX_TRACE_EVENTS = 4000;

/** One step's trace: the events, and how many routine ones were left out past the limit. */
export class TraceBuffer {
  readonly events: TraceEvent[] = [];
  dropped = 0;

  /** Keep an event; routine ones only while there is room. */
  push(e: TraceEvent, decisive = false): void {
    if (decisive || this.events.length < MAX_TRACE_EVENTS) this.events.push(e);
    else this.dropped++;
  }
}

/**
 * Whether the trace keeps one more routine event; past the limit the event is
 * counted as left out. Tested before building an event's text, so a step past
 * the limit (millions of inserts) builds none.
 */
export function keeps(k: Kernel): boolean {
  const t = k.trace;
  if (t === null) return false;
  if (t.events.length < MAX_TRACE_EVENTS) return true;
  t.dropped++;
  return false;
}

export function enter(k: Kernel, fn: string): void {
  if (k.trace !== null) recordEnter(k, fn);
}

function recordEnter(k: Kernel, fn: string): void {
  if (keeps(k)) k.trace?.push({ kind: 'enter', fn, src: sourceRef(k.profile, fn) });
}

/** Record a check and return its condition; `outcome` is what follows when it holds. */
export function check(k: Kernel, fn: string, cond: boolean, text: string, outcome: string): boolean {
  if (k.trace !== null) recordCheck(k, fn, cond, text, outcome);
  return cond;
}

function recordCheck(k: Kernel, fn: string, cond: boolean, text: string, outcome: string): void {
  // A check that held is a decision: always kept.
  if (!cond && !keeps(k)) return;
  k.trace?.push(
    {
      kind: 'check',
      fn,
      check: text,
      taken: cond,
      outcome: cond ? outcome : 'passed',
      src: sourceRef(k.profile, fn),
    },
    cond,
  );
}

/** Record a state change (callers test keeps(k) first, so the text is built only when it is kept). */
export function change(k: Kernel, fn: string, what: string): void {
  if (k.trace !== null) k.trace.push({ kind: 'change', fn, what, src: sourceRef(k.profile, fn) });
}

/** Record a counter of a struct page moving, e.g. "page_count(pfn 0x1000) 1 -> 2" (callers test keeps(k) first). */
export function countChange(k: Kernel, fn: string, counter: string, pfn: number, from: number, to: number): void {
  change(k, fn, `${counter}(pfn ${hex(pfn)}) ${from} -> ${to}`);
}

export function otherContext(k: Kernel, fn: string, context: 'fault' | 'mmap', what: string): void {
  if (k.trace !== null) k.trace.push({ kind: 'other-context', fn, context, what, src: sourceRef(k.profile, fn) }, true);
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
