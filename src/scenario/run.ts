// From scenario text to result documents: parse, then run every step, with the
// trace of each step or under several profiles when asked.

import { Simulation } from '../engine/steps.ts';
import type { TraceEvent } from '../engine/trace.ts';
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

/** Run a trusted scenario with every step traced. */
export function traceScenario(scenario: Scenario): { doc: ResultDoc; traces: TraceEvent[][] } {
  const sim = new Simulation(scenario);
  const traces: TraceEvent[][] = [];
  const results = scenario.steps.map((_, i) => {
    const r = sim.runStepTraced(i);
    traces.push(r.trace);
    return r.result;
  });
  return { doc: { ptlab: 1, kernel: scenario.kernel, results }, traces };
}

/** Parse and run scenario text; a refused scenario gives the parser's message. */
export function simulate(text: string, opts: { kernel?: string } = {}): SimOutcome {
  const parsed = parseScenario(text, { kernel: opts.kernel as KernelName | undefined });
  if (!parsed.ok) return parsed;
  return { ok: true, doc: runScenario(parsed.scenario) };
}

export interface StepDifference {
  step: number;
  op: string;
  results: Record<string, StepResult>;
}

/** Run one scenario under several profiles; the steps whose results differ. */
export function compareProfiles(
  text: string,
  kernels: string[],
): { ok: true; docs: ResultDoc[]; differences: StepDifference[] } | { ok: false; message: string } {
  const docs: ResultDoc[] = [];
  let scenario: Scenario | null = null;
  for (const kernel of kernels) {
    const parsed = parseScenario(text, { kernel: kernel as KernelName });
    if (!parsed.ok) return { ok: false, message: `under ${kernel}: ${parsed.message}` };
    scenario = parsed.scenario;
    docs.push(runScenario(parsed.scenario));
  }
  const differences: StepDifference[] = [];
  const steps = scenario?.steps ?? [];
  steps.forEach((step, i) => {
    const texts = docs.map((d) => JSON.stringify(d.results[i]));
    if (texts.every((t) => t === texts[0])) return;
    differences.push({
      step: i,
      op: step.op,
      results: Object.fromEntries(docs.map((d) => [d.kernel, d.results[i] as StepResult])),
    });
  });
  return { ok: true, docs, differences };
}
