// The lab's header: name and scenario title, the kernel profile picker, the
// comparison with a second profile, the theme toggle, the share menu (links and
// exports), and the error banner.
import { useEffect, useMemo, useRef, useState } from 'react';
import { scenarioToC } from '../../app/exportC.ts';
import { download, exportName, exportPng, exportSvg } from '../../app/exportViews.ts';
import { captureWorkspace, shareLink, writeFragment } from '../../app/share.ts';
import { KERNEL_NAMES } from '../../scenario/types.ts';
import { useLab } from '../../store/lab.ts';
import './Header.css';

/** The format's default when a scenario names no kernel. */
const DEFAULT_KERNEL = '6.1';
const THEME_KEY = 'ptlab-theme';

type Theme = 'light' | 'dark';

/** The `kernel` a scenario text asks for (read from the raw JSON, for the picker's label). */
export function ownKernel(text: string): string {
  try {
    const doc = JSON.parse(text) as { kernel?: unknown };
    return typeof doc.kernel === 'string' ? doc.kernel : DEFAULT_KERNEL;
  } catch {
    return DEFAULT_KERNEL;
  }
}

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function storedTheme(): Theme | null {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null;
  }
}

/** The theme in effect: what <html data-theme> says, else the stored choice, else the system's. */
export function currentTheme(): Theme {
  const attr = document.documentElement.dataset.theme;
  if (attr === 'light' || attr === 'dark') return attr;
  return storedTheme() ?? systemTheme();
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

interface HeaderProps {
  /** The scenario panel's state, when the layout lets it collapse. */
  scenarioOpen?: boolean;
  onToggleScenario?: () => void;
}

export function Header({ scenarioOpen, onToggleScenario }: HeaderProps) {
  const loaded = useLab((s) => s.loaded);
  const text = useLab((s) => s.text);
  const kernel = useLab((s) => s.kernel);
  const setKernel = useLab((s) => s.setKernel);
  const compare = useLab((s) => s.compare);
  const setCompare = useLab((s) => s.setCompare);
  const message = useLab((s) => s.message);
  const dismissMessage = useLab((s) => s.dismissMessage);

  const own = useMemo(() => ownKernel(text), [text]);
  const effective = loaded?.kernel ?? kernel ?? own;

  const [theme, setTheme] = useState<Theme>(() => currentTheme());
  useEffect(() => {
    // A stored choice applies from the first paint after mount.
    // A theme already on <html> (from a shared link) wins over the stored one.
    const stored = storedTheme();
    if (stored && !document.documentElement.dataset.theme) document.documentElement.dataset.theme = stored;
  }, []);

  const onKernel = async (value: string) => {
    const k = value === '' ? null : value;
    await setKernel(k);
    const c = useLab.getState().compare;
    if (!c) return;
    const now = useLab.getState().loaded?.kernel ?? k ?? own;
    await setCompare(c.kernels[1] === now ? null : [now, c.kernels[1]]);
  };

  const onCompare = (value: string) => {
    void setCompare(value === '' ? null : [effective, value]);
  };

  const toggleTheme = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next);
    setTheme(next);
  };

  return (
    <header className="panel header">
      <div className="hd-row">
        {onToggleScenario && (
          <button
            type="button"
            className="hd-scenario-toggle"
            aria-expanded={scenarioOpen}
            onClick={onToggleScenario}
            title={scenarioOpen ? 'Hide the scenario panel' : 'Show the scenario panel'}
          >
            {scenarioOpen ? '◧ hide scenario' : '◨ show scenario'}
          </button>
        )}
        <h1 className="hd-name">ptlab</h1>
        <p className="hd-title" data-testid="title" title={loaded?.title ?? undefined}>
          {loaded ? (loaded.title ?? 'untitled scenario') : 'no scenario loaded'}
        </p>
        <label className="hd-field">
          <span>kernel</span>
          <select
            data-testid="kernel-picker"
            aria-label="Kernel profile"
            value={kernel ?? ''}
            onChange={(e) => void onKernel(e.currentTarget.value)}
          >
            <option value="">scenario's own ({own})</option>
            {KERNEL_NAMES.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="hd-field">
          <span>{compare ? `${effective} vs` : 'compare'}</span>
          <select
            data-testid="compare-picker"
            aria-label="Compare with a second kernel profile"
            value={compare?.kernels[1] ?? ''}
            onChange={(e) => onCompare(e.currentTarget.value)}
          >
            <option value="">compare with…</option>
            {KERNEL_NAMES.filter((k) => k !== effective).map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        {compare && (
          <span className="hd-compare" data-testid="compare-summary">
            {compare.differences.length === 1 ? '1 step differs' : `${compare.differences.length} steps differ`}
          </span>
        )}
        <ShareMenu />
        <button
          type="button"
          className="hd-theme"
          data-testid="theme-toggle"
          aria-label={`Theme: ${theme}. Switch to ${theme === 'dark' ? 'light' : 'dark'}`}
          onClick={toggleTheme}
        >
          {theme === 'dark' ? '☾ dark' : '☀ light'}
        </button>
      </div>
      {message !== null && (
        <div className="hd-message" role="alert" data-testid="message">
          <p>{message}</p>
          <button type="button" aria-label="Dismiss the message" onClick={dismissMessage}>
            dismiss
          </button>
        </div>
      )}
    </header>
  );
}

type ShareStatus = { kind: 'ok' | 'link' | 'error'; text: string; link?: string } | null;

/** Copy a link to the workspace (or its read-only embed), export the views as PNG or SVG, the driver as C. */
export function ShareMenu() {
  const loaded = useLab((s) => s.loaded);
  const [status, setStatus] = useState<ShareStatus>(null);
  const menu = useRef<HTMLDetailsElement>(null);
  const linkBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (status?.kind === 'link') linkBox.current?.select();
  }, [status]);

  const stem = () => {
    const s = useLab.getState();
    return exportName(s.loaded?.title ?? null, s.cursor);
  };
  const caption = () => {
    const s = useLab.getState();
    const l = s.loaded;
    return `ptlab · ${l?.title ?? 'untitled scenario'} · kernel ${l?.kernel ?? '?'} · step ${s.cursor} of ${l?.steps ?? 0}`;
  };

  const copy = async (embed: boolean) => {
    const ws = captureWorkspace(useLab.getState());
    if (!ws) return;
    const link = shareLink(ws, location.href, { embed });
    // The address bar shows the workspace link (never the embed one) right away.
    writeFragment(ws, document.documentElement.dataset.embed === 'true');
    try {
      await navigator.clipboard.writeText(link);
      setStatus({ kind: 'ok', text: embed ? 'Embed link copied.' : 'Link copied.', link });
    } catch {
      setStatus({ kind: 'link', text: embed ? 'Copy this embed link:' : 'Copy this link:', link });
    }
  };

  const run = async (what: string, f: () => void | Promise<void>) => {
    try {
      await f();
      setStatus({ kind: 'ok', text: `${what} saved.` });
    } catch (e) {
      setStatus({ kind: 'error', text: `${what} failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  };

  const exportC = () =>
    run('C file', () => {
      const s = useLab.getState();
      const out = scenarioToC(s.text, { kernel: s.loaded?.kernel ?? s.kernel });
      if (!out.ok) throw new Error(out.message);
      download(new Blob([out.code], { type: 'text/x-csrc' }), `${out.name}.c`);
    });

  return (
    <details className="hd-share" ref={menu} data-testid="share-menu" onToggle={() => setStatus(null)}>
      <summary>share ▾</summary>
      <fieldset className="hd-share-pop" aria-label="Share and export">
        <button type="button" data-testid="copy-link" disabled={!loaded} onClick={() => void copy(false)}>
          copy link
        </button>
        <button type="button" data-testid="copy-embed-link" disabled={!loaded} onClick={() => void copy(true)}>
          copy embed link
        </button>
        <button
          type="button"
          data-testid="export-png"
          disabled={!loaded}
          onClick={() => void run('PNG', () => exportPng(stem(), caption()))}
        >
          export PNG
        </button>
        <button
          type="button"
          data-testid="export-svg"
          disabled={!loaded}
          onClick={() => void run('SVG', () => exportSvg(stem(), caption()))}
        >
          export SVG
        </button>
        <button type="button" data-testid="export-c" disabled={!loaded} onClick={() => void exportC()}>
          export C
        </button>
        {status && (
          <p className={`hd-share-status hd-share-${status.kind}`} data-testid="share-status" role="status">
            {status.text}
          </p>
        )}
        {status?.link && (
          <input
            ref={linkBox}
            className="hd-share-link"
            data-testid="share-link"
            aria-label="The link"
            readOnly
            value={status.link}
            onFocus={(e) => e.currentTarget.select()}
          />
        )}
      </fieldset>
    </details>
  );
}
