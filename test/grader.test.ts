// Grading predictions (src/classroom/grade.ts) and the CLI's --exercise, --answers and --check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateExercise } from '../src/classroom/generate.ts';
import { answerKey, checkAnswers, gradeAnswer, gradeAnswers, parseAnswers } from '../src/classroom/grade.ts';
import { simulate } from '../src/scenario/run.ts';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');
const sim = (...args: string[]) =>
  spawnSync(tsx, ['src/cli/sim.ts', ...args], { cwd: root, encoding: 'utf8', input: '' });

// 0 alloc (slab), 1 mmap: -EINVAL on 6.1 at the first call, 2 touch: SEGV_MAPERR, 3 alloc (compound),
// 4 mmap: 0, 5 touch write: none, 6 page_info: 2/1, 7 pte, 8 mmap read-only with a fault handler
// lacking a rule for page 1, 9 touch page 1: SIGBUS, 10 write to it: SEGV_ACCERR, 11 munmap
const SCENARIO = JSON.stringify({
  ptlab: 1,
  kernel: '6.1',
  steps: [
    { op: 'alloc', id: 's', kind: 'kmalloc', size: 8192 },
    {
      op: 'mmap',
      id: 'a',
      pages: 2,
      prot: ['read', 'write'],
      flags: 'shared',
      driver: {
        mmap: [
          { call: 'vm_insert_page', at: 0, page: { alloc: 's', page: 0 } },
          { call: 'vm_insert_page', at: 1, page: { alloc: 's', page: 1 } },
        ],
      },
    },
    { op: 'touch', mmap: 'a', page: 0, access: 'read' },
    { op: 'alloc', id: 'c', kind: 'alloc_pages', order: 1, comp: true },
    {
      op: 'mmap',
      id: 'b',
      pages: 1,
      prot: ['read', 'write'],
      flags: 'shared',
      driver: { mmap: [{ call: 'vm_insert_page', at: 0, page: { alloc: 'c', page: 0 } }] },
    },
    { op: 'touch', mmap: 'b', page: 0, access: 'write' },
    { op: 'page_info', page: { alloc: 'c', page: 0 } },
    { op: 'pte', mmap: 'b', page: 0 },
    {
      op: 'mmap',
      id: 'f',
      pages: 2,
      prot: ['read'],
      flags: 'shared',
      driver: {
        vm_flags_set: ['VM_MIXEDMAP'],
        fault: [{ pgoff: 0, call: 'vmf_insert_page', page: { alloc: 'c', page: 1 } }],
      },
    },
    { op: 'touch', mmap: 'f', page: 1, access: 'read' },
    { op: 'touch', mmap: 'f', page: 1, access: 'write' },
    { op: 'munmap', mmap: 'b' },
  ],
});

function doc() {
  const out = simulate(SCENARIO);
  if (!out.ok) throw new Error(out.message);
  return out.doc;
}

const dir = mkdtempSync(join(tmpdir(), 'ptlab-grader-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('grading', () => {
  it('the scenario gives what the tests below expect', () => {
    const r = doc().results;
    expect(r[1]).toMatchObject({ ret: '-EINVAL', calls: [{ ret: '-EINVAL' }] });
    expect(r[2]).toMatchObject({ signal: 'SIGSEGV', code: 'SEGV_MAPERR' });
    expect(r[5]).toMatchObject({ signal: null, code: null });
    expect(r[6]).toMatchObject({ refcount: 2, mapcount: 1 });
    expect(r[7]).toMatchObject({ present: true, write: true });
    expect(r[9]).toMatchObject({ signal: 'SIGBUS', code: 'BUS_ADRERR', faults: [{ ret: 'VM_FAULT_SIGBUS' }] });
    expect(r[10]).toMatchObject({ signal: 'SIGSEGV', code: 'SEGV_ACCERR' });
  });

  it('marks right answers right, in any of the forgiving spellings', () => {
    const results = doc().results;
    const right = [
      { step: 0, ret: 'ok' },
      { step: 1, ret: '-EINVAL', calls: ['-EINVAL'] },
      { step: 1, ret: 'EINVAL', calls: ['-einval'] },
      { step: 4, ret: '0', calls: ['0'] },
      { step: 2, signal: 'SIGSEGV', code: 'SEGV_MAPERR' },
      { step: 5, signal: null, code: null },
      { step: 5, signal: 'none', code: 'none', faults: [] },
      { step: 6, refcount: 2, mapcount: 1 },
      { step: 7, present: true, write: true, maps: { alloc: 'c', page: 0 } },
      { step: 9, signal: 'sigbus', code: 'BUS_ADRERR', faults: ['VM_FAULT_SIGBUS'] },
      { step: 11, ret: '0' },
    ];
    for (const a of right) {
      const g = gradeAnswer(a, results[a.step] as never);
      expect(g, JSON.stringify(a)).toMatchObject({ step: a.step, correct: true, wrong: [] });
    }
  });

  it('marks wrong answers wrong and names the fields, partial answers included', () => {
    const results = doc().results;
    const wrong = gradeAnswer({ step: 2, signal: 'SIGBUS', code: 'BUS_ADRERR' }, results[2] as never);
    expect(wrong).toEqual({
      step: 2,
      correct: false,
      expected: { signal: 'SIGSEGV', code: 'SEGV_MAPERR' },
      given: { signal: 'SIGBUS', code: 'BUS_ADRERR' },
      wrong: ['signal', 'code'],
    });
    // Half right: the refcount, not the mapcount.
    const half = gradeAnswer({ step: 6, refcount: 2, mapcount: 0 }, results[6] as never);
    expect(half.correct).toBe(false);
    expect(half.wrong).toEqual(['mapcount']);
    // The right errno with the wrong call list.
    expect(gradeAnswer({ step: 1, ret: '-EINVAL', calls: ['0', '-EINVAL'] }, results[1] as never).wrong).toEqual([
      'calls',
    ]);
    // A field the result does not have.
    const absent = gradeAnswer({ step: 1, signal: null }, results[1] as never);
    expect(absent).toMatchObject({ correct: false, wrong: ['signal'], absent: ['signal'], expected: {} });
  });

  it('scores a whole answers document, and its answer key scores full marks', () => {
    const d = doc();
    const graded = gradeAnswers(
      [
        { step: 1, ret: '-EINVAL' },
        { step: 2, signal: 'SIGBUS', code: 'BUS_ADRERR' },
        { step: 6, refcount: 2, mapcount: 1 },
      ],
      d,
    );
    if (!graded.ok) throw new Error(graded.message);
    expect(graded.report).toMatchObject({ kernel: '6.1', score: 2, total: 3 });
    expect(graded.report.steps.map((s) => s.correct)).toEqual([true, false, true]);

    const key = answerKey(d);
    expect(key.answers).toHaveLength(d.results.length);
    const checked = checkAnswers(JSON.parse(JSON.stringify(key)));
    if (!checked.ok) throw new Error(checked.message);
    const full = gradeAnswers(checked.doc.answers, d);
    if (!full.ok) throw new Error(full.message);
    expect(full.report.score).toBe(full.report.total);
  });

  it('grades "positive", oops: true and SIGKILL without a code', () => {
    expect(gradeAnswer({ step: 0, ret: 'positive' }, { ret: 256, calls: [] }).correct).toBe(true);
    expect(gradeAnswer({ step: 0, ret: 'positive' }, { ret: 0, calls: [] }).correct).toBe(false);
    expect(gradeAnswer({ step: 0, ret: 'positive' }, { ret: '-EINVAL', calls: [] }).correct).toBe(false);
    expect(gradeAnswer({ step: 0, oops: true }, { oops: 'vma->vm_flags & VM_PFNMAP' }).correct).toBe(true);
    expect(gradeAnswer({ step: 0, oops: 'vm_pfnmap' }, { oops: 'vma->vm_flags & VM_PFNMAP' }).correct).toBe(true);
    expect(gradeAnswer({ step: 0, oops: true }, { signal: null, code: null, faults: [] }).correct).toBe(false);
    expect(gradeAnswer({ step: 0, signal: 'SIGKILL', code: null }, { signal: 'SIGKILL' }).correct).toBe(true);
  });

  it('refuses malformed answers with a message naming the answer and the field', () => {
    const bad: [unknown, RegExp][] = [
      [{ answers: [] }, /^ptlab: missing$/],
      [{ ptlab: 2, answers: [] }, /^ptlab: must be 1 \(got 2\)$/],
      [{ ptlab: 1 }, /^answers: missing$/],
      [{ ptlab: 1, answers: {} }, /^answers: must be a list of answers/],
      [{ ptlab: 1, answers: [{ ret: 0 }] }, /^answers\[0\]\.step: missing$/],
      [{ ptlab: 1, answers: [{ step: 0, ret: 0 }, { step: 1 }] }, /^answers\[1\]: names no result field/],
      [
        {
          ptlab: 1,
          answers: [
            { step: 0, ret: 0 },
            { step: -1, ret: 0 },
          ],
        },
        /^answers\[1\]\.step: must be a step index/,
      ],
      [{ ptlab: 1, answers: [{ step: 1.5, ret: 0 }] }, /^answers\[0\]\.step: must be a step index/],
      [{ ptlab: 1, answers: [{ step: 0, rett: 0 }] }, /^answers\[0\]: unknown field "rett"/],
      [
        { ptlab: 1, answers: [{ step: 0, signal: 'SIGSEV' }] },
        /^answers\[0\]\.signal: must be null .*\(got "SIGSEV"\)$/,
      ],
      [{ ptlab: 1, answers: [{ step: 0, code: 'MAPERR' }] }, /^answers\[0\]\.code: must be null/],
      [{ ptlab: 1, answers: [{ step: 0, refcount: '2' }] }, /^answers\[0\]\.refcount: must be an integer \(got "2"\)$/],
      [{ ptlab: 1, answers: [{ step: 0, present: 'yes' }] }, /^answers\[0\]\.present: must be true or false/],
      [{ ptlab: 1, answers: [{ step: 0, calls: '0' }] }, /^answers\[0\]\.calls: must be a list/],
      [
        { ptlab: 1, answers: [{ step: 0, calls: [true] }] },
        /^answers\[0\]\.calls\[0\]: must be a number, a string or null/,
      ],
      [{ ptlab: 1, answers: [], extra: 1 }, /^unknown field "extra"/],
    ];
    for (const [value, message] of bad) {
      const r = checkAnswers(value);
      expect(r.ok, JSON.stringify(value)).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
    const notJson = parseAnswers('{"ptlab": 1,');
    expect(notJson.ok).toBe(false);
    const past = gradeAnswers([{ step: 12, ret: 0 }], doc());
    expect(past).toEqual({
      ok: false,
      message: 'answers[0].step: step 12 is past the end of the scenario (12 steps, 0 .. 11)',
    });
  });
});

describe('npm run sim -- --check / --answers / --exercise', { timeout: 60_000 }, () => {
  const scenario = file('scenario.json', SCENARIO);

  it('--check exits 0 when every answer is right and prints the grade', () => {
    const answers = file('right.json', {
      ptlab: 1,
      answers: [
        { step: 1, ret: '-EINVAL', calls: ['-EINVAL'] },
        { step: 9, signal: 'SIGBUS', code: 'BUS_ADRERR' },
        { step: 6, refcount: 2, mapcount: 1 },
      ],
    });
    const r = sim('--check', answers, scenario);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ score: 3, total: 3 });
    expect(out.steps[0]).toEqual({
      step: 1,
      correct: true,
      expected: { ret: '-EINVAL', calls: ['-EINVAL'] },
      given: { ret: '-EINVAL', calls: ['-EINVAL'] },
      wrong: [],
    });
  });

  it('--check exits 3 when some answers are wrong', () => {
    const answers = file('wrong.json', {
      ptlab: 1,
      answers: [
        { step: 2, signal: 'SIGBUS', code: 'BUS_ADRERR' },
        { step: 6, refcount: 2, mapcount: 1 },
      ],
    });
    const r = sim('--check', answers, scenario);
    expect(r.status).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ score: 1, total: 2 });
    expect(out.steps[0]).toMatchObject({ step: 2, correct: false, expected: { signal: 'SIGSEGV' } });
  });

  it('--check exits 2 for malformed answers, one message naming the answer and field, no stack', () => {
    for (const [name, content, message] of [
      ['bad-signal.json', { ptlab: 1, answers: [{ step: 2, signal: 'SIGSEV' }] }, /answers\[0\]\.signal/],
      ['bad-step.json', { ptlab: 1, answers: [{ step: 99, ret: 0 }] }, /answers\[0\]\.step: step 99 is past the end/],
      ['not-json.json', '{"ptlab": 1', /not JSON/],
    ] as const) {
      const r = sim('--check', file(name, content), scenario);
      expect(r.status, name).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(sim('--check', join(dir, 'missing.json'), scenario).status).toBe(2);
    expect(
      sim('--check', file('ok.json', { ptlab: 1, answers: [{ step: 0, ret: 'ok' }] }), 'test/bad-input/truncated.json')
        .status,
    ).toBe(2);
  });

  it('--answers prints an answer key that --check grades full marks, under --kernel too', () => {
    for (const kernel of ['6.1', '4.19']) {
      const key = sim('--kernel', kernel, '--answers', scenario);
      expect(key.status).toBe(0);
      const doc = JSON.parse(key.stdout);
      expect(doc).toMatchObject({ ptlab: 1, kernel });
      expect(doc.answers).toHaveLength(12);
      const r = sim('--check', file(`key-${kernel}.json`, key.stdout), scenario);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ kernel, score: 12, total: 12 });
    }
    // The 6.1 key is wrong on 4.19 (slab pages map there).
    expect(sim('--kernel', '4.19', '--check', join(dir, 'key-6.1.json'), scenario).status).toBe(3);
  });

  it('--exercise prints the same scenario for the same seed, and the one generateExercise gives', () => {
    const a = sim('--exercise', '1234');
    const b = sim('--exercise', '1234');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toBe(generateExercise(1234));
    expect(sim('--exercise', '1235').stdout).not.toBe(a.stdout);
    const k = sim('--exercise', '1234', '--kernel', '4.19');
    expect(k.stdout).toBe(generateExercise(1234, { kernel: '4.19' }));
    expect(JSON.parse(k.stdout).kernel).toBe('4.19');
    // The exercise runs.
    const ex = file('ex.json', a.stdout);
    expect(sim(ex).status).toBe(0);
  });

  it('--exercise refuses a bad seed or profile, or a scenario file, with exit 2', () => {
    for (const args of [
      ['--exercise', 'x'],
      ['--exercise', '-1'],
      ['--exercise', '4294967296'],
      ['--exercise'],
      ['--exercise', '1', '--kernel', '3.0'],
      ['--exercise', '1', scenario],
      ['--exercise', '1', '--trace'],
    ]) {
      const r = sim(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});
