// Shared by test/fuzz.test.ts, test/parser-fuzz.test.ts and scripts/fuzz.ts: the
// properties a random valid scenario must have, and a mutational fuzzer over the
// parser that starts from the conformance scenarios. Nothing here uses a clock for
// decisions or Math.random: every run is reproducible from its seed.
import { readdirSync, readFileSync } from 'node:fs';
import { checkInvariants, dumpState } from '../src/engine/inspect.ts';
import { Session } from '../src/engine/session.ts';
import { Simulation } from '../src/engine/steps.ts';
import { parseScenario } from '../src/scenario/parse.ts';
import { formatDoc } from '../src/scenario/results.ts';
import { simulate } from '../src/scenario/run.ts';

// ---------------------------------------------------------------------------
// Properties of a valid scenario
// ---------------------------------------------------------------------------

/** Check every property of one generated scenario; throws an Error naming the first one broken. */
export function checkScenario(text: string, picks: readonly number[]): void {
  const fail = (what: string): never => {
    throw new Error(`${what}\n${text}`);
  };
  const parsed = parseScenario(text);
  if (!parsed.ok) fail(`generator made an invalid scenario: ${parsed.message}`);
  if (!parsed.ok) return;
  const { scenario } = parsed;
  const n = scenario.steps.length;

  // Replay from the start, step by step: exactly one result per step, invariants hold while the run goes on.
  const sim = new Simulation(scenario);
  const dumps: string[] = [JSON.stringify(dumpState(sim.kernel))];
  const stepped: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = sim.runStep(i);
    if (r === undefined || r === null || typeof r !== 'object') fail(`step ${i} gave no result`);
    stepped.push(JSON.stringify(r));
    if (!sim.ended) {
      const problems = checkInvariants(sim.kernel);
      if (problems.length) fail(`invariants after step ${i}: ${JSON.stringify(problems)}`);
    }
    dumps.push(JSON.stringify(dumpState(sim.kernel)));
  }

  // Byte-identical output on a second run (what the CLI prints).
  const a = simulate(text);
  const b = simulate(text);
  if (!a.ok || !b.ok) {
    fail('simulate refused a parsed scenario');
    return;
  }
  if (a.doc.results.length !== n) fail(`${a.doc.results.length} results for ${n} steps`);
  const out = formatDoc(a.doc);
  if (out !== formatDoc(b.doc)) fail('two runs printed different documents');
  if (out.split('\n').length !== n + 3) fail('the document does not have one result a line');
  a.doc.results.forEach((r, i) => {
    if (JSON.stringify(r) !== stepped[i]) fail(`step ${i}: simulate and step-by-step replay differ`);
  });

  // Seek, step back and the traced recomputation at random steps equal replay exactly.
  const session = new Session(scenario);
  if (session.results.length !== n) fail(`the session has ${session.results.length} results for ${n} steps`);
  if (JSON.stringify(session.results) !== JSON.stringify(a.doc.results)) fail('session results differ from replay');
  for (const pick of picks) {
    const k = pick % (n + 1);
    if (JSON.stringify(dumpState(session.seek(k).kernel)) !== dumps[k]) fail(`seek ${k} differs from replay`);
    session.seek(n);
    while (session.cursor > k) session.back();
    if (JSON.stringify(dumpState(session.state.kernel)) !== dumps[k]) fail(`stepping back to ${k} differs from replay`);
    if (k < n) {
      const t = session.traced(k);
      if (JSON.stringify(t.result) !== stepped[k]) fail(`the traced step ${k} gives another result`);
      const ends = t.trace.filter((e) => (e as { kind?: string }).kind === 'result').length;
      if (ends > 1) fail(`the trace of step ${k} has ${ends} results`);
    }
    // Forward again from k: the same states as replay.
    session.seek(k);
    for (let j = k; j < Math.min(n, k + 3); j++) {
      session.forward();
      if (JSON.stringify(dumpState(session.state.kernel)) !== dumps[j + 1]) fail(`forward to ${j + 1} differs`);
    }
  }
}

// ---------------------------------------------------------------------------
// Mutational fuzzing of the parser
// ---------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
}

/** The conformance scenarios (not the expected results), sorted by name. */
export function seedScenarios(): { name: string; text: string }[] {
  const dir = new URL('./conformance/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path to a value in the document (the root is []). */
function paths(v: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => void paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k] as Json, [...at, k], out);
  return out;
}

function getAt(v: Json, p: Path): Json {
  let x: Json = v;
  for (const k of p) x = (x as Record<string | number, Json>)[k] as Json;
  return x;
}

function setAt(root: Json, p: Path, value: Json): Json {
  if (p.length === 0) return value;
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, Json>;
  const key = p[p.length - 1] as string | number;
  // defineProperty, so a key named __proto__ stays an own data property
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

const HUGE = [
  '1e308',
  '-1e308',
  '1e309',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '-0',
  '0.5',
  '1e-320',
  '4294967296',
  '18446744073709551616',
  '-1',
  '123456789012345678901234567890',
];
const NAN_LIKE = ['"NaN"', '"Infinity"', '"-Infinity"', '"1e308"', '"0x10"', '" 1"', '"-0"', '""', 'NaN', 'Infinity'];
const WEIRD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
const WEIRD_STRINGS = [
  '\\u0000',
  '\\ud800',
  '\\udfff\\ud800',
  '\\u202e',
  '<img src=x onerror=alert(1)>',
  '\\n',
  '%s%s%n',
  '$' + '{x}',
  '𝔭𝔱𝔩𝔞𝔟',
];

function wrongTypeValue(rng: Rng): string {
  return rng.pick([
    'null',
    'true',
    'false',
    '0',
    '-1',
    '""',
    '"x"',
    '[]',
    '{}',
    '[null]',
    '{"a":1}',
    '"0"',
    '[[]]',
    ...HUGE.slice(0, 4),
    ...NAN_LIKE.slice(0, 4),
  ]);
}

/** Replace the value at a random path with raw JSON text (a marker avoids re-serialising by hand). */
function replaceRaw(rng: Rng, doc: Json, raw: (old: Json) => string, filter?: (v: Json) => boolean): string {
  const all = paths(doc).filter((p) => p.length > 0 && (!filter || filter(getAt(doc, p))));
  if (all.length === 0) return JSON.stringify(doc);
  const p = rng.pick(all);
  const marker = `\u0001MUT${rng.int(1e9)}\u0001`;
  const old = getAt(doc, p);
  setAt(doc, p, marker);
  return JSON.stringify(doc).replace(JSON.stringify(marker), () => raw(old));
}

/** Positions just after an object's `{` or a `,` inside one where a key starts. */
function keyStarts(text: string): number[] {
  const out: number[] = [];
  const re = /[{,]\s*"/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m.index + 1);
  return out;
}

export const MUTATIONS = [
  'truncate',
  'wrong-type',
  'huge-number',
  'nan-like',
  'deep-nesting',
  'proto-key',
  'long-string',
  'weird-string',
  'byte-flip',
  'duplicate-key',
  'duplicate-steps',
  'delete-field',
  'splice',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** One mutant of `text`: which mutation, and the mutated text. */
export function mutate(rng: Rng, text: string, kind: Mutation = rng.pick(MUTATIONS)): { kind: Mutation; text: string } {
  const doc = (): Json => JSON.parse(text) as Json;
  switch (kind) {
    case 'truncate':
      return { kind, text: text.slice(0, rng.int(text.length)) };
    case 'wrong-type':
      return { kind, text: replaceRaw(rng, doc(), () => wrongTypeValue(rng)) };
    case 'huge-number':
      return {
        kind,
        text: replaceRaw(
          rng,
          doc(),
          () => rng.pick(HUGE),
          (v) => typeof v === 'number' || rng.next() < 0.2,
        ),
      };
    case 'nan-like':
      return { kind, text: replaceRaw(rng, doc(), () => rng.pick(NAN_LIKE)) };
    case 'deep-nesting': {
      const depth = rng.pick([2, 10, 63, 64, 65, 100, 1000, 20_000]);
      const obj = rng.next() < 0.5;
      return {
        kind,
        text: replaceRaw(rng, doc(), (old) =>
          obj
            ? `${'{"a":'.repeat(depth)}${JSON.stringify(old)}${'}'.repeat(depth)}`
            : `${'['.repeat(depth)}${JSON.stringify(old)}${']'.repeat(depth)}`,
        ),
      };
    }
    case 'proto-key': {
      const at = keyStarts(text);
      if (at.length === 0) return { kind, text: `{"__proto__":{"polluted":1},${text.slice(1)}` };
      const i = rng.pick(at);
      const key = rng.pick(WEIRD_KEYS);
      const value = rng.pick(['{"polluted":true}', '{"prototype":{"polluted":true}}', 'null', '1', '"x"', '[]']);
      return { kind, text: `${text.slice(0, i)}"${key}":${value},${text.slice(i)}` };
    }
    case 'long-string': {
      const len = rng.pick([257, 1001, 4097, 100_000, 1 << 20, 3 << 20]);
      return {
        kind,
        text: replaceRaw(
          rng,
          doc(),
          () => JSON.stringify(rng.pick(['x', '€', '"', '\\']).repeat(len)),
          (v) => typeof v === 'string' || rng.next() < 0.1,
        ),
      };
    }
    case 'weird-string':
      return {
        kind,
        text: replaceRaw(
          rng,
          doc(),
          () => `"${rng.pick(WEIRD_STRINGS)}"`,
          (v) => typeof v === 'string',
        ),
      };
    case 'byte-flip': {
      const bytes = new TextEncoder().encode(text);
      const flips = 1 + rng.int(8);
      for (let f = 0; f < flips && bytes.length; f++) {
        const i = rng.int(bytes.length);
        bytes[i] = rng.next() < 0.5 ? (bytes[i] as number) ^ (1 << rng.int(8)) : rng.int(256);
      }
      return { kind, text: new TextDecoder('utf-8', { fatal: false }).decode(bytes) };
    }
    case 'duplicate-key': {
      // `"k": other, "k": original` in the same object
      const re = /([{,])\s*"([^"\\]{1,40})"\s*:/g;
      const hits: { at: number; key: string }[] = [];
      for (let m = re.exec(text); m !== null; m = re.exec(text)) hits.push({ at: m.index + 1, key: m[2] as string });
      if (hits.length === 0) return { kind, text: `${text.slice(0, -1)},"ptlab":1}` };
      const h = rng.pick(hits);
      return { kind, text: `${text.slice(0, h.at)}"${h.key}":${wrongTypeValue(rng)},${text.slice(h.at)}` };
    }
    case 'duplicate-steps': {
      const d = doc() as { steps?: Json[] };
      if (Array.isArray(d.steps) && d.steps.length) {
        const i = rng.int(d.steps.length);
        d.steps.splice(rng.int(d.steps.length + 1), 0, d.steps[i] as Json);
      }
      return { kind, text: JSON.stringify(d) };
    }
    case 'delete-field': {
      const d = doc();
      const all = paths(d).filter((p) => typeof p[p.length - 1] === 'string');
      if (all.length) {
        const p = rng.pick(all);
        const parent = getAt(d, p.slice(0, -1)) as Record<string, Json>;
        delete parent[p[p.length - 1] as string];
      }
      return { kind, text: JSON.stringify(d) };
    }
    case 'splice': {
      // cut a random range and paste it elsewhere
      const a = rng.int(text.length);
      const b = a + rng.int(Math.min(200, text.length - a) + 1);
      const at = rng.int(text.length);
      return { kind, text: text.slice(0, at) + text.slice(a, b) + text.slice(at) };
    }
  }
}

export interface InputOutcome {
  ok: boolean;
  ms: number;
  /** Set when the input broke a rule: it threw, took too long, or its message is not a clean one-liner. */
  problem: string | null;
  message?: string;
}

export const MAX_MS_PER_INPUT = 1000;

/** Run one input through simulate() and check what every outcome must be. */
export function checkInput(text: string): InputOutcome {
  const t0 = performance.now();
  let out: ReturnType<typeof simulate>;
  try {
    out = simulate(text);
  } catch (e) {
    return { ok: false, ms: performance.now() - t0, problem: `threw: ${e instanceof Error ? e.stack : String(e)}` };
  }
  const ms = performance.now() - t0;
  if (ms >= MAX_MS_PER_INPUT) return { ok: out.ok, ms, problem: `took ${ms.toFixed(0)} ms` };
  if (out === null || typeof out !== 'object' || typeof out.ok !== 'boolean')
    return { ok: false, ms, problem: 'no {ok} outcome' };
  if (out.ok) {
    if (!Array.isArray(out.doc.results)) return { ok: true, ms, problem: 'no results' };
    return { ok: true, ms, problem: null };
  }
  const m = out.message;
  if (typeof m !== 'string' || m.length === 0) return { ok: false, ms, problem: 'a refusal without a message' };
  if (/\n\s*at |^\s*at .*:\d+:\d+/m.test(m) || m.includes('    at ')) return { ok: false, ms, problem: `stack: ${m}` };
  if (/\n/.test(m)) return { ok: false, ms, problem: `a message of several lines: ${m.slice(0, 200)}` };
  if (m.includes('internal error')) return { ok: false, ms, problem: `internal error: ${m.slice(0, 300)}` };
  if (Object.hasOwn(Object.prototype, 'polluted')) return { ok: false, ms, problem: 'Object.prototype polluted' };
  return { ok: false, ms, problem: null, message: m };
}
