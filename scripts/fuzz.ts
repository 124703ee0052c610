// The large fuzz run, kept out of npm test:
//   npm run fuzz -- [--runs 10000] [--seed N] [--mutants 20000] [--max-steps 24]
// 1. --runs random valid scenarios over every profile and op (test/gen.ts): one result
//    a step, invariants, byte-identical reruns, replay = seek = step-back = traced step.
// 2. --mutants mutated conformance scenarios through simulate(): run or refused with one
//    line and no stack trace, never a throw, each under a second.
// Prints progress and a summary; exits 1 if any property broke (the shortest failing
// scenarios are printed; a parser mutant that breaks a rule stops the run at once).
import fc from 'fast-check';
import {
  checkInput,
  checkScenario,
  MAX_MS_PER_INPUT,
  MUTATIONS,
  mutate,
  Rng,
  seedScenarios,
} from '../test/fuzz-lib.ts';
import { scenarioText } from '../test/gen.ts';

function arg(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const a = argv[i] as string;
  const v = Number(a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    process.stderr.write(`--${name} needs a number\n`);
    process.exit(2);
  }
  return Math.trunc(v);
}

const RUNS = arg('runs', 10_000);
const SEED = arg('seed', Date.now() % 2 ** 31);
const MUTANTS = arg('mutants', 20_000);
const MAX_STEPS = arg('max-steps', 24);
const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);

process.stdout.write(`ptlab fuzz: seed ${SEED}, ${RUNS} scenarios (up to ${MAX_STEPS} intents), ${MUTANTS} mutants\n`);

// 1. Valid scenarios: drawn from the seed, each checked; failures are counted and the
// shortest ones printed (re-run one with PTLAB_PROPERTY_SEED / the text for shrinking).
let done = 0;
let steps = 0;
const failures: { i: number; text: string; error: string }[] = [];
const every = Math.max(1, Math.floor(RUNS / 20));
const samples = fc.sample(
  fc.tuple(scenarioText({ maxSteps: MAX_STEPS }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 })),
  { numRuns: RUNS, seed: SEED },
);
for (const [i, [text, picks]] of samples.entries()) {
  try {
    checkScenario(text, picks);
  } catch (e) {
    failures.push({ i, text, error: (e instanceof Error ? e.message : String(e)).split('\n')[0] as string });
  }
  done++;
  steps += (JSON.parse(text) as { steps: unknown[] }).steps.length;
  if (done % every === 0)
    process.stdout.write(`  scenarios ${done}/${RUNS}  (${secs()} s, ${failures.length} failed)\n`);
}
const tScenarios = secs();
process.stdout.write(`  ${done} scenarios, ${steps} steps, ${failures.length} failed (${tScenarios} s)\n`);
const kinds = new Map<string, number>();
for (const f of failures) {
  const k = f.error.replace(/\d+/g, 'N');
  kinds.set(k, (kinds.get(k) ?? 0) + 1);
}
for (const [k, n] of kinds) process.stdout.write(`    ${n} x ${k}\n`);
for (const f of [...failures].sort((a, b) => a.text.length - b.text.length).slice(0, 3))
  process.stdout.write(`  FAILED scenario #${f.i}: ${f.error}\n    ${f.text}\n`);

// 2. Parser mutants.
const seeds = seedScenarios();
const rng = new Rng(SEED);
const byKind = new Map<string, { ran: number; refused: number; slowest: number }>(
  MUTATIONS.map((k) => [k, { ran: 0, refused: 0, slowest: 0 }]),
);
const mEvery = Math.max(1, Math.floor(MUTANTS / 10));
for (let i = 0; i < MUTANTS; i++) {
  const seed = rng.pick(seeds);
  let m: ReturnType<typeof mutate>;
  try {
    m = mutate(rng, seed.text);
    // sometimes stack a second mutation on a mutant that is still JSON
    if (rng.next() < 0.25) {
      try {
        m = { kind: m.kind, text: mutate(rng, m.text).text };
      } catch {}
    }
  } catch (e) {
    process.stdout.write(`the mutator broke on ${seed.name}: ${e}\n`);
    process.exit(1);
  }
  const out = checkInput(m.text);
  const k = byKind.get(m.kind) as { ran: number; refused: number; slowest: number };
  if (out.ok) k.ran++;
  else k.refused++;
  k.slowest = Math.max(k.slowest, out.ms);
  if (out.problem !== null) {
    process.stdout.write(
      `FAILED: mutant #${i} (${m.kind} of ${seed.name}, seed ${SEED}): ${out.problem}\n${m.text.slice(0, 4000)}\n`,
    );
    process.exit(1);
  }
  if ((i + 1) % mEvery === 0) process.stdout.write(`  mutants ${i + 1}/${MUTANTS}  (${secs()} s)\n`);
}

process.stdout.write(`\nsummary (seed ${SEED}):\n`);
process.stdout.write(
  `  valid scenarios: ${done - failures.length} of ${done} passed, ${steps} steps, ${tScenarios} s\n`,
);
process.stdout.write(`  parser mutants:  ${MUTANTS} from ${seeds.length} conformance scenarios, none threw\n`);
for (const [kind, k] of byKind)
  process.stdout.write(
    `    ${kind.padEnd(16)} ran ${String(k.ran).padStart(6)}  refused ${String(k.refused).padStart(6)}  slowest ${k.slowest.toFixed(1)} ms (limit ${MAX_MS_PER_INPUT})\n`,
  );
process.stdout.write(`  total ${secs()} s\n`);
if (failures.length) process.exitCode = 1;
