import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import defaultScenario from '../../scenario/library/default.json?raw';
import { useLab } from '../../store/lab.ts';
import { createLab } from '../../worker/lab.ts';
import { Header, ownKernel } from './Header.tsx';

function loadInto(text: string, cursor = 0) {
  const lab = createLab();
  const res = lab.load(text);
  if (!res.ok) throw new Error(res.message);
  const view = lab.view({ cursor, mapping: null, window: { first: 0, count: 0 }, addr: null, pfn: null });
  useLab.setState({ text, loaded: res, cursor, view, kernel: null, compare: null, message: null });
  return lab;
}

const initial = useLab.getState();

describe('Header', () => {
  beforeEach(() => {
    useLab.setState(initial, true);
    loadInto(defaultScenario);
    delete document.documentElement.dataset.theme;
    localStorage.clear();
  });
  afterEach(cleanup);

  it('shows the name and the scenario title as text', () => {
    const text = JSON.stringify({ ptlab: 1, title: '<img src=x onerror=alert(1)> & <b>bold</b>', steps: [] });
    loadInto(text);
    render(<Header />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('ptlab');
    const title = screen.getByTestId('title');
    expect(title.textContent).toBe('<img src=x onerror=alert(1)> & <b>bold</b>');
    expect(title.querySelector('img, b')).toBeNull();
  });

  it("offers the scenario's own kernel and every profile, and sets the kernel", async () => {
    const setKernel = vi.fn(async () => {});
    useLab.setState({ setKernel });
    render(<Header />);
    const picker = screen.getByTestId('kernel-picker') as HTMLSelectElement;
    const options = [...picker.options].map((o) => [o.value, o.textContent]);
    expect(options).toEqual([
      ['', "scenario's own (6.1)"],
      ['4.19', '4.19'],
      ['seed-proposal', 'seed-proposal'],
      ['5.2', '5.2'],
      ['5.10', '5.10'],
      ['6.1', '6.1'],
      ['6.12', '6.12'],
    ]);
    fireEvent.change(picker, { target: { value: '4.19' } });
    await waitFor(() => expect(setKernel).toHaveBeenCalledWith('4.19'));
    fireEvent.change(picker, { target: { value: '' } });
    await waitFor(() => expect(setKernel).toHaveBeenLastCalledWith(null));
  });

  it('reads the own kernel from the text, 6.1 when absent', () => {
    expect(ownKernel('{"kernel":"4.19","steps":[]}')).toBe('4.19');
    expect(ownKernel('{"steps":[]}')).toBe('6.1');
    expect(ownKernel('not json')).toBe('6.1');
  });

  it('turns the comparison on with the current profile and off again', () => {
    const setCompare = vi.fn(async () => {});
    useLab.setState({ setCompare });
    render(<Header />);
    const picker = screen.getByTestId('compare-picker') as HTMLSelectElement;
    // The current profile is not offered against itself.
    expect([...picker.options].map((o) => o.value)).toEqual(['', '4.19', 'seed-proposal', '5.2', '5.10', '6.12']);
    fireEvent.change(picker, { target: { value: '4.19' } });
    expect(setCompare).toHaveBeenCalledWith(['6.1', '4.19']);
    fireEvent.change(picker, { target: { value: '' } });
    expect(setCompare).toHaveBeenLastCalledWith(null);
  });

  it('shows how many steps differ while comparing', () => {
    useLab.setState({ compare: { kernels: ['6.1', '4.19'], differences: [{ step: 2, op: 'mmap', results: {} }] } });
    render(<Header />);
    expect(screen.getByTestId('compare-summary').textContent).toBe('1 step differs');
    expect((screen.getByTestId('compare-picker') as HTMLSelectElement).value).toBe('4.19');
  });

  it("shows the engine's message in an alert that can be dismissed; the old scenario stays", () => {
    const before = useLab.getState().loaded;
    useLab.setState({ message: 'step 3 (mmap "fb"): driver.mmap[1].page.page: page 7 is past the end of "buf"' });
    render(<Header />);
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-testid')).toBe('message');
    expect(alert.textContent).toContain('page 7 is past the end of "buf"');
    expect(screen.getByTestId('title').textContent).toBe(before?.title);
    fireEvent.click(screen.getByRole('button', { name: /dismiss/i }));
    expect(useLab.getState().message).toBeNull();
    expect(screen.queryByTestId('message')).toBeNull();
  });

  it('toggles the theme on <html> and remembers it', () => {
    render(<Header />);
    const toggle = screen.getByTestId('theme-toggle');
    const first = document.documentElement.dataset.theme;
    fireEvent.click(toggle);
    const after = document.documentElement.dataset.theme;
    expect(after === 'light' || after === 'dark').toBe(true);
    expect(after).not.toBe(first ?? 'light');
    expect(localStorage.getItem('ptlab-theme')).toBe(after);
    fireEvent.click(toggle);
    expect(document.documentElement.dataset.theme).toBe(after === 'dark' ? 'light' : 'dark');
  });

  it('collapses the scenario panel through its toggle', () => {
    const onToggle = vi.fn();
    render(<Header scenarioOpen onToggleScenario={onToggle} />);
    const b = screen.getByRole('button', { name: /hide scenario/ });
    expect(b.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(b);
    expect(onToggle).toHaveBeenCalledOnce();
  });
});
