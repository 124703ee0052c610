// Small builders for decision-table scenarios (format: ../shared/SCENARIO-FORMAT.md) and the
// result objects they must produce. Every scenario goes through simulate() as JSON text, exactly
// as the CLI would see it.
import { expect } from 'vitest';
import { simulate } from '../../src/scenario/run.ts';

export type Json = Record<string, unknown>;
export type Ref = { alloc: string; page: number };

/** Run the steps as a scenario (default kernel 6.1); the scenario must be accepted. */
export function run(steps: Json[], opts: { kernel?: string; ram_mib?: number } = {}): unknown[] {
  const doc: Json = { ptlab: 1, kernel: opts.kernel ?? '6.1', steps };
  if (opts.ram_mib !== undefined) doc.ram_mib = opts.ram_mib;
  const r = simulate(JSON.stringify(doc));
  if (!r.ok) expect.fail(`scenario refused: ${r.message}`);
  expect(r.doc.results).toHaveLength(steps.length);
  return r.doc.results;
}

// ---------------------------------------------------------------- steps

export const ref = (alloc: string, page = 0): Ref => ({ alloc, page });

export const alloc = (id: string, kind: string, fields: Json = {}): Json => ({ op: 'alloc', id, kind, ...fields });
export const pages = (id: string, order = 0, comp = false): Json => alloc(id, 'alloc_pages', { order, comp });
export const kmalloc = (id: string, size: number): Json => alloc(id, 'kmalloc', { size });
export const vmalloc = (id: string, npages: number): Json => alloc(id, 'vmalloc', { size: npages * 4096 });
export const vmallocUser = (id: string, npages: number): Json => alloc(id, 'vmalloc_user', { size: npages * 4096 });
export const free = (id: string): Json => ({ op: 'free', id });

export interface MmapOpts {
  prot?: string[];
  flags?: 'shared' | 'private';
  pgoff?: number;
  open?: 'rdwr' | 'rdonly';
  set?: string[];
  calls?: Json[];
  onError?: 'return' | 'continue';
  fault?: Json[] | null;
}

/** An mmap step; by default a shared read/write mapping with a driver that does nothing. */
export function mmap(id: string, npages: number, o: MmapOpts = {}): Json {
  const driver: Json = {};
  if (o.set) driver.vm_flags_set = o.set;
  if (o.calls) driver.mmap = o.calls;
  if (o.onError) driver.on_error = o.onError;
  if (o.fault !== undefined) driver.fault = o.fault;
  const step: Json = {
    op: 'mmap',
    id,
    pages: npages,
    prot: o.prot ?? ['read', 'write'],
    flags: o.flags ?? 'shared',
    driver,
  };
  if (o.pgoff !== undefined) step.pgoff = o.pgoff;
  if (o.open) step.open = o.open;
  return step;
}

export const touch = (m: string, page: number, access = 'read'): Json => ({ op: 'touch', mmap: m, page, access });
export const pte = (m: string, page: number): Json => ({ op: 'pte', mmap: m, page });
export const info = (a: string, page = 0): Json => ({ op: 'page_info', page: ref(a, page) });
export const munmap = (m: string, first?: number, count?: number): Json =>
  first === undefined ? { op: 'munmap', mmap: m } : { op: 'munmap', mmap: m, first, count };
export const madvise = (m: string, first?: number, count?: number): Json =>
  first === undefined
    ? { op: 'madvise', mmap: m, advice: 'dontneed' }
    : { op: 'madvise', mmap: m, advice: 'dontneed', first, count };

// ---------------------------------------------------------------- driver calls

export const vip = (at: number, page: Ref): Json => ({ call: 'vm_insert_page', at, page });
export const vmfip = (at: number, page: Ref): Json => ({ call: 'vmf_insert_page', at, page });
export const vips = (at: number, refs: Ref[]): Json => ({ call: 'vm_insert_pages', at, pages: refs });
export const remapPfn = (at: number, page: Ref, count: number): Json => ({ call: 'remap_pfn_range', at, page, count });
export const remapVmalloc = (a: string, pgoff?: number): Json =>
  pgoff === undefined ? { call: 'remap_vmalloc_range', alloc: a } : { call: 'remap_vmalloc_range', alloc: a, pgoff };

// ---------------------------------------------------------------- fault rules

export const rule = (pgoff: number | '*', action: Json, times?: number): Json =>
  times === undefined ? { pgoff, ...action } : { pgoff, ...action, times };
export const ret = (v: string | 0): Json => ({ return: v });
export const setPage = (page: Ref): Json => ({ set_page: page });
export const vmf = (call: string, page: Ref): Json => ({ call, page });
export const conv = (call: Json, convert: 'vmf_error' | 'busy_ok'): Json => ({ ...call, convert });

// ---------------------------------------------------------------- results

const FLAG_ORDER = [
  'VM_READ',
  'VM_WRITE',
  'VM_EXEC',
  'VM_SHARED',
  'VM_MAYREAD',
  'VM_MAYWRITE',
  'VM_MAYEXEC',
  'VM_MAYSHARE',
  'VM_IO',
  'VM_PFNMAP',
  'VM_MIXEDMAP',
  'VM_DONTEXPAND',
  'VM_DONTDUMP',
  'VM_DONTCOPY',
];

/** vm_flags in the format's order. */
export function flags(...names: string[]): string[] {
  for (const n of names) if (!FLAG_ORDER.includes(n)) throw new Error(`unknown flag ${n}`);
  return FLAG_ORDER.filter((f) => names.includes(f));
}

/** What do_mmap gives a MAP_SHARED PROT_READ|PROT_WRITE mapping of an O_RDWR fd (§5.1). */
export const SHARED_RW = ['VM_READ', 'VM_WRITE', 'VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE'];
/** MAP_PRIVATE PROT_READ|PROT_WRITE of an O_RDWR fd. */
export const PRIVATE_RW = ['VM_READ', 'VM_WRITE', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC'];
export const shared = (...extra: string[]): string[] => flags(...SHARED_RW, ...extra);
export const priv = (...extra: string[]): string[] => flags(...PRIVATE_RW, ...extra);

export const OK = { ret: 'ok' };
export const NULL_ALLOC = { ret: 'NULL' };
export const RET0 = { ret: 0 };
export const TOUCH_OK = { signal: null, code: null, faults: [] };
export const NOT_PRESENT = { present: false };

export const mmapOk = (calls: Json[], vmFlags: string[]): Json => ({ ret: 0, calls, vm_flags: vmFlags });
export const mmapRet = (r: string | number, calls: Json[], vmFlags: string[]): Json => ({
  ret: r,
  calls,
  vm_flags: vmFlags,
});
/** mmap() failed before the driver's handler ran. */
export const mmapEarly = (r: string): Json => ({ ret: r, calls: [] });

/** A call record of the mmap handler (with `at` for the calls that take one). */
export const rec = (call: string, at: number | undefined, r: string | number, extra: Json = {}): Json =>
  at === undefined ? { call, ret: r, ...extra } : { call, at, ret: r, ...extra };
/** A call record inside a fault entry (no `at`). */
export const frec = (call: string, r: string | number, extra: Json = {}): Json => ({ call, ret: r, ...extra });

export const fault = (pgoff: number, r: string | number, calls: Json[] = []): Json => ({ pgoff, ret: r, calls });
export const touched = (signal: string | null, code: string | null, faults: Json[] = []): Json => ({
  signal,
  code,
  faults,
});

export const pageInfo = (refcount: number, mapcount: number, f: string[] = []): Json => ({
  refcount,
  mapcount,
  flags: f,
});
export const FREED = pageInfo(0, 0, []);

export const present = (maps: Ref | null, write: boolean): Json => ({ present: true, maps, write });

export const oops = (what: string): Json => ({ oops: what });
export const SKIPPED_OOPS = { skipped: 'oops' };
