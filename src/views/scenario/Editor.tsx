// The CodeMirror 6 scenario editor (JSON, line numbers, lint gutter). Loaded lazily by
// ScenarioPanel with import(), so CodeMirror stays out of the first bundle. It shows the
// diagnostics it is given (the panel lints with the engine's own checker) and reports edits.
import { json } from '@codemirror/lang-json';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';

export interface EditorDiagnostic {
  from: number;
  to: number;
  message: string;
}

export interface EditorProps {
  value: string;
  onChange: (text: string) => void;
  diagnostics: readonly EditorDiagnostic[];
  /** The accessible name and description of the editable area. */
  label: string;
  describedBy?: string;
}

// Colours from the app's CSS variables, so light and dark both follow app.css.
const theme = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--bg)', color: 'var(--fg)', fontSize: '12.5px' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-2px' },
  '.cm-scroller': {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
    lineHeight: '1.45',
  },
  '.cm-content': { caretColor: 'var(--fg)' },
  // wrap inside a long step rather than after its indentation
  '.cm-content.cm-lineWrapping': { wordBreak: 'break-all' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--head-bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 14%, transparent)' },
  '.cm-lintRange-error': { backgroundColor: 'color-mix(in srgb, var(--err) 14%, transparent)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--err)' },
});

// Token colours from the same variables (CodeMirror's default ones fail contrast on the dark background).
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--accent)' },
  { tag: tags.string, color: 'var(--ok)' },
  { tag: tags.number, color: 'var(--change-fg)' },
  { tag: [tags.bool, tags.null], color: 'var(--warn)' },
  { tag: tags.invalid, color: 'var(--err)' },
]);

export default function Editor({ value, onChange, diagnostics, label, describedBy }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  /** The text this editor last reported, so the echo of an edit is not written back. */
  const reported = useRef(value);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: created once; later values arrive by the effects below
  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const v = new EditorView({
      doc: value,
      parent,
      extensions: [
        basicSetup,
        json(),
        lintGutter(),
        EditorView.lineWrapping, // a ~300px column: long one-line steps wrap instead of hiding
        // CodeMirror's styles go in a <style> element: the build's CSP admits it by this nonce (vite.config.ts).
        EditorView.cspNonce.of(String(import.meta.env.PTLAB_STYLE_NONCE ?? '')),
        theme,
        syntaxHighlighting(highlight),
        EditorView.contentAttributes.of({
          // tabindex: axe counts the scroller's editable content as keyboard-reachable only with one
          tabindex: '0',
          'aria-label': label,
          ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          const text = u.state.doc.toString();
          if (text === reported.current) return; // the echo of a text set from outside
          reported.current = text;
          onChangeRef.current(text);
        }),
      ],
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // A new text from outside (a scenario loaded, a step added): replace the document.
  useEffect(() => {
    const v = view.current;
    if (!v || value === reported.current) return;
    reported.current = value;
    if (v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const len = v.state.doc.length;
    const ds: Diagnostic[] = diagnostics.map((d) => {
      const from = Math.max(0, Math.min(len, d.from));
      return { from, to: Math.max(from, Math.min(len, d.to)), severity: 'error', message: d.message, source: 'ptlab' };
    });
    v.dispatch(setDiagnostics(v.state, ds));
  }, [diagnostics]);

  return <div className="scn-cm" ref={host} />;
}
