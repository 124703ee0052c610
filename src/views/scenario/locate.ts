// Where in the scenario text a refusal message points: pure string work, no engine, so the
// editor can mark it. The message forms are parse.ts's: "... at line L, column C" (JSON syntax,
// a field given twice, nesting too deep), "step N (op "id"): a.b[1].c: ..." (schema and semantic
// problems: N is the index in the top-level "steps" array) and "field: ..." (top level).

export interface TextRange {
  from: number;
  to: number;
}

export interface Located extends TextRange {
  /** What the range is: the position the message names, the field, the whole step, or the document start. */
  what: 'position' | 'field' | 'step' | 'document';
  /** 1-based line and column of `from`. */
  line: number;
  column: number;
}

type Path = (string | number)[];

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const INDEX = '\\[\\d+\\]';
const QUOTED_KEY = '\\["(?:[^"\\\\]|\\\\.)*"\\]';
const PATH_PREFIX = new RegExp(`^(?:${IDENT}|${INDEX}|${QUOTED_KEY})(?:\\.${IDENT}|${INDEX}|${QUOTED_KEY})*(?=: )`);
const PATH_TOKEN = new RegExp(`\\.?(${IDENT})|\\[(\\d+)\\]|\\[("(?:[^"\\\\]|\\\\.)*")\\]`, 'gy');
const STEP_PREFIX = /^step (\d+)(?: \([a-z_]+(?: "(?:[^"\\]|\\.)*")?\))?: /;
const LINE_COLUMN = /at line (\d+), column (\d+)/;

/** The range of `text` that `message` (a parseScenario refusal) is about. */
export function locateMessage(text: string, message: string): Located {
  const lc = LINE_COLUMN.exec(message);
  if (lc) {
    const from = offsetOf(text, Number(lc[1]), Number(lc[2]));
    return withLine(text, { from, to: tokenEnd(text, from), what: 'position' });
  }
  const step = STEP_PREFIX.exec(message);
  if (step) {
    const index = Number(step[1]);
    const stepRange = valueRange(text, ['steps', index]);
    if (stepRange) {
      const path = pathPrefix(message.slice(step[0].length));
      const field = path.length > 0 ? valueRange(text, ['steps', index, ...path]) : null;
      return withLine(text, field ? { ...field, what: 'field' } : { ...stepRange, what: 'step' });
    }
  } else {
    const path = pathPrefix(message);
    const field = path.length > 0 ? valueRange(text, path) : null;
    if (field) return withLine(text, { ...field, what: 'field' });
  }
  const start = skipSpace(text, 0);
  return withLine(text, { from: start, to: tokenEnd(text, start), what: 'document' });
}

/** "driver.mmap[1].page: ..." → ["driver", "mmap", 1, "page"]; [] when the message does not start with a path. */
export function pathPrefix(s: string): Path {
  const m = PATH_PREFIX.exec(s);
  if (!m) return [];
  const path: Path = [];
  PATH_TOKEN.lastIndex = 0;
  for (let t = PATH_TOKEN.exec(m[0]); t; t = PATH_TOKEN.exec(m[0])) {
    if (t[1] !== undefined) path.push(t[1]);
    else if (t[2] !== undefined) path.push(Number(t[2]));
    else if (t[3] !== undefined) {
      try {
        path.push(JSON.parse(t[3]) as string);
      } catch {
        break;
      }
    }
  }
  return path;
}

/**
 * The range of the JSON value at `path` (object keys and array indexes) in `text`, by a small
 * bracket-aware scan that skips strings; null when the path is not there or the text is broken.
 */
export function valueRange(text: string, path: Path): TextRange | null {
  let i = skipSpace(text, 0);
  for (const key of path) {
    if (typeof key === 'number') {
      if (text[i] !== '[') return null;
      i = skipSpace(text, i + 1);
      for (let n = 0; ; n++) {
        if (i >= text.length || text[i] === ']') return null;
        if (n === key) break;
        const end = valueEnd(text, i);
        if (end < 0) return null;
        i = skipSpace(text, end);
        if (text[i] !== ',') return null;
        i = skipSpace(text, i + 1);
      }
    } else {
      if (text[i] !== '{') return null;
      i = skipSpace(text, i + 1);
      let found = false;
      while (!found) {
        if (text[i] !== '"') return null;
        const keyEnd = stringEnd(text, i);
        if (keyEnd < 0) return null;
        let name: string;
        try {
          name = JSON.parse(text.slice(i, keyEnd)) as string;
        } catch {
          return null;
        }
        i = skipSpace(text, keyEnd);
        if (text[i] !== ':') return null;
        i = skipSpace(text, i + 1);
        if (name === key) found = true;
        else {
          const end = valueEnd(text, i);
          if (end < 0) return null;
          i = skipSpace(text, end);
          if (text[i] !== ',') return null;
          i = skipSpace(text, i + 1);
        }
      }
    }
  }
  const end = valueEnd(text, i);
  return end < 0 ? null : { from: i, to: end };
}

/** The offset just after the value starting at `i`, or -1. */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') {
        j = stringEnd(text, j) - 1;
        if (j < 0) return -1;
      } else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < text.length && !/[\s,\]}]/.test(text[j] as string)) j++;
  return j > i ? j : -1;
}

/** The offset just after the string starting at `i` (a '"'), or -1. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  let j = i;
  // a UTF-8 BOM some editors write, then JSON whitespace
  if (j === 0 && text.charCodeAt(0) === 0xfeff) j = 1;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) j++;
  return j;
}

/** Offset of 1-based line and column (clamped to the text). */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + Math.max(0, column - 1), lineEnd < 0 ? text.length : lineEnd);
}

/** A range of at least one character where there is one: the word or the character at `from`. */
function tokenEnd(text: string, from: number): number {
  if (from >= text.length) return text.length;
  const end = valueEnd(text, from);
  if (end > from && end - from <= 200 && !text.slice(from, end).includes('\n')) return end;
  return from + 1;
}

function withLine(text: string, r: TextRange & { what: Located['what'] }): Located {
  const from = Math.max(0, Math.min(text.length, r.from));
  const to = Math.max(from, Math.min(text.length, r.to));
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < from; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { from, to, what: r.what, line, column: from - start + 1 };
}
