// Seeded property tests over random valid scenarios of every profile: no
// exception, one result per step, invariants after every step, byte-identical
// reruns, and the same state by replay, seek and stepping back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariants, dumpState } from '../src/engine/inspect.ts';
import { Session } from '../src/engine/session.ts';
import { Simulation } from '../src/engine/steps.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import { formatDoc } from '../src/scenario/results.ts';
import { simulate } from '../src/scenario/run.ts';
import { scenarioText } from './gen.ts';

const RUNS = Number(process.env.PTLAB_PROPERTY_RUNS ?? 1000);
const SEED = Number(process.env.PTLAB_PROPERTY_SEED ?? 20261201);

describe('random valid scenarios', () => {
  it(`${RUNS} scenarios: parse, run, invariants, determinism, exact stepping`, () => {
    fc.assert(
      fc.property(scenarioText(), fc.nat(), (text, pickStep) => {
        const parsed = parseScenario(text);
        if (!parsed.ok) throw new Error(`generator made an invalid scenario: ${parsed.message}\n${text}`);
        const { scenario } = parsed;
        const sim = new Simulation(scenario);
        const n = scenario.steps.length;
        const dumps: string[] = [JSON.stringify(dumpState(sim.kernel))];
        for (let i = 0; i < n; i++) {
          sim.runStep(i);
          if (!sim.ended) expect(checkInvariants(sim.kernel), `after step ${i}\n${text}`).toEqual([]);
          dumps.push(JSON.stringify(dumpState(sim.kernel)));
        }
        const a = simulate(text);
        const b = simulate(text);
        if (!a.ok || !b.ok) throw new Error('simulate refused a parsed scenario');
        expect(a.doc.results).toHaveLength(n);
        expect(formatDoc(a.doc)).toBe(formatDoc(b.doc));
        const k = pickStep % (n + 1);
        const session = new Session(scenario);
        expect(JSON.stringify(dumpState(session.seek(k).kernel)), `seek ${k}`).toBe(dumps[k]);
        session.seek(n);
        while (session.cursor > k) session.back();
        expect(JSON.stringify(dumpState(session.state.kernel)), `back to ${k}`).toBe(dumps[k]);
        expect(session.results).toEqual(a.doc.results);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);
});

describe('cases the large fuzz run found', () => {
  it('a freed page mapped again by set_page and then reallocated: flagged as use-after-free', () => {
    const text = JSON.stringify({
      ptlab: 1,
      kernel: '4.19',
      ram_mib: 64,
      steps: [
        { op: 'alloc', id: 'a0', kind: 'vmalloc', size: 1 },
        {
          op: 'mmap',
          id: 'm0',
          pages: 6,
          prot: ['read', 'write'],
          flags: 'shared',
          driver: {
            fault: [
              { pgoff: 3, call: 'remap_pfn_range', page: { alloc: 'a0', page: 0 }, count: 2, convert: 'vmf_error' },
              { pgoff: '*', set_page: { alloc: 'a0', page: 0 } },
            ],
          },
        },
        { op: 'touch', mmap: 'm0', page: 3, access: 'read' },
        { op: 'free', id: 'a0' },
        { op: 'touch', mmap: 'm0', page: 0, access: 'read' },
        { op: 'alloc', id: 'a1', kind: 'vmalloc', size: 1 },
      ],
    });
    const parsed = parseScenario(text);
    if (!parsed.ok) throw new Error(parsed.message);
    const sim = new Simulation(parsed.scenario);
    parsed.scenario.steps.forEach((_, i) => {
      sim.runStep(i);
      expect(checkInvariants(sim.kernel), `after step ${i}`).toEqual([]);
    });
    expect(sim.kernel.useAfterFree).toBe(true);
  });
});
