import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import defaultScenario from '../scenario/library/default.json?raw';
import { useLab } from '../store/lab.ts';
import { Header } from '../views/header/Header.tsx';
import { createLab } from '../worker/lab.ts';
import { decodeWorkspace, parseFragment } from './share.ts';

const initial = useLab.getState();

function loadInto(text: string, cursor: number) {
  const lab = createLab();
  const res = lab.load(text);
  if (!res.ok) throw new Error(res.message);
  const view = lab.view({ cursor, mapping: null, window: { first: 0, count: 0 }, addr: null, pfn: null });
  useLab.setState({ text, loaded: res, cursor, view, kernel: null, compare: null, message: null });
}

describe('the share menu', () => {
  beforeEach(() => {
    useLab.setState(initial, true);
    loadInto(defaultScenario, 4);
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('copies the link to the workspace, or shows it when the clipboard refuses', async () => {
    const writeText = vi.fn(async (_: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<Header />);
    fireEvent.click(screen.getByTestId('copy-link'));
    await waitFor(() => expect(screen.getByTestId('share-status').textContent).toBe('Link copied.'));
    const link = writeText.mock.calls[0]?.[0] ?? '';
    const d = decodeWorkspace(parseFragment(new URL(link).hash).w ?? '');
    expect(d.ok && d.workspace.cursor).toBe(4);
    expect(location.hash).toBe(new URL(link).hash);

    writeText.mockRejectedValueOnce(new Error('denied'));
    fireEvent.click(screen.getByTestId('copy-embed-link'));
    await waitFor(() => expect(screen.getByTestId('share-status').textContent).toBe('Copy this embed link:'));
    expect((screen.getByTestId('share-link') as HTMLInputElement).value).toMatch(/#embed=1&w=/);
  });

  it('exports the driver as NAME.c', async () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:x';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    render(<Header />);
    fireEvent.click(screen.getByTestId('export-c'));
    await waitFor(() => expect(screen.getByTestId('share-status').textContent).toBe('C file saved.'));
    expect(click).toHaveBeenCalledOnce();
    expect(await blobs[0]?.text()).toContain('ret = vm_insert_page(vma, vma->vm_start, p);');
    expect(screen.getByTestId('export-png')).toBeTruthy();
    expect(screen.getByTestId('export-svg')).toBeTruthy();
  });
});
