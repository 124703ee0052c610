// The engine side of the worker: one loaded session, views of any step. Kept
// apart from the worker entry so tests can drive it in-process.
import { changedFrames, changedPtes, changedVmas } from '../engine/changes.ts';
import type { Kernel } from '../engine/kernel.ts';
import { NO_RANGES, type Ranges } from '../engine/ranges.ts';
import { Session } from '../engine/session.ts';
import type { Simulation } from '../engine/steps.ts';
import { StepTrace } from '../engine/traceView.ts';
import {
  addressSpace,
  type FrameRuns,
  type PhysicalView,
  pageWalk,
  physicalMemory,
  pteRuns,
  structPage,
} from '../engine/view.ts';
import { parseScenario } from '../scenario/parse.ts';
import { compareProfiles, simulate } from '../scenario/run.ts';
import type { KernelName } from '../scenario/types.ts';
import { type EngineApi, type LoadResult, MAX_WINDOW_PAGES, type StepView, type ViewRequest } from './api.ts';

/** Step traces kept (the one that led to the cursor, and one more for going back and forth). */
const TRACES_KEPT = 2;

/**
 * What a view at one cursor shares whatever the window and selection: the
 * state before the step that led there, and what that step changed outside
 * the window. Panning or picking at the same cursor reuses it.
 */
interface AtCursor {
  cursor: number;
  before: Simulation | null;
  vmas: string[];
  frames: Ranges;
  physical: PhysicalView;
}

/** A copy of cached frame runs. */
function copyRuns(r: FrameRuns): FrameRuns {
  return {
    first: r.first.slice(),
    count: r.count.slice(),
    owner: r.owner.slice(),
    label: r.label.slice(),
    refcount: r.refcount.slice(),
    mapcount: r.mapcount.slice(),
    labels: r.labels,
  };
}

export function createLab(): EngineApi {
  let session: Session | null = null;
  let at: AtCursor | null = null;
  const traces = new Map<number, StepTrace>();

  function atCursor(s: Session, cursor: number): AtCursor {
    if (at?.cursor === cursor) return at;
    // A copy of the state before the step that led here, kept to tell what that step changed.
    const before = cursor > 0 ? s.seek(cursor - 1).clone() : null;
    const k = s.seek(cursor).kernel;
    at = {
      cursor,
      before,
      vmas: before ? changedVmas(before.kernel, k) : [],
      frames: before ? changedFrames(before.kernel, k) : NO_RANGES,
      physical: physicalMemory(k),
    };
    return at;
  }

  function stepTrace(s: Session, step: number): StepTrace {
    const kept = traces.get(step);
    if (kept) return kept;
    const { trace, dropped } =
      at?.before && at.cursor === step + 1 ? at.before.clone().runStepTraced(step) : s.traced(step);
    const t = new StepTrace(step, trace, dropped);
    traces.set(step, t);
    for (const old of traces.keys()) if (traces.size > TRACES_KEPT) traces.delete(old);
    return t;
  }

  return {
    simulate,
    compare: compareProfiles,
    load(text: string, opts: { kernel?: string } = {}): LoadResult {
      const parsed = parseScenario(text, { kernel: opts.kernel as KernelName | undefined });
      if (!parsed.ok) return parsed;
      session = new Session(parsed.scenario);
      at = null;
      traces.clear();
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
      const count = Math.max(0, Math.min(MAX_WINDOW_PAGES, Math.trunc(req.window.count)));
      const first = Math.trunc(req.window.first);
      const shared = atCursor(s, cursor);
      const k: Kernel = s.seek(cursor).kernel;
      const walk = req.addr === null ? null : pageWalk(k, req.addr);
      // With no frame picked, show the struct page of the frame the selected PTE maps.
      const pfn = req.pfn ?? (walk && walk.frame >= 0 ? walk.frame : null);
      const { runs, ...counts } = shared.physical;
      // Typed arrays are copied: the worker transfers what it returns, and the cached ones stay.
      return {
        cursor,
        addressSpace: addressSpace(k),
        ptes: pteRuns(k, req.mapping ?? '', first, req.mapping ? count : 0),
        walk,
        physical: { ...counts, runs: copyRuns(runs) },
        page: pfn === null || pfn < 0 || pfn >= k.mem.nframes ? null : structPage(k, pfn),
        changes: {
          vmas: shared.vmas,
          ptes: shared.before ? changedPtes(shared.before.kernel, k, req.mapping, first, count) : new Float64Array(0),
          frames: shared.frames.slice(),
        },
      };
    },
    trace(req) {
      if (!session) throw new Error('no scenario loaded');
      const step = Math.trunc(req.step);
      if (!(step >= 0 && step < session.length)) throw new Error(`no step ${req.step}`);
      return stepTrace(session, step).page(req.decisionsOnly, req.from);
    },
    crash(how: 'throw' | 'hang'): never {
      if (how === 'hang') for (;;) {} // until the client's time limit terminates the worker
      throw new Error('crash requested by a test hook');
    },
  };
}
