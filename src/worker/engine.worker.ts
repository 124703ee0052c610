/// <reference lib="webworker" />
// Web Worker entry: runs the pure engine off the UI thread. A view's typed
// arrays are transferred, not copied (the lab hands out fresh ones).
import * as Comlink from 'comlink';
import type { EngineApi } from './api.ts';
import { viewBuffers } from './buffers.ts';
import { createLab } from './lab.ts';

const lab = createLab();
const api: EngineApi = {
  ...lab,
  view(req) {
    const v = lab.view(req);
    return Comlink.transfer(v, viewBuffers(v));
  },
};
Comlink.expose(api);
