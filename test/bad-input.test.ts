// The malformed-scenario corpus (test/bad-input/): every file is refused, with a message that
// contains its expected text, names no stack frame, and comes back quickly. Inputs too big to
// keep as files (10,001 steps, 10,000 levels of nesting, megabytes) are generated here.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse.ts';
import { MAX_INPUT_BYTES, MAX_NESTING_DEPTH, MAX_STEPS } from '../src/scenario/schema.ts';
import type { KernelName } from '../src/scenario/types.ts';

const DIR = new URL('./bad-input/', import.meta.url);

interface Case {
  file: string;
  expect: string;
  kernel?: KernelName;
}

const cases: Case[] = JSON.parse(readFileSync(new URL('cases.json', DIR), 'utf8'));

/** Parse, and check what every refusal must be. */
function refuse(text: string, opts?: { kernel?: KernelName }): string {
  const t0 = performance.now();
  const r = parseScenario(text, opts);
  const ms = performance.now() - t0;
  expect(r.ok, 'the scenario was accepted').toBe(false);
  if (r.ok) return '';
  expect(r.message).not.toContain('    at ');
  expect(r.message).not.toMatch(/\n/);
  expect(r.message).not.toMatch(/internal error/);
  expect(ms, 'took too long').toBeLessThan(1000);
  return r.message;
}

describe('the bad-input corpus', () => {
  it('has a case for every file and a file for every case', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.json') && f !== 'cases.json')
      .sort();
    expect(cases.map((c) => c.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$file is refused: $expect', (c) => {
    const text = readFileSync(new URL(c.file, DIR), 'utf8');
    expect(refuse(text, c.kernel ? { kernel: c.kernel } : undefined)).toContain(c.expect);
  });
});

describe('generated bad input', () => {
  const step = '{"op":"alloc","id":"a","kind":"get_zeroed_page"}';

  it(`refuses ${MAX_STEPS + 1} steps`, () => {
    const steps = Array.from({ length: MAX_STEPS + 1 }, (_, i) => step.replace('"a"', `"a${i}"`));
    expect(refuse(`{"ptlab":1,"steps":[${steps.join(',')}]}`)).toBe(
      `steps: at most ${MAX_STEPS} steps (got ${MAX_STEPS + 1})`,
    );
  });

  it(`accepts exactly ${MAX_STEPS} steps`, () => {
    const steps = Array.from({ length: MAX_STEPS }, (_, i) => step.replace('"a"', `"a${i}"`));
    const r = parseScenario(`{"ptlab":1,"steps":[${steps.join(',')}]}`);
    expect(r.ok).toBe(true);
  });

  it('refuses 10,000 levels of arrays without overflowing the stack', () => {
    const text = `{"ptlab":1,"steps":[${'['.repeat(10_000)}${']'.repeat(10_000)}]}`;
    expect(refuse(text)).toBe(`not valid input: nested deeper than ${MAX_NESTING_DEPTH} levels at line 1, column 83`);
  });

  it('refuses 10,000 levels of objects, and unclosed ones', () => {
    expect(refuse('{"a":'.repeat(10_000))).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
    expect(refuse(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)).toContain('nested deeper than');
  });

  it('refuses nesting just past the limit, and counts it the same with whitespace', () => {
    const deep = (n: number) => `${'[ '.repeat(n)}${' ]'.repeat(n)}`;
    expect(refuse(deep(MAX_NESTING_DEPTH + 1))).toContain('nested deeper than');
    // at the limit it is valid JSON, and refused by the schema instead
    expect(refuse(deep(MAX_NESTING_DEPTH))).toBe(
      'top level: must be a JSON object {"ptlab": 1, "steps": [...]} (got an array of 1)',
    );
  });

  it('does not count brackets inside strings as nesting', () => {
    const title = `${'[{'.repeat(200)}\\"${']}'.repeat(200)}`;
    const r = parseScenario(`{"ptlab":1,"title":"${title.slice(0, 990)}","steps":[]}`);
    expect(r.ok).toBe(true);
  });

  it('refuses a 1 MB title and a 1 MB id', () => {
    const big = 'x'.repeat(1 << 20);
    expect(refuse(`{"ptlab":1,"title":"${big}","steps":[]}`)).toBe(
      'title: must be a string of at most 1000 characters (got a string of 1048576 characters)',
    );
    expect(refuse(`{"ptlab":1,"steps":[{"op":"free","id":"${big}"}]}`)).toMatch(
      /^step 0 \(free "x{40}…"\): id: must be an id: a string of 1 to 256 characters \(got a string of 1048576 characters\)$/,
    );
  });

  it('refuses input over 8 MiB, counted in UTF-8 bytes', () => {
    expect(refuse(`{"ptlab":1,"steps":[]}${' '.repeat(MAX_INPUT_BYTES)}`)).toBe('not valid input: larger than 8 MiB');
    // 3 MiB of characters that are 3 bytes each in UTF-8
    const wide = '€'.repeat(3 * 1024 * 1024);
    expect(refuse(`{"ptlab":1,"title":"${wide}","steps":[]}`)).toBe('not valid input: larger than 8 MiB');
  });

  it('refuses a long unclosed string and a long run of backslashes quickly', () => {
    expect(refuse(`{"ptlab":1,"title":"${'a'.repeat(4 << 20)}`)).toContain(
      'a string that is not closed at line 1, column 20',
    );
    expect(refuse(`{"ptlab":1,"title":"${'\\\\'.repeat(1 << 20)}\\"`)).toContain('a string that is not closed');
  });

  it('refuses 8 MiB of opening brackets and of commas quickly', () => {
    expect(refuse('['.repeat(MAX_INPUT_BYTES))).toContain('nested deeper than');
    expect(refuse(`[${','.repeat(MAX_INPUT_BYTES - 2)}]`)).toContain(
      'unexpected "," (expected a value) at line 1, column 2',
    );
  });

  it('refuses a large pages array past its limit', () => {
    const refs = Array.from({ length: 65_537 }, () => '{"alloc":"v","page":0}').join(',');
    const text = `{"ptlab":1,"steps":[{"op":"alloc","id":"v","kind":"vmalloc","size":4096},{"op":"mmap","id":"m","pages":1,"prot":[],"flags":"shared","driver":{"mmap":[{"call":"vm_insert_pages","at":0,"pages":[${refs}]}]}}]}`;
    expect(refuse(text)).toBe('step 1 (mmap "m"): driver.mmap[0].pages: at most 65536 page references (got 65537)');
  });

  it('does not let __proto__ or constructor keys pollute any prototype', () => {
    const texts = [
      '{"ptlab":1,"__proto__":{"polluted":true},"steps":[]}',
      '{"ptlab":1,"steps":[{"op":"alloc","id":"b","kind":"get_zeroed_page","__proto__":{"polluted":true}}]}',
      '{"ptlab":1,"steps":[{"op":"page_info","page":{"alloc":"b","page":0,"constructor":{"prototype":{"polluted":true}}}}]}',
      '{"ptlab":1,"steps":[],"constructor":{"prototype":{"polluted":true}}}',
    ];
    for (const t of texts) expect(refuse(t)).toMatch(/unknown field "(__proto__|constructor)"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('accepts "__proto__" and "constructor" as ids, without touching prototypes', () => {
    const r = parseScenario(
      '{"ptlab":1,"steps":[{"op":"alloc","id":"__proto__","kind":"get_zeroed_page"},{"op":"alloc","id":"constructor","kind":"get_zeroed_page"},{"op":"page_info","page":{"alloc":"__proto__","page":0}},{"op":"free","id":"constructor"}]}',
    );
    expect(r.ok).toBe(true);
    const r2 = parseScenario('{"ptlab":1,"steps":[{"op":"free","id":"toString"}]}');
    expect(r2).toEqual({
      ok: false,
      message: 'step 0 (free "toString"): id: unknown allocation "toString" (no earlier step defines it)',
    });
  });

  it('refuses input that is not a string without throwing', () => {
    for (const v of [undefined, null, 42, {}, []])
      expect(parseScenario(v as unknown as string)).toMatchObject({ ok: false });
  });
});
