// Seeded exercises: deterministic, always valid, and varied enough to teach something.
import { describe, expect, it } from 'vitest';
import {
  describeExercise,
  generateExercise,
  isSeed,
  MEMORY_KINDS,
  mulberry32,
  STRATEGIES,
} from '../src/classroom/generate.ts';
import { questionFor } from '../src/classroom/questions.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import { simulate } from '../src/scenario/run.ts';

const KERNELS = ['4.19', '5.2', '6.1'] as const;

describe('generateExercise', () => {
  it('gives the same text for the same seed and options, and different texts for different seeds', () => {
    for (const seed of [0, 1, 42, 123456, 0xffffffff]) {
      expect(generateExercise(seed)).toBe(generateExercise(seed));
      expect(generateExercise(seed, { kernel: '4.19' })).toBe(generateExercise(seed, { kernel: '4.19' }));
    }
    const texts = new Set(Array.from({ length: 50 }, (_, s) => generateExercise(s)));
    expect(texts.size).toBe(50);
  });

  it('uses its own PRNG (mulberry32), not Math.random', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    const random = Math.random;
    Math.random = () => {
      throw new Error('Math.random used');
    };
    try {
      expect(() => generateExercise(99)).not.toThrow();
    } finally {
      Math.random = random;
    }
  });

  it('200 seeds parse and run under 4.19, 5.2 and 6.1 without exceptions', () => {
    for (const kernel of KERNELS) {
      for (let seed = 0; seed < 200; seed++) {
        const text = generateExercise(seed, { kernel });
        const parsed = parseScenario(text);
        if (!parsed.ok) throw new Error(`seed ${seed} under ${kernel}: ${parsed.message}`);
        expect(parsed.scenario.kernel).toBe(kernel);
        const out = simulate(text, { kernel });
        if (!out.ok) throw new Error(`seed ${seed} under ${kernel}: ${out.message}`);
        expect(out.doc.results).toHaveLength(parsed.scenario.steps.length);
      }
    }
  });

  it('every exercise asks about an mmap, at least one touch and a page_info, and says what to predict', () => {
    for (let seed = 0; seed < 100; seed++) {
      const text = generateExercise(seed);
      const doc = JSON.parse(text) as { title: string; note: string; steps: { op: string; note?: string }[] };
      expect(doc.title).toContain(`Exercise ${seed}`);
      expect(doc.note).toMatch(/predict/i);
      const ops = doc.steps.map((s) => s.op);
      expect(ops).toContain('mmap');
      expect(ops).toContain('touch');
      expect(ops).toContain('page_info');
      expect(ops).toContain('munmap');
      const asked = doc.steps.filter((s) => questionFor(s.op));
      expect(asked.length).toBeGreaterThanOrEqual(5);
    }
  });

  it('is varied: at least 5 driver strategies and 5 memory kinds over 50 seeds, and all kinds of outcome', () => {
    const strategies = new Set<string>();
    const kinds = new Set<string>();
    const mmapRets = new Set<string>();
    const signals = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const { info, text } = describeExercise(seed);
      strategies.add(info.strategy);
      kinds.add(info.kind);
      const out = simulate(text);
      if (!out.ok) throw new Error(out.message);
      for (const r of out.doc.results) {
        if ('calls' in r) mmapRets.add(String(r.ret));
        if ('signal' in r) signals.add(String(r.signal));
        if ('oops' in r) signals.add('oops');
      }
    }
    expect(strategies.size).toBeGreaterThanOrEqual(5);
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    expect(mmapRets.has('0')).toBe(true);
    expect(mmapRets.size).toBeGreaterThanOrEqual(2);
    expect(signals.has('null')).toBe(true);
    expect(signals.has('SIGSEGV')).toBe(true);
    expect(signals.has('SIGBUS')).toBe(true);
  });

  it('uses only the calls the kernel has: vm_map_pages becomes a vm_insert_page loop on 4.19', () => {
    for (let seed = 0; seed < 200; seed++) {
      const { info, text } = describeExercise(seed, { kernel: '4.19' });
      expect(info.strategy).not.toMatch(/^vm_map_pages/);
      expect(text).not.toContain('vm_map_pages');
    }
    const forced = describeExercise(3, { kernel: '4.19', strategy: 'vm_map_pages' });
    expect(forced.info.strategy).toBe('vm_insert_page-loop');
  });

  it('honours a forced kind and strategy', () => {
    for (const kind of MEMORY_KINDS) {
      for (const strategy of STRATEGIES) {
        const { info, text } = describeExercise(11, { kind, strategy });
        expect(info.kind).toBe(kind);
        if (strategy === 'remap_vmalloc_range' && !kind.startsWith('vmalloc'))
          expect(info.strategy).toBe('remap_pfn_range');
        else expect(info.strategy).toBe(strategy);
        const out = simulate(text);
        if (!out.ok) throw new Error(`${kind} ${strategy}: ${out.message}`);
      }
    }
  });

  it('refuses a bad seed, kernel, kind or strategy with a RangeError', () => {
    expect(isSeed(0)).toBe(true);
    expect(isSeed(-1)).toBe(false);
    expect(isSeed(1.5)).toBe(false);
    expect(isSeed(2 ** 32)).toBe(false);
    expect(() => generateExercise(-1)).toThrow(RangeError);
    expect(() => generateExercise(1, { kernel: '3.0' })).toThrow(/unknown kernel profile "3.0"/);
    expect(() => generateExercise(1, { kind: 'slab' as never })).toThrow(/unknown memory kind/);
    expect(() => generateExercise(1, { strategy: 'magic' as never })).toThrow(/unknown strategy/);
  });
});
