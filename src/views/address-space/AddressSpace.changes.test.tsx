import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import defaultText from '../../scenario/library/default.json?raw';
import { connectLab, fakeLayout } from '../physical/labFixture.ts';
import { AddressSpace } from './AddressSpace.tsx';

let restore = () => {};
beforeEach(() => {
  restore = fakeLayout(800, 80);
});
afterEach(() => {
  cleanup();
  restore();
});

// The default scenario: cursor 3 = after the mmap, 4 = after a page_info, 13 = after the munmap.
describe('AddressSpace: what the step changed', () => {
  it('marks the VMA the mmap made', async () => {
    connectLab(defaultText, { cursor: 3, selection: { mapping: 'm' } });
    render(<AddressSpace />);
    const vma = await screen.findByTestId('vma-m');
    expect(vma.getAttribute('data-changed')).toBe('true');
    expect(vma.classList.contains('is-changed')).toBe(true);
    expect(vma.querySelector('rect.as-vma-changed')?.getAttribute('display')).toBeNull();
    expect(vma.getAttribute('aria-label')).toContain('changed by this step');
    const key = screen.getByTestId('as-changed');
    expect(key.dataset.mappings).toBe('m');
    expect(key.textContent).toContain('changed by this step: m');
  });

  it('leaves it unmarked after a page_info', async () => {
    connectLab(defaultText, { cursor: 4, selection: { mapping: 'm' } });
    render(<AddressSpace />);
    const vma = await screen.findByTestId('vma-m');
    expect(vma.getAttribute('data-changed')).toBe('false');
    expect(vma.querySelector('rect.as-vma-changed')?.getAttribute('display')).toBe('none');
    expect(screen.getByTestId('as-changed').dataset.count).toBe('0');
  });

  it('marks a mapping the step unmapped in the not-mapped list', () => {
    connectLab(defaultText, { cursor: 13, selection: { mapping: 'm' } });
    render(<AddressSpace />);
    expect(screen.queryByTestId('vma-m')).toBeNull();
    const gone = screen.getByTestId('unmapped-m');
    expect(gone.dataset.changed).toBe('true');
    expect(gone.textContent).toContain('unmapped by this step');
  });
});
