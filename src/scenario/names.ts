// The names of format v1 (ops, kinds, flags, calls), without the schema: the UI's
// forms use them without loading zod.
import type { KernelName } from './types.ts';

export const KERNELS = ['4.19', 'seed-proposal', '5.2', '5.10', '6.1', '6.12'] as const satisfies readonly KernelName[];
export const OPS = ['alloc', 'free', 'mmap', 'touch', 'munmap', 'madvise', 'page_info', 'pte'] as const;
export const SIZED_ALLOC_KINDS = ['kmalloc', 'kzalloc', 'vmalloc', 'vzalloc', 'vmalloc_user'] as const;
export const DRIVER_VM_FLAGS = [
  'VM_IO',
  'VM_PFNMAP',
  'VM_MIXEDMAP',
  'VM_DONTEXPAND',
  'VM_DONTDUMP',
  'VM_DONTCOPY',
] as const;
export const VMF_CALLS = ['vmf_insert_page', 'vmf_insert_pfn', 'vmf_insert_mixed'] as const;
export const ERRNO_CALLS = [
  'vm_insert_page',
  'vm_insert_kmem_page',
  'vm_map_pages',
  'vm_map_pages_zero',
  'vm_insert_pages',
  'remap_pfn_range',
  'remap_vmalloc_range',
] as const;
