// One throwing panel shows its own error; the panels around it still render.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PanelBoundary } from './PanelBoundary.tsx';

let broken = true;
function Fragile() {
  if (broken) throw new Error('the view broke');
  return <p>fragile view is back</p>;
}

describe('PanelBoundary', () => {
  afterEach(cleanup);

  it('contains a throwing panel: its error shows, the other panels render, Try again re-renders it', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    broken = true;
    render(
      <div>
        <PanelBoundary name="address space" area="space">
          <p>address space view</p>
        </PanelBoundary>
        <PanelBoundary name="PTE map" area="ptes">
          <Fragile />
        </PanelBoundary>
        <PanelBoundary name="timeline" area="timeline">
          <p>timeline view</p>
        </PanelBoundary>
      </div>,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('PTE map');
    expect(alert.textContent).toContain('This view failed: the view broke');
    expect(alert.closest('.area-ptes')).not.toBeNull();
    expect(screen.getByText('address space view')).toBeTruthy();
    expect(screen.getByText('timeline view')).toBeTruthy();
    expect(screen.getAllByRole('alert')).toHaveLength(1);

    broken = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('fragile view is back')).toBeTruthy();
    quiet.mockRestore();
  });
});
