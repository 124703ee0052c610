// Scenario format v1 (../shared/SCENARIO-FORMAT.md) as trusted, validated data.
// The zod schema in schema.ts produces exactly these shapes.

export type KernelName = '4.19' | 'seed-proposal' | '5.2' | '5.10' | '6.1' | '6.12';
export const KERNEL_NAMES: readonly KernelName[] = ['4.19', 'seed-proposal', '5.2', '5.10', '6.1', '6.12'];

export type AllocKind =
  | 'kmalloc'
  | 'kzalloc'
  | 'vmalloc'
  | 'vzalloc'
  | 'vmalloc_user'
  | 'alloc_pages'
  | '__get_free_pages'
  | 'get_zeroed_page';

export interface PageRef {
  alloc: string;
  page: number;
}

export type DriverVmFlag = 'VM_IO' | 'VM_PFNMAP' | 'VM_MIXEDMAP' | 'VM_DONTEXPAND' | 'VM_DONTDUMP' | 'VM_DONTCOPY';

/** A call the driver makes, in its mmap handler or (with `convert`) in a fault rule. */
export type DriverCall =
  | { call: 'vm_insert_page' | 'vm_insert_kmem_page' | 'vmf_insert_page'; at: number; page: PageRef }
  | { call: 'vm_map_pages' | 'vm_map_pages_zero'; pages: PageRef[] }
  | { call: 'vm_map_pages' | 'vm_map_pages_zero'; alloc: string }
  | { call: 'vm_insert_pages'; at: number; pages: PageRef[] }
  | { call: 'remap_pfn_range'; at: number; page: PageRef; count: number }
  | { call: 'remap_vmalloc_range'; alloc: string; pgoff: number };

export type CallName = DriverCall['call'] | 'vmf_insert_pfn' | 'vmf_insert_mixed';

/** The errno-returning calls, which a fault rule may use with `convert`. */
export type ErrnoCallName = Exclude<DriverCall['call'], 'vmf_insert_page'>;

export type FaultRuleAction =
  | { kind: 'vmf'; call: 'vmf_insert_page' | 'vmf_insert_pfn' | 'vmf_insert_mixed'; page: PageRef }
  | { kind: 'convert'; call: DriverCall; convert: 'vmf_error' | 'busy_ok' }
  | { kind: 'return'; value: number }
  | { kind: 'set_page'; page: PageRef };

export interface FaultRule {
  pgoff: number | '*';
  times: number | null;
  action: FaultRuleAction;
}

export interface Driver {
  vmFlagsSet: DriverVmFlag[];
  mmap: DriverCall[];
  onError: 'return' | 'continue';
  fault: FaultRule[] | null;
}

export type Prot = 'read' | 'write' | 'exec';
export type Access = 'read' | 'write' | 'exec';

export type Step =
  | { op: 'alloc'; id: string; kind: AllocKind; size: number; order: number; comp: boolean }
  | { op: 'free'; id: string }
  | {
      op: 'mmap';
      id: string;
      pages: number;
      prot: Prot[];
      flags: 'shared' | 'private';
      pgoff: number;
      open: 'rdwr' | 'rdonly';
      driver: Driver;
    }
  | { op: 'touch'; mmap: string; page: number; access: Access }
  | { op: 'munmap'; mmap: string; first: number | null; count: number | null }
  | { op: 'madvise'; mmap: string; advice: 'dontneed'; first: number | null; count: number | null }
  | { op: 'page_info'; page: PageRef }
  | { op: 'pte'; mmap: string; page: number };

export interface Scenario {
  title: string | null;
  kernel: KernelName;
  ramMib: number;
  steps: Step[];
}
