// Seeded property tests over random valid scenarios of every profile and op (test/gen.ts):
// every step gives exactly one result, a second run prints a byte-identical document, and
// replay, seek, step-back and the traced recomputation agree exactly at random steps.
// A small run here; `npm run fuzz -- --runs 10000` is the large one (scripts/fuzz.ts).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { KERNEL_NAMES } from '../src/scenario/types.ts';
import { checkScenario } from './fuzz-lib.ts';
import { scenarioText } from './gen.ts';

const RUNS = Math.min(300, Number(process.env.PTLAB_FUZZ_RUNS ?? 240));
const SEED = Number(process.env.PTLAB_FUZZ_SEED ?? 424242);
const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 4 });

describe('fuzz: random valid scenarios', () => {
  it(`${RUNS} scenarios over every profile: one result a step, identical reruns, exact seek and step-back`, () => {
    fc.assert(
      fc.property(scenarioText(), picks, (text, p) => checkScenario(text, p)),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);

  it.each(KERNEL_NAMES)(
    '%s: 10 longer scenarios',
    (kernel) => {
      fc.assert(
        fc.property(scenarioText({ kernel, maxSteps: 60 }), picks, (text, p) => checkScenario(text, p)),
        { numRuns: 10, seed: SEED + kernel.length },
      );
    },
    60_000,
  );
});
