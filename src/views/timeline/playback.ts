// Play / pause state of the timeline, shared by its buttons and the global
// keyboard map (Space). The interval itself runs in the Timeline component.
import { create } from 'zustand';

export const SPEEDS = [
  { label: '1 step/s', ms: 1000 },
  { label: '2 steps/s', ms: 500 },
  { label: '5 steps/s', ms: 200 },
  { label: '10 steps/s', ms: 100 },
  { label: '30 steps/s', ms: 33 },
] as const;

export interface Playback {
  playing: boolean;
  /** Milliseconds between two steps. */
  interval: number;
  setPlaying: (playing: boolean) => void;
  setInterval: (ms: number) => void;
}

export const usePlayback = create<Playback>()((set) => ({
  playing: false,
  interval: 500,
  setPlaying: (playing) => set({ playing }),
  setInterval: (interval) => set({ interval }),
}));

/** Start playing (from the start when the cursor is at the end) or pause. */
export function togglePlay(cursor: number, steps: number, goto: (k: number) => Promise<void>): void {
  const { playing, setPlaying } = usePlayback.getState();
  if (playing) {
    setPlaying(false);
    return;
  }
  if (steps === 0) return;
  if (cursor >= steps) void goto(0);
  setPlaying(true);
}
