// The worker's API: plain data in, plain data out (structured clone).
// Both the worker entry and the client import this type; neither imports the other.
import type { simulate } from '../scenario/run.ts';

export interface EngineApi {
  simulate: typeof simulate;
}
