import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import defaultText from '../../scenario/library/default.json?raw';
import { connectLab } from '../physical/labFixture.ts';
import { PageWalk } from './PageWalk.tsx';

afterEach(cleanup);

// The default scenario: cursor 3 = after the mmap, 4 = after a page_info, 8 = after the write touch.
describe('PageWalk: what the step changed', () => {
  const pte = (cursor: number, page = 0) => {
    connectLab(defaultText, { cursor, selection: { mapping: 'm', page, pfn: null } });
    render(<PageWalk />);
    return screen.getByTestId('walk-level-PTE');
  };

  it('marks the PTE level when the step changed the selected page’s PTE', () => {
    for (const cursor of [3, 8]) {
      expect(pte(cursor).dataset.changed).toBe('true');
      expect(screen.getByTestId('walk-pte-changed').textContent).toBe('changed by this step');
      for (const l of ['PGD', 'P4D', 'PUD', 'PMD'])
        expect(screen.getByTestId(`walk-level-${l}`).dataset.changed).toBe('false');
      cleanup();
    }
  });

  it('leaves it unmarked after a step that changed nothing, and for a page the step did not touch', () => {
    expect(pte(4).dataset.changed).toBe('false');
    expect(screen.queryByTestId('walk-pte-changed')).toBeNull();
    cleanup();
    expect(pte(3, 1).dataset.changed).toBe('false');
  });
});
