// The UI's handle on the engine worker. The worker is created lazily on first
// use and kept as a module-level singleton, so StrictMode's double-run effects
// never start two workers.
import * as Comlink from 'comlink';
import type { EngineApi } from './api.ts';

let remote: Comlink.Remote<EngineApi> | null = null;

export function engine(): Comlink.Remote<EngineApi> {
  if (remote === null) {
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
    remote = Comlink.wrap<EngineApi>(worker);
  }
  return remote;
}
