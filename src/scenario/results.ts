// Result document of format v1: the shapes and the scalar encodings.
import { ERRNO_NAMES, REPORTED_VM_FLAGS } from '../engine/constants.ts';

export type Errno = 0 | string;
export type VmFault = 0 | string;

export interface CallRecord {
  call: string;
  at?: number;
  ret: Errno | VmFault | null;
  remaining?: number;
  error?: string;
}

export interface FaultRecord {
  pgoff: number;
  ret: VmFault;
  calls: CallRecord[];
}

export type StepResult =
  | { ret: 'ok' | 'NULL' }
  | { ret: Errno | number; calls: CallRecord[]; vm_flags?: string[] }
  | { signal: string | null; code: string | null; faults: FaultRecord[] }
  | { ret: Errno }
  | { refcount: number; mapcount: number; flags: string[] }
  | { present: false }
  | { present: true; maps: { alloc: string; page: number } | null; write: boolean }
  | { error: string }
  | { oops: string }
  | { signal: 'SIGKILL' }
  | { skipped: 'oops' | 'killed' };

export interface ResultDoc {
  ptlab: 1;
  kernel: string;
  results: StepResult[];
}

/** An errno as its negative symbolic name; success is the number 0. */
export function errnoName(v: number): Errno {
  if (v === 0) return 0;
  return ERRNO_NAMES.get(v) ?? `-E${-v}`;
}

/** A vm_fault_t as its flag names in ascending bit order joined by |, or 0. */
export function vmFaultName(v: number, names: Readonly<Record<string, number>>): VmFault {
  if (v === 0) return 0;
  const parts: string[] = [];
  let rest = v;
  for (const [name, bit] of Object.entries(names).sort((a, b) => a[1] - b[1])) {
    if ((v & bit) !== 0) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

/** vm_flags as the format reports them: the listed flags, in the listed order. */
export function vmFlagNames(flags: number): string[] {
  return REPORTED_VM_FLAGS.filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
}

/** The document as the CLI prints it: one step result a line. */
export function formatDoc(doc: ResultDoc): string {
  const parts = doc.results.map((r) => `  ${JSON.stringify(r)}`);
  return `{"ptlab": 1, "kernel": ${JSON.stringify(doc.kernel)}, "results": [\n${parts.join(',\n')}\n]}\n`;
}
