// x86-64 4-level page tables (P4D folded, as a 4-level kernel runs): tables of
// 512 entries allocated on demand, each backed by a frame. Entries live in flat
// typed arrays indexed by table slot * 512 + index.
import { _PAGE_PRESENT, _PAGE_PROTNONE, PTRS_PER_TABLE } from './constants.ts';

export const LEVEL_PTE = 1;
export const LEVEL_PMD = 2;
export const LEVEL_PUD = 3;
export const LEVEL_PGD = 4;
export const LEVEL_NAMES = ['', 'PTE', 'PMD', 'PUD', 'PGD'] as const;

/** One over the bytes an entry of a level maps (4 KiB, 2 MiB, 1 GiB, 512 GiB): multiplying by a power of two is exact, and cheaper than dividing. */
const PTE_SCALE = 2 ** -12;
const PMD_SCALE = 2 ** -21;
const PUD_SCALE = 2 ** -30;
const PGD_SCALE = 2 ** -39;
const ENTRY_SCALE = [0, PTE_SCALE, PMD_SCALE, PUD_SCALE, PGD_SCALE];

/** Index of addr in the table of a level: bits 47-39, 38-30, 29-21, 20-12. */
export function levelIndex(addr: number, level: number): number {
  return indexAt(addr, ENTRY_SCALE[level] as number);
}

/** The table index of addr for an entry span of 1 / scale bytes. */
function indexAt(addr: number, scale: number): number {
  const q = addr * scale;
  // Addresses pass 2^32: `& 511` keeps the low bits of the integer part without a
  // floating-point modulo (ToInt32 is exact below 2^53); negative ones keep floor/%.
  return addr >= 0 ? q & (PTRS_PER_TABLE - 1) : Math.floor(q) % PTRS_PER_TABLE;
}

/** Entry i of the flat tables is words 2i (pfn or child) and 2i + 1 (flags) of one array: a PTE is one cache line, as in C. */
const ENTRY_WORDS = 2;

export class PageTables {
  /**
   * Per entry: for upper levels child slot + 1 (0 = none); for PTEs the pfn,
   * then the PTE flag word (bits 0-11, NX as bit 31; unused for upper levels).
   */
  private ent: Int32Array;
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
      this.ent = from.ent.slice();
      this.level = from.level.slice();
      this.frame = from.frame.slice();
      this.used = from.used.slice();
      this.freeSlots = from.freeSlots.slice();
      this.nslots = from.nslots;
      return;
    }
    const cap = 8;
    this.ent = new Int32Array(cap * PTRS_PER_TABLE * ENTRY_WORDS);
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
    const e = new Int32Array(cap * PTRS_PER_TABLE * ENTRY_WORDS);
    e.set(this.ent);
    this.ent = e;
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
    return (this.ent[(slot * PTRS_PER_TABLE + levelIndex(addr, lvl)) * ENTRY_WORDS] as number) - 1;
  }

  /** Link a new table of level `lvl` backed by `frame` under `parent` for addr. */
  install(parent: number, addr: number, lvl: number, frame: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.nslots === this.level.length) this.grow();
      slot = this.nslots++;
    }
    const base = slot * PTRS_PER_TABLE * ENTRY_WORDS;
    this.ent.fill(0, base, base + PTRS_PER_TABLE * ENTRY_WORDS);
    this.level[slot] = lvl;
    this.frame[slot] = frame;
    this.used[slot] = 0;
    const plvl = this.level[parent] as number;
    this.ent[(parent * PTRS_PER_TABLE + levelIndex(addr, plvl)) * ENTRY_WORDS] = slot + 1;
    this.used[parent] = (this.used[parent] as number) + 1;
    return slot;
  }

  /** Unlink the child table of `parent` at addr; returns its slot (caller frees its frame). */
  uninstall(parent: number, addr: number): number {
    const plvl = this.level[parent] as number;
    const i = (parent * PTRS_PER_TABLE + levelIndex(addr, plvl)) * ENTRY_WORDS;
    const slot = (this.ent[i] as number) - 1;
    this.ent[i] = 0;
    this.used[parent] = (this.used[parent] as number) - 1;
    this.level[slot] = 0;
    this.freeSlots.push(slot);
    this.pmdKey = -1;
    this.pteKey = -1;
    return slot;
  }

  /** The child slot in entry i of an upper-level table, or -1. */
  private entryChild(i: number): number {
    return (this.ent[i * ENTRY_WORDS] as number) - 1;
  }

  /** The tables below `slot` (deepest first): what freeing `slot` cuts off. */
  descendants(slot: number): number[] {
    const out: number[] = [];
    const visit = (t: number): void => {
      if (this.level[t] === LEVEL_PTE) return;
      for (let i = 0; i < PTRS_PER_TABLE; i++) {
        const child = this.entryChild(t * PTRS_PER_TABLE + i);
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
    const key = Math.floor(addr * PUD_SCALE);
    if (key === this.pmdKey) return this.pmdSlot;
    const pud = this.entryChild(this.pgd * PTRS_PER_TABLE + indexAt(addr, PGD_SCALE));
    const pmd = pud < 0 ? -1 : this.entryChild(pud * PTRS_PER_TABLE + indexAt(addr, PUD_SCALE));
    if (pmd >= 0) {
      this.pmdKey = key;
      this.pmdSlot = pmd;
    }
    return pmd;
  }

  /** The PTE table slot for addr, or -1 (a pure read: allocates nothing). */
  pteTable(addr: number): number {
    const key = Math.floor(addr * PMD_SCALE);
    if (key === this.pteKey) return this.pteSlot;
    const pmd = this.pmdTable(addr);
    const pte = pmd < 0 ? -1 : this.entryChild(pmd * PTRS_PER_TABLE + indexAt(addr, PMD_SCALE));
    if (pte >= 0) {
      this.pteKey = key;
      this.pteSlot = pte;
    }
    return pte;
  }

  /** The handle of addr's entry in PTE table `table`: table * 512 + index. */
  pteIndex(table: number, addr: number): number {
    return table * PTRS_PER_TABLE + indexAt(addr, PTE_SCALE);
  }

  /** The table a PTE handle belongs to. */
  tableOfPte(i: number): number {
    return i >= 0 ? i >> 9 : Math.floor(i / PTRS_PER_TABLE);
  }

  /** pte_none(): no bits at all. */
  pteNone(i: number): boolean {
    return this.ent[i * ENTRY_WORDS + 1] === 0 && this.ent[i * ENTRY_WORDS] === 0;
  }
  /** pte_present(): P, or PROTNONE (a PROT_NONE mapping still maps the page). */
  ptePresent(i: number): boolean {
    return ((this.ent[i * ENTRY_WORDS + 1] as number) & (_PAGE_PRESENT | _PAGE_PROTNONE)) !== 0;
  }
  pteFlagsAt(i: number): number {
    return (this.ent[i * ENTRY_WORDS + 1] as number) >>> 0;
  }
  ptePfn(i: number): number {
    return this.ent[i * ENTRY_WORDS] as number;
  }

  setPte(i: number, pfn: number, flags: number): void {
    const table = this.tableOfPte(i);
    if (this.pteNone(i)) this.used[table] = (this.used[table] as number) + 1;
    this.ent[i * ENTRY_WORDS] = pfn;
    this.ent[i * ENTRY_WORDS + 1] = flags;
  }

  setPteFlags(i: number, flags: number): void {
    this.ent[i * ENTRY_WORDS + 1] = flags;
  }

  clearPte(i: number): void {
    const table = this.tableOfPte(i);
    if (!this.pteNone(i)) this.used[table] = (this.used[table] as number) - 1;
    this.ent[i * ENTRY_WORDS] = 0;
    this.ent[i * ENTRY_WORDS + 1] = 0;
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
        const child = this.entryChild(slot * PTRS_PER_TABLE + i);
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
        if (!this.pteNone(e)) fn(base + i * 4096, this.ptePfn(e), this.pteFlagsAt(e));
      }
    });
  }

  /** Bytes held by the table arrays (for memory figures). */
  byteSize(): number {
    return this.ent.byteLength + this.level.byteLength + this.frame.byteLength + this.used.byteLength;
  }

  /** Page-table slots in use, for display and memory figures. */
  tableCount(): number {
    return this.nslots - this.freeSlots.length;
  }
}
