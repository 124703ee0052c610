// Numbers from the x86-64 uapi and mm headers (KERNEL-SEMANTICS §0.3, §8).

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
export const PTRS_PER_TABLE = 512;
export const PMD_SIZE = 2 ** 21;
export const PUD_SIZE = 2 ** 30;
export const PGDIR_SIZE = 2 ** 39;
/** TASK_SIZE_MAX for 4-level paging: 2^47 - 4096. */
export const TASK_SIZE = 2 ** 47 - PAGE_SIZE;
/** mmap_base with ASLR off: the 128 MiB minimum gap below the stack top (§8.4). */
export const MMAP_BASE = 0x7ffff7fff000;
/** vm_unmapped_area's low limit for top-down placement. */
export const MMAP_LOW_LIMIT = PAGE_SIZE;
export const MAX_ORDER = 10;
/** PAGE_ALLOC_COSTLY_ORDER: orders above it fail instead of starting the OOM killer. */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** SLUB: KMALLOC_MAX_CACHE_SIZE (2 pages) and KMALLOC_MAX_SIZE (order MAX_ORDER). */
export const KMALLOC_MAX_CACHE_SIZE = 8192;
export const KMALLOC_MAX_SIZE = 2 ** (MAX_ORDER + PAGE_SHIFT);

export const errno = {
  EPERM: 1,
  EINTR: 4,
  ENXIO: 6,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ETXTBSY: 26,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  EHWPOISON: 133,
} as const;

export const ERRNO_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(errno).map(([k, v]) => [-v, `-${k}`]));

// vm_flags bits (include/linux/mm.h).
export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_EXEC = 0x4;
export const VM_SHARED = 0x8;
export const VM_MAYREAD = 0x10;
export const VM_MAYWRITE = 0x20;
export const VM_MAYEXEC = 0x40;
export const VM_MAYSHARE = 0x80;
export const VM_PFNMAP = 0x400;
export const VM_IO = 0x4000;
export const VM_DONTCOPY = 0x20000;
export const VM_DONTEXPAND = 0x40000;
export const VM_ACCOUNT = 0x100000;
export const VM_DONTDUMP = 0x4000000;
export const VM_SOFTDIRTY = 0x8000000;
export const VM_MIXEDMAP = 0x10000000;

/** The flags a result reports, in the format's order. */
export const REPORTED_VM_FLAGS: ReadonlyArray<[string, number]> = [
  ['VM_READ', VM_READ],
  ['VM_WRITE', VM_WRITE],
  ['VM_EXEC', VM_EXEC],
  ['VM_SHARED', VM_SHARED],
  ['VM_MAYREAD', VM_MAYREAD],
  ['VM_MAYWRITE', VM_MAYWRITE],
  ['VM_MAYEXEC', VM_MAYEXEC],
  ['VM_MAYSHARE', VM_MAYSHARE],
  ['VM_IO', VM_IO],
  ['VM_PFNMAP', VM_PFNMAP],
  ['VM_MIXEDMAP', VM_MIXEDMAP],
  ['VM_DONTEXPAND', VM_DONTEXPAND],
  ['VM_DONTDUMP', VM_DONTDUMP],
  ['VM_DONTCOPY', VM_DONTCOPY],
];
export const VM_FLAG_BY_NAME: ReadonlyMap<string, number> = new Map(REPORTED_VM_FLAGS);

// vm_fault_t (include/linux/mm_types.h); values are the same in every profile.
export const VM_FAULT_OOM = 0x1;
export const VM_FAULT_SIGBUS = 0x2;
export const VM_FAULT_HWPOISON = 0x10;
export const VM_FAULT_HWPOISON_LARGE = 0x20;
export const VM_FAULT_SIGSEGV = 0x40;
export const VM_FAULT_NOPAGE = 0x100;
export const VM_FAULT_LOCKED = 0x200;
export const VM_FAULT_RETRY = 0x400;
export const VM_FAULT_FALLBACK = 0x800;
export const VM_FAULT_DONE_COW = 0x1000;
export const VM_FAULT_COMPLETED = 0x4000;
export const VM_FAULT_ERROR =
  VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE | VM_FAULT_FALLBACK;

// x86-64 PTE bits 0..11 (arch/x86/include/asm/pgtable_types.h); NX (bit 63) is kept
// as bit 31 of the engine's 32-bit flag word, the pfn separately.
export const _PAGE_PRESENT = 0x1;
export const _PAGE_RW = 0x2;
export const _PAGE_USER = 0x4;
export const _PAGE_PWT = 0x8;
export const _PAGE_PCD = 0x10;
export const _PAGE_ACCESSED = 0x20;
export const _PAGE_DIRTY = 0x40;
export const _PAGE_PAT = 0x80;
/** Bit 8: _PAGE_GLOBAL, reused as _PAGE_PROTNONE when P is clear. */
export const _PAGE_PROTNONE = 0x100;
export const _PAGE_SPECIAL = 0x200;
export const _PAGE_SOFT_DIRTY = 0x800;
export const _PAGE_NX = 0x80000000;
/** What a page-table entry above the PTE level holds: _PAGE_TABLE = P|RW|US|A|D. */
export const _PAGE_TABLE = 0x67;

// x86 #PF error code bits (arch/x86/include/asm/trap_pf.h).
export const X86_PF_PROT = 0x1;
export const X86_PF_WRITE = 0x2;
export const X86_PF_USER = 0x4;
export const X86_PF_INSTR = 0x10;
