// The editor's lint: the engine's own checker (parse.ts) run on the editor text, in the main
// thread. Loaded lazily (it brings zod and the profiles) so the first bundle stays small.
import { parseScenario } from '../../scenario/parse.ts';
import type { KernelName } from '../../scenario/types.ts';

/** Null when the text would load, else the message the engine would refuse it with. */
export function lintScenario(text: string, kernel: string | null): string | null {
  const res = parseScenario(text, kernel ? { kernel: kernel as KernelName } : {});
  return res.ok ? null : res.message;
}
