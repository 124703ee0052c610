// A step result in words: the badge the timeline shows and the sentences the
// result panel shows. Works on the result document's shapes (format v1).
import type { CallRecord, FaultRecord, StepResult } from '../../scenario/results.ts';

export type BadgeKind = 'ok' | 'errno' | 'vm_fault' | 'signal' | 'oops' | 'skipped';

export interface Badge {
  kind: BadgeKind;
  text: string;
}

function has<K extends string>(r: StepResult, key: K): r is Extract<StepResult, Record<K, unknown>> {
  return typeof r === 'object' && r !== null && key in r;
}

/** The one-word verdict of a step: what kind of result, and its name. */
export function badgeOf(r: StepResult): Badge {
  if (has(r, 'skipped')) return { kind: 'skipped', text: 'skipped' };
  if (has(r, 'oops')) return { kind: 'oops', text: 'oops' };
  if (has(r, 'error')) return { kind: 'errno', text: 'error' };
  if (has(r, 'signal')) {
    if (r.signal !== null) return { kind: 'signal', text: r.signal };
    const faults = 'faults' in r ? r.faults : [];
    const bad = faults.find((f) => f.ret !== 0 && f.ret !== 'VM_FAULT_NOPAGE');
    if (bad) return { kind: 'vm_fault', text: String(bad.ret) };
    return { kind: 'ok', text: 'ok' };
  }
  if (has(r, 'calls') && r.ret === 0) {
    // The handler returned 0 but a driver call failed (the driver ignored it): worth a look.
    const failed = r.calls.find((c) => typeof c.ret === 'string' || c.error !== undefined);
    if (failed) return { kind: 'errno', text: `call ${failed.ret ?? 'error'}` };
  }
  if (has(r, 'ret')) {
    if (r.ret === 'NULL') return { kind: 'errno', text: 'NULL' };
    if (typeof r.ret === 'string' && r.ret !== 'ok') return { kind: 'errno', text: r.ret };
    return { kind: 'ok', text: 'ok' };
  }
  return { kind: 'ok', text: 'ok' };
}

const ERRNO_WORDS: Record<string, string> = {
  '-EINVAL': 'invalid argument',
  '-ENOMEM': 'out of memory',
  '-EBUSY': 'device or resource busy (a PTE is already there)',
  '-EFAULT': 'bad address',
  '-EPERM': 'operation not permitted',
  '-EACCES': 'permission denied',
  '-EAGAIN': 'try again',
  '-ENXIO': 'no such device or address',
  '-ENODEV': 'no such device',
  '-EOVERFLOW': 'value too large',
  '-ENOSYS': 'function not implemented',
};

const FAULT_WORDS: Record<string, string> = {
  VM_FAULT_NOPAGE: 'the handler installed the PTE itself; the access is retried and succeeds',
  VM_FAULT_SIGBUS: 'the fault cannot be resolved: the process gets SIGBUS',
  VM_FAULT_SIGSEGV: 'the fault cannot be resolved: the process gets SIGSEGV',
  VM_FAULT_OOM: 'out of memory: the OOM killer runs, or the fault is retried',
  VM_FAULT_RETRY: 'the mmap lock was dropped; the fault is retried',
  VM_FAULT_LOCKED: 'the returned page is locked',
  VM_FAULT_HWPOISON: 'the page is poisoned (memory error)',
};

export function errnoWords(e: string): string {
  const w = ERRNO_WORDS[e];
  return w ? `${e} (${w})` : e;
}

export function faultWords(v: string | number): string {
  if (v === 0) return '0 (the handler returned a page)';
  const parts = String(v).split('|');
  const words = parts.map((p) => FAULT_WORDS[p]).filter((w): w is string => w !== undefined);
  return words.length > 0 ? `${v} (${words.join('; ')})` : String(v);
}

/** A driver call record as `vm_insert_page(at 0) → 0`. */
export function callLine(c: CallRecord): string {
  const at = c.at === undefined ? '' : `at page ${c.at}`;
  const ret = c.ret === null ? 'no return value' : String(c.ret);
  const extra = [
    c.remaining === undefined ? null : `${c.remaining} pages not inserted`,
    c.error === undefined ? null : c.error,
  ].filter((x): x is string => x !== null);
  return `${c.call}(${at}) → ${ret}${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
}

export function faultLine(f: FaultRecord): string {
  const calls = f.calls.length === 0 ? 'no driver calls' : f.calls.map(callLine).join('; ');
  return `fault at page ${f.pgoff}: ->fault returns ${faultWords(f.ret)}; ${calls}`;
}

export interface ResultWords {
  /** The headline sentence. */
  headline: string;
  /** Further lines: call records, faults, flags. */
  details: string[];
}

/** The result in sentences. */
export function describeResult(r: StepResult, op?: string): ResultWords {
  if (has(r, 'skipped')) {
    return {
      headline:
        r.skipped === 'oops'
          ? 'Not run: an earlier step oopsed, the simulated kernel is dead.'
          : 'Not run: the process was killed by an earlier step.',
      details: [],
    };
  }
  if (has(r, 'oops')) return { headline: 'The kernel oopses.', details: [r.oops] };
  if (has(r, 'error')) return { headline: `The step fails: ${r.error}`, details: [] };
  if (has(r, 'signal') && !('faults' in r)) {
    return { headline: `The process is killed with ${r.signal} (the OOM killer chose it).`, details: [] };
  }
  if (has(r, 'faults')) {
    const n = r.faults.length;
    const faults = n === 0 ? 'no page fault reached the driver' : `${n} fault${n === 1 ? '' : 's'} reached the driver`;
    const headline =
      r.signal === null
        ? `The access succeeds (${faults}).`
        : `The process gets ${r.signal}${r.code ? ` with si_code ${r.code}` : ''} (${faults}).`;
    return { headline, details: r.faults.map(faultLine) };
  }
  if (has(r, 'calls')) {
    const what = op ?? 'mmap';
    const ret = r.ret;
    const headline =
      ret === 0
        ? `${what}() succeeds: the driver's handler returned 0.`
        : typeof ret === 'string'
          ? `${what}() fails with ${errnoWords(ret)}: the process sees MAP_FAILED, errno ${ret.replace(/^-/, '')}.`
          : `${what}() returns ${ret}.`;
    const details = r.calls.map(callLine);
    if (r.vm_flags) details.push(`vm_flags: ${r.vm_flags.length ? r.vm_flags.join(' | ') : 'none'}`);
    return { headline, details };
  }
  if (has(r, 'refcount')) {
    return {
      headline: `page_count ${r.refcount}, page_mapcount ${r.mapcount}.`,
      details: [`flags: ${r.flags.length ? r.flags.join(', ') : 'none'}`],
    };
  }
  if (has(r, 'present')) {
    if (!r.present) return { headline: 'No PTE is present for this page.', details: [] };
    const maps = r.maps ? `${r.maps.alloc}[${r.maps.page}]` : 'a frame outside every allocation';
    return { headline: `A PTE is present: it maps ${maps}, ${r.write ? 'writable' : 'read-only'}.`, details: [] };
  }
  if (has(r, 'ret')) {
    if (r.ret === 'ok')
      return { headline: op && op !== 'alloc' ? `${op} succeeds.` : 'The allocation succeeds.', details: [] };
    if (r.ret === 'NULL') return { headline: 'The allocation fails: it returns NULL.', details: [] };
    if (r.ret === 0) return { headline: `${op ?? 'The call'} returns 0.`, details: [] };
    return { headline: `${op ?? 'The call'} returns ${errnoWords(String(r.ret))}.`, details: [] };
  }
  return { headline: 'Done.', details: [] };
}
