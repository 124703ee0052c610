// The lab's state: the loaded scenario (its text is the truth), the cursor, the
// selection and the view the worker computed for them. Only plain data that came
// back from the worker is stored; nothing here runs the engine.
import { create } from 'zustand';
import type { TracePage } from '../engine/traceView.ts';
import { mappingStart } from '../engine/view.ts';
import type { StepDifference } from '../scenario/run.ts';
import type { LoadResult, StepView } from '../worker/api.ts';
import { engine } from '../worker/client.ts';

export type Loaded = Extract<LoadResult, { ok: true }>;

export interface Selection {
  mapping: string | null;
  /** Page index in the selected mapping (may be outside its VMA). */
  page: number | null;
  /** Frame whose struct page is shown. */
  pfn: number | null;
}

export interface Compare {
  kernels: [string, string];
  differences: StepDifference[];
}

export interface LabState {
  text: string;
  loaded: Loaded | null;
  /** The profile picker: null runs the scenario's own `kernel`. */
  kernel: string | null;
  cursor: number;
  selection: Selection;
  window: { first: number; count: number };
  view: StepView | null;
  /**
   * The trace of the step that led to the cursor, fetched after its view (a
   * 262,144-page step takes a moment to retrace): its rows so far, from the first.
   */
  trace: TracePage | null;
  /** The trace shows only the checks that held. */
  decisionsOnly: boolean;
  /** What went wrong last (a refused scenario, a failed load); the previous scenario stays loaded. */
  message: string | null;
  compare: Compare | null;
  /** Load scenario text; on refusal keep what was loaded and show the message. Resolves true when loaded. */
  load: (text: string, opts?: { cursor?: number; kernel?: string | null }) => Promise<boolean>;
  goto: (cursor: number) => Promise<void>;
  select: (s: Partial<Selection>) => Promise<void>;
  setWindow: (first: number, count: number) => Promise<void>;
  setKernel: (kernel: string | null) => Promise<void>;
  /** Insert a step right after the cursor and go to it (a touch by clicking, a step from the forms). */
  insertStep: (step: Record<string, unknown>) => Promise<boolean>;
  setCompare: (kernels: [string, string] | null) => Promise<void>;
  setDecisionsOnly: (on: boolean) => Promise<void>;
  /** Fetch the trace's next page of rows. */
  moreTrace: () => Promise<void>;
  dismissMessage: () => void;
}

let viewSeq = 0;
let traceSeq = 0;

/** How long a view waits for its step's trace so both show in one update (no "retracing" flash between steps). */
const TRACE_GRACE_MS = 30;

const delay = (ms: number): Promise<undefined> => new Promise((r) => setTimeout(() => r(undefined), ms));

/** Recoveries in a row without a good view in between; past the limit ptlab stops retrying. */
const MAX_RECOVERIES = 3;

export const useLab = create<LabState>()((set, get) => {
  // Worker supervision: when the worker stops (it threw, hung past its time limit or died), start
  // a new one and restore the same scenario text, kernel and cursor from this store's own state.
  let recovering: Promise<boolean> | null = null;
  let recoveries = 0;
  let subscribed = false;

  /** The engine handle; the first use subscribes to its stop notices (mocked handles have none). */
  function api(): ReturnType<typeof engine> {
    const e = engine();
    if (!subscribed && typeof e.onStopped === 'function') {
      subscribed = true;
      e.onStopped((reason) => {
        void recover(reason);
      });
    }
    return e;
  }

  /** Wait for a recovery in progress, so no call reaches a new worker before its scenario is back. */
  async function settled(): Promise<void> {
    while (recovering !== null) await recovering;
  }

  /** Restart the worker and restore the scenario; resolves true when it is back. */
  function recover(reason: string): Promise<boolean> {
    if (recovering !== null) return recovering;
    recovering = (async () => {
      recoveries++;
      const { text, kernel, loaded, cursor } = get();
      if (recoveries > MAX_RECOVERIES) {
        set({
          message: `The engine stopped (${reason}) ${MAX_RECOVERIES} times in a row; ptlab stopped restarting it. Reload the page.`,
        });
        return false;
      }
      if (typeof api().restart === 'function') api().restart();
      if (!loaded) {
        set({ message: `The engine stopped (${reason}); it was restarted.` });
        return false;
      }
      try {
        const res = await api().load(text, kernel ? { kernel } : {});
        if (!res.ok) throw new Error(res.message);
        const at = Math.max(0, Math.min(res.steps, cursor));
        set({ loaded: res, cursor: at });
        set({ message: `The engine stopped (${reason}); it was restarted and the scenario restored at step ${at}.` });
        return true;
      } catch (e) {
        set({
          message: `The engine stopped (${reason}) and the scenario could not be restored: ${e instanceof Error ? e.message : String(e)}`,
        });
        return false;
      }
    })().finally(() => {
      recovering = null;
    });
    const done = recovering;
    // The view at the restored cursor, once the recovery is over (outside it: refresh waits for it).
    void done.then(async (restored) => {
      if (!restored) return;
      await refresh();
      await runCompare();
    });
    return done;
  }

  /** Ask the worker for the view at the current cursor and selection; a newer request wins. */
  async function refresh(): Promise<void> {
    await settled();
    const { loaded, cursor, selection, window } = get();
    if (!loaded) return;
    const seq = ++viewSeq;
    const mapping = selection.mapping;
    const space = get().view?.addressSpace;
    const start = space ? mappingStart(space, mapping) : null;
    try {
      const viewAsked = api().view({
        cursor,
        mapping,
        window,
        addr: start !== null && selection.page !== null ? start + selection.page * 4096 : null,
        pfn: selection.pfn,
      });
      // Asked right after the view (the worker answers in order); a quick trace is shown with the
      // view in one update, a slow one (a 262,144-page step) follows it.
      const step = cursor - 1;
      const traceAsked =
        step >= 0 && get().trace?.summary.step !== step ? requestTrace(step, get().decisionsOnly, 0) : null;
      const view = await viewAsked;
      if (seq !== viewSeq) return;
      const quick = traceAsked !== null ? await Promise.race([traceAsked, delay(TRACE_GRACE_MS)]) : undefined;
      set(step < 0 ? { view, trace: null } : quick ? { view, trace: quick } : { view });
      recoveries = 0;
      if (traceAsked !== null && !quick) {
        const page = await traceAsked;
        if (page) set({ trace: page });
      }
      // The mapping's address is known only from a view: ask again once it is.
      if (start === null && mappingStart(view.addressSpace, mapping) !== null && selection.page !== null)
        await refresh();
    } catch (e) {
      // A stopped worker is recovered from (the client told the listener); anything else is a bug.
      if (isStopped(e)) return;
      if (seq === viewSeq) set({ message: `internal error: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** A page of a step's trace; null when a newer trace request took its place or the worker stopped. */
  async function requestTrace(step: number, decisionsOnly: boolean, from: number): Promise<TracePage | null> {
    const seq = ++traceSeq;
    try {
      const page = await api().trace({ step, decisionsOnly, from });
      return seq === traceSeq ? page : null;
    } catch (e) {
      if (isStopped(e)) return null;
      if (seq === traceSeq) set({ message: `internal error: ${e instanceof Error ? e.message : String(e)}` });
      return null;
    }
  }

  /** The trace's first page (replacing what is shown) or its next page (appended). */
  async function fetchTrace(step: number, decisionsOnly: boolean, more: boolean): Promise<void> {
    await settled();
    const page = await requestTrace(step, decisionsOnly, more ? (get().trace?.rows.length ?? 0) : 0);
    if (!page) return;
    const t = get().trace;
    set({ trace: more && t ? { ...page, from: 0, rows: [...t.rows, ...page.rows] } : page });
  }

  async function runCompare(): Promise<void> {
    const c = get().compare;
    if (!c) return;
    await settled();
    let out: Awaited<ReturnType<ReturnType<typeof engine>['compare']>>;
    try {
      out = await api().compare(get().text, c.kernels);
    } catch (e) {
      if (isStopped(e)) return;
      throw e;
    }
    if (out.ok) set({ compare: { kernels: c.kernels, differences: out.differences } });
    else set({ message: out.message, compare: { kernels: c.kernels, differences: [] } });
  }

  return {
    text: '',
    loaded: null,
    kernel: null,
    cursor: 0,
    selection: { mapping: null, page: null, pfn: null },
    window: { first: 0, count: 512 },
    view: null,
    trace: null,
    decisionsOnly: false,
    message: null,
    compare: null,
    async load(text, opts = {}) {
      const kernel = opts.kernel === undefined ? get().kernel : opts.kernel;
      await settled();
      let res: LoadResult;
      try {
        res = await api().load(text, kernel ? { kernel } : {});
      } catch (e) {
        if (!isStopped(e)) throw e;
        // The worker stopped on this text: the previous scenario is restored and the message says so.
        await settled();
        return false;
      }
      // A refused text never replaces the worker's session: the previous scenario stays.
      if (!res.ok) {
        set({ message: res.message });
        return false;
      }
      const cursor = Math.max(0, Math.min(res.steps, opts.cursor ?? res.steps));
      set({ text, loaded: res, kernel, cursor, message: null, trace: null });
      await refresh();
      await runCompare();
      return true;
    },
    async goto(cursor) {
      const loaded = get().loaded;
      if (!loaded) return;
      set({ cursor: Math.max(0, Math.min(loaded.steps, Math.trunc(cursor))) });
      await refresh();
    },
    async select(s) {
      set({ selection: { ...get().selection, ...s } });
      await refresh();
    },
    async setWindow(first, count) {
      set({ window: { first, count } });
      await refresh();
    },
    async setKernel(kernel) {
      await get().load(get().text, { cursor: get().cursor, kernel });
    },
    async insertStep(step) {
      const doc = JSON.parse(get().text) as { steps: unknown[] };
      const at = get().cursor;
      doc.steps.splice(at, 0, step);
      return get().load(JSON.stringify(doc, null, 2), { cursor: at + 1 });
    },
    async setCompare(kernels) {
      set({ compare: kernels ? { kernels, differences: [] } : null });
      await runCompare();
    },
    async setDecisionsOnly(on) {
      set({ decisionsOnly: on });
      const step = get().cursor - 1;
      if (step >= 0 && get().loaded) await fetchTrace(step, on, false);
    },
    async moreTrace() {
      const t = get().trace;
      if (t && t.rows.length < t.total) await fetchTrace(t.summary.step, t.decisionsOnly, true);
    },
    dismissMessage: () => set({ message: null }),
  };
});

/** A call failed because the worker stopped (see src/worker/client.ts EngineStopped). */
function isStopped(e: unknown): boolean {
  return e instanceof Error && e.name === 'EngineStopped';
}
