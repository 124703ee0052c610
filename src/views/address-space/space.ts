// The address space the worker sent (columns of typed arrays) as the VMA and
// mapping records the views read; decoded once per view. Pure but for the hook.
import { _PAGE_NX, PAGE_SIZE, REPORTED_VM_FLAGS, VM_ACCOUNT, VM_SOFTDIRTY } from '../../engine/constants.ts';
import type { AddressSpaceData } from '../../engine/view.ts';
import { useLab } from '../../store/lab.ts';

export interface VmaView {
  mapping: string;
  start: number;
  end: number;
  pages: number;
  pgoff: number;
  flags: string[];
  /** vm_page_prot as the PTE bits it gives, hex. */
  pageProt: string;
  hasFault: boolean;
}

export interface MappingView {
  id: string;
  start: number | null;
  pages: number;
  /** Still (partly) mapped. */
  mapped: boolean;
}

export interface AddressSpaceView {
  vmas: VmaView[];
  mappings: MappingView[];
  mmapBase: number;
  taskSize: number;
}

const FLAG_NAMES: [string, number][] = [
  ...REPORTED_VM_FLAGS,
  ['VM_ACCOUNT', VM_ACCOUNT],
  ['VM_SOFTDIRTY', VM_SOFTDIRTY],
];

function decodeAddressSpace(d: AddressSpaceData): AddressSpaceView {
  const { ids } = d.mappings;
  const v = d.vmas;
  return {
    vmas: Array.from(v.start, (start, i) => {
      const end = v.end[i] as number;
      const flags = v.flags[i] as number;
      const prot = v.pageProt[i] as number;
      return {
        mapping: ids[v.mapping[i] as number] ?? '?',
        start,
        end,
        pages: (end - start) / PAGE_SIZE,
        pgoff: v.pgoff[i] as number,
        flags: FLAG_NAMES.filter(([, bit]) => (flags & bit) !== 0).map(([n]) => n),
        pageProt: `0x${(prot & 0xfff).toString(16).padStart(3, '0')}${(prot & _PAGE_NX) !== 0 ? ' | NX' : ''}`,
        hasFault: v.hasFault[i] === 1,
      };
    }),
    mappings: ids.map((id, i) => {
      const start = d.mappings.start[i] as number;
      return {
        id,
        start: Number.isNaN(start) ? null : start,
        pages: d.mappings.pages[i] as number,
        mapped: d.mappings.mapped[i] === 1,
      };
    }),
    mmapBase: d.mmapBase,
    taskSize: d.taskSize,
  };
}

const decoded = new WeakMap<AddressSpaceData, AddressSpaceView>();

/** The decoded address space of a view (the same object for the same view). */
export function addressSpaceOf(d: AddressSpaceData): AddressSpaceView {
  let out = decoded.get(d);
  if (!out) {
    out = decodeAddressSpace(d);
    decoded.set(d, out);
  }
  return out;
}

/** The address space at the cursor, for components. */
export function useAddressSpace(): AddressSpaceView | null {
  const d = useLab((s) => s.view?.addressSpace ?? null);
  return d ? addressSpaceOf(d) : null;
}
