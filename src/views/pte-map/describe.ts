// Words for one PTE: the live region, the tooltip and the run list say the same thing.

import { allocPage, decodeEntry, yesNo } from '../address-space/format.ts';
import type { PteCell } from './runs.ts';

export function cellWords(c: PteCell): string[] {
  if (!c.present) return [c.inVma ? 'not present' : 'outside the VMA, not present'];
  const w = ['present', c.write ? 'write' : 'read-only'];
  if (c.dirty) w.push('dirty');
  if (c.accessed) w.push('accessed');
  if (c.special) w.push('special (pfn mapping)');
  if (c.nx) w.push('no exec');
  w.push(c.maps ? `maps ${allocPage(c.maps)}` : `pfn ${c.pfn}`);
  return w;
}

/** "page 1: present, write, maps p[0], PTE 0x8000000001001067" */
export function describeCell(c: PteCell): string {
  return `page ${c.page}: ${cellWords(c).join(', ')}, PTE ${c.value}`;
}

export function entryBits(value: string): string[] {
  return decodeEntry(value).bits;
}

/** A PTE's facts as data attributes (tests and tools read them); empty when there is no cell yet. */
export function cellData(c: PteCell | null): Record<string, string | number> {
  return {
    'data-present': c ? yesNo(c.present) : '',
    'data-write': c ? yesNo(c.write) : '',
    'data-dirty': c ? yesNo(c.dirty) : '',
    'data-accessed': c ? yesNo(c.accessed) : '',
    'data-special': c ? yesNo(c.special) : '',
    'data-in-vma': c ? yesNo(c.inVma) : '',
    'data-pfn': c?.present ? c.pfn : '',
    'data-maps': c ? allocPage(c.maps) : '',
    'data-value': c?.value ?? '',
  };
}
