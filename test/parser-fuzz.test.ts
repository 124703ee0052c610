// A mutational fuzzer over the scenario parser: the conformance scenarios, mutated
// (truncations, wrong types, huge numbers, NaN-like strings, deep nesting, __proto__ and
// constructor keys, very long strings, byte flips, duplicated keys, ...). Every mutant is
// run or refused with {ok: false, message} by simulate(), never throws, takes under a
// second, and a refusal is one line with no stack trace. The CLI exits 2 with one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInput, MAX_MS_PER_INPUT, MUTATIONS, mutate, Rng, seedScenarios } from './fuzz-lib.ts';

const SEED = Number(process.env.PTLAB_FUZZ_SEED ?? 424242);
const PER_MUTATION = Number(process.env.PTLAB_PARSER_FUZZ_PER_MUTATION ?? 40);
const seeds = seedScenarios();

describe('parser fuzz: mutated conformance scenarios', () => {
  it('starts from the conformance scenarios, which all run', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(20);
    for (const s of seeds) expect(checkInput(s.text), s.name).toMatchObject({ ok: true, problem: null });
  });

  it.each(MUTATIONS)(
    `${PER_MUTATION} mutants by %s: run or refused cleanly, each under a second`,
    (kind) => {
      const rng = new Rng(SEED ^ (MUTATIONS.indexOf(kind) * 0x9e3779b1));
      let slowest = 0;
      for (let i = 0; i < PER_MUTATION; i++) {
        const seed = rng.pick(seeds);
        const m = mutate(rng, seed.text, kind);
        const out = checkInput(m.text);
        slowest = Math.max(slowest, out.ms);
        expect(out.problem, `${kind} of ${seed.name} (#${i}):\n${m.text.slice(0, 2000)}`).toBeNull();
        expect(out.ms).toBeLessThan(MAX_MS_PER_INPUT);
      }
      expect(slowest).toBeLessThan(MAX_MS_PER_INPUT);
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
    120_000,
  );

  it('mixed mutations stacked two or three deep', () => {
    const rng = new Rng(SEED + 1);
    for (let i = 0; i < 150; i++) {
      let text = rng.pick(seeds).text;
      const kinds: string[] = [];
      for (let d = 0; d < 2 + rng.int(2); d++) {
        try {
          const m = mutate(rng, text);
          kinds.push(m.kind);
          text = m.text;
        } catch {
          break; // the text is no longer JSON: structural mutations stop here
        }
      }
      expect(checkInput(text).problem, `${kinds.join(' + ')}:\n${text.slice(0, 2000)}`).toBeNull();
    }
  }, 120_000);
});

describe('parser fuzz: the CLI on a handful of mutants', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tsx = new URL('../node_modules/.bin/tsx', import.meta.url).pathname;
  const sim = new URL('../src/cli/sim.ts', import.meta.url).pathname;

  // Refused mutants of different kinds.
  const rng = new Rng(SEED + 2);
  const mutants: { kind: string; text: string; message: string }[] = [];
  for (const kind of ['truncate', 'wrong-type', 'proto-key', 'duplicate-key', 'huge-number', 'deep-nesting'] as const) {
    for (let tries = 0; tries < 50; tries++) {
      const m = mutate(rng, rng.pick(seeds).text, kind);
      const out = checkInput(m.text);
      if (!out.ok && out.message) {
        mutants.push({ kind, text: m.text, message: out.message });
        break;
      }
    }
  }

  it('found refused mutants to try', () => expect(mutants.length).toBeGreaterThanOrEqual(5));

  it.each(mutants.map((m, i) => [m.kind, i] as const))(
    '%s mutant: exit 2 and one line',
    (_kind, i) => {
      const m = mutants[i] as (typeof mutants)[number];
      const file = join(dir, `m${i}.json`);
      writeFileSync(file, m.text);
      const r = spawnSync(tsx, [sim, file], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toMatch(/\s+at .*:\d+/);
      expect(lines[0]).toContain(m.message);
    },
    40_000,
  );
});
