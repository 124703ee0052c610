import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PteRuns } from '../../engine/view.ts';
import { useLab } from '../../store/lab.ts';
import { connectLab, DEFAULT_STEPS, scenario } from '../physical/labFixture.ts';
import { pteRunList } from '../pte-map/runs.ts';
import { PageWalk } from './PageWalk.tsx';

afterEach(cleanup);

describe('PageWalk', () => {
  it('walks CR3 → PGD → P4D → PUD → PMD → PTE → frame for a mapped page', () => {
    const calls = connectLab(scenario(DEFAULT_STEPS), { selection: { mapping: 'm', page: 0, pfn: null } });
    render(<PageWalk />);
    const walk = useLab.getState().view?.walk;
    expect(walk).toBeTruthy();
    const addr = walk?.addr as number;
    const pgd = screen.getByTestId('walk-level-PGD');
    expect(pgd.dataset.index).toBe(String(Math.floor(addr / 2 ** 39) % 512));
    expect(pgd.textContent).toContain('bits 47-39');
    expect(screen.getByTestId('walk-level-P4D').textContent).toContain('folded');
    for (const l of ['PUD', 'PMD'])
      expect(screen.getByTestId(`walk-level-${l}`).dataset.entry).toMatch(/^0x[0-9a-f]{16}$/);
    const pte = screen.getByTestId('walk-level-PTE');
    expect(pte.dataset.index).toBe(String(Math.floor(addr / 4096) % 512));
    expect(pte.dataset.entry).toBe(
      pteRunList(useLab.getState().view?.ptes as PteRuns).find((r) => r.first === 0)?.cell.value,
    );
    expect(pte.textContent).toContain('NX');
    expect(screen.getByTestId('walk-field-pte').dataset.value).toBe(pte.dataset.index);
    const frame = screen.getByTestId('walk-frame');
    expect(Number(frame.dataset.frame)).toBe(walk?.frame);
    fireEvent.click(screen.getByRole('button', { name: `pfn ${walk?.frame}` }));
    expect(calls.select.at(-1)).toEqual({ pfn: walk?.frame });
  });

  it('says where the walk stops', () => {
    connectLab(scenario(DEFAULT_STEPS), { selection: { mapping: 'm', page: 1, pfn: null } });
    render(<PageWalk />);
    expect(screen.getByTestId('walk-level-PTE').dataset.entry).toBe('none');
    expect(screen.getByTestId('walk-stop').textContent).toMatch(/PTE \(index \d+\) is none/);
    expect(screen.getByTestId('walk-frame').dataset.frame).toBe('-1');
  });

  it('shows a missing upper level when no page table exists yet', () => {
    connectLab(scenario([{ op: 'mmap', id: 'm', pages: 1, prot: ['read'], flags: 'shared', driver: { mmap: [] } }]), {
      selection: { mapping: 'm', page: 0, pfn: null },
    });
    render(<PageWalk />);
    const levels = ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'].map((l) => screen.getByTestId(`walk-level-${l}`));
    expect(levels.map((l) => l.dataset.entry)).toEqual(['none', 'none', 'none', 'none', 'none']);
    expect(levels.map((l) => l.dataset.reached)).toEqual(['true', 'true', 'false', 'false', 'false']);
    expect(levels[2]?.textContent).toContain('bits 38-30');
    expect(screen.getByTestId('walk-stop').textContent).toBe(
      'The PGD entry 255 is none: there is no PUD for this address, the walk stops at the PGD.',
    );
  });

  it('asks for a page when nothing is selected', () => {
    connectLab(scenario(DEFAULT_STEPS));
    render(<PageWalk />);
    expect(screen.getByText(/No address: select a page/)).toBeTruthy();
  });
});
