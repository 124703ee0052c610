// Words for one PTE: the live region, the tooltip and the run list say the same thing.

import { allocPage, decodeEntry } from '../address-space/format.ts';
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
