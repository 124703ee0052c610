// One call from scenario text to result document: parse, then run every step.
import { Simulation } from '../engine/steps.ts';
import { parseScenario } from './parse.ts';
import type { ResultDoc, StepResult } from './results.ts';
import type { KernelName, Scenario } from './types.ts';

export type { ResultDoc } from './results.ts';

export type SimOutcome = { ok: true; doc: ResultDoc } | { ok: false; message: string };

/** Run a trusted scenario to the end. */
export function runScenario(scenario: Scenario): ResultDoc {
  const sim = new Simulation(scenario);
  const results: StepResult[] = scenario.steps.map((_, i) => sim.runStep(i));
  return { ptlab: 1, kernel: scenario.kernel, results };
}

/** Parse and run scenario text; a refused scenario gives the parser's message. */
export function simulate(text: string, opts: { kernel?: string } = {}): SimOutcome {
  const parsed = parseScenario(text, { kernel: opts.kernel as KernelName | undefined });
  if (!parsed.ok) return parsed;
  return { ok: true, doc: runScenario(parsed.scenario) };
}
