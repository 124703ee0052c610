// Every measured real-kernel result (test/conformance, copied from ../shared/conformance,
// and test/conformance-own, cases this project measured with ../shared/oracle) must be
// reproduced exactly: NAME.expected.json is 6.1, NAME.5.10/6.12.expected.json those kernels.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/scenario/run.ts';

const DIRS = ['conformance', 'conformance-own'].map((d) => join(import.meta.dirname, d));

interface Case {
  name: string;
  scenario: string;
  expected: string;
  kernel: string;
}

function cases(dir: string): Case[] {
  return safeList(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .sort()
    .map((f) => {
      const m = /^(.*?)(?:\.(5\.10|6\.12))?\.expected\.json$/.exec(f) as RegExpExecArray;
      return { name: f, scenario: join(dir, `${m[1]}.json`), expected: join(dir, f), kernel: m[2] ?? '6.1' };
    });
}

for (const dir of DIRS) {
  const list = cases(dir);
  if (list.length === 0) continue;
  describe(`real-kernel results in ${dir.split('/').pop()}`, () => {
    it.each(list)('$name', ({ scenario, expected, kernel }) => {
      const out = simulate(readFileSync(scenario, 'utf8'), { kernel });
      if (!out.ok) throw new Error(out.message);
      const want = JSON.parse(readFileSync(expected, 'utf8'));
      expect(out.doc.kernel).toBe(want.kernel);
      // Step by step, so a failure names the step.
      want.results.forEach((r: unknown, i: number) => {
        expect({ step: i, result: out.doc.results[i] }).toEqual({ step: i, result: r });
      });
      expect(out.doc.results.length).toBe(want.results.length);
    });
  });
}

describe('the copy of ../shared/conformance is complete', () => {
  const shared = join(import.meta.dirname, '../../shared/conformance');
  it.runIf(safeList(shared).length > 0)('every shared file is in test/conformance with the same content', () => {
    for (const f of safeList(shared)) {
      expect(readFileSync(join(DIRS[0] as string, f), 'utf8'), f).toBe(readFileSync(join(shared, f), 'utf8'));
    }
  });
});

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
