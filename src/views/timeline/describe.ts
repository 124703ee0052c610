// Compact one-line descriptions of scenario steps for display. Works on the raw
// JSON (the engine validates; this only has to be readable for any input).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPageRef(v: Json): v is { alloc: string; page: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 2 &&
    typeof v.alloc === 'string' &&
    typeof v.page === 'number'
  );
}

/** A value in compact form: a PageRef as `p[0]`, lists comma-joined, objects as `{k=v …}`. */
export function compact(v: Json): string {
  if (isPageRef(v)) return `${v.alloc}[${v.page}]`;
  if (Array.isArray(v)) return v.map(compact).join(',');
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${compact(x)}`)
      .join(' ')}}`;
  }
  return String(v);
}

/** A driver call or fault rule as `name(k=v, …)`. */
function describeCall(c: Json): string {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return compact(c);
  const { call, ...args } = c;
  const inner = Object.entries(args)
    .map(([k, x]) => `${k}=${compact(x)}`)
    .join(', ');
  return typeof call === 'string' ? `${call}(${inner})` : `{${inner}}`;
}

export interface StepView {
  op: string;
  /** The step's main fields, e.g. `p kind=alloc_pages order=0`. */
  fields: string;
  /** For mmap: the driver, e.g. `driver mmap: vm_insert_page(at=0, page=p[0])`. */
  driver: string | null;
}

export function describeStep(step: Json): StepView {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    return { op: '?', fields: compact(step), driver: null };
  }
  const { op, id, note: _note, driver, ...rest } = step;
  const parts: string[] = [];
  if (typeof id === 'string') parts.push(id);
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}=${compact(v)}`);
  return { op: typeof op === 'string' ? op : '?', fields: parts.join(' '), driver: describeDriver(driver) };
}

function describeDriver(driver: Json | undefined): string | null {
  if (driver === undefined) return null;
  if (typeof driver !== 'object' || driver === null || Array.isArray(driver)) return `driver=${compact(driver)}`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(driver)) {
    if ((k === 'mmap' || k === 'fault') && Array.isArray(v)) {
      parts.push(`${k}: ${v.length === 0 ? '—' : v.map(describeCall).join('; ')}`);
    } else {
      parts.push(`${k}=${compact(v)}`);
    }
  }
  return `driver ${parts.join(' · ')}`;
}

export interface ScenarioView {
  title: string | null;
  steps: StepView[];
}

/** Reads the title and steps for display; null when the text is not a JSON object with a steps array. */
export function describeScenario(text: string): ScenarioView | null {
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray(parsed.steps)) {
    return null;
  }
  return {
    title: typeof parsed.title === 'string' ? parsed.title : null,
    steps: parsed.steps.map(describeStep),
  };
}

let cached: { text: string; view: ScenarioView | null } | null = null;

/** describeScenario with a one-entry cache: every panel asking about the same text parses it once. */
export function describeScenarioCached(text: string): ScenarioView | null {
  if (cached?.text !== text) cached = { text, view: describeScenario(text) };
  return cached.view;
}
