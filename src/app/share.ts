// The workspace as one plain object (scenario text, cursor, profile, selection,
// comparison, view options), its form in a link (`#w=<lz-string>` or
// `#embed=1&w=<lz-string>`), restoring it into the store, and keeping the
// address bar's fragment in step with the store (history.replaceState, debounced).
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { KERNEL_NAMES } from '../scenario/types.ts';
import type { LabState, Selection } from '../store/lab.ts';

export const WORKSPACE_VERSION = 1;

export type Theme = 'light' | 'dark';

export interface Workspace {
  /** The workspace format's version (WORKSPACE_VERSION). */
  v: 1;
  /** The scenario's text, exactly as loaded. */
  text: string;
  /** Steps run (0 = before the first). */
  cursor: number;
  /** The profile picker: null runs the scenario's own `kernel`. */
  kernel: string | null;
  selection: Selection;
  /** The two compared profiles, or null. */
  compare: [string, string] | null;
  /** View options: the theme picked in the header (null = follow the system). */
  view: { theme: Theme | null };
}

export const DEFAULT_OPENED = 'The default scenario is open instead.';
export const CORRUPT_LINK = `This link could not be opened: the workspace in it is truncated or corrupt. ${DEFAULT_OPENED}`;

export type Decoded = { ok: true; workspace: Workspace } | { ok: false; message: string };

type Checked = { ok: true; workspace: Workspace } | { ok: false; problem: string; version?: unknown };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isKernel = (v: unknown): v is string => typeof v === 'string' && (KERNEL_NAMES as readonly string[]).includes(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check a value that claims to be a workspace (from a link or from storage); never throws. */
export function checkWorkspace(value: unknown): Checked {
  if (!isObject(value)) return { ok: false, problem: 'not an object' };
  if (value.v !== WORKSPACE_VERSION) return { ok: false, problem: 'version', version: value.v };
  const { text, cursor, kernel, selection, compare, view } = value;
  if (typeof text !== 'string' || text === '') return { ok: false, problem: 'text' };
  if (!isInt(cursor) || cursor < 0) return { ok: false, problem: 'cursor' };
  if (kernel !== null && !isKernel(kernel)) return { ok: false, problem: 'kernel' };
  if (!isObject(selection)) return { ok: false, problem: 'selection' };
  const { mapping, page, pfn } = selection;
  if (mapping !== null && typeof mapping !== 'string') return { ok: false, problem: 'selection.mapping' };
  if (page !== null && !isInt(page)) return { ok: false, problem: 'selection.page' };
  if (pfn !== null && (!isInt(pfn) || pfn < 0)) return { ok: false, problem: 'selection.pfn' };
  if (compare !== null && !(Array.isArray(compare) && compare.length === 2 && compare.every(isKernel)))
    return { ok: false, problem: 'compare' };
  let theme: Theme | null = null;
  if (view !== undefined) {
    if (!isObject(view)) return { ok: false, problem: 'view' };
    if (view.theme === 'light' || view.theme === 'dark') theme = view.theme;
    else if (view.theme !== null && view.theme !== undefined) return { ok: false, problem: 'view.theme' };
  }
  return {
    ok: true,
    workspace: {
      v: WORKSPACE_VERSION,
      text,
      cursor,
      kernel,
      selection: { mapping, page, pfn },
      compare: compare === null ? null : [compare[0] as string, compare[1] as string],
      view: { theme },
    },
  };
}

/** The workspace as the `w` parameter of a link. */
export function encodeWorkspace(ws: Workspace): string {
  return compressToEncodedURIComponent(JSON.stringify(ws));
}

/** A link's `w` parameter back to a workspace, or the message to show. Never throws. */
export function decodeWorkspace(w: string): Decoded {
  let json: string | null;
  try {
    json = w === '' ? null : decompressFromEncodedURIComponent(w);
  } catch {
    json = null;
  }
  if (json === null || json === '') return { ok: false, message: CORRUPT_LINK };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, message: CORRUPT_LINK };
  }
  const checked = checkWorkspace(value);
  if (checked.ok) return checked;
  if (checked.problem === 'version') {
    const v = checked.version;
    const which = isInt(v) ? `version ${v}` : 'no known version';
    return {
      ok: false,
      message: `This link could not be opened: its workspace has ${which}, and this ptlab reads version ${WORKSPACE_VERSION}. ${DEFAULT_OPENED}`,
    };
  }
  return {
    ok: false,
    message: `This link could not be opened: the workspace in it is not one ptlab wrote (${checked.problem} is wrong). ${DEFAULT_OPENED}`,
  };
}

/** The message when a link's workspace is fine but the engine refuses its scenario. */
export function refusedLinkMessage(engineMessage: string): string {
  return `This link could not be opened: its scenario was refused: ${engineMessage}. ${DEFAULT_OPENED}`;
}

export interface Fragment {
  /** The `w` parameter, or null when the fragment has none. */
  w: string | null;
  embed: boolean;
}

/**
 * Read `#w=...` / `#embed=1&w=...`. Parsed by hand: lz-string's URI alphabet has `+`,
 * which URLSearchParams would turn into a space.
 */
export function parseFragment(hash: string): Fragment {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  let w: string | null = null;
  let embed = false;
  for (const part of body.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (key === 'w') w = value;
    else if (key === 'embed') embed = value === '1' || value === 'true';
  }
  return { w, embed };
}

export function fragmentFor(ws: Workspace, opts: { embed?: boolean } = {}): string {
  return `#${opts.embed ? 'embed=1&' : ''}w=${encodeWorkspace(ws)}`;
}

/** The full link to a workspace, on the page at `href` (its own fragment dropped). */
export function shareLink(ws: Workspace, href: string, opts: { embed?: boolean } = {}): string {
  const hash = href.indexOf('#');
  return `${hash < 0 ? href : href.slice(0, hash)}${fragmentFor(ws, opts)}`;
}

/** The theme set on <html> (the header's toggle or a restored workspace), null when following the system. */
export function pickedTheme(): Theme | null {
  if (typeof document === 'undefined') return null;
  const t = document.documentElement.dataset.theme;
  return t === 'light' || t === 'dark' ? t : null;
}

/** The workspace of the store as it is now; null before anything is loaded. */
export function captureWorkspace(
  s: Pick<LabState, 'text' | 'loaded' | 'cursor' | 'kernel' | 'selection' | 'compare'>,
  theme: Theme | null = pickedTheme(),
): Workspace | null {
  if (!s.loaded || s.text === '') return null;
  return {
    v: WORKSPACE_VERSION,
    text: s.text,
    cursor: s.cursor,
    kernel: s.kernel,
    selection: { mapping: s.selection.mapping, page: s.selection.page, pfn: s.selection.pfn },
    compare: s.compare ? [s.compare.kernels[0], s.compare.kernels[1]] : null,
    view: { theme },
  };
}

/** The part of the store a workspace is restored through. */
export type Restorable = Pick<LabState, 'load' | 'select' | 'setCompare'> & { message: string | null };

/**
 * Load a workspace into the store: the scenario at its cursor under its profile, then
 * the selection, the comparison and the theme. On refusal returns the engine's message
 * (the store keeps what it had).
 */
export async function restoreWorkspace(
  ws: Workspace,
  lab: () => Restorable,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const loaded = await lab().load(ws.text, { cursor: ws.cursor, kernel: ws.kernel });
  if (!loaded) return { ok: false, message: lab().message ?? 'the scenario was refused' };
  await lab().select(ws.selection);
  if (ws.compare) await lab().setCompare(ws.compare);
  if (ws.view.theme && typeof document !== 'undefined') document.documentElement.dataset.theme = ws.view.theme;
  return { ok: true };
}

/** Whether the page runs as a read-only embed (set from the link at start). */
export function isEmbed(): boolean {
  return typeof document !== 'undefined' && document.documentElement.dataset.embed === 'true';
}

export function setEmbed(on: boolean): void {
  if (on) document.documentElement.dataset.embed = 'true';
  else delete document.documentElement.dataset.embed;
}

/** Call `fn` `ms` after the last call; `flush` runs a pending call now. */
export function debounce(fn: () => void, ms: number): { (): void; flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    fn();
  };
  const d = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  d.flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      run();
    }
  };
  d.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return d;
}

/** The workspace fields a change of which is worth writing down. */
export function workspaceKey(ws: Workspace | null): string {
  return ws === null ? '' : JSON.stringify(ws);
}

/** Replace the address bar's fragment with the workspace's (no new history entry). */
export function writeFragment(ws: Workspace, embed: boolean): void {
  const next = shareLink(ws, location.href, { embed });
  if (next === location.href) return;
  try {
    history.replaceState(history.state, '', next);
  } catch {
    // A workspace too big for a URL: the address bar keeps the last one that fitted.
  }
}
