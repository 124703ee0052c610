// The scenario panel: the built-in library, import and export, the JSON editor (CodeMirror,
// loaded lazily) linted with the engine's own checker, Run, and forms that add steps.
// Everything the user provides is rendered as text; nothing here runs the engine itself.
import {
  type ChangeEvent,
  type KeyboardEvent,
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useLab } from '../../store/lab.ts';
import type { EditorDiagnostic, EditorProps } from './Editor.tsx';
import { LIBRARY } from './library.ts';
import { type Located, locateMessage } from './locate.ts';
import { StepForms } from './StepForms.tsx';
import './scenario.css';

/** The largest file Import reads (the format's limit, SCENARIO-FORMAT.md / schema.ts MAX_INPUT_BYTES). */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;
const LINT_DELAY_MS = 300;

// CodeMirror arrives in its own chunk; if that chunk cannot be loaded, the plain editor stays.
const CodeEditor = lazy(() => import('./Editor.tsx').catch(() => ({ default: PlainEditor })));

interface Lint {
  text: string;
  kernel: string | null;
  /** Null: the text loads. */
  message: string | null;
  where: Located | null;
}

/** A refused import: which file, so the state line can say so until the text loads or is replaced. */
interface Refused {
  name: string;
  text: string;
}

export function ScenarioPanel() {
  const text = useLab((s) => s.text);
  const loaded = useLab((s) => s.loaded);
  const kernel = useLab((s) => s.kernel);
  const cursor = useLab((s) => s.cursor);
  const load = useLab((s) => s.load);

  const [draft, setDraft] = useState(text);
  const [lint, setLint] = useState<Lint | null>(null);
  const [name, setName] = useState('default');
  const [refused, setRefused] = useState<Refused | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const editorBox = useRef<HTMLDivElement>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const ids = { title: useId(), error: useId(), reason: useId(), state: useId() };

  // A newly loaded scenario (library, run, import, a step added elsewhere) replaces the editor text.
  useEffect(() => {
    setDraft(text);
    setRefused(null);
  }, [text]);

  // The editor wrapper exposes its current text as `value`, as a form control does (for tests).
  useEffect(() => {
    const el = editorBox.current;
    if (!el) return;
    Object.defineProperty(el, 'value', { configurable: true, get: () => draftRef.current });
  }, []);

  // Lint: the engine's checker on the draft, debounced; a result for an older text is dropped.
  useEffect(() => {
    if (lint && lint.text === draft && lint.kernel === kernel) return;
    let live = true;
    const timer = setTimeout(() => {
      void import('./lint.ts').then(({ lintScenario }) => {
        if (!live) return;
        const message = lintScenario(draft, kernel);
        setLint({ text: draft, kernel, message, where: message === null ? null : locateMessage(draft, message) });
      });
    }, LINT_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [draft, kernel, lint]);

  const current = lint !== null && lint.text === draft && lint.kernel === kernel ? lint : null;
  const error = current?.message ?? null;
  const dirty = draft !== text;
  const diagnostics = useMemo<EditorDiagnostic[]>(
    () => (current?.message && current.where ? [{ ...current.where, message: current.message }] : []),
    [current],
  );

  /** Load `t`; on refusal keep it in the editor with the engine's message (the lab keeps the old scenario). */
  const runText = useCallback(
    async (t: string, opts: { cursor?: number } = {}): Promise<boolean> => {
      setBusy(true);
      try {
        const ok = await load(t, opts);
        if (!ok) {
          const message = useLab.getState().message ?? 'the scenario was refused';
          setDraft(t);
          setLint({ text: t, kernel: useLab.getState().kernel, message, where: locateMessage(t, message) });
        }
        return ok;
      } finally {
        setBusy(false);
      }
    },
    [load],
  );

  const run = useCallback(() => {
    if (error !== null || busy) return;
    void runText(draftRef.current, { cursor: useLab.getState().cursor });
  }, [error, busy, runText]);

  function onEditorKey(e: KeyboardEvent) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.stopPropagation();
      run();
    }
  }

  const libraryId = LIBRARY.find((l) => l.text === text)?.id ?? '';

  async function chooseLibrary(e: ChangeEvent<HTMLSelectElement>) {
    const entry = LIBRARY.find((l) => l.id === e.target.value);
    if (!entry) return;
    setNotice(null);
    if (await runText(entry.text, { cursor: 0 })) setName(entry.id);
  }

  async function importFile(e: ChangeEvent<HTMLInputElement>) {
    const input = e.target;
    const file = input.files?.[0];
    input.value = ''; // choosing the same file again still imports it
    if (!file) return;
    setNotice(null);
    if (file.size > MAX_IMPORT_BYTES) {
      setNotice(
        `Import refused: ${file.name} is ${formatBytes(file.size)}; a scenario is at most 8 MiB. The file was not read.`,
      );
      return;
    }
    let t: string;
    try {
      t = await file.text();
    } catch (err) {
      setNotice(`Import failed: ${file.name} could not be read (${err instanceof Error ? err.message : String(err)}).`);
      return;
    }
    const base = file.name.replace(/\.json$/i, '') || 'scenario';
    if (await runText(t)) setName(base);
    else setRefused({ name: file.name, text: t });
  }

  function exportText() {
    if (!loaded) return;
    const blob = new Blob([text], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${safeFileName(name)}.json`;
    a.style.display = 'none';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  const state: 'loading' | 'in-sync' | 'edited' | 'checking' | 'invalid' = !loaded
    ? 'loading'
    : !dirty
      ? 'in-sync'
      : current === null
        ? 'checking'
        : error !== null
          ? 'invalid'
          : 'edited';

  let runReason: string | null = null;
  if (error !== null) runReason = 'Fix the error first.';
  else if (busy) runReason = 'Loading…';

  return (
    <section className="panel scenario-panel" aria-labelledby={ids.title} data-testid="scenario-panel">
      <h2 id={ids.title}>Scenario</h2>
      <div className="panel-body scn-body">
        <div className="scn-row">
          <label className="scn-field scn-grow">
            <span>Library</span>
            <select value={libraryId} onChange={(e) => void chooseLibrary(e)} data-testid="library" disabled={busy}>
              {libraryId === '' && <option value="">{loaded ? '(your scenario)' : 'loading…'}</option>}
              {[...new Set(LIBRARY.map((l) => l.group))].map((group) => (
                <optgroup key={group} label={group}>
                  {LIBRARY.filter((l) => l.group === group).map((l) => (
                    <option key={l.id} value={l.id} title={l.title}>
                      {l.title}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
        </div>

        <div className="scn-row">
          <button type="button" onClick={() => fileInput.current?.click()} data-testid="import" disabled={busy}>
            Import…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            aria-label="Import a scenario file"
            data-testid="import-file"
            onChange={(e) => void importFile(e)}
          />
          <button type="button" onClick={exportText} disabled={!loaded} data-testid="export">
            Export
          </button>
          <span className="scn-muted scn-ellipsis" title={`${safeFileName(name)}.json`}>
            {safeFileName(name)}.json
          </span>
        </div>

        {notice && (
          <p className="scn-msg scn-err" role="alert" data-testid="import-error">
            {notice}
          </p>
        )}

        <p id={ids.state} className={`scn-state scn-state-${state}`} data-testid="editor-state" data-state={state}>
          {state === 'loading' && 'Loading the scenario…'}
          {state === 'in-sync' && 'Running this text.'}
          {state === 'checking' && 'Edited: checking…'}
          {state === 'edited' && 'Edited, not run yet: Run (Ctrl+Enter) to load it.'}
          {state === 'invalid' && (
            <>
              {refused && refused.text === draft ? `${refused.name} was refused. ` : ''}
              <strong>Not loaded: fix the errors to run it.</strong> The lab keeps running the previous scenario.
            </>
          )}
        </p>

        <div
          ref={editorBox}
          className="scn-editor"
          data-testid="editor"
          data-dirty={dirty ? 'true' : 'false'}
          onKeyDownCapture={onEditorKey}
        >
          <Suspense
            fallback={
              <PlainEditor
                value={draft}
                onChange={setDraft}
                diagnostics={diagnostics}
                label="Scenario JSON (loading editor…)"
                describedBy={error ? ids.error : undefined}
              />
            }
          >
            <CodeEditor
              value={draft}
              onChange={setDraft}
              diagnostics={diagnostics}
              label="Scenario JSON"
              describedBy={error ? ids.error : undefined}
            />
          </Suspense>
        </div>

        {error !== null && (
          <p id={ids.error} className="scn-msg scn-err" data-testid="editor-error" role="status">
            {current?.where && (
              <span className="scn-where" data-testid="editor-error-where">
                line {current.where.line}
                {current.where.what === 'position' || current.where.what === 'field'
                  ? `, column ${current.where.column}`
                  : ''}
                :{' '}
              </span>
            )}
            {error}
          </p>
        )}

        <div className="scn-row">
          <button
            type="button"
            className="scn-primary"
            onClick={run}
            disabled={runReason !== null}
            aria-describedby={runReason ? ids.reason : undefined}
            data-testid="run"
            title="Load the editor text (Ctrl+Enter)"
          >
            Run
          </button>
          <button type="button" onClick={() => setDraft(text)} disabled={!dirty || busy} data-testid="revert">
            Revert
          </button>
          {runReason && (
            <span id={ids.reason} className="scn-muted" data-testid="run-reason">
              {runReason}
            </span>
          )}
        </div>

        <StepForms text={text} cursor={cursor} disabledReason={formsDisabledReason()} />
      </div>
    </section>
  );

  function formsDisabledReason(): string | null {
    if (!loaded) return 'No scenario is loaded yet.';
    if (dirty) return 'The editor has changes that are not run: Run or Revert them first.';
    if (busy) return 'Loading…';
    return null;
  }
}

/** The editor before CodeMirror arrives (or if it cannot): a textarea, with the same props. */
function PlainEditor({ value, onChange, label, describedBy }: EditorProps) {
  return (
    <textarea
      className="scn-plain"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      aria-label={label}
      aria-describedby={describedBy}
      spellCheck={false}
      data-editor="plain"
    />
  );
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** A file name from a library id or an imported file's name: no path separators or control characters. */
function safeFileName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const s = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_').slice(0, 120);
  return s.replace(/^\.+/, '') || 'scenario';
}
