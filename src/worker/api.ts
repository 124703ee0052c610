// The worker's API: plain data in, plain data out (structured clone). Both the
// worker entry and the client import these types; neither imports the other.
import type { TraceEvent } from '../engine/trace.ts';
import type { AddressSpaceView, PhysicalView, PteRun, StructPageView, WalkView } from '../engine/view.ts';
import type { StepResult } from '../scenario/results.ts';
import type { compareProfiles, simulate } from '../scenario/run.ts';

export type LoadResult =
  | { ok: true; title: string | null; kernel: string; steps: number; results: StepResult[] }
  | { ok: false; message: string };

export interface ViewRequest {
  /** The state after this many steps (0 = before the first). */
  cursor: number;
  /** The mapping whose PTEs to show, and which of its pages. */
  mapping: string | null;
  window: { first: number; count: number };
  /** The user address to walk, and the frame whose struct page to show. */
  addr: number | null;
  pfn: number | null;
}

export interface StepView {
  cursor: number;
  addressSpace: AddressSpaceView;
  ptes: PteRun[];
  walk: WalkView | null;
  physical: PhysicalView;
  page: StructPageView | null;
  /** The step that led here (cursor - 1): its result and its trace. */
  last: { step: number; result: StepResult; trace: TraceEvent[] } | null;
  /** What that step changed, for the views to highlight (empty before step 0). */
  changes: StepChanges;
}

export interface StepChanges {
  /** Mappings whose VMAs appeared, changed (flags, split) or went. */
  vmas: string[];
  /** Pages of the requested window of the mapping whose PTE changed. */
  ptes: number[];
  /** Frames whose struct page changed (refcount, mapcount, flags, owner). */
  frames: number[];
}

export interface EngineApi {
  simulate: typeof simulate;
  compare: typeof compareProfiles;
  /** Load scenario text into the worker's session (the previous one stays when it is refused). */
  load(text: string, opts?: { kernel?: string }): LoadResult;
  view(req: ViewRequest): StepView;
  /** Test hook (the client exposes it only with ?test-hooks=1): throw inside the call, or never answer. */
  crash(how: 'throw' | 'hang'): never;
}
