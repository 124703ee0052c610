// For component tests only: the store wired to the real engine run in-process
// (createLab), so a click goes through select → view exactly as the worker
// would answer it. Nothing is mocked but layout (happy-dom has none).
import { mappingStart } from '../../engine/view.ts';
import type { Selection } from '../../store/lab.ts';
import { useLab } from '../../store/lab.ts';
import { createLab } from '../../worker/lab.ts';

export interface Calls {
  select: Partial<Selection>[];
  setWindow: [number, number][];
  insertStep: Record<string, unknown>[];
}

export function scenario(steps: unknown[], kernel = '6.1'): string {
  return JSON.stringify({ ptlab: 1, kernel, steps });
}

/** Load `text` into an in-process lab, put its view at `cursor` into the store and route the store's actions to it. */
export function connectLab(
  text: string,
  opts: { cursor?: number; selection?: Partial<Selection>; window?: { first: number; count: number } } = {},
): Calls {
  const lab = createLab();
  const calls: Calls = { select: [], setWindow: [], insertStep: [] };
  const res = lab.load(text);
  if (!res.ok) throw new Error(res.message);
  const refresh = () => {
    const s = useLab.getState();
    const { mapping, page, pfn } = s.selection;
    const probe = lab.view({ cursor: s.cursor, mapping: null, window: { first: 0, count: 0 }, addr: null, pfn: null });
    const start = mappingStart(probe.addressSpace, mapping);
    const view = lab.view({
      cursor: s.cursor,
      mapping,
      window: s.window,
      addr: start !== null && page !== null ? start + page * 4096 : null,
      pfn,
    });
    const step = s.cursor - 1;
    const trace = step >= 0 ? lab.trace({ step, decisionsOnly: s.decisionsOnly, from: 0 }) : null;
    useLab.setState({ view, trace });
  };
  useLab.setState({
    text,
    loaded: res,
    cursor: opts.cursor ?? res.steps,
    selection: { mapping: null, page: null, pfn: null, ...opts.selection },
    window: opts.window ?? { first: -1, count: 64 },
    message: null,
    decisionsOnly: false,
    select: async (s) => {
      calls.select.push(s);
      useLab.setState({ selection: { ...useLab.getState().selection, ...s } });
      refresh();
    },
    setWindow: async (first, count) => {
      calls.setWindow.push([first, count]);
      useLab.setState({ window: { first, count } });
      refresh();
    },
    setDecisionsOnly: async (on) => {
      useLab.setState({ decisionsOnly: on });
      refresh();
    },
    moreTrace: async () => {
      const t = useLab.getState().trace;
      if (!t) return;
      const page = lab.trace({ step: t.summary.step, decisionsOnly: t.decisionsOnly, from: t.rows.length });
      useLab.setState({ trace: { ...page, from: 0, rows: [...t.rows, ...page.rows] } });
    },
    insertStep: async (step) => {
      calls.insertStep.push(step);
      const doc = JSON.parse(useLab.getState().text) as { steps: unknown[] };
      const at = useLab.getState().cursor;
      doc.steps.splice(at, 0, step);
      const next = JSON.stringify(doc);
      const r = lab.load(next);
      if (!r.ok) return false;
      useLab.setState({ text: next, loaded: r, cursor: at + 1 });
      refresh();
      return true;
    },
  });
  refresh();
  return calls;
}

/** happy-dom has no layout: give every element a box so canvases get a size. */
export function fakeLayout(width = 600, height = 300): () => void {
  const orig = HTMLElement.prototype.getBoundingClientRect;
  HTMLElement.prototype.getBoundingClientRect = function rect() {
    return { x: 0, y: 0, left: 0, top: 0, right: width, bottom: height, width, height, toJSON: () => ({}) } as DOMRect;
  };
  return () => {
    HTMLElement.prototype.getBoundingClientRect = orig;
  };
}

export const DEFAULT_STEPS = [
  { op: 'alloc', id: 'p', kind: 'alloc_pages', order: 0 },
  {
    op: 'mmap',
    id: 'm',
    pages: 2,
    prot: ['read', 'write'],
    flags: 'shared',
    driver: { mmap: [{ call: 'vm_insert_page', at: 0, page: { alloc: 'p', page: 0 } }] },
  },
  { op: 'touch', mmap: 'm', page: 0, access: 'write' },
];
