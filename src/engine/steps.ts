// Runs scenario steps on the simulated kernel and reports each result in the
// format's shape. The driver's mmap handler and fault handler live here: they
// are the scenario's code, calling the kernel functions.
import {
  type CallRecord,
  errnoName,
  type FaultRecord,
  type StepResult,
  vmFaultName,
  vmFlagNames,
} from '../scenario/results.ts';
import type { DriverCall, FaultRule, PageRef, Scenario, Step } from '../scenario/types.ts';
import { doAlloc, doFree, pageOf, resolvePfn } from './alloc.ts';
import {
  _PAGE_RW,
  errno,
  PAGE_SIZE,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_FAULT_NOPAGE,
  VM_FAULT_OOM,
  VM_FAULT_SIGBUS,
  VM_FLAG_BY_NAME,
} from './constants.ts';
import { type FaultHandler, touch } from './fault.ts';
import { type Allocation, Kernel, KernelDeath, type Mapping, type Vma } from './kernel.ts';
import {
  type LockHeld,
  lookupPte,
  remapPfnRange,
  VMF_ERROR_RULE,
  VMF_INSERT_PAGE_RULE,
  vmfError,
  vmfInsertMixed,
  vmfInsertPage,
  vmfInsertPageResult,
  vmfInsertPfn,
  vmInsertPage,
  vmInsertPages,
  vmMapPages,
  vmMapPagesZero,
} from './memory.ts';
import { doMmap, doMunmap, insertVma, madviseDontneed, unmapRegion, vmGetPageProt } from './mm.ts';
import { getPage } from './page_alloc.ts';
import { PG_anon, PG_buddy, PG_head, PG_reserved, PG_slab, PG_tail } from './physmem.ts';
import { change, check, enter, keeps, MAX_TRACE_EVENTS, otherContext, TraceBuffer, type TraceEvent } from './trace.ts';

const NULL_ALLOCATION = 'NULL allocation';
/** An mmap() that failed gave the process no address: whatever it uses is an unmapped range. */
const NO_ADDRESS = 'the mmap() of this mapping failed, so its range is unmapped (no VMA)';
/** The calls whose record carries `at`. */
const CALLS_WITH_AT = new Set([
  'vm_insert_page',
  'vm_insert_kmem_page',
  'vm_insert_pages',
  'remap_pfn_range',
  'vmf_insert_page',
]);
const VMF_CALLS = new Set(['vmf_insert_page', 'vmf_insert_pfn', 'vmf_insert_mixed']);

/** remap_vmalloc_range_partial(), with find_vm_area() answered from the allocations. */
function remapVmallocRange(k: Kernel, vma: Vma, a: Allocation, pgoff: number): number {
  const size = vma.end - vma.start;
  // A NULL, kmalloc or page allocation is no vmalloc area start; a freed one is gone.
  const area = a.isNull || a.freed ? null : a.vmArea;
  if (!area) return -errno.EINVAL;
  if (!area.usermap) return -errno.EINVAL;
  const usable = k.profile.remapVmallocSizeIncludesGuard ? area.pages : area.pages - 1;
  if (size / PAGE_SIZE + pgoff > usable) return -errno.EINVAL;
  let uaddr = vma.start;
  for (let i = pgoff; uaddr < vma.end; i++, uaddr += PAGE_SIZE) {
    // vmalloc_to_page() of the guard page is NULL, and vm_insert_page dereferences it.
    const page = (a.vmPfns as number[])[i];
    if (page === undefined)
      // 4.19's page_count() reads page->compound_head, at offset 8.
      throw new KernelDeath(
        'oops',
        'BUG: unable to handle kernel NULL pointer dereference at 0000000000000008 in vm_insert_page()',
      );
    const ret = vmInsertPage(k, vma, uaddr, page, 'write');
    if (ret) return ret;
  }
  vma.flags |= VM_DONTEXPAND | VM_DONTDUMP;
  return 0;
}

/** A step run with its trace: the events kept, and how many routine ones were left out past the limit. */
export interface TracedStep {
  result: StepResult;
  trace: TraceEvent[];
  dropped: number;
}

export class Simulation {
  readonly kernel: Kernel;
  readonly scenario: Scenario;
  private dead: 'oops' | 'killed' | null = null;

  constructor(scenario: Scenario, kernel?: Kernel, dead?: 'oops' | 'killed' | null) {
    this.scenario = scenario;
    this.kernel = kernel ?? new Kernel(scenario.kernel, scenario.ramMib);
    this.dead = dead ?? null;
  }

  /** Why the run ended early: the kernel oopsed or the process was killed; null while it goes on. */
  get ended(): 'oops' | 'killed' | null {
    return this.dead;
  }

  clone(): Simulation {
    return new Simulation(this.scenario, this.kernel.clone(), this.dead);
  }

  /** Run step i and return its result with the trace of what the kernel did on the way. */
  runStepTraced(i: number): TracedStep {
    const buffer = new TraceBuffer();
    this.kernel.trace = buffer;
    try {
      const result = this.runStep(i);
      const trace = buffer.events;
      const last = trace[trace.length - 1];
      if (buffer.dropped > 0 && last) {
        const what = `${buffer.dropped} more routine events of this step not shown (the trace keeps ${MAX_TRACE_EVENTS}, and every check that held)`;
        trace.push({ kind: 'change', fn: last.fn, what, src: last.src });
      }
      return { result, trace, dropped: buffer.dropped };
    } finally {
      this.kernel.trace = null;
    }
  }

  /** Run step i (steps run in order; the caller keeps the order). */
  runStep(i: number): StepResult {
    if (this.dead) return { skipped: this.dead };
    const step = this.scenario.steps[i] as Step;
    try {
      const r = this.execute(step);
      if ('signal' in r && r.signal === 'SIGKILL') this.dead = 'killed';
      return r;
    } catch (e) {
      if (!(e instanceof KernelDeath)) throw e;
      this.dead = e.kind;
      return e.kind === 'oops' ? { oops: e.what } : { signal: 'SIGKILL' };
    }
  }

  private execute(step: Step): StepResult {
    const k = this.kernel;
    switch (step.op) {
      case 'alloc':
        return { ret: doAlloc(k, step).isNull ? 'NULL' : 'ok' };
      case 'free':
        doFree(k, k.allocById.get(step.id) as Allocation);
        return { ret: 'ok' };
      case 'mmap':
        return this.mmap(step);
      case 'touch': {
        const m = k.mappings.get(step.mmap) as Mapping;
        if (m.start === null) {
          check(k, 'do_user_addr_fault', true, NO_ADDRESS, 'SIGSEGV, SEGV_MAPERR');
          return { signal: 'SIGSEGV', code: 'SEGV_MAPERR', faults: [] };
        }
        const addr = m.start + step.page * PAGE_SIZE;
        const o = touch(k, addr, step.access, (vma) => this.faultHandler(vma));
        // A fault-free access shares its (frozen) empty list: the step's result gets its own.
        return { signal: o.signal, code: o.code, faults: o.faults.length > 0 ? o.faults : [] };
      }
      case 'munmap': {
        const m = k.mappings.get(step.mmap) as Mapping;
        if (m.start === null) {
          check(k, 'do_munmap', true, NO_ADDRESS, '0');
          return { ret: 0 };
        }
        const { start, len } = range(m, step.first, step.count);
        return { ret: errnoName(doMunmap(k, start, len)) };
      }
      case 'madvise': {
        const m = k.mappings.get(step.mmap) as Mapping;
        if (m.start === null) {
          check(k, 'madvise_walk_vmas', true, NO_ADDRESS, '-ENOMEM');
          return { ret: errnoName(-errno.ENOMEM) };
        }
        const { start, len } = range(m, step.first, step.count);
        return { ret: errnoName(madviseDontneed(k, start, len)) };
      }
      case 'page_info':
        return this.pageInfo(step.page);
      case 'pte': {
        const m = k.mappings.get(step.mmap) as Mapping;
        if (m.start === null) return { present: false };
        const pte = lookupPte(k, m.start + step.page * PAGE_SIZE);
        if (pte < 0 || !k.pt.ptePresent(pte)) return { present: false };
        return {
          present: true,
          maps: resolvePfn(k, k.pt.ptePfn(pte)),
          write: (k.pt.pteFlagsAt(pte) & _PAGE_RW) !== 0,
        };
      }
    }
  }

  private pageInfo(ref: PageRef): StepResult {
    const k = this.kernel;
    const pfn = pageOf(k, ref);
    if (pfn < 0) return { error: NULL_ALLOCATION };
    const f = k.mem.flags(pfn);
    const head = k.mem.headFlags(pfn);
    const flags: string[] = [];
    if (head & PG_slab) flags.push('slab');
    if (head & PG_anon && !(head & PG_slab)) flags.push('anon');
    if (f & (PG_head | PG_tail)) flags.push('compound');
    if (f & PG_head) flags.push('head');
    if (f & PG_tail) flags.push('tail');
    if (f & PG_reserved) flags.push('reserved');
    const mapcount = f & PG_buddy ? k.profile.freeBuddyMapcount : k.mem.mapcount(pfn);
    return { refcount: k.mem.pageCount(pfn), mapcount, flags };
  }

  /** mmap(2): do_mmap's checks, then the driver's f_op->mmap, then mmap_region's outcome. */
  private mmap(step: Extract<Step, { op: 'mmap' }>): StepResult {
    const k = this.kernel;
    const { driver } = step;
    const mapping: Mapping = {
      id: step.id,
      start: null,
      pages: step.pages,
      driver,
      ruleHits: (driver.fault ?? []).map(() => 0),
    };
    k.mappings.set(step.id, mapping);
    const r = doMmap(k, {
      pages: step.pages,
      prot: step.prot,
      shared: step.flags === 'shared',
      pgoff: step.pgoff,
      rdonly: step.open === 'rdonly',
    });
    if ('err' in r) return { ret: errnoName(r.err), calls: [] };
    const vma: Vma = {
      start: r.addr,
      end: r.addr + step.pages * PAGE_SIZE,
      flags: r.flags,
      pageProt: vmGetPageProt(r.flags),
      pgoff: step.pgoff,
      mapping,
    };
    for (const f of driver.vmFlagsSet) vma.flags |= VM_FLAG_BY_NAME.get(f) as number;
    enter(k, 'mmap_region');
    if (keeps(k))
      change(
        k,
        'mmap_region',
        `call_mmap(): the driver's handler runs with vm_flags ${vmFlagNames(vma.flags).join('|')}`,
      );
    const calls: CallRecord[] = [];
    let ret = 0;
    for (const call of driver.mmap) {
      const c = this.call(vma, call, vma.start + ('at' in call ? call.at : 0) * PAGE_SIZE, 'write');
      calls.push(c.record);
      if (c.value !== null && c.value !== 0 && driver.onError === 'return') {
        ret = c.value;
        break;
      }
    }
    const vmFlags = vmFlagNames(vma.flags);
    if (
      check(k, 'mmap_region', ret !== 0, 'error = call_mmap(file, vma)', 'unmap_and_free_vma: undo the partial mapping')
    ) {
      if (k.trace && ret > 0) {
        change(
          k,
          'mmap_region',
          `the handler returned ${ret}, a positive value: mmap() hands it to the process as an address, with no mapping behind it`,
        );
      }
      // "Undo any partial mapping done by a device driver."
      unmapRegion(k, vma.start, vma.end);
      return { ret: ret > 0 ? ret : errnoName(ret), calls, vm_flags: vmFlags };
    }
    insertVma(k, vma);
    mapping.start = vma.start;
    return { ret: 0, calls, vm_flags: vmFlags };
  }

  /**
   * One driver call at addr. `value` is its return (errno, or vm_fault_t for the
   * vmf_* calls), or null when it was not made (a page of a NULL allocation).
   */
  private call(
    vma: Vma,
    call: DriverCall | VmfCall,
    addr: number,
    lock: LockHeld,
  ): { record: CallRecord; value: number | null } {
    const k = this.kernel;
    const refs: PageRef[] = 'page' in call ? [call.page] : 'pages' in call ? call.pages : [];
    this.noteStale([...refs.map((r) => r.alloc), ...('alloc' in call ? [call.alloc] : [])]);
    const pages = refs.map((r) => pageOf(k, r));
    if ('alloc' in call && call.call !== 'remap_vmalloc_range') {
      const a = k.allocById.get(call.alloc) as Allocation;
      if (!a.isNull) for (let i = 0; i < a.npages; i++) pages.push(pageOf(k, { alloc: a.id, page: i }));
      else pages.push(-1);
    }
    if (pages.includes(-1)) return { record: { call: call.call, ret: null, error: NULL_ALLOCATION }, value: null };
    const page = pages[0] as number;
    // The same call in the other context, answered on a copy of the state before it.
    const before = k.trace ? { kernel: k.clone(), vma: { ...vma } } : null;
    let value: number;
    let remaining: number | undefined;
    switch (call.call) {
      case 'vm_insert_page':
      case 'vm_insert_kmem_page':
        value = vmInsertPage(k, vma, addr, page, lock);
        break;
      case 'vmf_insert_page':
        value = vmfInsertPage(k, vma, addr, page, lock);
        break;
      case 'vmf_insert_pfn':
        value = vmfInsertPfn(k, vma, addr, page);
        break;
      case 'vmf_insert_mixed':
        value = vmfInsertMixed(k, vma, addr, page);
        break;
      case 'vm_map_pages':
        value = vmMapPages(k, vma, pages, lock);
        break;
      case 'vm_map_pages_zero':
        value = vmMapPagesZero(k, vma, pages, lock);
        break;
      case 'vm_insert_pages': {
        const r = vmInsertPages(k, vma, addr, pages, lock);
        value = r.ret;
        remaining = r.remaining;
        break;
      }
      case 'remap_pfn_range':
        value = remapPfnRange(k, vma, addr, page, call.count);
        break;
      case 'remap_vmalloc_range':
        value = remapVmallocRange(k, vma, k.allocById.get(call.alloc) as Allocation, call.pgoff);
        break;
    }
    const ret = VMF_CALLS.has(call.call) ? vmFaultName(value, k.profile.vmFaultFlags) : errnoName(value);
    const record: CallRecord =
      lock === 'write' && CALLS_WITH_AT.has(call.call) && 'at' in call
        ? { call: call.call, at: call.at, ret }
        : { call: call.call, ret };
    if (remaining !== undefined) record.remaining = remaining;
    if (before) this.traceOtherContext(before.kernel, before.vma, call, addr, lock, value);
    return { record, value };
  }

  /**
   * The seed's question made visible: what the same call gives in the other
   * context (errno in f_op->mmap, vm_fault_t in ->fault), run on `before`.
   */
  private traceOtherContext(
    before: Kernel,
    vma: Vma,
    call: DriverCall | VmfCall,
    addr: number,
    lock: LockHeld,
    value: number,
  ): void {
    const k = this.kernel;
    const isInsert =
      call.call === 'vm_insert_page' || call.call === 'vm_insert_kmem_page' || call.call === 'vmf_insert_page';
    if (!isInsert && lock === 'read') return;
    const toFault = lock === 'write' && call.call !== 'vmf_insert_page';
    // The errno twin of vmf_insert_page is vm_insert_page; the other calls keep their name.
    const twin = (call.call === 'vmf_insert_page' ? { ...call, call: 'vm_insert_page' } : call) as DriverCall;
    const otherLock: LockHeld = toFault ? 'read' : 'write';
    const sim = new Simulation(this.scenario, before);
    let text: string;
    try {
      const err = sim.call(vma, twin, addr, otherLock).value ?? 0;
      if (toFault) {
        const name = (v: number) => vmFaultName(v, k.profile.vmFaultFlags);
        const viaInsert = vmfInsertPageResult(err);
        const viaError = err === 0 ? VM_FAULT_NOPAGE : vmfError(err);
        text = `in a ->fault handler ${twin.call} returns ${errnoName(err)}; vmf_insert_page() makes that ${name(viaInsert)} (${VMF_INSERT_PAGE_RULE}); vmf_error() would give ${name(viaError)} (${VMF_ERROR_RULE}); the process then ${faultOutcome(viaInsert, k)}`;
      } else {
        const mmapRet = err ? `mmap() fails with ${errnoName(err)}` : 'mmap() succeeds';
        const bogus =
          call.call === 'vmf_insert_page' && lock === 'write'
            ? `; vmf_insert_page() returned ${vmFaultName(value, k.profile.vmFaultFlags)} here, a positive number that mmap() hands out as an address`
            : '';
        text = `in f_op->mmap ${twin.call} returns ${errnoName(err)} and ${mmapRet}${bogus}`;
      }
    } catch (e) {
      if (!(e instanceof KernelDeath)) throw e;
      text = `in ${toFault ? 'a ->fault handler (mmap lock held for read)' : 'f_op->mmap'} the same call oopses: ${e.what}`;
    }
    otherContext(k, call.call, toFault ? 'fault' : 'mmap', text);
  }

  /** A driver that passes a page of memory it already freed uses a stale pointer. */
  private noteStale(allocIds: string[]): void {
    if (allocIds.some((id) => (this.kernel.allocById.get(id) as Allocation).freed)) this.kernel.useAfterFree = true;
  }

  /** The driver's vm_ops->fault, or null when the driver has none (dummy_vm_ops). */
  private faultHandler(vma: Vma): FaultHandler | null {
    const rules = vma.mapping.driver.fault;
    if (!rules) return null;
    return (v, address, pgoff) => {
      const record: FaultRecord = { pgoff, ret: 0, calls: [] };
      const { ret, page } = this.runRule(v, rules, address, pgoff, record);
      record.ret = vmFaultName(ret, this.kernel.profile.vmFaultFlags);
      return { ret, page, record };
    };
  }

  /** First matching rule (by pgoff, within its `times`); no match is VM_FAULT_SIGBUS. */
  private runRule(
    vma: Vma,
    rules: FaultRule[],
    address: number,
    pgoff: number,
    record: FaultRecord,
  ): { ret: number; page: number } {
    const k = this.kernel;
    const hits = vma.mapping.ruleHits;
    const i = rules.findIndex(
      (r, n) => (r.pgoff === '*' || r.pgoff === pgoff) && (r.times === null || (hits[n] as number) < r.times),
    );
    if (check(k, 'vm_ops->fault', i < 0, `no rule matches vmf->pgoff ${pgoff}`, 'VM_FAULT_SIGBUS'))
      return { ret: VM_FAULT_SIGBUS, page: -1 };
    hits[i] = (hits[i] as number) + 1;
    if (keeps(k)) change(k, 'vm_ops->fault', `rule ${i} matches vmf->pgoff ${pgoff} (match ${hits[i]})`);
    const action = (rules[i] as FaultRule).action;
    switch (action.kind) {
      case 'return':
        return { ret: action.value, page: -1 };
      case 'set_page': {
        this.noteStale([action.page.alloc]);
        const page = pageOf(this.kernel, action.page);
        if (page < 0) return { ret: VM_FAULT_SIGBUS, page: -1 };
        // get_page(page); vmf->page = page; return 0;
        getPage(this.kernel, page);
        return { ret: 0, page };
      }
      case 'vmf':
      case 'convert': {
        const call = action.kind === 'vmf' ? action : action.call;
        const c = this.call(vma, call, address, 'read');
        record.calls.push(c.record);
        if (c.value === null) return { ret: VM_FAULT_SIGBUS, page: -1 };
        if (action.kind === 'vmf') return { ret: c.value, page: -1 };
        if (action.convert === 'busy_ok') {
          if (c.value === 0 || c.value === -errno.EBUSY) return { ret: VM_FAULT_NOPAGE, page: -1 };
          return { ret: c.value === -errno.ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS, page: -1 };
        }
        return { ret: c.value === 0 ? VM_FAULT_NOPAGE : vmfError(c.value), page: -1 };
      }
    }
  }
}

type VmfCall = { call: 'vmf_insert_page' | 'vmf_insert_pfn' | 'vmf_insert_mixed'; page: PageRef };

/** What the process sees after its fault handler returned v. */
function faultOutcome(v: number, k: Kernel): string {
  if (v & VM_FAULT_OOM) {
    return k.profile.faultOom === 'oom-kill'
      ? 'is killed by the OOM killer (SIGKILL)'
      : 'retries the access for as long as it lasts';
  }
  if (v & VM_FAULT_SIGBUS) return 'gets SIGBUS (BUS_ADRERR)';
  return 're-executes the access, which succeeds once a PTE allows it';
}

function range(m: Mapping, first: number | null, count: number | null): { start: number; len: number } {
  const start = (m.start as number) + (first ?? 0) * PAGE_SIZE;
  return { start, len: (count ?? m.pages - (first ?? 0)) * PAGE_SIZE };
}
