import { beforeEach, describe, expect, it, vi } from 'vitest';
import defaultScenario from '../scenario/library/default.json?raw';
import { useLab } from '../store/lab.ts';
import type { Workspace } from './share.ts';

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

// A fake idb-keyval: a map, and a switch to make every call fail as a blocked IndexedDB does.
const db = new Map<string, unknown>();
let broken = false;
const guard = () => {
  if (broken) throw new DOMException('blocked', 'InvalidStateError');
};
vi.mock('idb-keyval', () => ({
  get: vi.fn(async (k: string) => {
    guard();
    return db.get(k);
  }),
  set: vi.fn(async (k: string, v: unknown) => {
    guard();
    db.set(k, v);
  }),
  del: vi.fn(async (k: string) => {
    guard();
    db.delete(k);
  }),
}));

const { CORRUPT_STORED, openAtStart, readPersisted, STORAGE_KEY, writePersisted } = await import('./persist.ts');

const workspace: Workspace = {
  v: 1,
  text: defaultScenario,
  cursor: 7,
  kernel: '5.10',
  selection: { mapping: 'm', page: 0, pfn: null },
  compare: null,
  view: { theme: null },
};

const initial = useLab.getState();

describe('the saved workspace', () => {
  beforeEach(() => {
    db.clear();
    broken = false;
    useLab.setState(initial, true);
  });

  it('writes the workspace object and reads it back', async () => {
    expect(await readPersisted()).toBeNull();
    expect(await writePersisted(workspace)).toBe(true);
    expect(db.get(STORAGE_KEY)).toEqual(workspace);
    expect(await readPersisted()).toEqual({ ok: true, workspace });
  });

  it('ignores corrupt data with a message, and drops it', async () => {
    for (const bad of [
      '{"v":1,"text"',
      42,
      { v: 1, text: '' },
      { ...workspace, v: 9 },
      { ...workspace, cursor: 'x' },
    ]) {
      db.set(STORAGE_KEY, bad);
      expect(await readPersisted()).toEqual({ ok: false, message: CORRUPT_STORED });
      expect(db.has(STORAGE_KEY)).toBe(false);
    }
  });

  it('treats a missing or blocked IndexedDB as nothing saved, and never throws', async () => {
    broken = true;
    expect(await readPersisted()).toBeNull();
    expect(await writePersisted(workspace)).toBe(false);
  });

  it('restores the saved workspace at start when there is no link', async () => {
    db.set(STORAGE_KEY, workspace);
    expect(await openAtStart(useLab, defaultScenario, '')).toEqual({ opened: 'saved', embed: false });
    const s = useLab.getState();
    expect(s.cursor).toBe(7);
    expect(s.loaded?.kernel).toBe('5.10');
    expect(s.selection.mapping).toBe('m');
  });

  it('opens the default with a message when the saved workspace is corrupt', async () => {
    db.set(STORAGE_KEY, 'garbage');
    expect((await openAtStart(useLab, defaultScenario, '')).opened).toBe('default');
    expect(useLab.getState().message).toBe(CORRUPT_STORED);
    expect(useLab.getState().cursor).toBe(0);
  });

  it('opens the default with a message when the saved scenario is refused', async () => {
    db.set(STORAGE_KEY, { ...workspace, text: '{"ptlab":1,"steps":[{"op":"bogus"}]}' });
    expect((await openAtStart(useLab, defaultScenario, '')).opened).toBe('default');
    expect(useLab.getState().message).toMatch(/saved in this browser could not be restored: its scenario was refused/);
    expect(db.has(STORAGE_KEY)).toBe(false);
  });

  it('opens the default without a message when nothing is saved or storage is blocked', async () => {
    broken = true;
    expect((await openAtStart(useLab, defaultScenario, '')).opened).toBe('default');
    expect(useLab.getState().message).toBeNull();
    expect(useLab.getState().text).toBe(defaultScenario);
  });
});
