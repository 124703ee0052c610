// Exact stepping: the state after k steps is the same reached by replay from
// the start, by seeking, and by stepping back from the end; the invariants hold
// after every step of every measured scenario.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInvariants, dumpState } from '../src/engine/inspect.ts';
import { Session } from '../src/engine/session.ts';
import { Simulation } from '../src/engine/steps.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import type { Scenario } from '../src/scenario/types.ts';

const dir = join(import.meta.dirname, 'conformance');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .sort()
  .map((f) => {
    const p = parseScenario(readFileSync(join(dir, f), 'utf8'));
    if (!p.ok) throw new Error(`${f}: ${p.message}`);
    return { name: f, scenario: p.scenario };
  });

/** The state after k steps, by replay from a fresh kernel. */
function replay(scenario: Scenario, k: number): unknown {
  const sim = new Simulation(scenario);
  for (let i = 0; i < k; i++) sim.runStep(i);
  return dumpState(sim.kernel);
}

function checkSession(scenario: Scenario): void {
  const session = new Session(scenario);
  const n = scenario.steps.length;
  const byReplay = Array.from({ length: n + 1 }, (_, k) => replay(scenario, k));
  for (let k = n; k >= 0; k--) {
    expect(dumpState(session.seek(k).kernel), `seek to ${k}`).toEqual(byReplay[k]);
  }
  session.seek(n);
  for (let k = n - 1; k >= 0; k--) expect(dumpState(session.back().kernel), `back to ${k}`).toEqual(byReplay[k]);
  for (let k = 1; k <= n; k++) {
    const sim = session.forward();
    expect(dumpState(sim.kernel), `forward to ${k}`).toEqual(byReplay[k]);
    // After an oops the dead task's state is what the oops left (a leak, a half-done call).
    if (!sim.ended) expect(checkInvariants(sim.kernel), `invariants after step ${k - 1}`).toEqual([]);
  }
}

describe('stepping and invariants on every conformance scenario', () => {
  it.each(scenarios)('$name', ({ scenario }) => checkSession(scenario));
});

describe('Session', () => {
  it('keeps the results it computed at load, and clamps the cursor', () => {
    const { scenario } = scenarios[0] as { scenario: Scenario };
    const s = new Session(scenario);
    expect(s.results).toHaveLength(scenario.steps.length);
    expect(s.seek(-5) && s.cursor).toBe(0);
    expect(s.seek(10 ** 6) && s.cursor).toBe(scenario.steps.length);
  });
});
