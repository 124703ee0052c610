// Every step of the scenario as a chip on one horizontal strip, the cursor
// between two of them ("before step k"), a scrubber and the play controls. The
// strip is virtualized: only the chips in view (plus a few) are in the DOM, so
// 10,000 steps cost what 20 do.
import {
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type WheelEvent,
} from 'react';
import type { StepResult } from '../../scenario/results.ts';
import { useLab } from '../../store/lab.ts';
import { isHidden, usePredict } from '../../store/predict.ts';
import { badgeOf } from '../result/summary.ts';
import { describeScenarioCached, type StepView } from './describe.ts';
import { SPEEDS, togglePlay, usePlayback } from './playback.ts';
import './Timeline.css';

/** Chip geometry (px): the strip positions chips itself, so these match Timeline.css. */
export const CHIP_W = 200;
export const CHIP_GAP = 12;
const START_W = 64;
const OVERSCAN = 8;
/** Used before the strip has been measured (and in test DOMs without layout). */
const FALLBACK_WIDTH = 1600;

const chipX = (i: number) => START_W + CHIP_GAP + i * (CHIP_W + CHIP_GAP);
const cursorX = (k: number) => START_W + k * (CHIP_W + CHIP_GAP) + CHIP_GAP / 2;

/** Where the cursor is, in words. */
export function cursorWords(cursor: number, steps: number): string {
  if (steps === 0) return 'no steps';
  if (cursor <= 0) return `before step 0 · nothing has run (of ${steps})`;
  if (cursor >= steps) return `after step ${steps - 1} · the end (${steps} steps)`;
  return `after step ${cursor - 1} · before step ${cursor} (of ${steps})`;
}

/** The visible slice of chips for a scroll position and width. */
export function visibleRange(scrollLeft: number, width: number, steps: number): [number, number] {
  const w = width > 0 ? width : FALLBACK_WIDTH;
  const first = Math.max(0, Math.floor((scrollLeft - START_W) / (CHIP_W + CHIP_GAP)) - OVERSCAN);
  const last = Math.min(steps, Math.ceil((scrollLeft + w - START_W) / (CHIP_W + CHIP_GAP)) + OVERSCAN);
  return [first, Math.max(first, last)];
}

export function Timeline() {
  const loaded = useLab((s) => s.loaded);
  const text = useLab((s) => s.text);
  const cursor = useLab((s) => s.cursor);
  const goto = useLab((s) => s.goto);
  const compare = useLab((s) => s.compare);
  const playing = usePlayback((s) => s.playing);
  const interval = usePlayback((s) => s.interval);
  const setPlaying = usePlayback((s) => s.setPlaying);
  const setSpeed = usePlayback((s) => s.setInterval);

  const steps = loaded?.steps ?? 0;
  const described = useMemo(() => describeScenarioCached(text)?.steps ?? [], [text]);
  const differences = useMemo(() => new Map((compare?.differences ?? []).map((d) => [d.step, d])), [compare]);
  const other = compare?.kernels[1] ?? null;

  // Play: one step per interval, stop at the end.
  useEffect(() => {
    if (!playing) return;
    if (cursor >= steps) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(() => void goto(cursor + 1), interval);
    return () => clearTimeout(t);
  }, [playing, cursor, steps, interval, goto, setPlaying]);

  // A new scenario stops playback.
  useEffect(() => {
    if (loaded) setPlaying(false);
  }, [loaded, setPlaying]);

  const strip = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ left: 0, width: 0 });
  const measure = useCallback(() => {
    const el = strip.current;
    if (el) setScroll({ left: el.scrollLeft, width: el.clientWidth });
  }, []);

  useLayoutEffect(() => {
    const el = strip.current;
    if (!el) return;
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [measure]);

  // Keep the cursor in view.
  useLayoutEffect(() => {
    const el = strip.current;
    if (!el || el.clientWidth === 0) return;
    const x = cursorX(cursor);
    const margin = CHIP_W;
    if (x < el.scrollLeft + margin / 2 || x > el.scrollLeft + el.clientWidth - margin) {
      el.scrollLeft = Math.max(0, x - el.clientWidth / 2);
      measure();
    }
  }, [cursor, measure]);

  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    if (Math.abs(e.deltaY) > Math.abs(e.deltaX)) e.currentTarget.scrollLeft += e.deltaY;
  };

  const [first, last] = visibleRange(scroll.left, scroll.width, steps);
  const chips: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const result = loaded?.results[i];
    chips.push(
      <StepChip
        key={i}
        index={i}
        view={described[i]}
        result={result}
        current={i === cursor - 1}
        differs={differences.get(i)?.results[other ?? ''] ?? null}
        comparing={other}
        onGo={goto}
      />,
    );
  }

  const stop = () => setPlaying(false);
  return (
    <section className="panel timeline" aria-label="Timeline">
      <div className="tl-bar">
        <h2 className="panel-title">timeline</h2>
        <div className="tl-buttons">
          <button
            type="button"
            aria-label="Go to start"
            title="Go to start (Home)"
            disabled={!loaded || cursor === 0}
            onClick={() => {
              stop();
              void goto(0);
            }}
          >
            |◀
          </button>
          <button
            type="button"
            aria-label="Step back"
            title="Step back (←)"
            disabled={!loaded || cursor === 0}
            onClick={() => {
              stop();
              void goto(cursor - 1);
            }}
          >
            ◀ back
          </button>
          <button
            type="button"
            className="tl-play"
            data-testid="play"
            aria-label={playing ? 'Pause' : 'Play'}
            title={playing ? 'Pause (Space)' : 'Play (Space)'}
            aria-pressed={playing}
            disabled={!loaded || steps === 0}
            onClick={() => togglePlay(cursor, steps, goto)}
          >
            {playing ? '⏸ pause' : '▶ play'}
          </button>
          <button
            type="button"
            aria-label="Step forward"
            title="Step forward (→)"
            disabled={!loaded || cursor >= steps}
            onClick={() => {
              stop();
              void goto(cursor + 1);
            }}
          >
            forward ▶
          </button>
          <button
            type="button"
            aria-label="Go to end"
            title="Go to end (End)"
            disabled={!loaded || cursor >= steps}
            onClick={() => {
              stop();
              void goto(steps);
            }}
          >
            ▶|
          </button>
          <label className="tl-speed">
            <span>speed</span>
            <select aria-label="Play speed" value={interval} onChange={(e) => setSpeed(Number(e.currentTarget.value))}>
              {SPEEDS.map((s) => (
                <option key={s.ms} value={s.ms}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <input
          className="tl-scrub"
          type="range"
          aria-label="Cursor: steps run"
          data-testid="scrubber"
          min={0}
          max={steps}
          step={1}
          value={cursor}
          disabled={!loaded}
          onChange={(e) => {
            stop();
            void goto(Number(e.currentTarget.value));
          }}
        />
        <output className="tl-pos" data-testid="cursor" data-cursor={cursor} aria-live="polite">
          {cursorWords(cursor, steps)}
          {compare && (
            <span className="tl-compare">
              {' '}
              · {compare.kernels[0]} vs {compare.kernels[1]}: {compare.differences.length} differ
            </span>
          )}
        </output>
      </div>
      <div className="tl-strip" ref={strip} onScroll={measure} onWheel={onWheel} data-testid="timeline-strip">
        <div className="tl-track" style={{ width: chipX(steps) + CHIP_GAP + 40 }}>
          <button
            type="button"
            className="tl-start"
            data-current={cursor === 0 ? 'true' : undefined}
            aria-label="Before step 0"
            onClick={() => {
              stop();
              void goto(0);
            }}
            style={{ left: 0, width: START_W }}
          >
            start
          </button>
          {chips}
          {loaded && (
            <div className="tl-cursor" style={{ left: cursorX(cursor) - 2 }} aria-hidden="true">
              <span>{cursor < steps ? `▼ ${cursor}` : '▼ end'}</span>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

interface ChipProps {
  index: number;
  view: StepView | undefined;
  result: StepResult | undefined;
  current: boolean;
  /** The other profile's result when this step differs under it. */
  differs: StepResult | null;
  comparing: string | null;
  onGo: (k: number) => Promise<void>;
}

function StepChip({ index, view, result: known, current, differs, comparing, onGo }: ChipProps) {
  // In predict mode the badge of a step not predicted yet would give the answer away.
  const hidden = usePredict((s) => isHidden(s, index, known));
  const result = hidden ? undefined : known;
  const badge = result ? badgeOf(result) : null;
  const otherBadge = differs ? badgeOf(differs) : null;
  const op = view?.op ?? '?';
  const desc = [view?.fields, view?.driver].filter(Boolean).join(' · ');
  const full = `step ${index}: ${op} ${desc}${badge ? ` → ${badge.text}` : ''}${
    otherBadge && comparing ? ` (on ${comparing}: ${otherBadge.text})` : ''
  }`;
  return (
    <button
      type="button"
      className="tl-chip"
      data-testid="step"
      data-step={index}
      data-current={current ? 'true' : undefined}
      data-differs={differs ? 'true' : undefined}
      data-badge={badge?.kind}
      aria-current={current ? 'step' : undefined}
      title={full}
      style={{ left: chipX(index), width: CHIP_W }}
      onClick={() => {
        usePlayback.getState().setPlaying(false);
        void onGo(index + 1);
      }}
    >
      <span className="tl-chip-head">
        <span className="tl-idx">{index}</span>
        <span className="tl-op">{op}</span>
        {badge && <span className={`badge badge-${badge.kind}`}>{badge.text}</span>}
      </span>
      <span className="tl-desc">{view?.fields ?? ''}</span>
      {view?.driver && <span className="tl-desc tl-driver">{view.driver}</span>}
      {otherBadge && (
        <span className="tl-differs">
          differs · {comparing}: {otherBadge.text}
        </span>
      )}
    </button>
  );
}
