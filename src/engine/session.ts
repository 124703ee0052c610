// A scenario as a timeline: the state before step 0 .. after the last step is
// reachable by index. The scenario is the truth: keyframes (cloned states) every
// KEYFRAME_INTERVAL steps plus deterministic replay give any step exactly.
import type { StepResult } from '../scenario/results.ts';
import type { Scenario } from '../scenario/types.ts';
import { Simulation, type TracedStep } from './steps.ts';

export const KEYFRAME_INTERVAL = 64;

export class Session {
  readonly scenario: Scenario;
  /** Every step's result, computed once at load. */
  readonly results: StepResult[];
  /** keyframes[j] is the state before step j * KEYFRAME_INTERVAL. */
  private keyframes: Simulation[] = [];
  private current: Simulation;
  /** The cursor: how many steps have run in `current` (0 .. steps.length). */
  private at = 0;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    const sim = new Simulation(scenario);
    this.results = [];
    for (let i = 0; i < scenario.steps.length; i++) {
      if (i % KEYFRAME_INTERVAL === 0) this.keyframes.push(sim.clone());
      this.results.push(sim.runStep(i));
    }
    this.current = sim;
    this.at = scenario.steps.length;
  }

  get length(): number {
    return this.scenario.steps.length;
  }

  get cursor(): number {
    return this.at;
  }

  /** The state after `cursor` steps. Read it; never change it. */
  get state(): Simulation {
    return this.current;
  }

  /** Go to the state after k steps (0 = before the first step). */
  seek(k: number): Simulation {
    const target = Math.max(0, Math.min(this.length, Math.trunc(k)));
    if (target < this.at || target - this.at > KEYFRAME_INTERVAL) {
      const j = Math.floor(Math.min(target, this.length - 1) / KEYFRAME_INTERVAL);
      const frame = this.keyframes[Math.max(0, j)];
      if (frame && j * KEYFRAME_INTERVAL <= target) {
        this.current = frame.clone();
        this.at = j * KEYFRAME_INTERVAL;
      } else {
        this.current = new Simulation(this.scenario);
        this.at = 0;
      }
    }
    while (this.at < target) this.current.runStep(this.at++);
    return this.current;
  }

  /** Step i's result and trace, recomputed on a copy of the state before it (the cursor moves to i). */
  traced(i: number): TracedStep {
    return this.seek(i).clone().runStepTraced(i);
  }

  forward(): Simulation {
    return this.seek(this.at + 1);
  }

  back(): Simulation {
    return this.seek(this.at - 1);
  }
}
