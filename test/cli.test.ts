// The CLI contract: exact output, exit codes 0 / 2, no stack traces, byte-identical reruns.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');
const sim = (...args: string[]) =>
  spawnSync(tsx, ['src/cli/sim.ts', ...args], { cwd: root, encoding: 'utf8', input: '' });

describe('npm run sim', () => {
  const file = 'test/conformance/vm_insert_page-alloc_pages-order0-shared.json';

  it('prints the result document, one step a line, and exits 0', () => {
    const r = sim(file);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('{"ptlab": 1, "kernel": "6.1", "results": [');
    expect(lines[1]).toBe('  {"ret":"ok"},');
    expect(JSON.parse(r.stdout).results).toHaveLength(15);
  });

  it('gives byte-identical output on a second run', () => {
    expect(sim(file).stdout).toBe(sim(file).stdout);
  });

  it('--kernel runs the scenario under another profile and names it', () => {
    const r = sim('--kernel', '6.12', file);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).kernel).toBe('6.12');
  });

  it('refuses a broken file with exit 2 and one message without a stack trace', () => {
    const r = sim('test/bad-input/truncated.json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a missing file, an unknown profile and bad options with exit 2', () => {
    expect(sim('no-such-file.json').status).toBe(2);
    expect(sim('--kernel', '3.0', file).stderr).toMatch(/3\.0/);
    expect(sim('--kernel', '3.0', file).status).toBe(2);
    expect(sim('--bogus', file).status).toBe(2);
    expect(sim().status).toBe(2);
  });

  it('reads the scenario from stdin with -', () => {
    const text = '{"ptlab":1,"steps":[{"op":"alloc","id":"p","kind":"get_zeroed_page"}]}';
    const out = execFileSync(tsx, ['src/cli/sim.ts', '-'], { cwd: root, encoding: 'utf8', input: text });
    expect(JSON.parse(out).results).toEqual([{ ret: 'ok' }]);
  });

  it("--trace prints JSON lines: each step's events with source links, then its result", () => {
    const r = sim('--trace', 'test/conformance/vm_insert_page-kmalloc-slab.json');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const results = lines.filter((l) => 'result' in l);
    expect(results).toHaveLength(11);
    const slab = lines.find((l) => l.step === 5 && l.kind === 'check' && l.check === 'PageSlab(page)' && l.taken);
    expect(slab).toMatchObject({ outcome: '-EINVAL', src: { file: 'mm/memory.c' } });
    expect(slab.src.url).toBe('https://elixir.bootlin.com/linux/v6.1/C/ident/validate_page_before_insert');
  });

  it('--compare prints the differing steps and a summary', () => {
    const r = sim('--compare', '4.19,6.1', 'test/conformance/vm_insert_page-kmalloc-slab.json');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toEqual({ compared: ['4.19', '6.1'], steps: 11, differ: 3 });
    expect(lines[0]).toMatchObject({ step: 5, op: 'mmap', results: { '4.19': { ret: 0 }, '6.1': { ret: 0 } } });
  });

  it('--compare refuses a scenario a profile cannot run, naming the profile', () => {
    const r = sim('--compare', '4.19,6.1', 'test/conformance/vm_map_pages-exact.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/under 4\.19: step 1 .*vm_map_pages was added in 5\.2/);
  });
});
