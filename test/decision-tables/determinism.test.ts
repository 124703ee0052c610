// The engine is deterministic: every conformance scenario gives the same document twice.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/scenario/run.ts';

const DIR = new URL('../conformance/', import.meta.url);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .sort();

describe('determinism', () => {
  it('finds the conformance scenarios', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s runs to the same result twice', (file) => {
    const text = readFileSync(new URL(file, DIR), 'utf8');
    const a = simulate(text);
    const b = simulate(text);
    expect(a.ok, a.ok ? '' : a.message).toBe(true);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
