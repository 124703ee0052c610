// The built-in scenario library (src/scenario/library/sites, listed in catalog.json):
// every file parses under each profile its catalog entry lists and gives exactly the
// checked result in test/library-expected/NAME.K.json; every file has a title and a note
// with "Goal:" and "Source: https://"; the catalog lists every file of sites/ and nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/scenario/run.ts';

const LIBRARY = join(import.meta.dirname, '..', 'src', 'scenario', 'library');
const SITES = join(LIBRARY, 'sites');
const EXPECTED = join(import.meta.dirname, 'library-expected');
const GROUPS = ['call-site', 'conversion', 'debate', 'pitfall', 'exercise'];
const PROFILES = ['4.19', 'seed-proposal', '5.2', '5.10', '6.1', '6.12'];

interface Entry {
  file: string;
  group: string;
  title: string;
  profiles: string[];
  site?: string;
}

const catalog = JSON.parse(readFileSync(join(LIBRARY, 'catalog.json'), 'utf8')) as Entry[];
const nameOf = (file: string): string => file.replace(/^sites\//, '').replace(/\.json$/, '');

describe('library catalog', () => {
  it('lists every file in sites/ exactly once and nothing else', () => {
    const files = readdirSync(SITES)
      .filter((f) => f.endsWith('.json'))
      .map((f) => `sites/${f}`)
      .sort();
    const listed = catalog.map((e) => e.file);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(files);
  });

  it('has well-formed entries', () => {
    for (const e of catalog) {
      expect(Object.keys(e).every((k) => ['file', 'group', 'title', 'profiles', 'site'].includes(k))).toBe(true);
      expect(GROUPS).toContain(e.group);
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.profiles.length).toBeGreaterThan(0);
      for (const k of e.profiles) expect(PROFILES).toContain(k);
      const scenario = JSON.parse(readFileSync(join(LIBRARY, e.file), 'utf8')) as { kernel: string; title: string };
      expect(e.profiles[0]).toBe(scenario.kernel);
      expect(e.title).toBe(scenario.title);
    }
  });

  it('has a checked result for every entry and profile, and no other', () => {
    const wanted = catalog.flatMap((e) => e.profiles.map((k) => `${nameOf(e.file)}.${k}.json`)).sort();
    const present = readdirSync(EXPECTED)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(present).toEqual(wanted);
  });
});

for (const entry of catalog) {
  const name = nameOf(entry.file);
  const text = readFileSync(join(LIBRARY, entry.file), 'utf8');
  describe(`library ${name}`, () => {
    it('has a title and a note with Goal: and Source: https://', () => {
      const scenario = JSON.parse(text) as { title?: unknown; note?: unknown; steps: unknown[] };
      expect(typeof scenario.title).toBe('string');
      expect((scenario.title as string).length).toBeGreaterThan(0);
      expect(typeof scenario.note).toBe('string');
      expect(scenario.note).toContain('Goal:');
      expect(scenario.note).toContain('Source: https://');
      expect(scenario.steps.length).toBeLessThanOrEqual(40);
    });

    for (const kernel of entry.profiles) {
      it(`runs under ${kernel} with the checked result`, () => {
        const out = simulate(text, { kernel });
        if (!out.ok) throw new Error(`refused under ${kernel}: ${out.message}`);
        const expected = JSON.parse(readFileSync(join(EXPECTED, `${name}.${kernel}.json`), 'utf8'));
        expect(out.doc).toEqual(expected);
      });
    }
  });
}
