// x86-64 4-level page tables (P4D folded, as a 4-level kernel runs): tables of
// 512 entries allocated on demand, each backed by a frame. Entries live in flat
// typed arrays indexed by table slot * 512 + index.
import { _PAGE_PRESENT, _PAGE_PROTNONE, PTRS_PER_TABLE } from './constants.ts';

export const LEVEL_PTE = 1;
export const LEVEL_PMD = 2;
export const LEVEL_PUD = 3;
export const LEVEL_PGD = 4;
export const LEVEL_NAMES = ['', 'PTE', 'PMD', 'PUD', 'PGD'] as const;

/** Bytes one entry of a level maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
const ENTRY_SPAN = [0, 2 ** 12, 2 ** 21, 2 ** 30, 2 ** 39];

/** Index of addr in the table of a level: bits 47-39, 38-30, 29-21, 20-12. */
export function levelIndex(addr: number, level: number): number {
  const q = addr / (ENTRY_SPAN[level] as number);
  // Addresses pass 2^32: `& 511` keeps the low bits of the integer part without a
  // floating-point modulo (ToInt32 is exact below 2^53); negative ones keep floor/%.
  return addr >= 0 ? q & (PTRS_PER_TABLE - 1) : Math.floor(q) % PTRS_PER_TABLE;
}

export class PageTables {
  /** For upper levels: child slot + 1 (0 = none). For PTE tables: the pfn. */
  private pfnOrChild: Int32Array;
  /** PTE flag word (bits 0-11, NX as bit 31). Unused for upper levels. */
  private pteFlags: Uint32Array;
  /** Per slot: its level (0 = free slot), its frame, entries in use. */
  private level: Uint8Array;
  private frame: Int32Array;
  private used: Int32Array;
  private freeSlots: number[];
  private nslots: number;
  /** The PGD's slot (always 0). */
  readonly pgd = 0;
  /** The last PMD and PTE tables found, by the 1 GiB / 2 MiB block they map (a walk cache, cleared when a table goes). */
  private pmdKey = -1;
  private pmdSlot = -1;
  private pteKey = -1;
  private pteSlot = -1;

  constructor(pgdFrame: number, from?: PageTables) {
    if (from) {
      this.pfnOrChild = from.pfnOrChild.slice();
      this.pteFlags = from.pteFlags.slice();
      this.level = from.level.slice();
      this.frame = from.frame.slice();
      this.used = from.used.slice();
      this.freeSlots = from.freeSlots.slice();
      this.nslots = from.nslots;
      return;
    }
    const cap = 8;
    this.pfnOrChild = new Int32Array(cap * PTRS_PER_TABLE);
    this.pteFlags = new Uint32Array(cap * PTRS_PER_TABLE);
    this.level = new Uint8Array(cap);
    this.frame = new Int32Array(cap);
    this.used = new Int32Array(cap);
    this.freeSlots = [];
    this.nslots = 1;
    this.level[0] = LEVEL_PGD;
    this.frame[0] = pgdFrame;
  }

  clone(): PageTables {
    return new PageTables(0, this);
  }

  private grow(): void {
    // 1.5x: a 1 GiB mapping's 515 tables fit in 681 slots (2.7 MiB) instead of 1024.
    const cap = Math.ceil(this.level.length * 1.5);
    const n = new Int32Array(cap * PTRS_PER_TABLE);
    n.set(this.pfnOrChild);
    this.pfnOrChild = n;
    const f = new Uint32Array(cap * PTRS_PER_TABLE);
    f.set(this.pteFlags);
    this.pteFlags = f;
    const l = new Uint8Array(cap);
    l.set(this.level);
    this.level = l;
    const fr = new Int32Array(cap);
    fr.set(this.frame);
    this.frame = fr;
    const u = new Int32Array(cap);
    u.set(this.used);
    this.used = u;
  }

  /** The child table slot for addr below `slot`, or -1. */
  child(slot: number, addr: number): number {
    const lvl = this.level[slot] as number;
    return (this.pfnOrChild[slot * PTRS_PER_TABLE + levelIndex(addr, lvl)] as number) - 1;
  }

  /** Link a new table of level `lvl` backed by `frame` under `parent` for addr. */
  install(parent: number, addr: number, lvl: number, frame: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.nslots === this.level.length) this.grow();
      slot = this.nslots++;
    }
    const base = slot * PTRS_PER_TABLE;
    this.pfnOrChild.fill(0, base, base + PTRS_PER_TABLE);
    this.pteFlags.fill(0, base, base + PTRS_PER_TABLE);
    this.level[slot] = lvl;
    this.frame[slot] = frame;
    this.used[slot] = 0;
    const plvl = this.level[parent] as number;
    this.pfnOrChild[parent * PTRS_PER_TABLE + levelIndex(addr, plvl)] = slot + 1;
    this.used[parent] = (this.used[parent] as number) + 1;
    return slot;
  }

  /** Unlink the child table of `parent` at addr; returns its slot (caller frees its frame). */
  uninstall(parent: number, addr: number): number {
    const plvl = this.level[parent] as number;
    const i = parent * PTRS_PER_TABLE + levelIndex(addr, plvl);
    const slot = (this.pfnOrChild[i] as number) - 1;
    this.pfnOrChild[i] = 0;
    this.used[parent] = (this.used[parent] as number) - 1;
    this.level[slot] = 0;
    this.freeSlots.push(slot);
    this.pmdKey = -1;
    this.pteKey = -1;
    return slot;
  }

  /** The tables below `slot` (deepest first): what freeing `slot` cuts off. */
  descendants(slot: number): number[] {
    const out: number[] = [];
    const visit = (t: number): void => {
      if (this.level[t] === LEVEL_PTE) return;
      for (let i = 0; i < PTRS_PER_TABLE; i++) {
        const child = (this.pfnOrChild[t * PTRS_PER_TABLE + i] as number) - 1;
        if (child < 0) continue;
        visit(child);
        out.push(child);
      }
    };
    visit(slot);
    return out;
  }

  /** Forget a table that is no longer linked anywhere. */
  release(slot: number): void {
    this.level[slot] = 0;
    this.freeSlots.push(slot);
    this.pmdKey = -1;
    this.pteKey = -1;
  }

  levelOf(slot: number): number {
    return this.level[slot] as number;
  }
  frameOf(slot: number): number {
    return this.frame[slot] as number;
  }

  /** The PMD table slot for addr, or -1 (a pure read). */
  pmdTable(addr: number): number {
    const key = Math.floor(addr / (ENTRY_SPAN[LEVEL_PUD] as number));
    if (key === this.pmdKey) return this.pmdSlot;
    const pud = this.child(this.pgd, addr);
    const pmd = pud < 0 ? -1 : this.child(pud, addr);
    if (pmd >= 0) {
      this.pmdKey = key;
      this.pmdSlot = pmd;
    }
    return pmd;
  }

  /** The PTE table slot for addr, or -1 (a pure read: allocates nothing). */
  pteTable(addr: number): number {
    const key = Math.floor(addr / (ENTRY_SPAN[LEVEL_PMD] as number));
    if (key === this.pteKey) return this.pteSlot;
    const pmd = this.pmdTable(addr);
    const pte = pmd < 0 ? -1 : this.child(pmd, addr);
    if (pte >= 0) {
      this.pteKey = key;
      this.pteSlot = pte;
    }
    return pte;
  }

  /** The handle of addr's entry in PTE table `table`: table * 512 + index. */
  pteIndex(table: number, addr: number): number {
    return table * PTRS_PER_TABLE + levelIndex(addr, LEVEL_PTE);
  }

  /** The table a PTE handle belongs to. */
  tableOfPte(i: number): number {
    return i >= 0 ? i >> 9 : Math.floor(i / PTRS_PER_TABLE);
  }

  /** pte_none(): no bits at all. */
  pteNone(i: number): boolean {
    return this.pteFlags[i] === 0 && this.pfnOrChild[i] === 0;
  }
  /** pte_present(): P, or PROTNONE (a PROT_NONE mapping still maps the page). */
  ptePresent(i: number): boolean {
    return ((this.pteFlags[i] as number) & (_PAGE_PRESENT | _PAGE_PROTNONE)) !== 0;
  }
  pteFlagsAt(i: number): number {
    return this.pteFlags[i] as number;
  }
  ptePfn(i: number): number {
    return this.pfnOrChild[i] as number;
  }

  setPte(i: number, pfn: number, flags: number): void {
    const table = this.tableOfPte(i);
    if (this.pteNone(i)) this.used[table] = (this.used[table] as number) + 1;
    this.pfnOrChild[i] = pfn;
    this.pteFlags[i] = flags >>> 0;
  }

  setPteFlags(i: number, flags: number): void {
    this.pteFlags[i] = flags >>> 0;
  }

  clearPte(i: number): void {
    const table = this.tableOfPte(i);
    if (!this.pteNone(i)) this.used[table] = (this.used[table] as number) - 1;
    this.pfnOrChild[i] = 0;
    this.pteFlags[i] = 0;
  }

  entriesUsed(slot: number): number {
    return this.used[slot] as number;
  }

  /** Visit every table (level, frame, first address it maps), parents first, in address order. */
  forEachTable(fn: (slot: number, level: number, frame: number, base: number) => void): void {
    const visit = (slot: number, level: number, base: number): void => {
      fn(slot, level, this.frame[slot] as number, base);
      if (level === LEVEL_PTE) return;
      const span = 2 ** (12 + 9 * (level - 1));
      for (let i = 0; i < PTRS_PER_TABLE; i++) {
        const child = (this.pfnOrChild[slot * PTRS_PER_TABLE + i] as number) - 1;
        if (child >= 0) visit(child, level - 1, base + i * span);
      }
    };
    visit(this.pgd, LEVEL_PGD, 0);
  }

  /** Visit every PTE that is not none, in address order. */
  forEachPte(fn: (addr: number, pfn: number, flags: number) => void): void {
    this.forEachTable((slot, level, _frame, base) => {
      if (level !== LEVEL_PTE) return;
      for (let i = 0; i < PTRS_PER_TABLE; i++) {
        const e = slot * PTRS_PER_TABLE + i;
        if (!this.pteNone(e)) fn(base + i * 4096, this.pfnOrChild[e] as number, this.pteFlags[e] as number);
      }
    });
  }

  /** Bytes held by the table arrays (for memory figures). */
  byteSize(): number {
    return (
      this.pfnOrChild.byteLength +
      this.pteFlags.byteLength +
      this.level.byteLength +
      this.frame.byteLength +
      this.used.byteLength
    );
  }

  /** Page-table slots in use, for display and memory figures. */
  tableCount(): number {
    return this.nslots - this.freeSlots.length;
  }
}
