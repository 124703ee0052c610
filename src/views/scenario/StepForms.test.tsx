import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import defaultText from '../../scenario/library/default.json?raw';
import { parseScenario } from '../../scenario/parse.ts';
import { useLab } from '../../store/lab.ts';
import { modelOf, nextId, StepForms } from './StepForms.tsx';

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

const initial = useLab.getState();

function Forms() {
  const text = useLab((s) => s.text);
  const cursor = useLab((s) => s.cursor);
  return <StepForms text={text} cursor={cursor} disabledReason={null} />;
}

const form = (op: string) => screen.getByTestId(`form-${op}`);

/** The control labelled `label` inside `scope` (labels wrap their control). */
function control(scope: HTMLElement, label: string, nth = 0): HTMLInputElement & HTMLSelectElement {
  const labels = [...scope.querySelectorAll('label')].filter(
    (l) => l.querySelector(':scope > span')?.textContent === label,
  );
  const el = labels[nth]?.querySelector('input, select');
  if (!el) throw new Error(`no control labelled ${label}`);
  return el as HTMLInputElement & HTMLSelectElement;
}

function set(scope: HTMLElement, label: string, value: string, nth = 0) {
  fireEvent.change(control(scope, label, nth), { target: { value } });
}

function check(scope: HTMLElement, label: string, on = true) {
  const box = within(scope).getByLabelText(label) as HTMLInputElement;
  if (box.checked !== on) fireEvent.click(box);
}

/** Add the form's step; resolve with the scenario text it produced, checked by the engine's parser. */
async function add(op: string, expectedCursor: number) {
  fireEvent.click(within(form(op)).getByTestId('add-step'));
  await waitFor(() => expect(useLab.getState().cursor).toBe(expectedCursor));
  const text = useLab.getState().text;
  const res = parseScenario(text);
  expect(res.ok, res.ok ? '' : res.message).toBe(true);
  return (JSON.parse(text) as { steps: Record<string, unknown>[] }).steps[expectedCursor - 1];
}

describe('StepForms', () => {
  beforeEach(async () => {
    useLab.setState(initial, true);
    expect(await useLab.getState().load(defaultText, { cursor: 0 })).toBe(true);
  });
  afterEach(() => cleanup());

  it('reads allocations and mappings defined before the cursor, and suggests unused ids', () => {
    const m = modelOf(defaultText, 3);
    expect(m.allocs).toEqual([{ id: 'p', kind: 'alloc_pages', pages: 1, freed: false }]);
    expect(m.mmaps).toEqual([{ id: 'm', pages: 2 }]);
    expect(modelOf(defaultText, 0).allocs).toEqual([]);
    expect(modelOf(defaultText, 15).allocs[0]?.freed).toBe(true);
    expect(nextId('m', m.mmapIds)).toBe('m1');
    expect(modelOf('not json', 3).allocs).toEqual([]);
  });

  it('builds valid steps of every op, inserted after the cursor', async () => {
    render(<Forms />);
    expect(within(form('alloc')).getByTestId('add-step').textContent).toBe('Add as step 0');

    // alloc: kmalloc of 8 KiB at the start.
    const alloc = form('alloc');
    set(alloc, 'id', 'k');
    set(alloc, 'kind', 'kmalloc');
    set(alloc, 'size (bytes)', '8192');
    expect(await add('alloc', 1)).toEqual({ op: 'alloc', id: 'k', kind: 'kmalloc', size: 8192 });
    expect(within(form('alloc')).getByTestId('add-step').textContent).toBe('Add after step 0');

    // alloc_pages order 1 with __GFP_COMP, id suggested.
    set(alloc, 'id', '');
    set(alloc, 'kind', 'alloc_pages');
    set(alloc, 'order (0..10)', '1');
    check(alloc, 'comp (__GFP_COMP)');
    expect(await add('alloc', 2)).toEqual({ op: 'alloc', id: 'a1', kind: 'alloc_pages', order: 1, comp: true });

    // mmap: flags, two calls, a fault handler with two rules.
    const mmap = form('mmap');
    set(mmap, 'id', 'fb');
    set(mmap, 'pages', '4');
    set(mmap, 'flags', 'private');
    set(mmap, 'open', 'rdonly');
    check(mmap, 'write', false);
    check(mmap, 'VM_MIXEDMAP');
    fireEvent.click(within(mmap).getByTestId('add-call'));
    fireEvent.click(within(mmap).getByTestId('add-call'));
    const calls = within(mmap).getAllByTestId('mmap-call');
    set(calls[0] as HTMLElement, 'alloc', 'a1');
    set(calls[0] as HTMLElement, 'page (0..1)', '1');
    set(calls[0] as HTMLElement, 'at (page in VMA)', '2');
    set(calls[1] as HTMLElement, 'call', 'remap_pfn_range');
    set(calls[1] as HTMLElement, 'alloc', 'a1');
    set(calls[1] as HTMLElement, 'count (pages)', '2');
    set(mmap, 'on_error', 'continue');
    check(mmap, 'has a fault handler (vm_ops->fault)');
    fireEvent.click(within(mmap).getByTestId('add-rule'));
    fireEvent.click(within(mmap).getByTestId('add-rule'));
    const rules = within(mmap).getAllByTestId('fault-rule');
    const r0 = rules[0] as HTMLElement;
    set(r0, 'pgoff (n or *)', '0');
    set(r0, 'action', 'errno');
    set(r0, 'call', 'vm_insert_page');
    set(r0, 'convert', 'busy_ok');
    set(r0, 'alloc', 'k');
    set(r0, 'page (0..1)', '1');
    set(r0, 'times (optional)', '1');
    const r1 = rules[1] as HTMLElement;
    check(r1, 'VM_FAULT_SIGBUS', false);
    check(r1, 'VM_FAULT_NOPAGE');
    check(r1, 'VM_FAULT_SIGSEGV');
    expect(await add('mmap', 3)).toEqual({
      op: 'mmap',
      id: 'fb',
      pages: 4,
      prot: ['read'],
      flags: 'private',
      open: 'rdonly',
      driver: {
        vm_flags_set: ['VM_MIXEDMAP'],
        mmap: [
          { call: 'vm_insert_page', at: 2, page: { alloc: 'a1', page: 1 } },
          { call: 'remap_pfn_range', at: 0, page: { alloc: 'a1', page: 0 }, count: 2 },
        ],
        on_error: 'continue',
        fault: [
          { pgoff: 0, call: 'vm_insert_page', page: { alloc: 'k', page: 1 }, convert: 'busy_ok', times: 1 },
          { pgoff: '*', return: 'VM_FAULT_NOPAGE|VM_FAULT_SIGSEGV' },
        ],
      },
    });

    // touch, pte, madvise, page_info, free.
    const touch = form('touch');
    set(touch, 'page (may be outside)', '-1');
    set(touch, 'access', 'write');
    expect(await add('touch', 4)).toEqual({ op: 'touch', mmap: 'fb', page: -1, access: 'write' });
    set(form('pte'), 'page (may be outside)', '3');
    expect(await add('pte', 5)).toEqual({ op: 'pte', mmap: 'fb', page: 3 });
    const range = form('munmap / madvise');
    set(range, 'op', 'madvise');
    set(range, 'first (optional)', '1');
    set(range, 'count (optional)', '2');
    expect(await add('munmap / madvise', 6)).toEqual({
      op: 'madvise',
      mmap: 'fb',
      advice: 'dontneed',
      first: 1,
      count: 2,
    });
    set(form('page_info'), 'alloc', 'k');
    set(form('page_info'), 'page (0..1)', '1');
    expect(await add('page_info', 7)).toEqual({ op: 'page_info', page: { alloc: 'k', page: 1 } });
    set(form('free'), 'alloc', 'a1');
    expect(await add('free', 8)).toEqual({ op: 'free', id: 'a1' });
    // a freed allocation is no longer offered to free
    expect([...control(form('free'), 'alloc').options].map((o) => o.value)).toEqual(['k']);
    // the original scenario follows, untouched
    expect(useLab.getState().loaded?.steps).toBe(15 + 8);
  });

  it('shows the engine message for a refused step and keeps what was typed', async () => {
    render(<Forms />);
    const mmap = form('mmap');
    set(mmap, 'id', 'm'); // the default scenario defines mapping "m" later, at step 2
    fireEvent.click(within(mmap).getByTestId('add-step'));
    const err = await within(mmap).findByTestId('form-error');
    expect(err.textContent).toBe('step 3 (mmap "m"): id: mmap id "m" is already used by step 0');
    expect(useLab.getState().text).toBe(defaultText);
    expect(control(mmap, 'id').value).toBe('m');

    // a form that needs an allocation says so before asking the engine
    fireEvent.click(within(form('page_info')).getByTestId('add-step'));
    expect((await within(form('page_info')).findByTestId('form-error')).textContent).toContain(
      'add an alloc step first',
    );
  });
});
