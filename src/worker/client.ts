// The UI's handle on the engine worker: a supervised singleton. The worker is
// created lazily on first use (StrictMode's double-run effects never start two).
// Every call goes through comlink with a time limit; a call that is rejected (the
// worker threw), times out (it hangs), or is cut off because the worker died (its
// 'error' event, or it was terminated) marks the worker stopped: it is terminated,
// the listeners are told why, and the next call starts a new worker. Restoring
// the scenario is the store's job (src/store/lab.ts), from its own state.
import * as Comlink from 'comlink';
import { config as zodConfig } from 'zod';
import type { EngineApi } from './api.ts';

// The UI thread parses scenarios too (lint, links); zod's JIT probes `new Function`, which the
// build's CSP (script-src 'self', no eval) reports as a violation. This module is evaluated
// before any schema is built (the store imports it first), so every schema is jitless here.
zodConfig({ jitless: true });

type Method = Exclude<keyof EngineApi, 'crash'>;
type Async<F> = F extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never;

/** The engine's methods, each answering through a promise; plus the supervisor's own. */
export type EngineHandle = { [K in Method]: Async<EngineApi[K]> } & {
  /** Throw away the current worker (if any); the next call starts a new one. */
  restart(): void;
  /** Called with a reason each time a worker stops; returns the unsubscribe function. */
  onStopped(listener: (reason: string) => void): () => void;
};

/** Why a call failed: the worker stopped (threw, hung past its limit, or died). */
export class EngineStopped extends Error {
  constructor(readonly reason: string) {
    super(`the engine stopped (${reason})`);
    this.name = 'EngineStopped';
  }
}

/** Time limits per call, in ms; a view should be quick, loading 10,000 steps may not be. */
export const timeouts: Record<Method | 'crash', number> = {
  view: 5_000,
  trace: 10_000,
  load: 30_000,
  simulate: 30_000,
  compare: 60_000,
  crash: 5_000,
};

/** Change the time limits (tests, or a slow machine). */
export function configureEngine(opts: { timeouts?: Partial<typeof timeouts> }): void {
  Object.assign(timeouts, opts.timeouts ?? {});
}

interface Live {
  worker: Worker;
  remote: Comlink.Remote<EngineApi>;
  /** Rejects when this worker stops. */
  stopped: Promise<never>;
  stop: (reason: string) => void;
  isStopped: () => boolean;
}

let live: Live | null = null;
const listeners = new Set<(reason: string) => void>();

function start(): Live {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  const remote = Comlink.wrap<EngineApi>(worker);
  let dead = false;
  let reject: (e: EngineStopped) => void = () => {};
  const stopped = new Promise<never>((_, rej) => {
    reject = rej;
  });
  stopped.catch(() => {}); // nobody may be waiting on it
  const me: Live = {
    worker,
    remote,
    stopped,
    isStopped: () => dead,
    stop(reason) {
      if (dead) return;
      dead = true;
      if (live === me) live = null;
      worker.terminate();
      remote[Comlink.releaseProxy]?.();
      reject(new EngineStopped(reason));
      for (const l of [...listeners]) l(reason);
    },
  };
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    me.stop(`the worker failed: ${e.message || 'error event'}`);
  });
  worker.addEventListener('messageerror', () => me.stop('the worker sent a message that could not be read'));
  return me;
}

function current(): Live {
  if (live === null) live = start();
  return live;
}

/** One call on the current worker, raced against its time limit and the worker's death. */
async function call<K extends Method | 'crash'>(name: K, args: unknown[]): Promise<unknown> {
  const w = current();
  const limit = timeouts[name];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new EngineStopped(`no answer to ${name} within ${formatMs(limit)}`)), limit);
  });
  try {
    const fn = w.remote[name] as unknown as (...a: unknown[]) => Promise<unknown>;
    return await Promise.race([fn(...args), w.stopped, timedOut]);
  } catch (e) {
    const reason =
      e instanceof EngineStopped ? e.reason : `${name} threw: ${e instanceof Error ? e.message : String(e)}`;
    w.stop(reason);
    throw e instanceof EngineStopped ? e : new EngineStopped(reason);
  } finally {
    clearTimeout(timer);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** Throw away the current worker (if any); the next call starts a new one. */
export function restart(): void {
  const w = live;
  live = null;
  if (w && !w.isStopped()) {
    // a deliberate restart is not a failure: do not tell the listeners
    w.worker.terminate();
    w.remote[Comlink.releaseProxy]?.();
  }
}

/** Stop the current worker as if it had died (test hooks). */
export function killEngine(reason = 'the worker was killed'): void {
  live?.stop(reason);
}

const handle: EngineHandle = {
  simulate: (...a) => call('simulate', a) as ReturnType<EngineHandle['simulate']>,
  compare: (...a) => call('compare', a) as ReturnType<EngineHandle['compare']>,
  load: (...a) => call('load', a) as ReturnType<EngineHandle['load']>,
  view: (...a) => call('view', a) as ReturnType<EngineHandle['view']>,
  trace: (...a) => call('trace', a) as ReturnType<EngineHandle['trace']>,
  restart,
  onStopped(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function engine(): EngineHandle {
  return handle;
}

// Test hooks, only when the page was opened with ?test-hooks=1 (the e2e tests run the production build).
declare global {
  interface Window {
    __ptlabKillWorker?: () => void;
    __ptlabEngine?: {
      kill: () => void;
      /** Make the worker throw inside a call, or hang in one (until the time limit stops it). */
      crash: (how: 'throw' | 'hang') => Promise<unknown>;
      configure: typeof configureEngine;
      timeouts: typeof timeouts;
    };
  }
}

if (typeof window !== 'undefined' && new URLSearchParams(window.location.search).get('test-hooks') === '1') {
  window.__ptlabKillWorker = () => {
    // Terminate it as the browser would; the supervisor notices (nothing answers a terminated worker).
    killEngine('the worker was killed');
  };
  window.__ptlabEngine = {
    kill: () => killEngine('the worker was killed'),
    crash: (how) => call('crash', [how]).catch((e: unknown) => String(e)),
    configure: configureEngine,
    timeouts,
  };
}
