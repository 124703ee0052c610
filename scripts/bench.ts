// npm run bench [-- --json] [-- --runs N --warmups N]
//
// The engine's core work for a 1 GiB VMA (262,144 vm_insert_page calls, then a
// CPU walk of every page, in address order and in a seeded random order) beside
// ../shared/perf/ptwork.c doing the same work in C (-O2), as ratios to it; the
// whole 1 GiB scenario through simulate(); a VMA as large as mmap allows with
// three pages touched; seeking in a 10,000-step scenario through Session.
// Figures are medians of `runs` runs after `warmups` (7 and 2, like ptwork).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MMAP_BASE, MMAP_LOW_LIMIT, PAGE_SIZE } from '../src/engine/constants.ts';
import { type FaultHandler, touch } from '../src/engine/fault.ts';
import { Kernel, type Mapping, type Vma } from '../src/engine/kernel.ts';
import { lookupPte, vmInsertPage } from '../src/engine/memory.ts';
import { doMmap, insertVma, vmGetPageProt } from '../src/engine/mm.ts';
import { allocPages } from '../src/engine/page_alloc.ts';
import { OWNER_ALLOC } from '../src/engine/physmem.ts';
import { Session } from '../src/engine/session.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import { simulate } from '../src/scenario/run.ts';

const N_PAGES = 262_144;
/** ptwork.c's data frames start at 4 GiB (pfn 0x100000): page i of the allocation is its pfn DATA_PFN0 + i. */
const DATA_PFN0 = 0x100000;
/** The repository (the working directory when this runs as a bundle elsewhere, e.g. under --cpu-prof). */
const HERE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROOT = existsSync(join(HERE_ROOT, 'bench', 'steps-10k.json')) ? HERE_ROOT : process.cwd();
const C_SOURCE =
  ROOT === HERE_ROOT
    ? fileURLToPath(new URL('../../shared/perf/ptwork.c', import.meta.url))
    : join(ROOT, '../shared/perf/ptwork.c');

// ---- the seeded order, exactly as ptwork.c -------------------------------

/** mulberry32 + Fisher-Yates over 0..n-1, as ptwork.c's main(). */
export function permutation(n: number, seed: number): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let state = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t = (t ^ (t >>> 14)) >>> 0;
    const j = t % (i + 1);
    const x = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = x;
  }
  return perm;
}

// ---- the engine's work ------------------------------------------------------

interface Work {
  k: Kernel;
  vma: Vma;
  pages: Int32Array;
}

const BENCH_DRIVER = { vmFlagsSet: [], mmap: [], onError: 'return', fault: null } as const;

/**
 * A kernel with `n` order-0 pages (alloc_pages, as vmalloc takes them) and a
 * shared RW VMA of `n` pages built as the engine's mmap builds it (do_mmap,
 * vm_get_page_prot, insert_vma). A padding VMA first puts the work VMA on a
 * 1 GiB boundary, as ptwork.c's VMA_START is, so the table counts compare.
 */
function setup(n: number): Work {
  const ramMib = Math.max(64, Math.ceil(((n + 2 * (n >> 9) + 64) * PAGE_SIZE) / 2 ** 20) + 16 + 64);
  const k = new Kernel('6.1', ramMib);
  const pages = new Int32Array(n);
  for (let i = 0; i < n; i++) pages[i] = allocPages(k, 0, false, OWNER_ALLOC, 0);
  const span = n * PAGE_SIZE;
  const align = 2 ** 30;
  const end = Math.floor(MMAP_BASE / align) * align;
  const pad = (MMAP_BASE - end) / PAGE_SIZE;
  if (pad > 0) mapVma(k, 'pad', pad);
  const vma = mapVma(k, 'work', span / PAGE_SIZE);
  return { k, vma, pages };
}

function mapVma(k: Kernel, id: string, pages: number): Vma {
  const r = doMmap(k, { pages, prot: ['read', 'write'], shared: true, pgoff: 0, rdonly: false });
  if ('err' in r) throw new Error(`bench: mmap of ${pages} pages failed (${r.err})`);
  const mapping: Mapping = {
    id,
    start: r.addr,
    pages,
    driver: BENCH_DRIVER as unknown as Mapping['driver'],
    ruleHits: [],
  };
  k.mappings.set(id, mapping);
  const vma: Vma = {
    start: r.addr,
    end: r.addr + pages * PAGE_SIZE,
    flags: r.flags,
    pageProt: vmGetPageProt(r.flags),
    pgoff: 0,
    mapping,
  };
  insertVma(k, vma);
  return vma;
}

const NO_HANDLER = (): FaultHandler | null => null;

function insertAll(w: Work, order: Int32Array | null): number {
  const { k, vma, pages } = w;
  const n = pages.length;
  let errors = 0;
  if (order === null) {
    for (let i = 0; i < n; i++)
      errors += vmInsertPage(k, vma, vma.start + i * PAGE_SIZE, pages[i] as number, 'write') !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) {
      const p = order[i] as number;
      errors += vmInsertPage(k, vma, vma.start + p * PAGE_SIZE, pages[p] as number, 'write') !== 0 ? 1 : 0;
    }
  }
  return errors;
}

function touchAll(w: Work, order: Int32Array | null): number {
  const { k, vma } = w;
  const n = w.pages.length;
  let signals = 0;
  if (order === null) {
    for (let i = 0; i < n; i++) signals += touch(k, vma.start + i * PAGE_SIZE, 'read', NO_HANDLER).signal ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++)
      signals += touch(k, vma.start + (order[i] as number) * PAGE_SIZE, 'read', NO_HANDLER).signal ? 1 : 0;
  }
  return signals;
}

export interface StateCheck {
  refs: number;
  maps: number;
  tables: number;
  pte_fnv: number;
  lookup_pfns: number;
  errors: number;
  /** Touches that did not complete without a fault (0 expected). */
  signals: number;
  /** PTEs of the VMA with the accessed bit (n expected). */
  accessed: number;
}

/** ptwork.c's state_sums() over the engine's state, pfns shifted to ptwork's DATA_PFN0. */
function stateCheck(w: Work, errors: number, signals: number): StateCheck {
  const { k, vma, pages } = w;
  let refs = 0;
  let maps = 0;
  let fnv = 2166136261;
  let lookupPfns = 0;
  let accessed = 0;
  // ptwork's page i is pfn DATA_PFN0 + i: name each frame by its index in the allocation.
  const index = new Int32Array(k.mem.nframes).fill(-1);
  for (let i = 0; i < pages.length; i++) index[pages[i] as number] = i;
  for (let i = 0; i < pages.length; i++) {
    const page = pages[i] as number;
    refs += k.mem.refcount(page);
    maps += k.mem.mapcount(page);
    const pte = lookupPte(k, vma.start + i * PAGE_SIZE);
    let lo = 0;
    let hi = 0;
    if (pte >= 0 && !k.pt.pteNone(pte)) {
      const pfn = (index[k.pt.ptePfn(pte)] as number) + DATA_PFN0;
      const flags = k.pt.pteFlagsAt(pte);
      lo = ((pfn % 0x100000) * 0x1000 + (flags & 0xfff)) >>> 0;
      hi = (((flags & 0x80000000) !== 0 ? 0x80000000 : 0) + Math.floor(pfn / 0x100000)) >>> 0;
      lookupPfns += pfn;
      if (flags & 0x20) accessed++;
    }
    fnv = Math.imul(fnv ^ lo, 16777619) >>> 0;
    fnv = Math.imul(fnv ^ hi, 16777619) >>> 0;
  }
  return {
    refs,
    maps,
    tables: k.pt.tableCount(),
    pte_fnv: fnv,
    lookup_pfns: lookupPfns,
    errors,
    signals,
    accessed,
  };
}

export interface EngineRun {
  ns: { seq_insert: number; seq_lookup: number; rand_insert: number; rand_lookup: number };
  /** Whole address-order scenario (kernel, alloc_pages, mmap, inserts, touches), ms. */
  scenario_ms: number;
  checks: [StateCheck, StateCheck];
}

/** One run of the engine's work on n pages: address order, then the seeded random order. */
export function runEngineWork(n: number, seed = 1, perm = permutation(n, seed)): EngineRun {
  const t0 = performance.now();
  const a = setup(n);
  const t1 = performance.now();
  const errA = insertAll(a, null);
  const t2 = performance.now();
  const sigA = touchAll(a, null);
  const t3 = performance.now();
  const checkA = stateCheck(a, errA, sigA);
  const b = setup(n);
  const t4 = performance.now();
  const errB = insertAll(b, perm);
  const t5 = performance.now();
  const sigB = touchAll(b, perm);
  const t6 = performance.now();
  const checkB = stateCheck(b, errB, sigB);
  const per = (ms: number) => (ms * 1e6) / n;
  return {
    ns: { seq_insert: per(t2 - t1), seq_lookup: per(t3 - t2), rand_insert: per(t5 - t4), rand_lookup: per(t6 - t5) },
    scenario_ms: t3 - t0,
    checks: [checkA, checkB],
  };
}

/**
 * The engine's memory for the 1 GiB state, in a fresh process with --expose-gc:
 * heap + array buffers held after building it (boot, alloc_pages, mmap, inserts, touches).
 */
function engineMemoryInChild(n: number): { measured: number | null; structural: number; huge: number | null } | null {
  try {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', ...process.execArgv, process.argv[1] as string, '--memory-child', String(n)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(out) as { measured: number | null; structural: number; huge: number | null };
  } catch {
    return null;
  }
}

function engineMemory(n: number, gc: (() => void) | null): { measured: number | null; structural: number } {
  gc?.();
  const m0 = process.memoryUsage();
  const w = setup(n);
  insertAll(w, null);
  touchAll(w, null);
  gc?.();
  gc?.();
  const m1 = process.memoryUsage();
  // Less the bench's own list of the pages (ptwork.c does not count its seq/perm arrays either).
  const measured = gc ? m1.heapUsed + m1.arrayBuffers - (m0.heapUsed + m0.arrayBuffers) - w.pages.byteLength : null;
  const structural = w.k.mem.byteSize() + w.k.pt.byteSize();
  return { measured, structural };
}

/** Heap + array buffers a Session of bench/huge-vma.json holds (null without gc). */
function hugeMemory(gc: (() => void) | null): number | null {
  if (!gc) return null;
  const p = parseScenario(benchFile('huge-vma.json'));
  if (!p.ok) throw new Error(`bench/huge-vma.json: ${p.message}`);
  gc();
  const m0 = process.memoryUsage();
  const s = new Session(p.scenario);
  gc();
  gc();
  const m1 = process.memoryUsage();
  if (s.length !== p.scenario.steps.length) throw new Error('unreachable');
  return m1.heapUsed + m1.arrayBuffers - (m0.heapUsed + m0.arrayBuffers);
}

// ---- scenarios from bench/ ------------------------------------------------------

function benchFile(name: string): string {
  return readFileSync(join(ROOT, 'bench', name), 'utf8');
}

/** The largest mmap below mmap_base: the whole gap from mmap_min_addr up. */
export const HUGE_VMA_PAGES = (MMAP_BASE - MMAP_LOW_LIMIT) / PAGE_SIZE;

/** A 10,000-step scenario: vmalloc, mmaps with fault rules, touches, madvise, pte, page_info, munmap. */
export function stepsScenario(total = 10_000, seed = 7): object {
  const pages = 32;
  const rules = Array.from({ length: pages }, (_, i) => ({
    pgoff: i,
    call: 'vmf_insert_page',
    page: { alloc: 'buf', page: i },
  }));
  const steps: object[] = [{ op: 'alloc', id: 'buf', kind: 'vmalloc', size: pages * PAGE_SIZE }];
  let state = seed;
  const rand = (m: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % m;
  };
  let map = -1;
  const mmap = () => {
    map++;
    steps.push({
      op: 'mmap',
      id: `m${map}`,
      pages,
      prot: ['read', 'write'],
      flags: 'shared',
      driver: { mmap: [{ call: 'vm_map_pages', alloc: 'buf' }], fault: rules },
    });
  };
  mmap();
  while (steps.length < total) {
    const r = rand(1000);
    const id = `m${map}`;
    if (r < 700) steps.push({ op: 'touch', mmap: id, page: rand(pages), access: rand(3) === 0 ? 'write' : 'read' });
    else if (r < 800) steps.push({ op: 'madvise', mmap: id, advice: 'dontneed', first: rand(pages / 2), count: 8 });
    else if (r < 890) steps.push({ op: 'pte', mmap: id, page: rand(pages) });
    else if (r < 995) steps.push({ op: 'page_info', page: { alloc: 'buf', page: rand(pages) } });
    else if (steps.length < total - 1) {
      steps.push({ op: 'munmap', mmap: id });
      mmap();
    }
  }
  return { ptlab: 1, title: 'bench: 10,000 steps', kernel: '6.1', steps: steps.slice(0, total) };
}

// ---- statistics and output ------------------------------------------------------

interface Stat {
  median: number;
  min: number;
  max: number;
}

function stat(xs: number[]): Stat {
  const s = xs.slice().sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] as number, min: s[0] as number, max: s[s.length - 1] as number };
}

interface CResult {
  phases: Record<string, { median_ns: number; min_ns: number; max_ns: number; cold_ns: number }>;
  checks: { refs: number; maps: number; tables: number; pte_fnv: number; lookup_pfns: number; errors: number }[];
  mem_bytes: { tables: number; pages: number };
}

function runC(runs: number, warmups: number, seed: number): { c: CResult | null; note: string } {
  if (!existsSync(C_SOURCE)) return { c: null, note: `${C_SOURCE} is missing: the engine is benched alone` };
  const dir = mkdtempSync(join(tmpdir(), 'ptwork-'));
  try {
    const exe = join(dir, 'ptwork');
    try {
      execFileSync('gcc', ['-O2', '-o', exe, C_SOURCE], { stdio: 'pipe' });
    } catch (e) {
      return { c: null, note: `gcc -O2 failed (${(e as Error).message.split('\n')[0]}): the engine is benched alone` };
    }
    const out = execFileSync(exe, [String(runs), String(warmups), String(seed)], { encoding: 'utf8' });
    return {
      c: JSON.parse(out) as CResult,
      note: `ptwork.c built with gcc -O2, run as ptwork ${runs} ${warmups} ${seed}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row {
  figure: string;
  unit: string;
  engine: Stat;
  c: Stat | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
}

function timeMs(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export function main(argv: string[]): void {
  const gcNow = (globalThis as { gc?: () => void }).gc;
  const child = argv.indexOf('--memory-child');
  if (child >= 0) {
    const n = Number(argv[child + 1]);
    gcNow?.();
    gcNow?.();
    const gib = engineMemory(n, gcNow ?? null);
    process.stdout.write(`${JSON.stringify({ ...gib, huge: hugeMemory(gcNow ?? null) })}\n`);
    return;
  }
  const json = argv.includes('--json');
  const opt = (name: string, def: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const runs = opt('--runs', 7);
  const warmups = opt('--warmups', 2);
  const seed = 1;
  const notes: string[] = [];
  // Not v8.setFlagsFromString('--expose-gc') here: flipping V8 flags at run time
  // slowed the timed phases; memory is measured in a child started with --expose-gc.
  const gc = gcNow ?? null;

  const { c, note } = runC(runs, warmups, seed);
  notes.push(note);

  const perm = permutation(N_PAGES, seed);
  const engineRuns: EngineRun[] = [];
  for (let r = 0; r < warmups + runs; r++) {
    gc?.();
    const run = runEngineWork(N_PAGES, seed, perm);
    if (r >= warmups) engineRuns.push(run);
  }
  const checks = (engineRuns[0] as EngineRun).checks;
  const rows: Row[] = [];
  const phase = (name: keyof EngineRun['ns'], figure: string, limit: number) => {
    const engine = stat(engineRuns.map((r) => r.ns[name]));
    const cp = c?.phases[name];
    const cs = cp ? { median: cp.median_ns, min: cp.min_ns, max: cp.max_ns } : null;
    const ratio = cs ? engine.median / cs.median : null;
    rows.push({
      figure,
      unit: 'ns/op',
      engine,
      c: cs,
      ratio,
      target: `<= ${limit}x C`,
      met: ratio === null ? null : ratio <= limit,
    });
  };
  phase('seq_insert', 'vm_insert_page, address order', 5);
  phase('rand_insert', 'vm_insert_page, random order', 5);
  phase('seq_lookup', 'touch (page walk), address order', 4);
  phase('rand_lookup', 'touch (page walk), random order', 4);

  const scen = stat(engineRuns.map((r) => r.scenario_ms));
  rows.push({
    figure: '1 GiB scenario, engine level (boot, alloc, mmap, inserts, touches)',
    unit: 'ms',
    engine: scen,
    c: null,
    ratio: null,
    target: '< 50 ms',
    met: scen.median < 50,
  });

  const gib = benchFile('gib-vm_map_pages.json');
  const gibTimes: number[] = [];
  let gibOk = true;
  for (let r = 0; r < warmups + runs; r++) {
    let ok = false;
    const t = timeMs(() => {
      const out = simulate(gib);
      ok = out.ok && JSON.stringify(out.doc.results).includes('"ret":0');
    });
    gibOk &&= ok;
    if (r >= warmups) gibTimes.push(t);
  }
  const gibStat = stat(gibTimes);
  rows.push({
    figure: '1 GiB scenario file through simulate() (bench/gib-vm_map_pages.json)',
    unit: 'ms',
    engine: gibStat,
    c: null,
    ratio: null,
    target: '< 50 ms',
    met: gibOk && gibStat.median < 50,
  });

  const mem = engineMemoryInChild(N_PAGES) ?? { ...engineMemory(N_PAGES, gc), huge: hugeMemory(gc) };
  const cMem = c ? c.mem_bytes.tables + c.mem_bytes.pages : null;
  const memEngine = mem.measured ?? mem.structural;
  if (mem.measured === null) notes.push('no gc available: memory is the engine structures’ own size');
  notes.push(
    `engine memory: ${mem.measured ?? 'n/a'} bytes measured (heap + array buffers), ${mem.structural} bytes in its typed arrays`,
  );
  rows.push({
    figure: '1 GiB state memory (struct pages + page tables)',
    unit: 'MiB',
    engine: { median: memEngine / 2 ** 20, min: memEngine / 2 ** 20, max: memEngine / 2 ** 20 },
    c: cMem === null ? null : { median: cMem / 2 ** 20, min: cMem / 2 ** 20, max: cMem / 2 ** 20 },
    ratio: cMem === null ? null : memEngine / cMem,
    target: '<= 2x C',
    met: cMem === null ? null : memEngine / cMem <= 2,
  });

  const huge = benchFile('huge-vma.json');
  const hugeTimes: number[] = [];
  let hugeOk = true;
  for (let r = 0; r < warmups + runs; r++) {
    const t = timeMs(() => {
      const p = parseScenario(huge);
      if (!p.ok) throw new Error(`bench/huge-vma.json: ${p.message}`);
      const s = new Session(p.scenario);
      hugeOk &&= s.results.every((res, i) => i < 2 || (res as { signal?: unknown }).signal === null);
    });
    if (r >= warmups) hugeTimes.push(t);
  }
  const hugeStat = stat(hugeTimes);
  const hugeKib = (mem.huge ?? Number.NaN) / 1024;
  rows.push({
    figure: `huge VMA (${HUGE_VMA_PAGES} pages, 3 touches) through Session`,
    unit: 'ms',
    engine: hugeStat,
    c: null,
    ratio: null,
    target: '< 5 ms',
    met: hugeOk && hugeStat.median < 5,
  });
  rows.push({
    figure: 'huge VMA memory',
    unit: 'KiB',
    engine: { median: hugeKib, min: hugeKib, max: hugeKib },
    c: null,
    ratio: null,
    target: '< 1024 KiB',
    met: mem.huge === null ? null : mem.huge < 2 ** 20,
  });

  // Stepping through Session on the committed 10,000-step scenario.
  const p = parseScenario(benchFile('steps-10k.json'));
  if (!p.ok) throw new Error(`bench/steps-10k.json: ${p.message}`);
  let session: Session | null = null;
  const loadMs = timeMs(() => {
    session = new Session(p.scenario);
  });
  const s = session as unknown as Session;
  const n = s.length;
  let state = 12345;
  const rand = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % (n + 1);
  };
  const seeks: number[] = [];
  const backs: number[] = [];
  const fwds: number[] = [];
  for (let i = 0; i < 200; i++) {
    const k = rand();
    seeks.push(timeMs(() => s.seek(k)));
    backs.push(timeMs(() => s.back()));
    fwds.push(timeMs(() => s.forward()));
  }
  const step = (figure: string, xs: number[]) => {
    const st = stat(xs.slice(20));
    rows.push({ figure, unit: 'ms', engine: st, c: null, ratio: null, target: '< 50 ms (max)', met: st.max < 50 });
  };
  step(`seek to a random step of ${n}`, seeks);
  step('back one step after a seek', backs);
  step('forward one step', fwds);
  notes.push(`10,000-step Session load (every step run once, keyframes): ${loadMs.toFixed(1)} ms`);

  // The engine's final state against ptwork.c's.
  const verify = checks.map((e, i) => {
    const ref = c?.checks[i];
    const same = ref
      ? e.refs === ref.refs &&
        e.maps === ref.maps &&
        e.tables === ref.tables &&
        e.pte_fnv === ref.pte_fnv &&
        e.lookup_pfns === ref.lookup_pfns &&
        e.errors === ref.errors &&
        e.signals === 0 &&
        e.accessed === N_PAGES
      : null;
    return { order: i === 0 ? 'address' : 'random', engine: e, c: ref ?? null, same };
  });

  const doc = {
    machine: machine(),
    runs,
    warmups,
    seed,
    n: N_PAGES,
    notes,
    rows,
    state: verify,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  printTable(doc.machine, rows, notes, verify);
}

function machine(): { cpu: string; nproc: number; node: string } {
  let cpu = 'unknown';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpu = m[1];
  } catch {}
  return { cpu, nproc: availableParallelism(), node: process.version };
}

function fmt(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function printTable(
  m: { cpu: string; nproc: number; node: string },
  rows: Row[],
  notes: string[],
  verify: { order: string; engine: StateCheck; c: unknown; same: boolean | null }[],
): void {
  const lines = [['figure', 'unit', 'engine median (min-max)', 'C median (min-max)', 'ratio', 'target', 'met?']];
  for (const r of rows) {
    lines.push([
      r.figure,
      r.unit,
      `${fmt(r.engine.median)} (${fmt(r.engine.min)}-${fmt(r.engine.max)})`,
      r.c ? `${fmt(r.c.median)} (${fmt(r.c.min)}-${fmt(r.c.max)})` : '',
      r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`,
      r.target,
      r.met === null ? 'n/a' : r.met ? 'yes' : 'NO',
    ]);
  }
  const widths = (lines[0] as string[]).map((_, i) => Math.max(...lines.map((l) => (l[i] as string).length)));
  const out = lines.map((l) =>
    l
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd(),
  );
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  process.stdout.write(`machine: ${m.cpu}, ${m.nproc} CPUs, node ${m.node}\n\n${out.join('\n')}\n\n`);
  for (const v of verify) {
    const e = v.engine;
    process.stdout.write(
      `state, ${v.order} order: refs ${e.refs}, maps ${e.maps}, tables ${e.tables}, pte_fnv ${e.pte_fnv}, lookup_pfns ${e.lookup_pfns}, errors ${e.errors}, faults ${e.signals}, accessed ${e.accessed}: ${v.same === null ? 'no C result to compare' : v.same ? 'same as C' : 'DIFFERS from C'}\n`,
    );
  }
  for (const n of notes) process.stdout.write(`note: ${n}\n`);
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === resolve(process.argv[1]) &&
  /bench\.(ts|m?js)$/.test(process.argv[1])
)
  main(process.argv.slice(2));
