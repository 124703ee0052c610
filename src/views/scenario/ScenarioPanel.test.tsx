import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import catalog from '../../scenario/library/catalog.json';
import defaultText from '../../scenario/library/default.json?raw';
import { parseScenario } from '../../scenario/parse.ts';
import { useLab } from '../../store/lab.ts';
import type { EditorProps } from './Editor.tsx';
import { LIBRARY } from './library.ts';
import { locateMessage } from './locate.ts';
import { ScenarioPanel } from './ScenarioPanel.tsx';

// The engine in-process: the worker's own lab, behind promises as comlink gives them.
vi.mock('../../worker/client.ts', async () => {
  const { createLab } = await import('../../worker/lab.ts');
  const lab = createLab();
  const api = {
    load: (...a: Parameters<typeof lab.load>) => Promise.resolve(lab.load(...a)),
    view: (...a: Parameters<typeof lab.view>) => Promise.resolve(lab.view(...a)),
    simulate: (...a: Parameters<typeof lab.simulate>) => Promise.resolve(lab.simulate(...a)),
    compare: (...a: Parameters<typeof lab.compare>) => Promise.resolve(lab.compare(...a)),
  };
  return { engine: () => api };
});

// CodeMirror needs layout happy-dom does not have: a textarea that records what it is given.
const editorProps: { last: EditorProps | null } = { last: null };
vi.mock('./Editor.tsx', () => ({
  default: (props: EditorProps) => {
    editorProps.last = props;
    return (
      <textarea
        data-testid="cm-stub"
        aria-label={props.label}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    );
  },
}));

const initial = useLab.getState();

function editorText(): string {
  return (screen.getByTestId('editor') as HTMLElement & { value: string }).value;
}

async function renderLoaded(text = defaultText) {
  expect(await useLab.getState().load(text, { cursor: 0 })).toBe(true);
  render(<ScenarioPanel />);
  await screen.findByTestId('cm-stub');
}

function chooseFile(file: File | { name: string; size: number; text: () => Promise<string> }) {
  const input = screen.getByTestId('import-file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { configurable: true, value: [file] });
  fireEvent.change(input);
}

/** A scenario whose step 1 names page 7 of a 1-page allocation. */
const BROKEN = `{"ptlab": 1, "title": "broken",
  "steps": [
    {"op": "alloc", "id": "buf", "kind": "kmalloc", "size": 4096},
    {"op": "mmap", "id": "fb", "pages": 1, "prot": ["read"], "flags": "shared",
     "driver": {"mmap": [{"call": "vm_insert_page", "at": 0, "page": {"alloc": "buf", "page": 7}}]}}
  ]
}`;

describe('ScenarioPanel', () => {
  beforeEach(() => {
    useLab.setState(initial, true);
    editorProps.last = null;
  });
  afterEach(() => cleanup());

  it('lists the built-in scenarios and loads the chosen one at step 0', async () => {
    await renderLoaded();
    expect(screen.getByRole('heading', { name: 'Scenario' })).toBeTruthy();
    const select = screen.getByTestId('library') as HTMLSelectElement;
    expect(select.value).toBe('default');
    expect([...select.options].map((o) => o.value)).toEqual(LIBRARY.map((l) => l.id));
    // The default, 7 measured cases and every catalog entry, grouped.
    expect(LIBRARY).toHaveLength(8 + catalog.length);
    expect(select.querySelectorAll('optgroup').length).toBeGreaterThanOrEqual(5);
    for (const l of LIBRARY) expect(parseScenario(l.text).ok, l.id).toBe(true);

    await act(async () => {
      useLab.setState({ cursor: 5 });
    });
    const entry = LIBRARY.find((l) => l.id === 'remap_pfn_range-shared');
    if (!entry) throw new Error('missing library entry');
    fireEvent.change(select, { target: { value: entry.id } });
    await waitFor(() => expect(useLab.getState().text).toBe(entry.text));
    expect(useLab.getState().cursor).toBe(0);
    expect(useLab.getState().loaded?.title).toContain('remap_pfn_range');
    await waitFor(() => expect(editorText()).toBe(entry.text));
    expect((screen.getByTestId('library') as HTMLSelectElement).value).toBe(entry.id);
    expect(screen.getByTestId('editor-state').dataset.state).toBe('in-sync');
  });

  it('imports a broken file: the editor shows it with the message inline, the lab keeps the old scenario', async () => {
    await renderLoaded();
    chooseFile(new File([BROKEN], 'broken.json', { type: 'application/json' }));
    const err = await screen.findByTestId('editor-error');
    const expected = 'step 1 (mmap "fb"): driver.mmap[0].page.page: page 7 is past the end of "buf" (1 page)';
    expect(err.textContent).toContain(expected);
    expect(useLab.getState().message).toBe(expected);
    expect(useLab.getState().text).toBe(defaultText);
    expect(useLab.getState().loaded?.steps).toBe(15);
    expect(editorText()).toBe(BROKEN);
    const state = screen.getByTestId('editor-state');
    expect(state.dataset.state).toBe('invalid');
    expect(state.textContent).toContain('broken.json was refused');
    expect(state.textContent).toContain('Not loaded: fix the errors to run it');
    const run = screen.getByTestId('run') as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(screen.getByTestId('run-reason').textContent).toBe('Fix the error first.');
    // The diagnostic marks the field the message names, inside step 1.
    const d = editorProps.last?.diagnostics[0];
    expect(d?.message).toBe(expected);
    expect(BROKEN.slice(d?.from, d?.to)).toBe('7');
    // The forms wait: the editor has text that is not running.
    expect((within(screen.getByTestId('form-alloc')).getByTestId('add-step') as HTMLButtonElement).disabled).toBe(true);

    // Fixing the text makes it runnable; Run loads it.
    fireEvent.change(screen.getByTestId('cm-stub'), { target: { value: BROKEN.replace('"page": 7', '"page": 0') } });
    await waitFor(() => expect(screen.getByTestId('editor-state').dataset.state).toBe('edited'));
    expect(screen.queryByTestId('editor-error')).toBeNull();
    fireEvent.click(screen.getByTestId('run'));
    await waitFor(() => expect(useLab.getState().loaded?.title).toBe('broken'));
    expect(screen.getByTestId('editor-state').dataset.state).toBe('in-sync');
  });

  it('refuses a file over 8 MiB without reading it', async () => {
    await renderLoaded();
    const text = vi.fn(async () => '{}');
    chooseFile({ name: 'huge.json', size: 8 * 1024 * 1024 + 1, text });
    const err = await screen.findByTestId('import-error');
    expect(err.textContent).toContain('huge.json');
    expect(err.textContent).toContain('at most 8 MiB');
    expect(text).not.toHaveBeenCalled();
    expect(useLab.getState().text).toBe(defaultText);
    expect(editorText()).toBe(defaultText);
  });

  it('lints the editor text and locates a step error; Ctrl+Enter runs a valid text', async () => {
    await renderLoaded();
    // step 2 becomes an unknown op: the message names step 2, the mark is on its "op" value.
    const doc = JSON.parse(defaultText) as { steps: Record<string, unknown>[] };
    const bad = defaultText.replace('{"op":"mmap","id":"m","pages":2', '{"op":"mmapp","id":"m","pages":2');
    expect(bad).not.toBe(defaultText);
    fireEvent.change(screen.getByTestId('cm-stub'), { target: { value: bad } });
    const err = await screen.findByTestId('editor-error', {}, { timeout: 2000 });
    expect(err.textContent).toContain('step 2: op: unknown op "mmapp"');
    expect(screen.getByTestId('editor-error-where').textContent).toContain('line 5');
    const d = editorProps.last?.diagnostics[0];
    expect(bad.slice(d?.from, d?.to)).toBe('"mmapp"');

    // A message that names only the step marks the whole step object.
    const located = locateMessage(bad, 'step 2: expected a step object');
    expect(located.what).toBe('step');
    expect(JSON.parse(bad.slice(located.from, located.to))).toEqual({ ...doc.steps[2], op: 'mmapp' });
    // JSON syntax errors: at the line and column the message names.
    const syntax = '{"ptlab": 1,\n  "steps": [}';
    const res = parseScenario(syntax);
    if (res.ok) throw new Error('expected a refusal');
    const at = locateMessage(syntax, res.message);
    expect(at).toMatchObject({ what: 'position', line: 2, column: 13 });
    expect(syntax.slice(at.from, at.to)).toBe('}');

    // Ctrl+Enter runs the editor text once it is valid.
    const good = defaultText.replace('"pages":2', '"pages":3');
    fireEvent.change(screen.getByTestId('cm-stub'), { target: { value: good } });
    await waitFor(() => expect(screen.getByTestId('editor-state').dataset.state).toBe('edited'));
    fireEvent.keyDown(screen.getByTestId('cm-stub'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(useLab.getState().text).toBe(good));
  });

  it('exports the loaded text as NAME.json through a temporary download link', async () => {
    await renderLoaded();
    const urls: Blob[] = [];
    const create = vi.fn((b: Blob) => {
      urls.push(b);
      return 'blob:ptlab/1';
    });
    const revoke = vi.fn();
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke });
    let clicked: HTMLAnchorElement | null = null;
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked = this;
    });
    fireEvent.click(screen.getByTestId('export'));
    expect(create).toHaveBeenCalledTimes(1);
    expect(await urls[0]?.text()).toBe(defaultText);
    expect((clicked as HTMLAnchorElement | null)?.download).toBe('default.json');
    expect((clicked as HTMLAnchorElement | null)?.href).toBe('blob:ptlab/1');
    expect(document.querySelector('a[download]')).toBeNull();
    click.mockRestore();
  });
});
