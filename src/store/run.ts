// The loaded scenario and its run. The engine runs in the worker; the store
// only holds plain data that came back from it.
import { create } from 'zustand';
import type { ResultDoc } from '../scenario/run.ts';
import { engine } from '../worker/client.ts';

export type RunStatus = { kind: 'idle' } | { kind: 'running' } | { kind: 'done' } | { kind: 'error'; message: string };

export interface RunState {
  /** The scenario JSON exactly as loaded (the scenario is the truth). */
  text: string;
  status: RunStatus;
  doc: ResultDoc | null;
  setText: (text: string) => void;
  /** Runs `text` in the worker; a newer run supersedes an older one still in flight. */
  run: (opts?: { kernel?: string }) => Promise<void>;
}

let runSeq = 0;

export const useRunStore = create<RunState>()((set, get) => ({
  text: '',
  status: { kind: 'idle' },
  doc: null,
  setText: (text) => set({ text, status: { kind: 'idle' }, doc: null }),
  run: async (opts) => {
    const seq = ++runSeq;
    set({ status: { kind: 'running' }, doc: null });
    try {
      const res = await engine().simulate(get().text, opts);
      if (seq !== runSeq) return;
      if (res.ok) set({ status: { kind: 'done' }, doc: res.doc });
      else set({ status: { kind: 'error', message: res.message } });
    } catch (err) {
      if (seq !== runSeq) return;
      // An exception means ptlab itself is broken (engine results are values).
      set({
        status: { kind: 'error', message: `internal error: ${err instanceof Error ? err.message : String(err)}` },
      });
    }
  },
}));
