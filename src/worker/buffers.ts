// The buffers of a step view's bulk data: what the worker transfers with it.
import type { StepView } from './api.ts';

const typed = (o: object): ArrayBufferView[] =>
  Object.values(o).filter((x): x is ArrayBufferView => ArrayBuffer.isView(x));

export function viewBuffers(v: StepView): ArrayBuffer[] {
  const arrays = [
    ...typed(v.addressSpace.vmas),
    ...typed(v.addressSpace.mappings),
    ...typed(v.ptes),
    ...typed(v.physical.runs),
    v.changes.ptes,
    v.changes.frames,
  ];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}
