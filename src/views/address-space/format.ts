// Display helpers shared by the memory views: addresses, sizes, VM_* mnemonics
// and PTE bit names. Pure functions of their arguments.

export const PAGE_SIZE = 4096;

/** A user address or pfn as hex (numbers below 2^53 only: user addresses and pfns fit). */
export function hex(n: number, pad = 0): string {
  return `0x${Math.trunc(n).toString(16).padStart(pad, '0')}`;
}

/** 4096 → "4 KiB", 1 GiB → "1 GiB", 12 KiB → "12 KiB", 1.5 MiB → "1.5 MiB". */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const text = Number.isInteger(v) ? String(v) : v < 10 ? v.toFixed(1) : String(Math.round(v));
  return `${text} ${units[u]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The /proc/PID/smaps "VmFlags" mnemonics of the VM_* flags a view reports. */
export const VM_MNEMONICS: Record<string, { short: string; text: string }> = {
  VM_READ: { short: 'rd', text: 'readable' },
  VM_WRITE: { short: 'wr', text: 'writable' },
  VM_EXEC: { short: 'ex', text: 'executable' },
  VM_SHARED: { short: 'sh', text: 'shared' },
  VM_MAYREAD: { short: 'mr', text: 'may read' },
  VM_MAYWRITE: { short: 'mw', text: 'may write' },
  VM_MAYEXEC: { short: 'me', text: 'may execute' },
  VM_MAYSHARE: { short: 'ms', text: 'may share' },
  VM_IO: { short: 'io', text: 'memory-mapped I/O' },
  VM_PFNMAP: { short: 'pf', text: 'pure pfn mapping (no struct page use)' },
  VM_MIXEDMAP: { short: 'mm', text: 'mixed map: struct pages and raw pfns' },
  VM_DONTCOPY: { short: 'dc', text: 'do not copy on fork' },
  VM_DONTEXPAND: { short: 'de', text: 'cannot be expanded by mremap' },
  VM_DONTDUMP: { short: 'dd', text: 'not in core dumps' },
  VM_ACCOUNT: { short: 'ac', text: 'memory accounted' },
  VM_SOFTDIRTY: { short: 'sd', text: 'soft-dirty' },
};

export function vmMnemonic(flag: string): string {
  return VM_MNEMONICS[flag]?.short ?? flag.replace(/^VM_/, '').toLowerCase();
}

export interface PteBit {
  name: string;
  bit: number;
  text: string;
}

/** The x86-64 PTE bits a display decodes, low to high. */
export const PTE_BITS: PteBit[] = [
  { name: 'P', bit: 0, text: 'present' },
  { name: 'RW', bit: 1, text: 'writable' },
  { name: 'US', bit: 2, text: 'user-accessible' },
  { name: 'PWT', bit: 3, text: 'write-through' },
  { name: 'PCD', bit: 4, text: 'cache disabled' },
  { name: 'A', bit: 5, text: 'accessed' },
  { name: 'D', bit: 6, text: 'dirty' },
  { name: 'PAT', bit: 7, text: 'page attribute table' },
  { name: 'G', bit: 8, text: 'global (PROTNONE when P is clear)' },
  { name: 'SPECIAL', bit: 9, text: 'special: no struct page refcounting (pfn mapping)' },
  { name: 'SOFT_DIRTY', bit: 11, text: 'soft-dirty' },
  { name: 'NX', bit: 63, text: 'no execute' },
];

/** Decode a 64-bit entry given as hex text ("0x8000000001001067"): its bit names and pfn. */
export function decodeEntry(value: string): { bits: string[]; pfn: number } {
  const digits = value.replace(/^0x/i, '').padStart(16, '0');
  const low = Number.parseInt(digits.slice(-3), 16);
  const top = Number.parseInt(digits.slice(0, 1), 16);
  // Bits 12..51: the pfn (at most 40 bits, exact in a double).
  const pfn = Number.parseInt(digits.slice(3, 13), 16);
  const bits: string[] = [];
  for (const b of PTE_BITS) {
    const set = b.bit === 63 ? (top & 0x8) !== 0 : (low & (1 << b.bit)) !== 0;
    if (!set) continue;
    if (b.name === 'G' && (low & 1) === 0) bits.push('PROTNONE');
    else bits.push(b.name);
  }
  return { bits, pfn };
}

export function pteBitText(name: string): string {
  if (name === 'PROTNONE') return 'PROT_NONE (not present, kept for the VMA)';
  return PTE_BITS.find((b) => b.name === name)?.text ?? name;
}

/** "p[0]": which allocation page a frame is. */
export function allocPage(maps: { alloc: string; page: number } | null): string {
  return maps ? `${maps.alloc}[${maps.page}]` : '';
}

export const yesNo = (b: boolean): string => (b ? 'true' : 'false');
