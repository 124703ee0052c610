import { compressToEncodedURIComponent } from 'lz-string';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import defaultScenario from '../scenario/library/default.json?raw';
import { useLab } from '../store/lab.ts';
import {
  CORRUPT_LINK,
  captureWorkspace,
  checkWorkspace,
  decodeWorkspace,
  encodeWorkspace,
  fragmentFor,
  parseFragment,
  restoreWorkspace,
  shareLink,
  type Workspace,
} from './share.ts';

// No Workers in node: the store's engine is the in-process lab behind promises.
vi.mock('../worker/client.ts', async () => {
  const { createLab } = await import('../worker/lab.ts');
  const lab = createLab();
  const api = Object.fromEntries(
    Object.entries(lab).map(([name, fn]) => [
      name,
      (...args: unknown[]) => Promise.resolve((fn as (...a: unknown[]) => unknown)(...args)),
    ]),
  );
  return { engine: () => api };
});

// idb-keyval without IndexedDB: an in-memory map.
const stored = new Map<string, unknown>();
vi.mock('idb-keyval', () => ({
  get: async (k: string) => stored.get(k),
  set: async (k: string, v: unknown) => void stored.set(k, v),
  del: async (k: string) => void stored.delete(k),
}));

const { openAtStart, syncWorkspace } = await import('./persist.ts');

const workspace: Workspace = {
  v: 1,
  text: defaultScenario,
  cursor: 5,
  kernel: '4.19',
  selection: { mapping: 'm', page: 1, pfn: 12345 },
  compare: ['4.19', '6.1'],
  view: { theme: 'dark' },
};

const initial = useLab.getState();

describe('the workspace in a link', () => {
  it('round-trips exactly', () => {
    const w = encodeWorkspace(workspace);
    expect(w).toMatch(/^[A-Za-z0-9+\-$]+$/);
    expect(decodeWorkspace(w)).toEqual({ ok: true, workspace });
    // Through the fragment and back, `+` included (URLSearchParams would make it a space).
    const frag = parseFragment(fragmentFor(workspace));
    expect(frag).toEqual({ w, embed: false });
    const embed = parseFragment(fragmentFor(workspace, { embed: true }));
    expect(embed.embed).toBe(true);
    expect(decodeWorkspace(embed.w ?? '')).toEqual({ ok: true, workspace });
  });

  it('builds the link on the page without its old fragment', () => {
    const link = shareLink(workspace, 'http://127.0.0.1:4173/?x=1#w=old', { embed: true });
    expect(link.startsWith('http://127.0.0.1:4173/?x=1#embed=1&w=')).toBe(true);
    expect(shareLink(workspace, 'http://h/').startsWith('http://h/#w=')).toBe(true);
  });

  it('reads fragments without a workspace as none', () => {
    expect(parseFragment('')).toEqual({ w: null, embed: false });
    expect(parseFragment('#section-2')).toEqual({ w: null, embed: false });
    expect(parseFragment('#embed=1')).toEqual({ w: null, embed: true });
    expect(parseFragment('#w=')).toEqual({ w: '', embed: false });
  });

  it('refuses a truncated link', () => {
    const w = encodeWorkspace(workspace);
    for (const cut of [1, 10, Math.floor(w.length / 2), w.length - 3]) {
      expect(decodeWorkspace(w.slice(0, cut)), `cut at ${cut}`).toEqual({ ok: false, message: CORRUPT_LINK });
    }
  });

  it('refuses a link that does not decompress or is empty', () => {
    expect(decodeWorkspace('')).toEqual({ ok: false, message: CORRUPT_LINK });
    expect(decodeWorkspace('%%%not-lz%%%')).toEqual({ ok: false, message: CORRUPT_LINK });
    expect(decodeWorkspace('AAAA')).toEqual({ ok: false, message: CORRUPT_LINK });
  });

  it('refuses a link that is not JSON', () => {
    expect(decodeWorkspace(compressToEncodedURIComponent('hello, world'))).toEqual({
      ok: false,
      message: CORRUPT_LINK,
    });
  });

  it('refuses another version, naming it', () => {
    const r = decodeWorkspace(compressToEncodedURIComponent(JSON.stringify({ ...workspace, v: 2 })));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/version 2, and this ptlab reads version 1.*default scenario is open/);
    const none = decodeWorkspace(compressToEncodedURIComponent(JSON.stringify({ text: 'x' })));
    if (!none.ok) expect(none.message).toMatch(/no known version/);
  });

  it('refuses a workspace of the wrong shape, naming the field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ cursor: -1 }, 'cursor'],
      [{ cursor: 1.5 }, 'cursor'],
      [{ text: 3 }, 'text'],
      [{ kernel: '9.9' }, 'kernel'],
      [{ selection: null }, 'selection'],
      [{ selection: { mapping: 3, page: null, pfn: null } }, 'selection.mapping'],
      [{ compare: ['6.1'] }, 'compare'],
      [{ view: { theme: 'pink' } }, 'view.theme'],
    ];
    for (const [patch, field] of bad) {
      const r = decodeWorkspace(compressToEncodedURIComponent(JSON.stringify({ ...workspace, ...patch })));
      expect(r.ok, field).toBe(false);
      if (!r.ok) expect(r.message).toContain(`(${field} is wrong)`);
    }
    expect(checkWorkspace([])).toEqual({ ok: false, problem: 'not an object' });
  });
});

describe('restoring and keeping the workspace', () => {
  beforeEach(() => {
    useLab.setState(initial, true);
    stored.clear();
    delete document.documentElement.dataset.theme;
    delete document.documentElement.dataset.embed;
  });
  afterEach(() => vi.useRealTimers());

  it('restores the scenario, step, profile, selection, comparison and theme', async () => {
    const r = await restoreWorkspace(workspace, () => useLab.getState());
    expect(r).toEqual({ ok: true });
    const s = useLab.getState();
    expect(s.text).toBe(defaultScenario);
    expect(s.cursor).toBe(5);
    expect(s.kernel).toBe('4.19');
    expect(s.loaded?.kernel).toBe('4.19');
    expect(s.selection).toEqual(workspace.selection);
    expect(s.compare?.kernels).toEqual(['4.19', '6.1']);
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(captureWorkspace(s)).toEqual(workspace);
  });

  it('opens the link at start, in embed mode when asked', async () => {
    const out = await openAtStart(useLab, defaultScenario, fragmentFor(workspace, { embed: true }));
    expect(out).toEqual({ opened: 'link', embed: true });
    expect(document.documentElement.dataset.embed).toBe('true');
    expect(useLab.getState().cursor).toBe(5);
    expect(useLab.getState().message).toBeNull();
  });

  it('opens the default with the message for a truncated link', async () => {
    const frag = fragmentFor(workspace);
    const out = await openAtStart(useLab, defaultScenario, frag.slice(0, frag.length - 20));
    expect(out.opened).toBe('default');
    const s = useLab.getState();
    expect(s.message).toBe(CORRUPT_LINK);
    expect(s.text).toBe(defaultScenario);
    expect(s.cursor).toBe(0);
    expect(s.kernel).toBeNull();
  });

  it("opens the default with the engine's message when it refuses the link's scenario", async () => {
    const bad = { ...workspace, text: '{"ptlab":1,"steps":[{"op":"mmapp","id":"m"}]}' };
    const out = await openAtStart(useLab, defaultScenario, fragmentFor(bad));
    expect(out.opened).toBe('default');
    const s = useLab.getState();
    expect(s.message).toMatch(/^This link could not be opened: its scenario was refused: .*unknown op "mmapp"/);
    expect(s.message).toMatch(/The default scenario is open instead\.$/);
    expect(s.text).toBe(defaultScenario);
  });

  it('prefers the link over the saved workspace', async () => {
    stored.set('ptlab-workspace', { ...workspace, cursor: 2 });
    await openAtStart(useLab, defaultScenario, fragmentFor(workspace));
    expect(useLab.getState().cursor).toBe(5);
  });

  it('keeps the fragment up to date, debounced, without new history entries', async () => {
    await openAtStart(useLab, defaultScenario, '');
    const replace = vi.spyOn(history, 'replaceState');
    const push = vi.spyOn(history, 'pushState');
    vi.useFakeTimers();
    const sync = syncWorkspace(useLab, { embed: false });
    await useLab.getState().goto(3);
    await useLab.getState().goto(4);
    await useLab.getState().select({ mapping: 'm', page: 0 });
    expect(replace).not.toHaveBeenCalled();
    vi.advanceTimersByTime(350);
    expect(replace).toHaveBeenCalledTimes(1);
    const url = String(replace.mock.calls[0]?.[2]);
    const frag = parseFragment(new URL(url).hash);
    const d = decodeWorkspace(frag.w ?? '');
    expect(d.ok && d.workspace.cursor).toBe(4);
    expect(d.ok && d.workspace.selection.mapping).toBe('m');
    expect(push).not.toHaveBeenCalled();
    // And saved a little later.
    vi.advanceTimersByTime(1000);
    await vi.runAllTimersAsync();
    expect((stored.get('ptlab-workspace') as Workspace).cursor).toBe(4);
    sync.stop();
    replace.mockRestore();
    push.mockRestore();
  });

  it('never saves in embed mode', async () => {
    await openAtStart(useLab, defaultScenario, '');
    vi.useFakeTimers();
    const sync = syncWorkspace(useLab, { embed: true });
    await useLab.getState().goto(2);
    await vi.runAllTimersAsync();
    expect(stored.has('ptlab-workspace')).toBe(false);
    expect(location.hash.startsWith('#embed=1&w=')).toBe(true);
    sync.stop();
  });
});
