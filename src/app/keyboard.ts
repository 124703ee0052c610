// The global keys: Left / Right step back and forward, Home / End go to the
// start and the end, Space plays or pauses. Keys typed into a form field or an
// editor stay there.
import { useLab } from '../store/lab.ts';
import { togglePlay, usePlayback } from '../views/timeline/playback.ts';

/** Whether a key event belongs to the element that has focus, not to the lab. */
export function isEditing(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"]'))
    return true;
  if (target.closest('.cm-editor, .monaco-editor, [data-keys="own"]')) return true;
  // Space presses a focused button or follows a link; let it.
  if (key === ' ' && target.closest('button, a[href], summary, [role="button"]')) return true;
  return false;
}

export function handleKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  if (isEditing(e.target, e.key)) return;
  const { loaded, cursor, goto } = useLab.getState();
  if (!loaded) return;
  const stop = () => usePlayback.getState().setPlaying(false);
  switch (e.key) {
    case 'ArrowLeft':
      stop();
      void goto(cursor - 1);
      break;
    case 'ArrowRight':
      stop();
      void goto(cursor + 1);
      break;
    case 'Home':
      stop();
      void goto(0);
      break;
    case 'End':
      stop();
      void goto(loaded.steps);
      break;
    case ' ':
      togglePlay(cursor, loaded.steps, goto);
      break;
    default:
      return;
  }
  e.preventDefault();
}

/** Install the keys on a window; returns the uninstaller. */
export function installKeyboard(target: Window = window): () => void {
  target.addEventListener('keydown', handleKey);
  return () => target.removeEventListener('keydown', handleKey);
}
