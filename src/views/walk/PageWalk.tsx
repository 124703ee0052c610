// The x86-64 page-table walk for the selected page's address: CR3 → PGD → P4D
// (folded) → PUD → PMD → PTE → frame, with the address split into its index
// fields and each entry's bits decoded.
import { useMemo } from 'react';
import { rangesHas } from '../../engine/ranges.ts';
import type { WalkLevel, WalkView } from '../../engine/view.ts';
import { useLab } from '../../store/lab.ts';
import { hex, pteBitText } from '../address-space/format.ts';
import '../physical/palette.ts';
import './PageWalk.css';

interface Field {
  key: string;
  name: string;
  hi: number;
  lo: number;
}

const FIELDS: Field[] = [
  { key: 'pgd', name: 'PGD', hi: 47, lo: 39 },
  { key: 'pud', name: 'PUD', hi: 38, lo: 30 },
  { key: 'pmd', name: 'PMD', hi: 29, lo: 21 },
  { key: 'pte', name: 'PTE', hi: 20, lo: 12 },
  { key: 'off', name: 'offset', hi: 11, lo: 0 },
];

const LEVEL_KEY: Record<string, string> = { PGD: 'pgd', P4D: 'pgd', PUD: 'pud', PMD: 'pmd', PTE: 'pte' };
const NEXT: Record<string, string> = { PGD: 'PUD', P4D: 'PUD', PUD: 'PMD', PMD: 'PTE table', PTE: 'frame' };

/** The bits hi..lo of a user address (< 2^48, exact in a double). */
function field(addr: number, hi: number, lo: number): number {
  return Math.floor(addr / 2 ** lo) % 2 ** (hi - lo + 1);
}

function BitDiagram({ addr }: { addr: number }) {
  const binary = FIELDS.map((f) =>
    field(addr, f.hi, f.lo)
      .toString(2)
      .padStart(f.hi - f.lo + 1, '0'),
  ).join(' ');
  return (
    <div className="walk-bits" role="img" aria-label={`address ${hex(addr)}, bits 47 to 0: ${binary}`} title={binary}>
      {FIELDS.map((f) => {
        const v = field(addr, f.hi, f.lo);
        const width = f.hi - f.lo + 1;
        const bin = v.toString(2).padStart(width, '0');
        return (
          <div
            key={f.key}
            className={`walk-field walk-f-${f.key}`}
            style={{ flexGrow: width }}
            data-testid={`walk-field-${f.key}`}
            data-value={v}
            data-bits={bin}
          >
            <span className="walk-cells" aria-hidden="true">
              {[...bin].map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a bit's position is its identity
                <span key={i} className={c === '1' ? 'walk-cell is-one' : 'walk-cell'} />
              ))}
            </span>
            <span className="walk-field-name" title={`bits ${f.hi}–${f.lo}`}>
              {f.name}
            </span>
            <span className="walk-field-val mem-mono">{f.key === 'off' ? hex(v, 3) : v}</span>
          </div>
        );
      })}
    </div>
  );
}

function Bits({ bits }: { bits: string[] }) {
  return (
    <span className="walk-entry-bits">
      {bits.map((b) => (
        <abbr key={b} className={`walk-bit walk-bit-${b}`} title={pteBitText(b)}>
          {b}
        </abbr>
      ))}
    </span>
  );
}

const ORDER: [string, string][] = [
  ['PGD', '47-39'],
  ['P4D', 'folded'],
  ['PUD', '38-30'],
  ['PMD', '29-21'],
  ['PTE', '20-12'],
];

/**
 * The five levels by position. (engine/view.ts pageWalk names the levels below
 * a missing table "PTE" with bits 20-12; their indexes are right, so the
 * position gives the name.)
 */
function normalise(walk: WalkView): WalkView {
  if (walk.levels.length !== ORDER.length) return walk;
  return {
    ...walk,
    levels: walk.levels.map((l, i) => ({
      ...l,
      level: (ORDER[i] as [string, string])[0],
      bits: (ORDER[i] as [string, string])[1],
    })),
  };
}

function stopReason(walk: WalkView): string | null {
  const levels = walk.levels;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as WalkLevel;
    if (l.tableFrame < 0) continue;
    if (l.entry === null) {
      if (l.level === 'PTE') return `The PTE (index ${l.index}) is none: the page is not mapped, a touch faults.`;
      return `The ${l.level} entry ${l.index} is none: there is no ${NEXT[l.level]} for this address, the walk stops at the ${l.level}.`;
    }
  }
  if (walk.frame < 0) return 'The PTE is not present: a touch faults.';
  return null;
}

export function PageWalk() {
  const raw = useLab((s) => s.view?.walk ?? null);
  const walk = useMemo(() => (raw ? normalise(raw) : null), [raw]);
  const selection = useLab((s) => s.selection);
  const select = useLab((s) => s.select);
  // The step that led to the cursor changed the selected page's PTE.
  const pteChanged = useLab(
    (s) => s.selection.page !== null && (s.view ? rangesHas(s.view.changes.ptes, s.selection.page) : false),
  );
  const stop = walk ? stopReason(walk) : null;
  const pick = (pfn: number) => void select({ pfn });

  return (
    <section className="panel mem-panel walk-panel" aria-labelledby="walk-title">
      <h2 id="walk-title">
        Page-table walk
        <span className="mem-sub">
          {walk ? (
            <>
              {selection.mapping} page {selection.page} · <span className="mem-mono">{hex(walk.addr)}</span>
            </>
          ) : (
            'select a page in the PTE map'
          )}
        </span>
      </h2>
      {walk ? (
        <div className="walk-body">
          <BitDiagram addr={walk.addr} />
          <ol className="walk-levels">
            <li className="walk-level walk-cr3" data-testid="walk-cr3" data-frame={walk.cr3Frame}>
              <span className="walk-name">CR3</span>
              <span className="walk-index mem-muted">the root: the PGD</span>
              <span className="walk-table">
                <button type="button" className="walk-pfn" onClick={() => pick(walk.cr3Frame)}>
                  pfn {walk.cr3Frame}
                </button>
              </span>
            </li>
            {walk.levels.map((l) => {
              const reached = l.tableFrame >= 0;
              const changed = l.level === 'PTE' && pteChanged;
              const cls = `walk-level walk-l-${LEVEL_KEY[l.level]}${reached ? '' : ' is-unreached'}${reached && !l.entry ? ' is-missing' : ''}${changed ? ' is-changed' : ''}`;
              return (
                <li
                  key={l.level}
                  className={cls}
                  data-testid={`walk-level-${l.level}`}
                  data-index={l.index}
                  data-entry={l.entry?.value ?? 'none'}
                  data-table-frame={l.tableFrame}
                  data-reached={reached ? 'true' : 'false'}
                  data-changed={changed ? 'true' : 'false'}
                >
                  <span className="walk-name">{l.level}</span>
                  <span className="walk-index">
                    {l.bits === 'folded' ? (
                      <span className="mem-muted">folded into PGD</span>
                    ) : (
                      <>
                        bits {l.bits} = <strong>{l.index}</strong>
                      </>
                    )}
                  </span>
                  <span className="walk-table">
                    {reached ? (
                      <button type="button" className="walk-pfn" onClick={() => pick(l.tableFrame)}>
                        pfn {l.tableFrame}
                      </button>
                    ) : (
                      <span className="mem-muted">not reached</span>
                    )}
                  </span>
                  {l.level === 'P4D' ? null : (
                    <span className="walk-entry">
                      {l.entry ? (
                        <>
                          <code>{l.entry.value}</code> <Bits bits={l.entry.bits} />
                        </>
                      ) : reached ? (
                        <strong className="walk-none">none</strong>
                      ) : (
                        <span className="mem-muted">no {l.level} table</span>
                      )}
                      {changed ? (
                        <>
                          {' '}
                          <span
                            className="mem-changed-badge"
                            data-testid="walk-pte-changed"
                            title="this page's PTE changed in the step that led here"
                          >
                            changed by this step
                          </span>
                        </>
                      ) : null}
                    </span>
                  )}
                </li>
              );
            })}
            <li
              className={`walk-level walk-frame${walk.frame < 0 ? ' is-missing' : ''}`}
              data-testid="walk-frame"
              data-frame={walk.frame}
            >
              <span className="walk-name">frame</span>
              <span className="walk-index mem-mono">
                {walk.frame >= 0 ? `phys ${hex(walk.frame * 4096 + walk.offset)}` : `offset ${hex(walk.offset, 3)}`}
              </span>
              <span className="walk-table">
                {walk.frame >= 0 ? (
                  <button type="button" className="walk-pfn" onClick={() => pick(walk.frame)}>
                    pfn {walk.frame}
                  </button>
                ) : (
                  <strong className="walk-none">none</strong>
                )}
              </span>
            </li>
          </ol>
          <p className="walk-stop" data-testid="walk-stop" role="status">
            {stop ?? `The walk reaches pfn ${walk.frame}.`}
          </p>
        </div>
      ) : (
        <p className="mem-empty-note">No address: select a page in the PTE map to walk its page tables.</p>
      )}
    </section>
  );
}
