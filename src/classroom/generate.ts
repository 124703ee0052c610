// Seeded exercises: a seed gives one random but meaningful scenario (format v1)
// that asks a student to predict what the kernel answers. Pure and deterministic
// (mulberry32, no Math.random, no clock): the same seed and options give the same
// text in the CLI and in the browser.
import { KERNEL_NAMES, type KernelName } from '../scenario/types.ts';

/** The kinds of kernel memory an exercise maps. */
export const MEMORY_KINDS = [
  'kmalloc-small',
  'kmalloc-large',
  'vmalloc',
  'vmalloc_user',
  'alloc_pages',
  'alloc_pages-comp',
  'get_zeroed_page',
] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** How the exercise's driver maps it. */
export const STRATEGIES = [
  'vm_insert_page-loop',
  'vm_map_pages',
  'vm_map_pages_zero',
  'remap_pfn_range',
  'remap_vmalloc_range',
  'fault-vmf_insert_page',
  'fault-vm_insert_page-vmf_error',
  'fault-set_page',
  'mmap-vmf_insert_page',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface ExerciseOptions {
  /** The profile the exercise is written for (default "6.1"); only calls it has are used. */
  kernel?: string;
  /** Force the memory kind (default: chosen by the seed). */
  kind?: MemoryKind;
  /** Force the driver strategy (default: chosen by the seed, fitting the kind and the kernel). */
  strategy?: Strategy;
}

/** What the seed chose, for tests and for the UI's caption. */
export interface ExerciseInfo {
  seed: number;
  kernel: KernelName;
  kind: MemoryKind;
  strategy: Strategy;
  mixedmap: boolean;
  flags: 'shared' | 'private';
  prot: ('read' | 'write')[];
  open: 'rdwr' | 'rdonly';
  /** Pages of the mapping and of the allocation. */
  pages: number;
  allocPages: number;
}

export interface Exercise {
  text: string;
  info: ExerciseInfo;
}

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed is an integer 0 .. 2^32-1. */
export function isSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff;
}

type Rng = () => number;

function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const KIND_WORDS: Record<MemoryKind, string> = {
  'kmalloc-small': 'a small kmalloc buffer',
  'kmalloc-large': 'a large kmalloc buffer',
  vmalloc: 'a vmalloc buffer',
  vmalloc_user: 'a vmalloc_user buffer',
  alloc_pages: 'an alloc_pages block without __GFP_COMP',
  'alloc_pages-comp': 'an alloc_pages block with __GFP_COMP',
  get_zeroed_page: 'a get_zeroed_page page',
};

const STRATEGY_WORDS: Record<Strategy, string> = {
  'vm_insert_page-loop': 'a vm_insert_page loop in f_op->mmap',
  vm_map_pages: 'vm_map_pages in f_op->mmap',
  vm_map_pages_zero: 'vm_map_pages_zero in f_op->mmap',
  remap_pfn_range: 'remap_pfn_range in f_op->mmap',
  remap_vmalloc_range: 'remap_vmalloc_range in f_op->mmap',
  'fault-vmf_insert_page': 'vmf_insert_page in the fault handler',
  'fault-vm_insert_page-vmf_error': 'vm_insert_page + vmf_error in the fault handler',
  'fault-set_page': 'a classic fault handler setting vmf->page',
  'mmap-vmf_insert_page': 'vmf_insert_page called from f_op->mmap by mistake',
};

const HAS_VM_MAP_PAGES: ReadonlySet<KernelName> = new Set(['5.2', '5.10', '6.1', '6.12']);

function isVmalloc(kind: MemoryKind): boolean {
  return kind === 'vmalloc' || kind === 'vmalloc_user';
}

/** The allocation step and how many pages it has. */
function allocation(rng: Rng, kind: MemoryKind): { step: Record<string, unknown>; pages: number } {
  switch (kind) {
    case 'kmalloc-small': {
      const size = pick(rng, [512, 2048, 4096, 8192]);
      return { step: { op: 'alloc', id: 'buf', kind: 'kmalloc', size }, pages: Math.ceil(size / 4096) };
    }
    case 'kmalloc-large': {
      const size = pick(rng, [12288, 16384]);
      return { step: { op: 'alloc', id: 'buf', kind: 'kmalloc', size }, pages: Math.ceil(size / 4096) };
    }
    case 'vmalloc':
    case 'vmalloc_user': {
      const pages = int(rng, 1, 4);
      const size = pages * 4096 - (rng() < 0.3 ? 100 : 0);
      return { step: { op: 'alloc', id: 'buf', kind, size }, pages };
    }
    case 'alloc_pages':
    case 'alloc_pages-comp': {
      const order = int(rng, 0, 2);
      return {
        step: { op: 'alloc', id: 'buf', kind: 'alloc_pages', order, comp: kind === 'alloc_pages-comp' },
        pages: 2 ** order,
      };
    }
    case 'get_zeroed_page':
      return { step: { op: 'alloc', id: 'buf', kind: 'get_zeroed_page' }, pages: 1 };
  }
}

function chooseStrategy(rng: Rng, kind: MemoryKind, kernel: KernelName): Strategy {
  const s = weighted<Strategy>(rng, [
    ['vm_insert_page-loop', 4],
    ['vm_map_pages', 3],
    ['vm_map_pages_zero', 1],
    ['remap_pfn_range', 3],
    ['remap_vmalloc_range', isVmalloc(kind) ? 3 : 0],
    ['fault-vmf_insert_page', 3],
    ['fault-vm_insert_page-vmf_error', 1],
    ['fault-set_page', 2],
    ['mmap-vmf_insert_page', 1],
  ]);
  return fitStrategy(s, kernel);
}

/** A strategy the kernel lacks is replaced by what drivers did before it. */
function fitStrategy(s: Strategy, kernel: KernelName): Strategy {
  if ((s === 'vm_map_pages' || s === 'vm_map_pages_zero') && !HAS_VM_MAP_PAGES.has(kernel))
    return 'vm_insert_page-loop';
  return s;
}

const ref = (page: number) => ({ alloc: 'buf', page });

/** The driver object of the mmap step. */
function driver(
  rng: Rng,
  strategy: Strategy,
  allocPages: number,
  mixedmap: boolean,
): { driver: Record<string, unknown>; pgoff: number } {
  const all = Array.from({ length: allocPages }, (_, i) => i);
  const vmFlags = mixedmap ? { vm_flags_set: ['VM_MIXEDMAP'] } : {};
  switch (strategy) {
    case 'vm_insert_page-loop': {
      // The driver loops over the buffer's pages, whatever the mapping's size.
      const onError = rng() < 0.2 ? { on_error: 'continue' } : {};
      return {
        driver: { mmap: all.map((i) => ({ call: 'vm_insert_page', at: i, page: ref(i) })), ...onError },
        pgoff: 0,
      };
    }
    case 'vm_map_pages':
    case 'vm_map_pages_zero':
      return { driver: { mmap: [{ call: strategy, alloc: 'buf' }] }, pgoff: rng() < 0.25 ? int(rng, 1, 2) : 0 };
    case 'remap_pfn_range':
      return {
        driver: {
          vm_flags_set: ['VM_IO', 'VM_DONTEXPAND', 'VM_DONTDUMP'],
          mmap: [{ call: 'remap_pfn_range', at: 0, page: ref(0), count: allocPages }],
        },
        pgoff: 0,
      };
    case 'remap_vmalloc_range':
      return { driver: { mmap: [{ call: 'remap_vmalloc_range', alloc: 'buf', pgoff: 0 }] }, pgoff: 0 };
    case 'fault-vmf_insert_page':
      return {
        driver: { ...vmFlags, fault: all.map((i) => ({ pgoff: i, call: 'vmf_insert_page', page: ref(i) })) },
        pgoff: 0,
      };
    case 'fault-vm_insert_page-vmf_error':
      return {
        driver: {
          ...vmFlags,
          fault: all.map((i) => ({ pgoff: i, call: 'vm_insert_page', page: ref(i), convert: 'vmf_error' })),
        },
        pgoff: 0,
      };
    case 'fault-set_page':
      return { driver: { fault: all.map((i) => ({ pgoff: i, set_page: ref(i) })) }, pgoff: 0 };
    case 'mmap-vmf_insert_page':
      return { driver: { ...vmFlags, mmap: [{ call: 'vmf_insert_page', at: 0, page: ref(0) }] }, pgoff: 0 };
  }
}

/** Build the exercise of a seed, with what it chose. */
export function describeExercise(seed: number, opts: ExerciseOptions = {}): Exercise {
  if (!isSeed(seed)) throw new RangeError(`the seed must be an integer from 0 to 4294967295 (got ${seed})`);
  const kernel = (opts.kernel ?? '6.1') as KernelName;
  if (!KERNEL_NAMES.includes(kernel))
    throw new RangeError(`unknown kernel profile "${opts.kernel}" (profiles: ${KERNEL_NAMES.join(', ')})`);
  if (opts.kind !== undefined && !MEMORY_KINDS.includes(opts.kind))
    throw new RangeError(`unknown memory kind "${opts.kind}" (kinds: ${MEMORY_KINDS.join(', ')})`);
  if (opts.strategy !== undefined && !STRATEGIES.includes(opts.strategy))
    throw new RangeError(`unknown strategy "${opts.strategy}" (strategies: ${STRATEGIES.join(', ')})`);
  const rng = mulberry32(seed);

  const kind =
    opts.kind ??
    weighted<MemoryKind>(rng, [
      ['kmalloc-small', 3],
      ['kmalloc-large', 2],
      ['vmalloc', 3],
      ['vmalloc_user', 2],
      ['alloc_pages', 2],
      ['alloc_pages-comp', 2],
      ['get_zeroed_page', 1],
    ]);
  const { step: allocStep, pages: allocPages } = allocation(rng, kind);
  const chosen = chooseStrategy(rng, kind, kernel);
  let strategy = opts.strategy ? fitStrategy(opts.strategy, kernel) : chosen;
  if (strategy === 'remap_vmalloc_range' && !isVmalloc(kind)) strategy = 'remap_pfn_range';
  const fault = strategy.startsWith('fault-');
  // vmf_insert_page without VM_MIXEDMAP hits the mmap-lock BUG_ON: a rarer, run-ending lesson.
  const mixedmap =
    (fault && strategy !== 'fault-set_page') || strategy === 'mmap-vmf_insert_page' ? rng() < 0.65 : false;

  const flags = rng() < 0.75 ? 'shared' : 'private';
  const prot: ('read' | 'write')[] = rng() < 0.7 ? ['read', 'write'] : ['read'];
  const open = flags === 'shared' && prot.includes('write') && rng() < 0.1 ? 'rdonly' : 'rdwr';
  const pages = weighted<number>(rng, [
    [allocPages, 6],
    [allocPages + 1, 3],
    [Math.max(1, allocPages - 1), allocPages > 1 ? 2 : 0],
  ]);
  const { driver: drv, pgoff } = driver(rng, strategy, allocPages, mixedmap);

  const mmapStep: Record<string, unknown> = { op: 'mmap', id: 'm', pages, prot, flags };
  if (pgoff) mmapStep.pgoff = pgoff;
  if (open !== 'rdwr') mmapStep.open = open;
  mmapStep.driver = drv;
  mmapStep.note = 'predict what mmap() returns';

  const steps: Record<string, unknown>[] = [allocStep, mmapStep];
  const touch = (page: number, access: 'read' | 'write', note: string) =>
    steps.push({ op: 'touch', mmap: 'm', page, access, note });

  // The first page, written when the mapping allows it.
  touch(0, prot.includes('write') ? 'write' : 'read', 'predict the signal, if any, of this access to page 0');
  // A write to a read-only mapping.
  if (!prot.includes('write')) touch(0, 'write', 'a write to a read-only mapping: predict the signal');
  // A page of the mapping that the buffer does not back.
  if (pages > allocPages) touch(allocPages, 'read', 'a page the buffer does not back: predict the signal');
  // The last page of the buffer, when it is also in the mapping.
  const last = Math.min(allocPages, pages) - 1;
  if (last > 0 && rng() < 0.7) touch(last, 'read', `predict the signal of a read of page ${last}`);
  // One page past the end of the mapping.
  if (rng() < 0.6) touch(pages, 'read', 'one page past the end of the mapping: predict the signal');

  steps.push({ op: 'pte', mmap: 'm', page: 0, note: 'predict whether page 0 has a PTE, and whether it is writable' });
  const infoPage = allocPages > 1 && rng() < 0.4 ? 1 : 0;
  steps.push({
    op: 'page_info',
    page: ref(infoPage),
    note: `predict page_count() and page_mapcount() of page ${infoPage} while mapped`,
  });
  steps.push({ op: 'munmap', mmap: 'm' });
  steps.push({
    op: 'page_info',
    page: ref(infoPage),
    note: `predict page_count() and page_mapcount() of page ${infoPage} after munmap`,
  });
  if (rng() < 0.5) steps.push({ op: 'free', id: 'buf' });

  const protWords = prot.includes('write') ? 'read/write' : 'read-only';
  const title = `Exercise ${seed}: ${STRATEGY_WORDS[strategy]}${mixedmap ? ' (VM_MIXEDMAP)' : ''} of ${KIND_WORDS[kind]}`;
  const note =
    `Kernel ${kernel}. The driver maps ${KIND_WORDS[kind]} (${allocPages} page${allocPages > 1 ? 's' : ''}) ` +
    `into a ${flags} ${protWords} mapping of ${pages} page${pages > 1 ? 's' : ''}` +
    `${pgoff ? ` at offset ${pgoff}` : ''}${open === 'rdonly' ? ' of a device opened read-only' : ''}, ` +
    `with ${STRATEGY_WORDS[strategy]}${mixedmap ? ' after setting VM_MIXEDMAP' : ''}. ` +
    'Before each step is shown, predict: what mmap() returns, which signal (and si_code) each access gets, ' +
    'whether page 0 has a PTE and whether it is writable, and the refcount and mapcount of the page ' +
    'while it is mapped and after munmap. Turn on "predict" in the lab, or check your answers with ' +
    '`npm run -s sim -- --check ANSWERS.json FILE.json`.';

  const doc = { ptlab: 1, title, kernel, note, steps };
  const info: ExerciseInfo = { seed, kernel, kind, strategy, mixedmap, flags, prot, open, pages, allocPages };
  return { text: format(doc), info };
}

/** The scenario text of a seed (format v1). */
export function generateExercise(seed: number, opts: ExerciseOptions = {}): string {
  return describeExercise(seed, opts).text;
}

/** As the library's files are written: the top level on its own lines, one step a line. */
function format(doc: { steps: unknown[] } & Record<string, unknown>): string {
  const head = Object.entries(doc)
    .filter(([k]) => k !== 'steps')
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const steps = doc.steps.map((s) => `    ${JSON.stringify(s)}`).join(',\n');
  return `{\n${head.join('\n')}\n  "steps": [\n${steps}\n  ]\n}\n`;
}
