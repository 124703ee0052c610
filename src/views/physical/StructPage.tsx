// The selected frame's struct page: counts, flags, compound state, which
// allocation page it is, the slab objects on it and the user addresses mapping it.
import type { StructPageView } from '../../engine/view.ts';
import { useLab } from '../../store/lab.ts';
import { allocPage, hex, PAGE_SIZE } from '../address-space/format.ts';
import { type AddressSpaceView, useAddressSpace } from '../address-space/space.ts';
import { OWNER_TEXT } from './grid.ts';

function whereMapped(space: AddressSpaceView | null, addr: number): { mapping: string; page: number } | null {
  if (!space) return null;
  const v = space.vmas.find((x) => addr >= x.start && addr < x.end);
  const m = v ? space.mappings.find((x) => x.id === v.mapping) : null;
  if (!v || !m || m.start === null) return null;
  return { mapping: v.mapping, page: Math.floor((addr - m.start) / PAGE_SIZE) };
}

export function StructPage({
  page,
  pfn,
  changed = false,
}: {
  page: StructPageView | null;
  pfn: number | null;
  /** The step that led to the cursor changed this frame's struct page. */
  changed?: boolean;
}) {
  const space = useAddressSpace();
  const select = useLab((s) => s.select);
  if (pfn === null) {
    return (
      <div className="sp-box" data-testid="struct-page" data-pfn="" data-changed="false">
        <h3>struct page</h3>
        <p className="mem-empty-note">Select a frame (or a present PTE) to see its struct page.</p>
      </div>
    );
  }
  if (!page) {
    return (
      <div className="sp-box" data-testid="struct-page" data-pfn={pfn} data-changed={changed ? 'true' : 'false'}>
        <h3>struct page of pfn {pfn}</h3>
        <p className="mem-empty-note">loading…</p>
      </div>
    );
  }
  const slabExposes = page.owner === 'slab' && page.mappedAt.length > 0 && page.objects.length > 0;
  return (
    <div
      className={`sp-box${changed ? ' is-changed' : ''}`}
      data-testid="struct-page"
      data-pfn={page.pfn}
      data-changed={changed ? 'true' : 'false'}
      data-refcount={page.pageCount}
      data-own-refcount={page.refcount}
      data-mapcount={page.mapcount}
      data-flags={page.flags.join(' ')}
      data-owner={page.owner}
      data-label={page.label ?? ''}
    >
      <h3>
        struct page <span className="mem-mono">pfn {page.pfn}</span>
        {changed ? (
          <>
            {' '}
            <span className="mem-changed-badge" data-testid="struct-page-changed">
              changed by this step
            </span>
          </>
        ) : null}
      </h3>
      <dl className="sp-fields">
        <dt>phys</dt>
        <dd className="mem-mono sp-wide">{page.physAddr}</dd>
        <dt>owner</dt>
        <dd className="sp-wide">
          {OWNER_TEXT[page.owner] ?? page.owner}
          {page.label ? (
            <>
              {' '}
              <code>{page.label}</code>
            </>
          ) : null}
        </dd>
        <dt title="page_count(): the folio head's _refcount">page_count</dt>
        <dd className="sp-num">
          {page.pageCount}
          {page.refcount !== page.pageCount ? (
            <span className="mem-muted"> (own _refcount {page.refcount})</span>
          ) : null}
        </dd>
        <dt title="page_mapcount(): how many PTEs map it">mapcount</dt>
        <dd className="sp-num">{page.mapcount}</dd>
        <dt>flags</dt>
        <dd>
          {page.flags.length ? (
            page.flags.map((f) => (
              <code key={f} className="sp-flag">
                PG_{f}
              </code>
            ))
          ) : (
            <span className="mem-muted">none</span>
          )}
        </dd>
        <dt>compound</dt>
        <dd>
          {page.compoundHead === null ? (
            <span className="mem-muted">no (order-0 or non-compound)</span>
          ) : (
            <>
              head{' '}
              <button type="button" className="sp-link" onClick={() => void select({ pfn: page.compoundHead })}>
                pfn {page.compoundHead}
              </button>
              {page.compoundOrder !== null ? `, order ${page.compoundOrder}` : ''}
            </>
          )}
        </dd>
        <dt>is</dt>
        <dd>
          {page.ref ? (
            <code>{allocPage(page.ref)}</code>
          ) : (
            <span className="mem-muted">not a scenario allocation page</span>
          )}
        </dd>
        {page.objects.length > 0 ? (
          <>
            <dt>slab objects</dt>
            <dd className="sp-wide" data-testid="struct-page-objects">
              {page.objects.map((o) => (
                <span key={`${o.alloc}@${o.offset}`} className="sp-obj">
                  <code>{o.alloc}</code> @ {hex(o.offset, 3)} ({o.size} B)
                </span>
              ))}
              {slabExposes ? (
                <p className="sp-warn" role="note">
                  Mapped into user space: the process can read every object above, not just the driver's buffer.
                </p>
              ) : null}
            </dd>
          </>
        ) : null}
        <dt>mapped at</dt>
        <dd className="sp-wide" data-testid="struct-page-mapped" data-count={page.mappedCount}>
          {page.mappedCount === 0 ? (
            <span className="mem-muted">no user PTE</span>
          ) : (
            page.mappedAt.map((m) => {
              const w = whereMapped(space, m.addr);
              return (
                <span key={m.addr} className="sp-addr">
                  {w ? (
                    <button
                      type="button"
                      className="sp-link mem-mono"
                      onClick={() => void select({ mapping: w.mapping, page: w.page, pfn: page.pfn })}
                    >
                      {hex(m.addr)}
                    </button>
                  ) : (
                    <span className="mem-mono">{hex(m.addr)}</span>
                  )}
                  {w ? ` ${w.mapping}[${w.page}]` : ''}
                  {m.special ? ' (special)' : ''}
                </span>
              );
            })
          )}
          {page.mappedCount > page.mappedAt.length ? (
            <span className="mem-muted">
              {' '}
              … and {(page.mappedCount - page.mappedAt.length).toLocaleString('en-US')} more
            </span>
          ) : null}
        </dd>
      </dl>
    </div>
  );
}
