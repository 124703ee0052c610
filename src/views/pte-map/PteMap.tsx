// The selected mapping's PTEs, one cell per page (a bucket of pages when cells
// would be smaller than 3 px), drawn on a canvas from the runs the worker sent.
// A visually hidden list of the runs and a live region carry the same facts
// for screen readers and tests.
import { type KeyboardEvent, type PointerEvent, useEffect, useMemo, useRef, useState } from 'react';
import { NO_RANGES, rangesHas, rangesOverlap, rangesSize } from '../../engine/ranges.ts';
import { useLab } from '../../store/lab.ts';
import { MAX_WINDOW_PAGES } from '../../worker/api.ts';
import { allocPage, hex, PAGE_SIZE, plural, pteBitText } from '../address-space/format.ts';
import { useAddressSpace } from '../address-space/space.ts';
import { allocVar, useCanvasView } from '../physical/palette.ts';
import './PteMap.css';
import { createPteMapView } from './canvasView.ts';
import { cellData, cellWords, describeCell, entryBits } from './describe.ts';
import {
  bucketise,
  clampFirst,
  fitLevel,
  geometry,
  maxLevel,
  visibleCount,
  ZOOM_LEVELS,
  type ZoomLevel,
} from './grid.ts';
import { cellAt, findRun, type PteCell, pteRunList } from './runs.ts';
import { useElementSize } from './useElementSize.ts';

const MAX_LISTED_RUNS = 300;
/** The legend's fixed swatches (class suffix, words). */
const LEGEND = [
  ['none', 'none'],
  ['outside', 'outside'],
  ['special', 'special'],
  ['write', 'W'],
  ['dirty', 'D'],
  ['accessed', 'A'],
] as const;

interface ViewState {
  key: string;
  /** Zoom level index, null = fit the mapping. */
  level: number | null;
  first: number;
}

export function PteMap() {
  const view = useLab((s) => s.view);
  const loaded = useLab((s) => s.loaded);
  const selection = useLab((s) => s.selection);
  const storeWindow = useLab((s) => s.window);
  const select = useLab((s) => s.select);
  const setWindow = useLab((s) => s.setWindow);
  const insertStep = useLab((s) => s.insertStep);

  const mappingId = selection.mapping;
  const mapping = useAddressSpace()?.mappings.find((m) => m.id === mappingId) ?? null;
  const pages = mapping?.pages ?? 0;
  const lo = -1;
  const hi = pages + 1;
  const total = hi - lo;
  const wire = view?.ptes ?? null;
  const ptes = useMemo(() => (wire ? pteRunList(wire) : []), [wire]);
  // Pages (of the requested window) whose PTE the step that led to the cursor changed.
  const changed = view?.changes.ptes ?? NO_RANGES;
  const runChanged = (first: number, n: number) => rangesOverlap(changed, first, n);

  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drawRef = useCanvasView(canvasRef, createPteMapView);
  const { width, height } = useElementSize(boxRef);

  const key = `${mappingId}:${pages}`;
  const [vs, setVs] = useState<ViewState>({ key, level: null, first: lo });
  const cur: ViewState = vs.key === key ? vs : { key, level: null, first: lo };
  const top = maxLevel(total, width, height);
  const levelIdx = Math.min(cur.level ?? fitLevel(total, width, height), top);
  const g = geometry(ZOOM_LEVELS[levelIdx] as ZoomLevel, width, height);
  const first = clampFirst(cur.first, g, lo, hi);
  const count = visibleCount(g, first, hi);
  const ready = mapping !== null && mapping.start !== null && width > 0 && height > 0;

  const buckets = useMemo(
    () => bucketise(ptes, first, count, g.ppc, g.cols * g.rows),
    [ptes, first, count, g.ppc, g.cols, g.rows],
  );

  // Ask the worker for exactly the pages in view (one before and one past the VMA included).
  useEffect(() => {
    if (!ready || !loaded) return;
    if (storeWindow.first === first && storeWindow.count === count) return;
    const t = setTimeout(() => void setWindow(first, count), 30);
    return () => clearTimeout(t);
  }, [ready, loaded, first, count, storeWindow.first, storeWindow.count, setWindow]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: drawRef is a ref (useCanvasView), stable across renders
  useEffect(() => {
    if (width <= 0 || height <= 0) return;
    drawRef.current?.update({ width, height, g, buckets, first, count, selectedPage: selection.page, changed });
  }, [width, height, g, buckets, first, count, selection.page, changed]);

  // Keep the selected page in view when it moves (not when the user pans away).
  const lastSel = useRef<string>('');
  useEffect(() => {
    const sel = `${key}:${selection.page}`;
    if (sel === lastSel.current) return;
    lastSel.current = sel;
    const p = selection.page;
    if (p === null || width <= 0) return;
    if (p >= first && p < first + count) return;
    setVs({ ...cur, first: p - Math.floor(Math.min(g.capacity, MAX_WINDOW_PAGES) / 2) });
  });

  const setLevel = (level: number | null, anchor?: number) => {
    const idx = level === null ? null : Math.max(0, Math.min(top, level));
    const ng = geometry(ZOOM_LEVELS[idx ?? fitLevel(total, width, height)] as ZoomLevel, width, height);
    const at = anchor ?? selection.page ?? first + Math.floor(count / 2);
    setVs({ key, level: idx, first: at - Math.floor(Math.min(ng.capacity, MAX_WINDOW_PAGES) / 2) });
  };
  const pan = (rows: number) => setVs({ ...cur, first: first + rows * g.cols * g.ppc });

  const pageAt = (clientX: number, clientY: number): number | null => {
    const c = canvasRef.current;
    if (!c) return null;
    const r = c.getBoundingClientRect();
    const col = Math.floor((clientX - r.left) / g.px);
    const row = Math.floor((clientY - r.top) / g.px);
    if (col < 0 || row < 0 || col >= g.cols) return null;
    const i = row * g.cols + col;
    if (i >= buckets.n) return null;
    const p = first + i * g.ppc;
    return p < hi ? p : null;
  };

  const cellOf = (p: number): PteCell | null => {
    const run = findRun(ptes, p);
    return run ? cellAt(run, p) : null;
  };

  const pick = (p: number) => {
    const page = Math.max(lo, Math.min(hi - 1, p));
    const c = cellOf(page);
    void select({ page, pfn: c?.present ? c.pfn : null });
  };

  // Pointer: click selects, drag pans by rows.
  const drag = useRef<{ y: number; first: number; moved: boolean } | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; page: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    drag.current = { y: e.clientY, first, moved: false };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (d && e.buttons & 1) {
      const dy = e.clientY - d.y;
      if (Math.abs(dy) > 4) d.moved = true;
      if (d.moved) {
        const rows = Math.round(-dy / g.px);
        setVs({ ...cur, first: d.first + rows * g.cols * g.ppc });
        setHover(null);
        return;
      }
    }
    const p = pageAt(e.clientX, e.clientY);
    const box = boxRef.current?.getBoundingClientRect();
    setHover(p === null || !box ? null : { x: e.clientX - box.left, y: e.clientY - box.top, page: p });
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (d?.moved) return;
    const p = pageAt(e.clientX, e.clientY);
    if (p !== null) pick(p);
  };

  // The wheel pans (rows); with Ctrl or Cmd it zooms. Not passive, so it is added by hand.
  const wheelRef = useRef<(e: WheelEvent) => void>(() => {});
  wheelRef.current = (e: WheelEvent) => {
    if (!ready) return;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      setLevel(levelIdx + (e.deltaY < 0 ? -1 : 1), pageAt(e.clientX, e.clientY) ?? undefined);
      return;
    }
    if (count >= total) return;
    e.preventDefault();
    pan(e.deltaY > 0 ? 3 : -3);
  };
  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const h = (e: WheelEvent) => wheelRef.current(e);
    c.addEventListener('wheel', h, { passive: false });
    return () => c.removeEventListener('wheel', h);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (!ready) return;
    const p = selection.page ?? first;
    const row = g.cols * g.ppc;
    const moves: Record<string, number> = { ArrowLeft: -g.ppc, ArrowRight: g.ppc, ArrowUp: -row, ArrowDown: row };
    const m = moves[e.key];
    if (m !== undefined) {
      e.preventDefault();
      pick(selection.page === null ? first : p + m);
    } else if (e.key === 'Home') {
      e.preventDefault();
      pick(lo);
    } else if (e.key === 'End') {
      e.preventDefault();
      pick(hi - 1);
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      pan((e.key === 'PageDown' ? 1 : -1) * g.rows);
    } else if (e.key === '+' || e.key === '=') {
      e.preventDefault();
      setLevel(levelIdx - 1);
    } else if (e.key === '-') {
      e.preventDefault();
      setLevel(levelIdx + 1);
    } else if (e.key === '0') {
      e.preventDefault();
      setLevel(null);
    }
  };

  const selCell = selection.page !== null ? cellOf(selection.page) : null;
  const selChanged = selection.page !== null && rangesHas(changed, selection.page);
  const hoverCell = hover ? cellOf(hover.page) : null;
  const addrOf = (p: number) => (mapping?.start != null ? hex(mapping.start + p * PAGE_SIZE) : '?');
  const listed = ptes.slice(0, MAX_LISTED_RUNS);
  const canTouch = loaded !== null && mappingId !== null && selection.page !== null;
  const touch = (access: 'read' | 'write' | 'exec') => {
    if (!canTouch) return;
    void insertStep({ op: 'touch', mmap: mappingId, page: selection.page, access });
  };
  const allocs = wire?.allocs ?? [];
  const changedCount = rangesSize(changed);

  return (
    <section className="panel mem-panel pte-panel" aria-labelledby="pte-title">
      <h2 id="pte-title">
        PTE map
        <span className="mem-sub">
          {mapping ? `${mapping.id} · ${plural(pages, 'page')} ±1` : 'select a mapping above'}
        </span>
        <span
          className="mem-sub pte-range"
          data-testid="pte-window"
          data-first={first}
          data-count={count}
          data-ppc={g.ppc}
        >
          {ready ? `· ${first}…${first + count - 1}${g.ppc > 1 ? ` · ${g.ppc}/cell` : ''}` : ''}
        </span>
      </h2>
      <div className="pte-toolbar">
        <fieldset className="pte-zoom" aria-label="zoom">
          <button
            type="button"
            onClick={() => setLevel(levelIdx + 1)}
            disabled={!ready || levelIdx >= top}
            aria-label="zoom out"
          >
            −
          </button>
          <button
            type="button"
            onClick={() => setLevel(null)}
            disabled={!ready}
            title="show as much of the mapping as fits"
          >
            fit
          </button>
          <button
            type="button"
            onClick={() => setLevel(levelIdx - 1)}
            disabled={!ready || levelIdx <= 0}
            aria-label="zoom in"
          >
            +
          </button>
        </fieldset>

        {ready && count < total ? (
          <input
            type="range"
            className="pte-scroll"
            aria-label="first page shown"
            min={lo}
            max={Math.max(lo, hi - count)}
            step={g.cols * g.ppc}
            value={first}
            onChange={(e) => setVs({ ...cur, first: Number(e.target.value) })}
          />
        ) : null}
        <fieldset className="pte-touch" aria-label="touch the selected page">
          <span className="pte-touch-label">touch</span>
          {(['read', 'write', 'exec'] as const).map((a) => (
            <button
              key={a}
              type="button"
              disabled={!canTouch}
              onClick={() => touch(a)}
              data-testid={`touch-${a}`}
              aria-label={`touch ${a}`}
              title={
                canTouch ? `insert a ${a} touch of page ${selection.page} after the cursor` : 'select a page first'
              }
            >
              {a}
            </button>
          ))}
        </fieldset>
      </div>
      <div className="mem-canvas-box pte-canvas-box" ref={boxRef}>
        <canvas
          ref={canvasRef}
          tabIndex={0}
          role="img"
          aria-label={
            mapping
              ? `PTEs of ${mapping.id}, pages ${first} to ${first + count - 1}. Arrow keys move the selected page, + and − zoom.`
              : 'PTE map: no mapping selected'
          }
          aria-describedby="pte-selected"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKeyDown}
          style={{ width, height }}
        />
        {mapping && mapping.start === null ? (
          <p className="pte-overlay">mmap of {mapping.id} failed: no VMA, no PTEs.</p>
        ) : null}
        {hover ? (
          <div
            className="mem-tooltip"
            style={{
              left: Math.min(hover.x + 14, Math.max(0, width - 300)),
              top: Math.min(hover.y + 14, Math.max(0, height - 110)),
            }}
          >
            {hoverCell ? (
              <>
                <div>
                  <strong>page {hover.page}</strong> <span className="mem-mono">{addrOf(hover.page)}</span>
                  {g.ppc > 1 ? ` (cell of ${g.ppc} pages)` : ''}
                </div>
                <div className="mem-mono">PTE {hoverCell.value}</div>
                <div>
                  {hoverCell.present
                    ? entryBits(hoverCell.value)
                        .map((b) => `${b}`)
                        .join(' ')
                    : ''}
                </div>
                <div>{cellWords(hoverCell).join(', ')}</div>
                {runChanged(hover.page, g.ppc) ? <div>changed by this step</div> : null}
              </>
            ) : (
              <div>page {hover.page}: loading…</div>
            )}
          </div>
        ) : null}
      </div>
      <p
        id="pte-selected"
        className="pte-selected"
        data-testid="pte-selected"
        data-page={selection.page ?? ''}
        {...cellData(selCell)}
        data-changed={selChanged ? 'true' : 'false'}
        aria-live="polite"
      >
        {selection.page === null || !mapping ? (
          <span className="mem-muted">No page selected: click a cell (or focus the map and use the arrow keys).</span>
        ) : selCell ? (
          <>
            <span className="mem-hidden">
              {describeCell(selCell)}
              {selChanged ? ' Its PTE changed in this step.' : ''}
            </span>
            <span className="pte-sel-line" aria-hidden="true">
              {/* The page's address is in the walk's title and the tooltip: this line says what it maps. */}
              <strong>page {selection.page}</strong>{' '}
              {selCell.present
                ? selCell.maps
                  ? `→ ${allocPage(selCell.maps)} (pfn ${selCell.pfn})`
                  : `→ pfn ${selCell.pfn}`
                : selCell.inVma
                  ? '· not present'
                  : '· outside the VMA'}
              {selChanged ? (
                <>
                  {' '}
                  <span className="mem-changed-badge" data-testid="pte-selected-changed">
                    PTE changed by this step
                  </span>
                </>
              ) : null}
            </span>
            <span className="pte-sel-line" aria-hidden="true">
              <span className="pte-sel-value">
                PTE <span className="mem-mono">{selCell.value}</span>
              </span>{' '}
              {selCell.present ? (
                <span className="pte-bits">
                  {entryBits(selCell.value).map((b) => (
                    <abbr key={b} title={pteBitText(b)}>
                      {b}
                    </abbr>
                  ))}
                </span>
              ) : null}
            </span>
          </>
        ) : (
          <>page {selection.page}: loading…</>
        )}
      </p>
      <ul className="mem-legend pte-legend" aria-label="legend">
        <li data-testid="pte-legend-changed" data-count={changedCount}>
          <span className="mem-swatch mem-sw-changed" /> changed by this step
          {changedCount > 0 ? ` (${changedCount})` : ''}
        </li>
        {allocs.slice(0, 6).map((a) => (
          <li key={a}>
            <span className="mem-swatch" style={{ background: allocVar(a) }} /> {a}
          </li>
        ))}
        {LEGEND.map(([sw, text]) => (
          <li key={sw}>
            <span className={`mem-swatch pte-sw-${sw}`} /> {text}
          </li>
        ))}
      </ul>
      <ul className="mem-hidden" aria-label={`PTE runs of ${mappingId ?? 'no mapping'}`}>
        {listed.map((r) => (
          <li
            key={r.first}
            data-testid="pte-run"
            data-first={r.first}
            data-count={r.count}
            {...cellData(r.cell)}
            data-changed={runChanged(r.first, r.count) ? 'true' : 'false'}
          >
            {r.count === 1 ? `page ${r.first}` : `pages ${r.first}–${r.first + r.count - 1}`}:{' '}
            {cellWords(r.cell).join(', ')}
            {r.cell.present ? `, first PTE ${r.cell.value}` : ''}
            {runChanged(r.first, r.count) ? ', changed by this step' : ''}
          </li>
        ))}
        {ptes.length > listed.length ? <li>… and {ptes.length - listed.length} more runs</li> : null}
      </ul>
    </section>
  );
}
