// The engine side of the worker: one loaded session, views of any step. Kept
// apart from the worker entry so tests can drive it in-process.
import { stepChanges } from '../engine/changes.ts';
import { Session } from '../engine/session.ts';
import { addressSpace, pageWalk, physicalMemory, pteRuns, structPage } from '../engine/view.ts';
import { parseScenario } from '../scenario/parse.ts';
import { compareProfiles, simulate } from '../scenario/run.ts';
import type { KernelName } from '../scenario/types.ts';
import type { EngineApi, LoadResult, StepView, ViewRequest } from './api.ts';

/** Pages of a mapping one view may ask for (the view asks only for what is visible). */
export const MAX_WINDOW = 1 << 16;

export function createLab(): EngineApi {
  let session: Session | null = null;
  return {
    simulate,
    compare: compareProfiles,
    load(text: string, opts: { kernel?: string } = {}): LoadResult {
      const parsed = parseScenario(text, { kernel: opts.kernel as KernelName | undefined });
      if (!parsed.ok) return parsed;
      session = new Session(parsed.scenario);
      const { scenario } = parsed;
      return {
        ok: true,
        title: scenario.title,
        kernel: scenario.kernel,
        steps: scenario.steps.length,
        results: session.results,
      };
    },
    view(req: ViewRequest): StepView {
      if (!session) throw new Error('no scenario loaded');
      const s = session;
      const cursor = Math.max(0, Math.min(s.length, Math.trunc(req.cursor)));
      const count = Math.max(0, Math.min(MAX_WINDOW, Math.trunc(req.window.count)));
      const first = Math.trunc(req.window.first);
      // The state before the step that led here, kept to tell what that step changed.
      const before = cursor > 0 ? s.seek(cursor - 1).kernel.clone() : null;
      const last = cursor > 0 ? { step: cursor - 1, ...s.traced(cursor - 1) } : null;
      const k = s.seek(cursor).kernel;
      const changes = before ? stepChanges(before, k, req.mapping, first, count) : { vmas: [], ptes: [], frames: [] };
      const walk = req.addr === null ? null : pageWalk(k, req.addr);
      // With no frame picked, show the struct page of the frame the selected PTE maps.
      const pfn = req.pfn ?? (walk && walk.frame >= 0 ? walk.frame : null);
      return {
        cursor,
        addressSpace: addressSpace(k),
        ptes: req.mapping ? pteRuns(k, req.mapping, first, count) : [],
        walk,
        physical: physicalMemory(k),
        page: pfn === null || pfn < 0 || pfn >= k.mem.nframes ? null : structPage(k, pfn),
        last,
        changes,
      };
    },
    crash(how: 'throw' | 'hang'): never {
      if (how === 'hang') for (;;) {} // until the client's time limit terminates the worker
      throw new Error('crash requested by a test hook');
    },
  };
}
