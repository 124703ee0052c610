// Physical memory: the frames the scenario uses (reserved and free frames are
// summarised), coloured by owner with a pattern per kind, refcount and
// mapcount on or under each cell; and the selected frame's struct page.
import { type KeyboardEvent, type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import { NO_RANGES, rangesHas, rangesSize, rangesValues } from '../../engine/ranges.ts';
import { useLab } from '../../store/lab.ts';
import { formatSize, PAGE_SIZE } from '../address-space/format.ts';
import { useElementSize } from '../pte-map/useElementSize.ts';
import { createPhysicalView } from './canvasView.ts';
import { FrameList, type FrameView, frameCells, frameRanges, NO_FRAMES } from './frames.ts';
import { frameGrid, OWNER_TEXT } from './grid.ts';
import { allocVar, useCanvasView } from './palette.ts';
import './PhysicalMemory.css';
import { StructPage } from './StructPage.tsx';

const MAX_LISTED = 500;
const MAX_RANGES = 300;
/** Changed pfns listed in the legend's data attribute (for tests and tools); the count is always exact. */
const MAX_CHANGED_LISTED = 1000;

function frameWords(f: FrameView): string {
  return `pfn ${f.pfn}: ${OWNER_TEXT[f.owner] ?? f.owner}${f.label ? ` ${f.label}` : ''}, refcount ${f.refcount}, mapcount ${f.mapcount}`;
}

/** A listed frame's facts as data attributes (tests and tools read them). */
function frameData(f: FrameView, selected: boolean, changed: boolean): Record<string, string | number> {
  return {
    'data-testid': 'frame',
    'data-pfn': f.pfn,
    'data-owner': f.owner,
    'data-label': f.label ?? '',
    'data-refcount': f.refcount,
    'data-mapcount': f.mapcount,
    'data-selected': String(selected),
    'data-changed': String(changed),
  };
}

export function PhysicalMemory() {
  const physical = useLab((s) => s.view?.physical ?? null);
  const page = useLab((s) => s.view?.page ?? null);
  // The picked frame, else the frame the selected PTE maps (the worker sends its struct page).
  const chosen = useLab((s) => s.selection.pfn);
  const pfn = chosen ?? page?.pfn ?? null;
  const select = useLab((s) => s.select);
  // Frames whose struct page the step that led to the cursor changed.
  const changed = useLab((s) => s.view?.changes.frames ?? NO_RANGES);
  const changedCount = rangesSize(changed);
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drawRef = useCanvasView(canvasRef, createPhysicalView);
  const { width, height } = useElementSize(boxRef);
  const frames = useMemo(() => (physical ? new FrameList(physical.runs) : NO_FRAMES), [physical]);
  const g = useMemo(() => frameGrid(frames.length, width, height), [frames.length, width, height]);
  const cells = useMemo(() => frameCells(frames, g.fpc, g.cells, changed, pfn), [frames, g, changed, pfn]);
  const [hover, setHover] = useState<{ x: number; y: number; f: FrameView } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: drawRef is a ref (useCanvasView), stable across renders
  useEffect(() => {
    if (width <= 0 || height <= 0) return;
    drawRef.current?.update({ width, height, g, frames, cells });
  }, [width, height, g, frames, cells]);

  const frameAt = (e: MouseEvent<HTMLCanvasElement>): FrameView | null => {
    const r = e.currentTarget.getBoundingClientRect();
    const col = Math.floor((e.clientX - r.left) / g.px);
    const row = Math.floor((e.clientY - r.top) / g.px);
    if (col < 0 || row < 0 || col >= g.cols) return null;
    return frames.at((row * g.cols + col) * g.fpc);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (frames.length === 0) return;
    const i = pfn === null ? -1 : frames.indexOf(pfn);
    const moves: Record<string, number> = {
      ArrowLeft: -g.fpc,
      ArrowRight: g.fpc,
      ArrowUp: -g.cols * g.fpc,
      ArrowDown: g.cols * g.fpc,
    };
    let next: number | null = null;
    if (moves[e.key] !== undefined) next = i < 0 ? 0 : i + (moves[e.key] as number);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = frames.length - 1;
    if (next === null) return;
    e.preventDefault();
    void select({ pfn: frames.pfnAt(Math.max(0, Math.min(frames.length - 1, next))) });
  };

  const owners = useMemo(() => {
    const allocs = new Set<string>();
    const kinds = new Set<string>();
    for (let r = 0; r < frames.runs.first.length; r++) {
      const f = frames.frame(r, frames.runs.first[r] as number);
      if (f.owner === 'alloc' && f.label) allocs.add(f.label);
      else kinds.add(f.owner);
    }
    return { allocs: [...allocs], kinds: [...kinds] };
  }, [frames]);

  const selFrame = pfn === null ? null : frames.at(frames.indexOf(pfn));
  const ranges = useMemo(() => (frames.length > MAX_LISTED ? frameRanges(frames) : []), [frames]);
  const mappedFrames = useMemo(() => frames.mapped(), [frames]);
  const listed = useMemo(
    () =>
      frames.length <= MAX_LISTED ? Array.from({ length: frames.length }, (_, i) => frames.at(i) as FrameView) : [],
    [frames],
  );
  // Changed frames not in use now (freed, or taken and given back, by the step) are not on the grid.
  const gone = useMemo(() => changedCount - frames.countIn(changed), [frames, changed, changedCount]);

  return (
    <section className="panel mem-panel phys-panel" aria-labelledby="phys-title">
      <h2 id="phys-title">
        Physical memory
        {physical ? (
          <span
            className="mem-sub"
            data-testid="phys-totals"
            data-frames={physical.nframes}
            data-free={physical.freePages}
            data-reserved={physical.reservedFrames}
            data-used={frames.length}
          >
            {formatSize(physical.nframes * PAGE_SIZE)} = {physical.nframes.toLocaleString('en-US')} frames ·{' '}
            {physical.freePages.toLocaleString('en-US')} free · {physical.reservedFrames.toLocaleString('en-US')}{' '}
            reserved · <strong>{frames.length.toLocaleString('en-US')} in use</strong> ({mappedFrames} mapped)
          </span>
        ) : null}
      </h2>
      <div className="phys-body">
        <div className="phys-left">
          <div className="mem-canvas-box phys-canvas-box" ref={boxRef}>
            <canvas
              ref={canvasRef}
              tabIndex={0}
              role="img"
              aria-label={`frames in use, in pfn order${g.fpc > 1 ? `, ${g.fpc} per cell` : ''}. Arrow keys select a frame.`}
              aria-describedby="phys-selected"
              style={{ width, height }}
              onClick={(e) => {
                const f = frameAt(e);
                if (f) void select({ pfn: f.pfn });
              }}
              onMouseMove={(e) => {
                const f = frameAt(e);
                const box = boxRef.current?.getBoundingClientRect();
                setHover(f && box ? { x: e.clientX - box.left, y: e.clientY - box.top, f } : null);
              }}
              onMouseLeave={() => setHover(null)}
              onKeyDown={onKeyDown}
            />
            {frames.length === 0 && physical ? (
              <p className="phys-overlay mem-muted">No frames in use yet: only boot-reserved and free memory.</p>
            ) : null}
            {hover ? (
              <div
                className="mem-tooltip"
                style={{
                  left: Math.min(hover.x + 14, Math.max(0, width - 260)),
                  top: Math.min(hover.y + 14, Math.max(0, height - 60)),
                }}
              >
                {frameWords(hover.f)}
                {g.fpc > 1 ? ` (cell of ${g.fpc} frames)` : ''}
                {rangesHas(changed, hover.f.pfn) ? ' · changed by this step' : ''}
              </div>
            ) : null}
          </div>
          <ul className="mem-legend phys-legend" aria-label="legend">
            <li
              className="phys-changed"
              data-testid="phys-changed"
              data-count={changedCount}
              data-pfns={rangesValues(changed, MAX_CHANGED_LISTED).join(' ')}
              title={gone > 0 ? `${gone} of them not in use now (not on the grid)` : undefined}
            >
              <span className="mem-swatch mem-sw-changed" />{' '}
              {changedCount > 0 ? (
                <strong>
                  changed by this step: {changedCount} {changedCount === 1 ? 'frame' : 'frames'}
                </strong>
              ) : (
                'changed by this step: none'
              )}
              {gone > 0 ? <span className="mem-hidden"> ({gone} not in use now)</span> : null}
            </li>
            {owners.allocs.slice(0, 6).map((a) => (
              <li key={a}>
                <span className="mem-swatch" style={{ background: allocVar(a) }} /> {a}
              </li>
            ))}
            {owners.kinds.map((k) => (
              <li key={k}>
                <span className={`mem-swatch phys-sw-${k}`} /> {OWNER_TEXT[k] ?? k}
              </li>
            ))}
            <li>
              <span className="mem-swatch phys-sw-mapped" /> mapped
            </li>
            <li>
              <span className="mem-swatch phys-sw-extra" /> ref &gt; 1
            </li>
            <li>
              <span className="mem-swatch phys-sw-jump" /> pfn gap
            </li>
          </ul>
          <p id="phys-selected" className="mem-hidden" aria-live="polite">
            {selFrame
              ? `${frameWords(selFrame)}${rangesHas(changed, selFrame.pfn) ? ', changed by this step' : ''}`
              : pfn !== null
                ? `pfn ${pfn}: not in use by the scenario`
                : ''}
          </p>
        </div>
        <StructPage
          page={page && page.pfn === pfn ? page : null}
          pfn={pfn}
          changed={pfn !== null && rangesHas(changed, pfn)}
        />
      </div>
      <ul className="mem-hidden" aria-label="frames in use">
        {frames.length <= MAX_LISTED ? (
          listed.map((f) => (
            <li key={f.pfn} {...frameData(f, f.pfn === pfn, rangesHas(changed, f.pfn))}>
              <button type="button" onClick={() => void select({ pfn: f.pfn })}>
                {frameWords(f)}
                {rangesHas(changed, f.pfn) ? ', changed by this step' : ''}
              </button>
            </li>
          ))
        ) : (
          <>
            {selFrame ? (
              <li {...frameData(selFrame, true, rangesHas(changed, selFrame.pfn))}>selected {frameWords(selFrame)}</li>
            ) : null}
            {ranges.slice(0, MAX_RANGES).map((r) => (
              <li
                key={r.first}
                data-testid="frame-range"
                data-first={r.first}
                data-count={r.count}
                data-owner={r.owner}
                data-label={r.label ?? ''}
                data-mapped={r.mapped}
              >
                pfn {r.first}–{r.first + r.count - 1}: {OWNER_TEXT[r.owner] ?? r.owner}
                {r.label ? ` ${r.label}` : ''}, {r.mapped} of {r.count} mapped
              </li>
            ))}
            {ranges.length > MAX_RANGES ? <li>… and {ranges.length - MAX_RANGES} more ranges</li> : null}
          </>
        )}
      </ul>
    </section>
  );
}
