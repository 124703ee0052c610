// The workspace kept across reloads: the same object a link carries, stored in
// IndexedDB (idb-keyval). Reading never throws: storage that is missing, blocked
// or holds something else is ignored (with a message when it held a broken workspace).
import { del, get, set } from 'idb-keyval';
import type { LabState } from '../store/lab.ts';
import {
  captureWorkspace,
  checkWorkspace,
  DEFAULT_OPENED,
  debounce,
  decodeWorkspace,
  parseFragment,
  type Restorable,
  refusedLinkMessage,
  restoreWorkspace,
  setEmbed,
  type Workspace,
  workspaceKey,
  writeFragment,
} from './share.ts';

export const STORAGE_KEY = 'ptlab-workspace';

export const CORRUPT_STORED =
  'The workspace saved in this browser could not be restored (it is corrupt or from another version of ptlab). The default scenario is open instead.';

export type Stored = { ok: true; workspace: Workspace } | { ok: false; message: string } | null;

/** The saved workspace; null when there is none (or no storage); a message when it is broken (and then dropped). */
export async function readPersisted(): Promise<Stored> {
  let value: unknown;
  try {
    value = await get(STORAGE_KEY);
  } catch {
    return null; // no IndexedDB (private mode, blocked): nothing was saved
  }
  if (value === undefined) return null;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = null;
    }
  }
  const checked = checkWorkspace(parsed);
  if (checked.ok) return checked;
  try {
    await del(STORAGE_KEY);
  } catch {
    // leave it; it is ignored again next time
  }
  return { ok: false, message: CORRUPT_STORED };
}

/** Save the workspace; a failure (quota, no IndexedDB) only loses the save. */
export async function writePersisted(ws: Workspace): Promise<boolean> {
  try {
    await set(STORAGE_KEY, ws);
    return true;
  } catch {
    return false;
  }
}

export async function clearPersisted(): Promise<void> {
  try {
    await del(STORAGE_KEY);
  } catch {
    // nothing to clear
  }
}

// ---------------------------------------------------------------- start-up and sync

export interface Store {
  getState(): LabState;
  setState(partial: Partial<LabState>): void;
  subscribe(listener: (s: LabState) => void): () => void;
}

/** How the lab was opened at start. */
export type Opened = 'link' | 'saved' | 'default';

/**
 * Open the workspace at start: the link's (`#w=`), else the saved one, else the default
 * scenario. A bad link or a broken save opens the default and leaves a message.
 */
export async function openAtStart(
  store: Store,
  defaultText: string,
  hash: string,
): Promise<{ opened: Opened; embed: boolean }> {
  const frag = parseFragment(hash);
  setEmbed(frag.embed);
  const lab = () => store.getState() as Restorable;
  let message: string | null = null;
  if (frag.w !== null) {
    const decoded = decodeWorkspace(frag.w);
    if (decoded.ok) {
      const r = await restoreWorkspace(decoded.workspace, lab);
      if (r.ok) return { opened: 'link', embed: frag.embed };
      message = refusedLinkMessage(r.message);
    } else message = decoded.message;
  } else {
    const saved = await readPersisted();
    if (saved?.ok) {
      const r = await restoreWorkspace(saved.workspace, lab);
      if (r.ok) return { opened: 'saved', embed: frag.embed };
      message = `The workspace saved in this browser could not be restored: its scenario was refused: ${r.message}. ${DEFAULT_OPENED}`;
      await clearPersisted();
    } else if (saved) message = saved.message;
  }
  await store.getState().load(defaultText, { cursor: 0, kernel: null });
  if (message !== null) store.setState({ message });
  return { opened: 'default', embed: frag.embed };
}

/**
 * Keep the address bar's fragment (300 ms after the last change, replaceState) and the
 * saved workspace (1 s after) in step with the store and the theme. An embed never
 * saves: a slide must not overwrite the reader's own workspace. Returns the stopper.
 */
export function syncWorkspace(
  store: Store,
  opts: { embed: boolean; fragmentMs?: number; persistMs?: number },
): { stop(): void; flush(): void } {
  let lastFragment = '';
  let lastSaved = '';
  const fragment = debounce(() => {
    const ws = captureWorkspace(store.getState());
    const key = workspaceKey(ws);
    if (ws === null || key === lastFragment) return;
    lastFragment = key;
    writeFragment(ws, opts.embed);
  }, opts.fragmentMs ?? 300);
  const save = debounce(() => {
    const ws = captureWorkspace(store.getState());
    const key = workspaceKey(ws);
    if (ws === null || key === lastSaved) return;
    lastSaved = key;
    void writePersisted(ws);
  }, opts.persistMs ?? 1000);
  const changed = () => {
    fragment();
    if (!opts.embed) save();
  };
  const unsubscribe = store.subscribe(changed);
  let observer: MutationObserver | null = null;
  if (typeof MutationObserver === 'function' && typeof document !== 'undefined') {
    observer = new MutationObserver(changed);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }
  const flushNow = () => {
    fragment.flush();
    save.flush();
  };
  if (typeof window !== 'undefined') window.addEventListener('pagehide', flushNow);
  changed();
  return {
    stop() {
      unsubscribe();
      observer?.disconnect();
      if (typeof window !== 'undefined') window.removeEventListener('pagehide', flushNow);
      fragment.cancel();
      save.cancel();
    },
    flush: flushNow,
  };
}
