// Kernel behaviour profiles as data (KERNEL-SEMANTICS §9, §11). The engine asks a
// profile which APIs exist and which checks apply; it never compares versions.
import type { CallName, KernelName } from '../scenario/types.ts';

export interface Profile {
  name: KernelName;
  /** The tree the source links point at on elixir.bootlin.com. */
  elixirTag: string;
  /** Calls of the scenario format this kernel has. */
  apis: ReadonlySet<CallName>;
  /** vm_fault_t flag names this kernel defines, with their values. */
  vmFaultFlags: Readonly<Record<string, number>>;
  /** insert_page refuses PageSlab and typed pages (5.1+, willy's Jan 2019 patches). */
  refusesSlabAndTypedPages: boolean;
  /** 6.12 checks page_count inside validate_page_before_insert, after VM_MIXEDMAP is set. */
  refcountCheckAfterMixedmap: boolean;
  /** vm_map_pages: offset > num (5.2) or offset >= num (6.1) gives -ENXIO. */
  vmMapPagesOffsetCheck: 'gt' | 'ge';
  /** VM_FAULT_OOM at the #PF handler: the OOM killer runs, or the access is retried. */
  faultOom: 'oom-kill' | 'retry';
  /** remap_vmalloc_range_partial compares against area->size including the guard page (4.19). */
  remapVmallocSizeIncludesGuard: boolean;
  /** __free_pages of a non-compound block whose page 0 is still referenced frees the tails (6.1). */
  freePagesFreesTails: boolean;
  /** The text of vm_insert_page's lock BUG_ON in this tree. */
  mmapLockBugOn: string;
  /** The oops line of a NULL struct page dereference (the address read is the field's offset). */
  nullDeref: string;
  /** Where a VM_FAULT_DONE_COW read fault dereferences the missing vmf->page. */
  doneCowOopsIn: string;
  /** remap_pte_range's BUG_ON text. */
  remapPteNoneBugOn: string;
  /** __vm_insert_mixed without VM_MIXEDMAP: BUG_ON (to 6.11) or VM_FAULT_SIGBUS (6.12). */
  mixedNotOk: 'bug' | 'sigbus';
  /** Orders freed to the per-cpu lists (not merged, no PG_buddy): 0 before 5.14, 0-3 and 9 after. */
  pcpOrders: readonly number[];
  /** pcp->high: the zone's low watermark (5.14+ zone_highsize) or 6 * batch (pageset_set_batch). */
  pcpHigh: 'low-watermark' | 'six-batches';
  /** page_mapcount() of a free buddy block's head: its page_type (PG_buddy) reads -128; 6.12's harness hides types. */
  freeBuddyMapcount: number;
  /** Where this tree names a function differently from 6.1 (for source links). */
  functionNames: Readonly<Record<string, string>>;
}

/** 4.19 and 5.2 names of functions 6.1 split out or renamed. */
const OLD_NAMES: Record<string, string> = {
  validate_page_before_insert: 'insert_page',
  insert_page_into_pte_locked: 'insert_page',
  do_user_addr_fault: '__do_page_fault',
  do_set_pte: 'alloc_set_pte',
  __alloc_pages: '__alloc_pages_nodemask',
  vmf_insert_pfn_prot: 'vm_insert_pfn_prot',
};

const NULL_DEREF = 'BUG: kernel NULL pointer dereference, address: 0000000000000000';

const VM_FAULT_BASE: Record<string, number> = {
  VM_FAULT_OOM: 0x1,
  VM_FAULT_SIGBUS: 0x2,
  VM_FAULT_MAJOR: 0x4,
  VM_FAULT_WRITE: 0x8,
  VM_FAULT_HWPOISON: 0x10,
  VM_FAULT_HWPOISON_LARGE: 0x20,
  VM_FAULT_SIGSEGV: 0x40,
  VM_FAULT_NOPAGE: 0x100,
  VM_FAULT_LOCKED: 0x200,
  VM_FAULT_RETRY: 0x400,
  VM_FAULT_FALLBACK: 0x800,
  VM_FAULT_DONE_COW: 0x1000,
  VM_FAULT_NEEDDSYNC: 0x2000,
};
const withCompleted: Record<string, number> = { ...VM_FAULT_BASE, VM_FAULT_COMPLETED: 0x4000 };
// 6.12 dropped VM_FAULT_WRITE (unused since 6.0's "mm: remove VM_FAULT_WRITE").
const { VM_FAULT_WRITE: _dropped, ...without612 } = withCompleted;

const COMMON: CallName[] = [
  'vm_insert_page',
  'vmf_insert_page',
  'vmf_insert_pfn',
  'vmf_insert_mixed',
  'remap_pfn_range',
  'remap_vmalloc_range',
];

function apis(...extra: CallName[]): ReadonlySet<CallName> {
  return new Set([...COMMON, ...extra]);
}

const v419: Profile = {
  name: '4.19',
  elixirTag: 'v4.19',
  apis: apis(),
  vmFaultFlags: VM_FAULT_BASE,
  refusesSlabAndTypedPages: false,
  refcountCheckAfterMixedmap: false,
  vmMapPagesOffsetCheck: 'gt',
  faultOom: 'oom-kill',
  remapVmallocSizeIncludesGuard: true,
  freePagesFreesTails: false,
  mmapLockBugOn: 'down_read_trylock(&vma->vm_mm->mmap_sem)',
  nullDeref: 'BUG: unable to handle kernel NULL pointer dereference at 0000000000000000',
  doneCowOopsIn: 'alloc_set_pte',
  remapPteNoneBugOn: '!pte_none(*pte)',
  mixedNotOk: 'bug',
  pcpOrders: [0],
  pcpHigh: 'six-batches',
  freeBuddyMapcount: -128,
  functionNames: OLD_NAMES,
};

const v61: Profile = {
  name: '6.1',
  elixirTag: 'v6.1',
  apis: apis('vm_map_pages', 'vm_map_pages_zero', 'vm_insert_pages'),
  vmFaultFlags: withCompleted,
  refusesSlabAndTypedPages: true,
  refcountCheckAfterMixedmap: false,
  vmMapPagesOffsetCheck: 'ge',
  faultOom: 'retry',
  remapVmallocSizeIncludesGuard: false,
  freePagesFreesTails: true,
  mmapLockBugOn: 'mmap_read_trylock(vma->vm_mm)',
  nullDeref: NULL_DEREF,
  doneCowOopsIn: 'finish_fault',
  remapPteNoneBugOn: '!pte_none(*pte)',
  mixedNotOk: 'bug',
  pcpOrders: [0, 1, 2, 3, 9],
  pcpHigh: 'low-watermark',
  freeBuddyMapcount: -128,
  functionNames: {},
};

export const PROFILES: Readonly<Record<KernelName, Profile>> = {
  '4.19': v419,
  'seed-proposal': { ...v419, name: 'seed-proposal', apis: apis('vm_insert_kmem_page') },
  '5.2': {
    ...v419,
    name: '5.2',
    elixirTag: 'v5.2',
    apis: apis('vm_map_pages', 'vm_map_pages_zero'),
    functionNames: { ...OLD_NAMES, vmf_insert_pfn_prot: 'vmf_insert_pfn_prot' },
    // The x86 oops message was reworded in 5.0 ("x86/fault: Improve the oops message").
    nullDeref: NULL_DEREF,
    refusesSlabAndTypedPages: true,
    remapVmallocSizeIncludesGuard: false,
  },
  '5.10': {
    ...v61,
    name: '5.10',
    elixirTag: 'v5.10',
    vmFaultFlags: VM_FAULT_BASE,
    functionNames: { __alloc_pages: '__alloc_pages_nodemask', do_set_pte: 'alloc_set_pte' },
    doneCowOopsIn: 'alloc_set_pte',
    pcpOrders: [0],
    pcpHigh: 'six-batches',
  },
  '6.1': v61,
  '6.12': {
    ...v61,
    name: '6.12',
    elixirTag: 'v6.12',
    vmFaultFlags: without612,
    refcountCheckAfterMixedmap: true,
    // struct page reads go through the folio now: page->compound_head, offset 8.
    nullDeref: 'BUG: kernel NULL pointer dereference, address: 0000000000000008',
    remapPteNoneBugOn: '!pte_none(ptep_get(pte))',
    mixedNotOk: 'sigbus',
    freeBuddyMapcount: 0,
  },
};

/** Where each call of the format exists, for the refusal message of a profile that lacks it. */
export const CALL_HISTORY: Readonly<Partial<Record<CallName, string>>> = {
  vm_insert_kmem_page:
    'vm_insert_kmem_page was proposed in 2018 and never merged (only the "seed-proposal" profile has it); vm_map_pages and vm_map_pages_zero took its place in 5.2',
  vm_map_pages:
    'vm_map_pages was added in 5.2 (profiles 5.2, 5.10, 6.1, 6.12); before it drivers looped over vm_insert_page',
  vm_map_pages_zero:
    'vm_map_pages_zero was added in 5.2 (profiles 5.2, 5.10, 6.1, 6.12); before it drivers looped over vm_insert_page',
  vm_insert_pages:
    'vm_insert_pages was added in 5.7 (profiles 5.10, 6.1, 6.12); before it callers looped over vm_insert_page',
};

export function profileHasCall(profile: Profile, call: CallName): boolean {
  return profile.apis.has(call);
}
