/// <reference lib="webworker" />
// Web Worker entry: runs the pure engine off the UI thread.
import * as Comlink from 'comlink';
import { simulate } from '../scenario/run.ts';
import type { EngineApi } from './api.ts';

const api: EngineApi = { simulate };

Comlink.expose(api);
