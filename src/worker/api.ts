// The worker's API: plain data in, plain data out (structured clone). Both the
// worker entry and the client import these types; neither imports the other.
import type { Changes } from '../engine/changes.ts';
import type { TracePage } from '../engine/traceView.ts';
import type { AddressSpaceData, PhysicalView, PteRuns, StructPageView, WalkView } from '../engine/view.ts';
import type { StepResult } from '../scenario/results.ts';
import type { compareProfiles, simulate } from '../scenario/run.ts';

/**
 * The most pages of a mapping one view may ask for: 2 GiB, so the PTE map can fit a
 * 1 GiB mapping whole. PTEs come as runs, so the message grows with the runs, not the pages.
 */
export const MAX_WINDOW_PAGES = 1 << 19;

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

/**
 * One step's views. Plain data stays small (well under 100 kB); the bulk (PTE
 * runs, frame runs, change ranges) is in typed arrays the worker transfers.
 */
export interface StepView {
  cursor: number;
  addressSpace: AddressSpaceData;
  ptes: PteRuns;
  walk: WalkView | null;
  physical: PhysicalView;
  page: StructPageView | null;
  /** What the step that led here (cursor - 1) changed, for the views to highlight (empty before step 0). */
  changes: Changes;
}

export interface TraceRequest {
  step: number;
  /** Only the checks that held. */
  decisionsOnly: boolean;
  /** The first row wanted; a page holds at most TRACE_PAGE_ROWS. */
  from: number;
}

export interface EngineApi {
  simulate: typeof simulate;
  compare: typeof compareProfiles;
  /** Load scenario text into the worker's session (the previous one stays when it is refused). */
  load(text: string, opts?: { kernel?: string }): LoadResult;
  view(req: ViewRequest): StepView;
  /** A page of a step's trace (recomputed on demand: the engine is deterministic). */
  trace(req: TraceRequest): TracePage;
  /** Test hook (the client exposes it only with ?test-hooks=1): throw inside the call, or never answer. */
  crash(how: 'throw' | 'hang'): never;
}
