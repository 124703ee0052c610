// The lab's state: the loaded scenario (its text is the truth), the cursor, the
// selection and the view the worker computed for them. Only plain data that came
// back from the worker is stored; nothing here runs the engine.
import { create } from 'zustand';
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
  dismissMessage: () => void;
}

let viewSeq = 0;

export const useLab = create<LabState>()((set, get) => {
  /** Ask the worker for the view at the current cursor and selection; a newer request wins. */
  async function refresh(): Promise<void> {
    const { loaded, cursor, selection, window } = get();
    if (!loaded) return;
    const seq = ++viewSeq;
    const mapping = selection.mapping;
    const start =
      mapping === null ? null : (get().view?.addressSpace.mappings.find((m) => m.id === mapping)?.start ?? null);
    try {
      const view = await engine().view({
        cursor,
        mapping,
        window,
        addr: start !== null && selection.page !== null ? start + selection.page * 4096 : null,
        pfn: selection.pfn,
      });
      if (seq !== viewSeq) return;
      set({ view });
      // The mapping's address is known only from a view: ask again once it is.
      const m = view.addressSpace.mappings.find((x) => x.id === mapping);
      if (start === null && m?.start != null && selection.page !== null) await refresh();
    } catch (e) {
      if (seq === viewSeq) set({ message: `internal error: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  async function runCompare(): Promise<void> {
    const c = get().compare;
    if (!c) return;
    const out = await engine().compare(get().text, c.kernels);
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
    message: null,
    compare: null,
    async load(text, opts = {}) {
      const kernel = opts.kernel === undefined ? get().kernel : opts.kernel;
      const res = await engine().load(text, kernel ? { kernel } : {});
      // A refused text never replaces the worker's session: the previous scenario stays.
      if (!res.ok) {
        set({ message: res.message });
        return false;
      }
      const cursor = Math.max(0, Math.min(res.steps, opts.cursor ?? res.steps));
      set({ text, loaded: res, kernel, cursor, message: null });
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
    dismissMessage: () => set({ message: null }),
  };
});
