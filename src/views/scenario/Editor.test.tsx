import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Editor from './Editor.tsx';

describe('Editor (CodeMirror)', () => {
  afterEach(() => cleanup());

  it('shows the text in an editable .cm-content, takes new text and diagnostics', () => {
    const onChange = vi.fn();
    const props = { onChange, label: 'Scenario JSON', diagnostics: [] };
    const { container, rerender } = render(<Editor {...props} value={'{"ptlab": 1}'} />);
    const content = container.querySelector('.cm-content') as HTMLElement;
    expect(content.getAttribute('contenteditable')).toBe('true');
    expect(content.getAttribute('aria-label')).toBe('Scenario JSON');
    expect(content.textContent).toBe('{"ptlab": 1}');
    expect(container.querySelector('.cm-lineNumbers')).not.toBeNull();
    rerender(
      <Editor {...props} value={'{"ptlab": 2}'} diagnostics={[{ from: 10, to: 11, message: 'ptlab: must be 1' }]} />,
    );
    expect(content.textContent).toBe('{"ptlab": 2}');
    expect(onChange).not.toHaveBeenCalled(); // a text from outside is not echoed back
    expect(container.querySelector('.cm-lintRange-error')?.textContent).toBe('2');
  });
});
