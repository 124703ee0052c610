// A fast-check arbitrary of valid scenarios over every op and call of a profile.
// Steps are drawn as "intents" (an op and a few numbers) that a builder turns into
// steps naming only ids that exist, so every drawn scenario parses and shrinks well.
import fc from 'fast-check';
import { PROFILES } from '../src/engine/profiles.ts';
import { KERNEL_NAMES, type KernelName } from '../src/scenario/types.ts';

type Json = Record<string, unknown>;
interface Intent {
  op: number;
  n: number[];
}

const intent: fc.Arbitrary<Intent> = fc.record({
  op: fc.nat({ max: 11 }),
  n: fc.array(fc.nat({ max: 1 << 16 }), { minLength: 12, maxLength: 12 }),
});

const ALLOC_KINDS = [
  'kmalloc',
  'kzalloc',
  'vmalloc',
  'vzalloc',
  'vmalloc_user',
  'alloc_pages',
  '__get_free_pages',
  'get_zeroed_page',
];
const KMALLOC_SIZES = [8, 64, 100, 2048, 4096, 5000, 8192, 9000, 16384, 40000];
const VM_FLAGS = ['VM_MIXEDMAP', 'VM_PFNMAP', 'VM_IO', 'VM_DONTEXPAND', 'VM_DONTDUMP', 'VM_DONTCOPY'];
const RETURNS = [
  'VM_FAULT_NOPAGE',
  'VM_FAULT_SIGBUS',
  'VM_FAULT_OOM',
  'VM_FAULT_SIGSEGV',
  'VM_FAULT_HWPOISON',
  'VM_FAULT_RETRY',
  'VM_FAULT_NOPAGE|VM_FAULT_SIGSEGV',
];
const PROTS = [['read', 'write'], ['read'], ['read', 'write', 'exec'], [], ['write'], ['read', 'exec']];

/** The i-th drawn number, wrapping so any slice of them serves. */
function at(n: number[], i: number): number {
  return n.length ? (n[i % n.length] as number) : 0;
}

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

class Builder {
  steps: Json[] = [];
  allocs: { id: string; pages: number; freed: boolean }[] = [];
  maps: { id: string; pages: number }[] = [];
  constructor(readonly kernel: KernelName) {}

  pageRef(n: number, m: number): Json | null {
    if (this.allocs.length === 0) return null;
    const a = pick(this.allocs, n);
    return { alloc: a.id, page: m % a.pages };
  }

  call(n: number[], inFault: boolean): Json | null {
    const apis = [...PROFILES[this.kernel].apis].filter((c) => !inFault || !c.startsWith('vmf_'));
    const name = pick(apis, at(n, 0));
    const atPage = (at(n, 1) % 10) - 1;
    const ref = this.pageRef(at(n, 2), at(n, 3));
    if (!ref && name !== 'remap_vmalloc_range') return null;
    const fieldsAt = inFault ? {} : { at: atPage };
    switch (name) {
      case 'vm_insert_page':
      case 'vm_insert_kmem_page':
      case 'vmf_insert_page':
        return { call: name, ...fieldsAt, page: ref };
      case 'vm_map_pages':
      case 'vm_map_pages_zero':
        return at(n, 4) % 2 ? { call: name, alloc: (ref as Json).alloc } : { call: name, pages: this.refs(n) };
      case 'vm_insert_pages':
        return { call: name, ...fieldsAt, pages: this.refs(n) };
      case 'remap_pfn_range':
        return { call: name, ...fieldsAt, page: ref, count: 1 + (at(n, 5) % 4) };
      case 'remap_vmalloc_range': {
        if (this.allocs.length === 0) return null;
        return { call: name, alloc: pick(this.allocs, at(n, 2)).id, ...(inFault ? {} : { pgoff: at(n, 5) % 3 }) };
      }
      default:
        return null;
    }
  }

  refs(n: number[]): Json[] {
    const count = 1 + (at(n, 6) % 4);
    return Array.from({ length: count }, (_, i) => this.pageRef(at(n, 2) + i * at(n, 7), at(n, 3) + i) as Json);
  }

  faultRule(n: number[]): Json | null {
    const pgoff = at(n, 0) % 3 === 0 ? '*' : at(n, 1) % 6;
    const times = at(n, 2) % 4 === 0 ? { times: 1 + (at(n, 3) % 2) } : {};
    switch (at(n, 4) % 5) {
      case 0:
        return { pgoff, ...times, return: pick(RETURNS, at(n, 5)) };
      case 1: {
        const ref = this.pageRef(at(n, 6), at(n, 7));
        return ref ? { pgoff, ...times, set_page: ref } : null;
      }
      case 2: {
        const ref = this.pageRef(at(n, 6), at(n, 7));
        return ref
          ? {
              pgoff,
              ...times,
              call: pick(['vmf_insert_page', 'vmf_insert_pfn', 'vmf_insert_mixed'], at(n, 8)),
              page: ref,
            }
          : null;
      }
      default: {
        const c = this.call(n.slice(5), true);
        return c ? { pgoff, ...times, ...c, convert: at(n, 9) % 2 ? 'vmf_error' : 'busy_ok' } : null;
      }
    }
  }

  add(t: Intent): void {
    const n = t.n;
    const v = (i: number) => at(n, i);
    switch (t.op) {
      case 0:
      case 1: {
        const id = `a${this.allocs.length}`;
        const kind = pick(ALLOC_KINDS, v(0));
        let pages = 1;
        const step: Json = { op: 'alloc', id, kind };
        if (kind.includes('malloc') || kind === 'vzalloc' || kind === 'kzalloc') {
          const size = kind.startsWith('k') ? pick(KMALLOC_SIZES, v(1)) : 1 + (v(1) % (5 * 4096));
          step.size = size;
          pages = Math.ceil(size / 4096);
        } else if (kind !== 'get_zeroed_page') {
          step.order = v(1) % 4;
          pages = 1 << (step.order as number);
          if (kind === 'alloc_pages') step.comp = v(2) % 2 === 0;
        }
        this.allocs.push({ id, pages, freed: false });
        this.steps.push(step);
        return;
      }
      case 2:
      case 3: {
        const id = `m${this.maps.length}`;
        const pages = 1 + (v(0) % 6);
        const driver: Json = {};
        const flags = VM_FLAGS.filter((_, i) => (v(1) >> i) & 1 && (i > 1 || v(1) % 3 === 0));
        if (flags.length) driver.vm_flags_set = flags;
        const calls = Array.from({ length: v(2) % 4 }, (_, i) => this.call(n.slice(3 + i, 3 + i + 8), false)).filter(
          (c): c is Json => c !== null,
        );
        if (calls.length) driver.mmap = calls;
        if (v(11) % 2) driver.on_error = 'continue';
        if (v(10) % 3 !== 0) {
          driver.fault = Array.from({ length: v(9) % 4 }, (_, i) =>
            this.faultRule(n.slice(i, i + 10).concat(n)),
          ).filter((r): r is Json => r !== null);
        }
        const step: Json = {
          op: 'mmap',
          id,
          pages,
          prot: pick(PROTS, v(8)),
          flags: v(7) % 3 ? 'shared' : 'private',
          driver,
        };
        if (v(6) % 4 === 0) step.pgoff = v(5) % 4;
        if (v(4) % 7 === 0) step.open = 'rdonly';
        this.maps.push({ id, pages });
        this.steps.push(step);
        return;
      }
      case 4:
      case 5:
      case 6: {
        if (!this.maps.length) return;
        const m = pick(this.maps, v(0));
        this.steps.push({
          op: 'touch',
          mmap: m.id,
          page: (v(1) % (m.pages + 2)) - 1,
          access: pick(['read', 'write', 'exec'], v(2)),
        });
        return;
      }
      case 7: {
        if (!this.maps.length) return;
        const m = pick(this.maps, v(0));
        const part = v(1) % 2 ? { first: v(2) % m.pages, count: 1 + (v(3) % m.pages) } : {};
        this.steps.push({
          op: v(4) % 3 ? 'munmap' : 'madvise',
          mmap: m.id,
          ...(v(4) % 3 ? {} : { advice: 'dontneed' }),
          ...part,
        });
        return;
      }
      case 8: {
        const ref = this.pageRef(v(0), v(1));
        if (ref) this.steps.push({ op: 'page_info', page: ref });
        return;
      }
      case 9: {
        if (!this.maps.length) return;
        const m = pick(this.maps, v(0));
        this.steps.push({ op: 'pte', mmap: m.id, page: (v(1) % (m.pages + 2)) - 1 });
        return;
      }
      default: {
        const live = this.allocs.filter((a) => !a.freed);
        if (!live.length) return;
        const a = pick(live, v(0));
        a.freed = true;
        this.steps.push({ op: 'free', id: a.id });
      }
    }
  }
}

/** Scenario text drawn for one profile (or any), 1..maxSteps intents long. */
export function scenarioText(opts: { maxSteps?: number; kernel?: KernelName } = {}): fc.Arbitrary<string> {
  const kernel = opts.kernel ? fc.constant(opts.kernel) : fc.constantFrom(...KERNEL_NAMES);
  return fc.tuple(kernel, fc.array(intent, { minLength: 1, maxLength: opts.maxSteps ?? 24 })).map(([k, intents]) => {
    const b = new Builder(k);
    for (const t of intents) b.add(t);
    if (b.steps.length === 0) b.steps.push({ op: 'alloc', id: 'a', kind: 'get_zeroed_page' });
    return JSON.stringify({ ptlab: 1, kernel: k, ram_mib: 64, steps: b.steps });
  });
}
