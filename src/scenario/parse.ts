// Scenario text → trusted Scenario (types.ts), or one message that names the step and the
// field (SCENARIO-FORMAT.md, "Errors"). Never throws: absurd input (huge, deeply nested,
// truncated, __proto__ keys) is refused with a message like any other mistake.
import type { z } from 'zod';
import { CALL_HISTORY, PROFILES, type Profile } from '../engine/profiles.ts';
import {
  describeValue,
  FAULT_RULE_FORMS,
  KERNELS,
  MAX_INPUT_BYTES,
  MAX_NESTING_DEPTH,
  MAX_STEPS,
  OPS,
  type RawFaultRule,
  type RawMmapCall,
  type RawPageRef,
  type RawScenario,
  type RawStep,
  ScenarioSchema,
} from './schema.ts';
import type { CallName, Driver, DriverCall, FaultRule, KernelName, PageRef, Scenario, Step } from './types.ts';

/** The start of the message for an exception inside the checker itself (a ptlab bug, not bad input). */
export const INTERNAL_ERROR = 'internal error while checking the scenario (a ptlab bug)';

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; message: string };

export interface ParseOptions {
  /** Run under this profile whatever the scenario's `kernel` says (the CLI's --kernel). */
  kernel?: KernelName;
}

/** Parse and check a scenario file's text. */
export function parseScenario(text: string, opts: ParseOptions = {}): ParseResult {
  try {
    if (typeof text !== 'string') return fail(`not valid input: expected the scenario's text (got ${typeof text})`);
    const big = tooBig(text);
    if (big) return fail(big);
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a UTF-8 BOM some editors write
    if (body.trim() === '') return fail('not valid JSON: the input is empty');
    const pre = prescan(body);
    if (pre.tooDeep >= 0)
      return fail(
        `not valid input: nested deeper than ${MAX_NESTING_DEPTH} levels at ${lineColumn(body, pre.tooDeep)}`,
      );
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (e) {
      return fail(`not valid JSON: ${jsonSyntaxError(body) ?? firstLine(e)}`);
    }
    if (pre.duplicate) {
      const { key, path, offset } = pre.duplicate;
      return fail(`${where(path, value)}field ${quote(key)} is given twice (at ${lineColumn(body, offset)})`);
    }
    return checkScenario(value, opts);
  } catch (e) {
    return internalError(e);
  }
}

/** Check an already parsed JSON value (the UI's built-in scenarios, a value from the store). */
export function checkScenario(value: unknown, opts: ParseOptions = {}): ParseResult {
  try {
    if (opts.kernel !== undefined && !(KERNELS as readonly string[]).includes(opts.kernel))
      return fail(`kernel override: unknown profile ${JSON.stringify(opts.kernel)} (expected ${KERNELS.join(', ')})`);
    // refuse a huge steps array before the schema walks it
    if (isPlainObject(value) && Array.isArray(value.steps) && value.steps.length > MAX_STEPS)
      return fail(`steps: at most ${MAX_STEPS} steps (got ${value.steps.length})`);
    const parsed = ScenarioSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) return fail(zodMessage(parsed.error.issues, value));
    const raw = parsed.data;
    const kernel = opts.kernel ?? raw.kernel;
    const profile = PROFILES[kernel];
    const problems = semanticProblems(raw, profile);
    if (problems.first !== null) return fail(withMore(problems.first, problems.count - 1));
    return { ok: true, scenario: toScenario(raw, kernel, profile) };
  } catch (e) {
    return internalError(e);
  }
}

/** How many struct pages an allocation has (SCENARIO-FORMAT.md, "Page references"). */
export function allocPageCount(a: { kind: string; size?: number; order?: number }): number {
  switch (a.kind) {
    case 'alloc_pages':
    case '__get_free_pages':
      return 2 ** (a.order ?? 0);
    case 'get_zeroed_page':
      return 1;
    default:
      return Math.ceil((a.size ?? 0) / 4096);
  }
}

/**
 * A `return` value ("VM_FAULT_NOPAGE|VM_FAULT_SIGSEGV" or 0) as a number under a profile,
 * or why the profile does not have it.
 */
export function parseVmFault(v: string | 0, profile: Profile): { value: number } | { error: string } {
  if (v === 0) return { value: 0 };
  let value = 0;
  for (const part of v.split('|')) {
    const name = part.trim();
    const bit = Object.hasOwn(profile.vmFaultFlags, name) ? profile.vmFaultFlags[name] : undefined;
    if (bit === undefined) {
      const have = KERNELS.filter((k) => Object.hasOwn(PROFILES[k].vmFaultFlags, name));
      if (have.length === 0)
        return {
          error: `unknown vm_fault_t flag ${quote(name)} (kernel ${profile.name} has ${Object.keys(profile.vmFaultFlags).join(', ')})`,
        };
      const history = VM_FAULT_HISTORY[name];
      return {
        error: `${name} is not in kernel ${profile.name}${history ? ` (${history})` : ''}; profiles that have it: ${have.join(', ')}`,
      };
    }
    value |= bit;
  }
  return { value };
}

// Where a flag that some profiles lack came from (mainline versions).
const VM_FAULT_HISTORY: Readonly<Record<string, string>> = {
  VM_FAULT_COMPLETED: 'VM_FAULT_COMPLETED was added in 5.17',
  VM_FAULT_WRITE: 'VM_FAULT_WRITE was removed in 6.2 ("mm: remove VM_FAULT_WRITE")',
};

// ---------------------------------------------------------------- small helpers

function fail(message: string): ParseResult {
  return { ok: false, message };
}

function internalError(e: unknown): ParseResult {
  return fail(`${INTERNAL_ERROR}: ${firstLine(e)}`);
}

/** An exception's first line, without any stack. */
function firstLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0]?.slice(0, 300) ?? '';
}

function withMore(message: string, more: number): string {
  return more > 0 ? `${message} (and ${more} more problem${more === 1 ? '' : 's'})` : message;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An id in a message: quoted, and cut short when long. */
function quote(id: string): string {
  return JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** -0 (JSON allows it) as 0, so the engine's results never differ by the sign of zero. */
function int(n: number): number {
  return n === 0 ? 0 : n;
}

function tooBig(text: string): string | null {
  // a UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when it could matter
  if (text.length * 3 <= MAX_INPUT_BYTES) return null;
  if (text.length > MAX_INPUT_BYTES) return `not valid input: larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      bytes += 4; // a surrogate pair
      i++;
    } else bytes += 3;
  }
  return bytes > MAX_INPUT_BYTES ? `not valid input: larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB` : null;
}

interface Prescan {
  /** Offset of the first bracket deeper than MAX_NESTING_DEPTH, or -1. */
  tooDeep: number;
  /** The first field name given twice in one object (JSON.parse would keep the last silently). */
  duplicate: { key: string; path: PropertyKey[]; offset: number } | null;
}

interface ObjectFrame {
  array: false;
  keys: string[];
  set: Set<string> | null;
  key: string | null;
  expectKey: boolean;
}
interface ArrayFrame {
  array: true;
  index: number;
}

/**
 * One linear pass over the text before JSON.parse: bracket depth (strings skipped), and field
 * names given twice in one object. Lenient: it never fails on broken JSON, JSON.parse does.
 */
function prescan(text: string): Prescan {
  const stack: (ObjectFrame | ArrayFrame)[] = [];
  let duplicate: Prescan['duplicate'] = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        let key = text.slice(start + 1, i);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(start, i + 1)) as string;
          } catch {
            // broken JSON: JSON.parse reports it
          }
        }
        top.expectKey = false;
        top.key = key;
        const seen = top.set ? top.set.has(key) : top.keys.includes(key);
        if (seen && duplicate === null) {
          const path: PropertyKey[] = [];
          for (let k = 0; k < stack.length - 1; k++) {
            const f = stack[k] as ObjectFrame | ArrayFrame;
            path.push(f.array ? f.index : (f.key ?? ''));
          }
          duplicate = { key, path, offset: start };
        }
        if (top.set) top.set.add(key);
        else if (top.keys.push(key) > 16) top.set = new Set(top.keys);
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_NESTING_DEPTH) return { tooDeep: i, duplicate };
      stack.push(
        c === 0x7b ? { array: false, keys: [], set: null, key: null, expectKey: true } : { array: true, index: 0 },
      );
    } else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
    }
  }
  return { tooDeep: -1, duplicate };
}

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${offset - start + 1}`;
}

// ---------------------------------------------------------------- JSON syntax errors

/**
 * Where and why `text` is not JSON, found by a small iterative scanner of the JSON grammar, so
 * the message is the same in every JavaScript engine (each words JSON.parse's errors its own
 * way, and some give no position). Null if the scanner finds nothing wrong.
 */
export function jsonSyntaxError(text: string): string | null {
  const n = text.length;
  const stack: number[] = []; // 0x7b '{' or 0x5b '['
  type State = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after';
  let state: State = 'value';
  let i = 0;
  const at = (pos: number, what: string) => `${what} at ${lineColumn(text, pos)}`;
  const show = (pos: number) => {
    const cp = text.codePointAt(pos) ?? 0;
    return cp < 0x20 || cp === 0x7f
      ? `character U+${cp.toString(16).padStart(4, '0')}`
      : JSON.stringify(String.fromCodePoint(cp));
  };
  const closer = () => (stack[stack.length - 1] === 0x7b ? '"}"' : '"]"');
  for (;;) {
    while (i < n) {
      const w = text.charCodeAt(i);
      if (w === 0x20 || w === 0x09 || w === 0x0a || w === 0x0d) i++;
      else break;
    }
    if (i >= n) {
      if (state === 'after' && stack.length === 0) return null;
      const open = stack[stack.length - 1];
      return at(
        n,
        `unexpected end of input${open === undefined ? '' : ` (an ${open === 0x7b ? 'object' : 'array'} is not closed)`}`,
      );
    }
    const c = text.charCodeAt(i);
    switch (state) {
      case 'value':
      case 'valueOrEnd': {
        if (state === 'valueOrEnd' && c === 0x5d) {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === 0x7b || c === 0x5b) {
          stack.push(c);
          i++;
          state = c === 0x7b ? 'keyOrEnd' : 'valueOrEnd';
        } else if (c === 0x22) {
          const r = scanString(text, i);
          if (typeof r === 'string') return at(i, r);
          i = r;
          state = 'after';
        } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          const r = scanNumber(text, i);
          if (r < 0) return at(-r - 1, `unexpected ${-r - 1 < n ? show(-r - 1) : 'end of input'} in a number`);
          i = r;
          state = 'after';
        } else {
          const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
          if (!word) return at(i, `unexpected ${show(i)} (expected a value)`);
          i += word.length;
          state = 'after';
        }
        break;
      }
      case 'key':
      case 'keyOrEnd': {
        if (state === 'keyOrEnd' && c === 0x7d) {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === 0x22) {
          const r = scanString(text, i);
          if (typeof r === 'string') return at(i, r);
          i = r;
          state = 'colon';
        } else
          return at(
            i,
            `unexpected ${show(i)} (expected a field name in double quotes${state === 'key' ? ': no comma before "}"' : ''})`,
          );
        break;
      }
      case 'colon':
        if (c !== 0x3a) return at(i, `unexpected ${show(i)} (expected ":" after the field name)`);
        i++;
        state = 'value';
        break;
      case 'after': {
        const top = stack[stack.length - 1];
        if (top === undefined) return at(i, `unexpected ${show(i)} after the end of the JSON value`);
        if (c === 0x2c) {
          i++;
          state = top === 0x7b ? 'key' : 'value';
        } else if ((c === 0x7d && top === 0x7b) || (c === 0x5d && top === 0x5b)) {
          stack.pop();
          i++;
        } else return at(i, `unexpected ${show(i)} (expected "," or ${closer()})`);
        break;
      }
    }
  }
}

/** The offset after the string that starts at `start`, or what is wrong with it. */
function scanString(text: string, start: number): number | string {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return 'bad \\u escape in a string';
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else return `bad escape \\${e ?? ''} in a string`;
    } else if (c < 0x20) return 'a control character (such as a line break) inside a string';
  }
  return 'a string that is not closed';
}

/** The offset after the number at `start`, or -(offset of the bad character) - 1. */
function scanNumber(text: string, start: number): number {
  let i = start;
  const digit = () => i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39;
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (digit()) while (digit()) i++;
  else return -i - 1;
  if (text[i] === '.') {
    i++;
    if (!digit()) return -i - 1;
    while (digit()) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!digit()) return -i - 1;
    while (digit()) i++;
  }
  return i;
}

// ---------------------------------------------------------------- schema problems → message

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

function zodMessage(issues: readonly Issue[], root: unknown): string {
  const { path, text, more } = explain(issues, [], root);
  return withMore(`${where(path, root)}${text}`, issues.length - 1 + more);
}

/** The issue to report from a list: the first, unless an unknown field in the same object (or an outer one) explains it. */
function pick(issues: readonly Issue[]): Issue | undefined {
  const first = issues[0];
  if (!first) return undefined;
  const unknown = issues.find(
    (x) =>
      x.code === 'unrecognized_keys' &&
      x.path.length <= first.path.length &&
      x.path.every((k, j) => k === first.path[j]),
  );
  return unknown ?? first;
}

function explain(issues: readonly Issue[], base: Path, root: unknown): { path: Path; text: string; more: number } {
  const issue = pick(issues);
  if (!issue) return { path: base, text: 'not a valid scenario', more: 0 };
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') return { path, text: unknownFields(issue.keys, path, root), more: 0 };
  if (issue.code === 'invalid_union') {
    if (issue.discriminator !== undefined) {
      // the issue's path ends at the discriminator field
      const options = ((issue as { options?: readonly unknown[] }).options ?? []).map(String);
      return { path, text: badDiscriminator(issue.discriminator, valueAt(root, path), options, path), more: 0 };
    }
    if (path[path.length - 2] === 'fault' && typeof path[path.length - 1] === 'number') {
      const rule = valueAt(root, path);
      if (!isPlainObject(rule))
        return { path, text: `must be a fault rule object (got ${describeValue(rule)})`, more: 0 };
      const forms = FAULT_RULE_FORMS.filter((k) => Object.hasOwn(rule, k));
      if (forms.length === 0)
        return { path, text: 'a fault rule needs one of "call", "return" and "set_page"', more: 0 };
      if (forms.length > 1)
        return {
          path,
          text: `give only one of "call", "return" and "set_page" (got ${forms.map((f) => `"${f}"`).join(' and ')})`,
          more: 0,
        };
      const branch = issue.errors[FAULT_RULE_FORMS.indexOf(forms[0] as (typeof FAULT_RULE_FORMS)[number])] ?? [];
      const inner = explain(branch, path, root);
      return { ...inner, more: inner.more + Math.max(0, branch.length - 1) };
    }
  }
  // every leaf of the schema words its own message ("missing (expected ...)", "must be ... (got ...)")
  return { path, text: issue.message || 'not valid here', more: 0 };
}

function badDiscriminator(field: string, value: unknown, options: readonly string[], path: Path): string {
  const list = options.join(', ');
  if (value === undefined) return `missing (expected one of ${list})`;
  if (typeof value !== 'string') return `must be one of ${list} (got ${describeValue(value)})`;
  if (field === 'call' && path.includes('mmap') && (value === 'vmf_insert_pfn' || value === 'vmf_insert_mixed'))
    return `${value} is a fault-handler call: of the vmf_* calls only vmf_insert_page may appear in driver.mmap (the mistake the format models); use ${value} in a driver.fault rule`;
  if (field === 'call' && path.includes('fault') && !options.includes(value))
    return `unknown call ${quote(value)} (expected ${list})`;
  const close = closest(value, options);
  return `unknown ${field} ${quote(value)} (expected ${list})${close ? `; did you mean ${quote(close)}?` : ''}`;
}

function unknownFields(keys: readonly string[], path: Path, root: unknown): string {
  const obj = valueAt(root, path);
  const fields = allowedFields(path, root);
  // `note` is allowed almost everywhere: name it last
  const allowed = fields && [...fields.filter((f) => f !== 'note'), ...fields.filter((f) => f === 'note')];
  const parts = keys.map((k) => {
    const close = allowed ? closest(k, allowed) : null;
    return close ? `${quote(k)} (did you mean ${quote(close)}?)` : quote(k);
  });
  let text = `unknown field${keys.length === 1 ? '' : 's'} ${parts.join(', ')}`;
  const call = isPlainObject(obj) ? obj.call : undefined;
  if (path.includes('fault') && typeof call === 'string') {
    if (keys.includes('convert') && call.startsWith('vmf_'))
      text += `; ${call} returns a vm_fault_t itself, only the errno-returning calls take "convert"`;
    if (keys.includes('at')) text += '; a call in a fault rule acts at the faulting address and takes no "at"';
  }
  if (allowed && parts.every((p) => !p.includes('did you mean')))
    text += ` (allowed here: ${allowed.map((a) => `"${a}"`).join(', ')})`;
  return text;
}

/** The closest candidate: at most 1 edit away for words of up to 4 letters, else 2; case-insensitive. */
function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = word.length <= 4 ? 2 : 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase(), bestD);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** Edit distance with transpositions (optimal string alignment), or `limit` when it is that or more. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit || a.length > 64 || b.length > 64) return limit;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const up = rows[i - 1] as number[];
      let d = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row[j] = d;
    }
    rows.push(row);
  }
  return Math.min(rows[a.length]?.[b.length] ?? limit, limit);
}

/** The fields the object at `path` may have, found by walking the schema along the input. */
function allowedFields(path: Path, root: unknown): string[] | null {
  let schema: unknown = ScenarioSchema;
  let value: unknown = root;
  for (let k = 0; ; k++) {
    schema = settle(schema, value);
    if (k === path.length) break;
    const key = path[k];
    const def = defOf(schema);
    if (def?.type === 'object' && typeof key === 'string') schema = (def.shape as Record<string, unknown>)[key];
    else if (def?.type === 'array' && typeof key === 'number') schema = def.element;
    else return null;
    value =
      isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key as never] : undefined;
    if (schema === undefined) return null;
  }
  const def = defOf(schema);
  return def?.type === 'object' ? Object.keys(def.shape as object) : null;
}

interface Def {
  type: string;
  [k: string]: unknown;
}

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** Unwrap defaults and optionals, and choose the option of a union that `value` means. */
function settle(schema: unknown, value: unknown): unknown {
  for (let guard = 0; guard < 16; guard++) {
    const def = defOf(schema);
    if (!def) return schema;
    if (def.type === 'default' || def.type === 'prefault' || def.type === 'optional' || def.type === 'nullable') {
      schema = def.innerType;
    } else if (def.type === 'union') {
      const options = def.options as unknown[];
      const disc = def.discriminator as string | undefined;
      let chosen: unknown;
      if (disc !== undefined) {
        const v = isPlainObject(value) ? value[disc] : undefined;
        chosen = options.find((o) => {
          const d = defOf(settle(o, value));
          const field =
            d?.type === 'object'
              ? (d.shape as Record<string, { safeParse?: (x: unknown) => { success: boolean } }>)[disc]
              : undefined;
          return field?.safeParse?.(v).success;
        });
      } else if (isPlainObject(value) && options.length === FAULT_RULE_FORMS.length) {
        const forms = FAULT_RULE_FORMS.filter((f) => Object.hasOwn(value, f));
        chosen =
          forms.length === 1
            ? options[FAULT_RULE_FORMS.indexOf(forms[0] as (typeof FAULT_RULE_FORMS)[number])]
            : undefined;
      }
      if (chosen === undefined) return schema;
      schema = chosen;
    } else return schema;
  }
  return schema;
}

/** The input value at `path`, by own properties only. */
function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) {
    if (Array.isArray(v) && typeof k === 'number') v = v[k];
    else if (isPlainObject(v) && typeof k === 'string' && Object.hasOwn(v, k)) v = v[k];
    else return undefined;
  }
  return v;
}

// ---------------------------------------------------------------- where a problem is

/** "step 3 (mmap "fb"): driver.mmap[1]: " or "ram_mib: " or "top level: ". */
function where(path: Path, root: unknown): string {
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const rest = formatPath(path.slice(2));
    return `${stepLabel(valueAt(root, path.slice(0, 2)), path[1])}: ${rest ? `${rest}: ` : ''}`;
  }
  const p = formatPath(path);
  return p ? `${p}: ` : 'top level: ';
}

/** "step 3 (mmap "fb")", "step 4 (page_info)", or "step 5" for a step whose op is unknown. */
function stepLabel(step: unknown, index: number): string {
  if (!isPlainObject(step) || typeof step.op !== 'string' || !(OPS as readonly string[]).includes(step.op))
    return `step ${index}`;
  const name = step.op === 'alloc' || step.op === 'free' || step.op === 'mmap' ? step.id : step.mmap;
  return typeof name === 'string' ? `step ${index} (${step.op} ${quote(name)})` : `step ${index} (${step.op})`;
}

function formatPath(path: Path): string {
  let s = '';
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`;
    else {
      const name = String(k);
      s += /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `${s ? '.' : ''}${name}` : `[${JSON.stringify(name)}]`;
    }
  }
  return s;
}

// ---------------------------------------------------------------- checks across fields

interface AllocInfo {
  step: number;
  pages: number;
  freedAt: number | null;
}

interface Problems {
  first: string | null;
  count: number;
}

function semanticProblems(raw: RawScenario, profile: Profile): Problems {
  const problems: Problems = { first: null, count: 0 };
  const steps = raw.steps;
  const add = (i: number, path: Path, text: string) => {
    problems.count++;
    if (problems.first === null) problems.first = `${where(['steps', i, ...path], { steps })}${text}`;
  };

  // where each id is first defined, for "defined only later" hints
  const allocDefs = new Map<string, number>();
  const mmapDefs = new Map<string, number>();
  steps.forEach((s, i) => {
    if (s.op === 'alloc' && !allocDefs.has(s.id)) allocDefs.set(s.id, i);
    if (s.op === 'mmap' && !mmapDefs.has(s.id)) mmapDefs.set(s.id, i);
  });
  const unknown = (what: string, id: string, defs: Map<string, number>, i: number) => {
    const later = defs.get(id);
    return later !== undefined && later > i
      ? `unknown ${what} ${quote(id)}: it is defined only later, at step ${later} (an id must be defined by an earlier step)`
      : `unknown ${what} ${quote(id)} (no earlier step defines it)`;
  };

  const allocs = new Map<string, AllocInfo>();
  const mmaps = new Map<string, number>();

  const checkAlloc = (i: number, path: Path, id: string): AllocInfo | undefined => {
    const a = allocs.get(id);
    if (!a) add(i, path, unknown('allocation', id, allocDefs, i));
    return a;
  };
  const checkRef = (i: number, path: Path, ref: RawPageRef) => {
    const a = checkAlloc(i, [...path, 'alloc'], ref.alloc);
    if (!a) return;
    if (ref.page < 0)
      add(i, [...path, 'page'], `page ${ref.page} is before the start of ${quote(ref.alloc)} (pages count from 0)`);
    else if (ref.page >= a.pages)
      add(i, [...path, 'page'], `page ${ref.page} is past the end of ${quote(ref.alloc)} (${plural(a.pages, 'page')})`);
  };
  const checkRefs = (i: number, path: Path, refs: readonly RawPageRef[]) => {
    for (const [j, r] of refs.entries()) checkRef(i, [...path, j], r);
  };
  const checkCallName = (i: number, path: Path, call: CallName) => {
    if (profile.apis.has(call)) return;
    const history = CALL_HISTORY[call];
    add(i, [...path, 'call'], `${call} is not in kernel ${profile.name}${history ? `: ${history}` : ''}`);
  };
  const checkMmapCall = (i: number, path: Path, c: RawMmapCall) => {
    checkCallName(i, path, c.call);
    switch (c.call) {
      case 'vm_insert_page':
      case 'vm_insert_kmem_page':
      case 'vmf_insert_page':
      case 'remap_pfn_range':
        checkRef(i, [...path, 'page'], c.page);
        break;
      case 'vm_map_pages':
      case 'vm_map_pages_zero':
        if (c.pages) checkRefs(i, [...path, 'pages'], c.pages);
        if (c.alloc !== undefined) checkAlloc(i, [...path, 'alloc'], c.alloc);
        break;
      case 'vm_insert_pages':
        checkRefs(i, [...path, 'pages'], c.pages);
        break;
      case 'remap_vmalloc_range':
        // any kind of allocation: the kernel answers -EINVAL for an address that is not vmalloc's
        checkAlloc(i, [...path, 'alloc'], c.alloc);
        break;
    }
  };
  const checkRule = (i: number, path: Path, r: RawFaultRule) => {
    if ('set_page' in r) checkRef(i, [...path, 'set_page'], r.set_page);
    else if ('return' in r) {
      const v = parseVmFault(r.return, profile);
      if ('error' in v) add(i, [...path, 'return'], v.error);
    } else {
      checkCallName(i, path, r.call);
      if ('page' in r) checkRef(i, [...path, 'page'], r.page);
      if ('pages' in r && r.pages) checkRefs(i, [...path, 'pages'], r.pages);
      if ('alloc' in r && r.alloc !== undefined) checkAlloc(i, [...path, 'alloc'], r.alloc);
    }
  };

  steps.forEach((s, i) => {
    switch (s.op) {
      case 'alloc': {
        const prev = allocs.get(s.id);
        if (prev)
          add(
            i,
            ['id'],
            `allocation id ${quote(s.id)} is already used by step ${prev.step} (an id cannot be reused, even after it is freed)`,
          );
        else allocs.set(s.id, { step: i, pages: allocPageCount(s), freedAt: null });
        break;
      }
      case 'free': {
        const a = checkAlloc(i, ['id'], s.id);
        if (a && a.freedAt !== null)
          add(i, ['id'], `${quote(s.id)} is already freed (at step ${a.freedAt}); freeing twice is a scenario error`);
        else if (a) a.freedAt = i;
        break;
      }
      case 'mmap': {
        const prev = mmaps.get(s.id);
        if (prev !== undefined) add(i, ['id'], `mmap id ${quote(s.id)} is already used by step ${prev}`);
        for (const [k, c] of s.driver.mmap.entries()) checkMmapCall(i, ['driver', 'mmap', k], c);
        for (const [k, r] of (s.driver.fault ?? []).entries()) checkRule(i, ['driver', 'fault', k], r);
        if (prev === undefined) mmaps.set(s.id, i);
        break;
      }
      case 'touch':
      case 'munmap':
      case 'madvise':
      case 'pte':
        if (!mmaps.has(s.mmap)) add(i, ['mmap'], unknown('mmap', s.mmap, mmapDefs, i));
        break;
      case 'page_info':
        checkRef(i, ['page'], s.page);
        break;
    }
  });
  return problems;
}

// ---------------------------------------------------------------- raw → typed

function toScenario(raw: RawScenario, kernel: KernelName, profile: Profile): Scenario {
  return {
    title: raw.title ?? null,
    kernel,
    ramMib: raw.ram_mib,
    steps: raw.steps.map((s) => toStep(s, profile)),
  };
}

function ref(r: RawPageRef): PageRef {
  return { alloc: r.alloc, page: int(r.page) };
}

function toStep(s: RawStep, profile: Profile): Step {
  switch (s.op) {
    case 'alloc':
      return {
        op: 'alloc',
        id: s.id,
        kind: s.kind,
        size: 'size' in s ? s.size : 0,
        order: 'order' in s ? s.order : 0,
        comp: 'comp' in s ? s.comp : false,
      };
    case 'free':
      return { op: 'free', id: s.id };
    case 'mmap':
      return {
        op: 'mmap',
        id: s.id,
        pages: s.pages,
        prot: [...new Set(s.prot)],
        flags: s.flags,
        pgoff: int(s.pgoff),
        open: s.open,
        driver: toDriver(s.driver, profile),
      };
    case 'touch':
      return { op: 'touch', mmap: s.mmap, page: int(s.page), access: s.access };
    case 'munmap':
      return {
        op: 'munmap',
        mmap: s.mmap,
        first: s.first === undefined ? null : int(s.first),
        count: s.count ?? null,
      };
    case 'madvise':
      return {
        op: 'madvise',
        mmap: s.mmap,
        advice: s.advice,
        first: s.first === undefined ? null : int(s.first),
        count: s.count ?? null,
      };
    case 'page_info':
      return { op: 'page_info', page: ref(s.page) };
    case 'pte':
      return { op: 'pte', mmap: s.mmap, page: int(s.page) };
  }
}

function toDriver(d: Extract<RawStep, { op: 'mmap' }>['driver'], profile: Profile): Driver {
  return {
    vmFlagsSet: [...new Set(d.vm_flags_set)],
    mmap: d.mmap.map(toMmapCall),
    onError: d.on_error,
    fault: d.fault === null ? null : d.fault.map((r) => toRule(r, profile)),
  };
}

function toMmapCall(c: RawMmapCall): DriverCall {
  switch (c.call) {
    case 'vm_insert_page':
    case 'vm_insert_kmem_page':
    case 'vmf_insert_page':
      return { call: c.call, at: int(c.at), page: ref(c.page) };
    case 'vm_map_pages':
    case 'vm_map_pages_zero':
      return c.alloc !== undefined
        ? { call: c.call, alloc: c.alloc }
        : { call: c.call, pages: (c.pages ?? []).map(ref) };
    case 'vm_insert_pages':
      return { call: c.call, at: int(c.at), pages: c.pages.map(ref) };
    case 'remap_pfn_range':
      return { call: c.call, at: int(c.at), page: ref(c.page), count: c.count };
    case 'remap_vmalloc_range':
      return { call: c.call, alloc: c.alloc, pgoff: c.pgoff };
  }
}

function toRule(r: RawFaultRule, profile: Profile): FaultRule {
  const pgoff = r.pgoff === '*' ? '*' : int(r.pgoff);
  const times = r.times ?? null;
  if ('set_page' in r) return { pgoff, times, action: { kind: 'set_page', page: ref(r.set_page) } };
  if ('return' in r) {
    const v = parseVmFault(r.return, profile);
    if ('error' in v) throw new Error(v.error); // the semantic checks refused it already
    return { pgoff, times, action: { kind: 'return', value: v.value } };
  }
  switch (r.call) {
    case 'vmf_insert_page':
    case 'vmf_insert_pfn':
    case 'vmf_insert_mixed':
      return { pgoff, times, action: { kind: 'vmf', call: r.call, page: ref(r.page) } };
    case 'vm_insert_page':
    case 'vm_insert_kmem_page':
      return {
        pgoff,
        times,
        action: { kind: 'convert', convert: r.convert, call: { call: r.call, at: 0, page: ref(r.page) } },
      };
    case 'vm_map_pages':
    case 'vm_map_pages_zero': {
      const call: DriverCall =
        r.alloc !== undefined ? { call: r.call, alloc: r.alloc } : { call: r.call, pages: (r.pages ?? []).map(ref) };
      return { pgoff, times, action: { kind: 'convert', convert: r.convert, call } };
    }
    case 'vm_insert_pages':
      return {
        pgoff,
        times,
        action: { kind: 'convert', convert: r.convert, call: { call: r.call, at: 0, pages: r.pages.map(ref) } },
      };
    case 'remap_pfn_range':
      return {
        pgoff,
        times,
        action: {
          kind: 'convert',
          convert: r.convert,
          call: { call: r.call, at: 0, page: ref(r.page), count: r.count },
        },
      };
    case 'remap_vmalloc_range':
      return {
        pgoff,
        times,
        action: { kind: 'convert', convert: r.convert, call: { call: r.call, alloc: r.alloc, pgoff: 0 } },
      };
  }
}
