/// <reference lib="webworker" />
// Web Worker entry: runs the pure engine off the UI thread.
import * as Comlink from 'comlink';
import { createLab } from './lab.ts';

Comlink.expose(createLab());
