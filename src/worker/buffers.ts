// The buffers of a step view's bulk data: what the worker transfers with it.
import type { StepView } from './api.ts';

export function viewBuffers(v: StepView): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [
    ...Object.values(v.ptes).filter(ArrayBuffer.isView),
    ...Object.values(v.physical.runs).filter(ArrayBuffer.isView),
    v.changes.ptes,
    v.changes.frames,
  ];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}
