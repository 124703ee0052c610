// What must differ between the kernel profiles (KERNEL-SEMANTICS §9), each
// difference asserted on both sides so the test fails if either side breaks.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse.ts';
import { compareProfiles, traceScenario } from '../src/scenario/run.ts';
import {
  free,
  info,
  kmalloc,
  mmap,
  pageInfo,
  pages,
  ref,
  remapVmalloc,
  ret,
  rule,
  run,
  touch,
  vip,
  vmallocUser,
} from './decision-tables/helpers.ts';

const scenarioText = (kernel: string, steps: unknown[]) => JSON.stringify({ ptlab: 1, kernel, steps });
const slabSteps = [
  kmalloc('secret', 64),
  kmalloc('buf', 64),
  mmap('m', 1, { calls: [vip(0, ref('buf'))] }),
  info('buf'),
];

describe('slab and typed pages', () => {
  it.each(['4.19', 'seed-proposal'])('%s maps a small kmalloc page, and the trace names its neighbours', (kernel) => {
    const r = run(slabSteps, { kernel });
    expect(r[2]).toMatchObject({ ret: 0, calls: [{ call: 'vm_insert_page', at: 0, ret: 0 }] });
    expect(r[3]).toEqual(pageInfo(2, 1, ['slab']));
    const p = parseScenario(scenarioText(kernel, slabSteps));
    if (!p.ok) throw new Error(p.message);
    const changes = (traceScenario(p.scenario).traces[2] ?? []).filter((e) => e.kind === 'change');
    expect(changes.map((e) => ('what' in e ? e.what : ''))).toContain(
      'a slab page is mapped: the process sees the whole page, with the kmalloc objects secret (bytes 0..63), buf (bytes 64..127)',
    );
  });

  it.each(['5.2', '5.10', '6.1', '6.12'])('%s refuses it with -EINVAL (PageSlab)', (kernel) => {
    const r = run(slabSteps, { kernel });
    expect(r[2]).toMatchObject({ ret: '-EINVAL', calls: [{ call: 'vm_insert_page', at: 0, ret: '-EINVAL' }] });
    expect(r[3]).toEqual(pageInfo(1, 0, ['slab']));
  });

  it('--compare marks the difference: 0 on 4.19, -EINVAL on 6.1', () => {
    const out = compareProfiles(scenarioText('6.1', slabSteps), ['4.19', '6.1']);
    if (!out.ok) throw new Error(out.message);
    expect(out.differences.map((d) => d.step)).toEqual([2, 3]);
    expect(out.differences[0]?.results['6.1']).toMatchObject({ ret: '-EINVAL' });
    expect(out.differences[0]?.results['4.19']).toMatchObject({ ret: 0 });
  });
});

describe('which calls a profile has', () => {
  const kmem = [pages('p'), mmap('m', 1, { calls: [{ call: 'vm_insert_kmem_page', at: 0, page: ref('p') }] })];
  it('vm_insert_kmem_page exists only in seed-proposal, where it is vm_insert_page line for line', () => {
    expect(run(kmem, { kernel: 'seed-proposal' })[1]).toMatchObject({
      ret: 0,
      calls: [{ call: 'vm_insert_kmem_page', ret: 0 }],
    });
    for (const kernel of ['4.19', '5.2', '5.10', '6.1', '6.12']) {
      const p = parseScenario(scenarioText(kernel, kmem));
      expect(p.ok).toBe(false);
      if (!p.ok) expect(p.message).toMatch(/never merged.*vm_map_pages/);
    }
  });

  it('vm_map_pages and vm_map_pages_zero exist from 5.2; vm_insert_pages from 5.7 (5.10, 6.1, 6.12)', () => {
    const has = (kernel: string, call: unknown) =>
      parseScenario(scenarioText(kernel, [pages('p'), mmap('m', 1, { calls: [call as never] })])).ok;
    const vmp = { call: 'vm_map_pages', alloc: 'p' };
    const vips = { call: 'vm_insert_pages', at: 0, pages: [ref('p')] };
    expect(['4.19', 'seed-proposal', '5.2', '5.10', '6.1', '6.12'].map((k) => has(k, vmp))).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(['4.19', 'seed-proposal', '5.2', '5.10', '6.1', '6.12'].map((k) => has(k, vips))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});

describe('vm_map_pages offset check', () => {
  // offset == num fails on both trees, by a different test: 5.2 `offset > num` passes and
  // `count > num - offset` decides; 6.1's `offset >= num` decides at once.
  const steps = [pages('p'), mmap('m', 1, { pgoff: 1, calls: [{ call: 'vm_map_pages', alloc: 'p' }] })];
  it.each([
    ['5.2', 'count > num - offset'],
    ['6.1', 'offset >= num'],
  ])('%s: -ENXIO decided by %s', (kernel, decided) => {
    const p = parseScenario(scenarioText(kernel, steps));
    if (!p.ok) throw new Error(p.message);
    const { doc, traces } = traceScenario(p.scenario);
    expect(doc.results[1]).toMatchObject({ ret: '-ENXIO' });
    const taken = (traces[1] ?? []).filter((e) => e.kind === 'check' && e.taken && e.outcome === '-ENXIO');
    expect(taken.map((e) => (e.kind === 'check' ? e.check : ''))).toEqual([decided]);
  });
});

describe('VM_FAULT_OOM at the page-fault handler', () => {
  const steps = [mmap('m', 1, { fault: [rule('*', ret('VM_FAULT_OOM'))] }), touch('m', 0), { op: 'munmap', mmap: 'm' }];
  it.each(['4.19', 'seed-proposal', '5.2'])('%s runs the OOM killer: the process is killed', (kernel) => {
    const r = run(steps, { kernel });
    expect(r[1]).toEqual({ signal: 'SIGKILL', code: null, faults: [{ pgoff: 0, ret: 'VM_FAULT_OOM', calls: [] }] });
    expect(r[2]).toEqual({ skipped: 'killed' });
  });
  it.each(['5.10', '6.1', '6.12'])('%s retries the access (LOOP after 16 calls)', (kernel) => {
    const r = run(steps, { kernel }) as { signal: string; faults: unknown[] }[];
    expect(r[1]?.signal).toBe('LOOP');
    expect(r[1]?.faults).toHaveLength(16);
    expect(r[2]).toEqual({ ret: 0 });
  });
});

describe('remap_vmalloc_range_partial size check', () => {
  const steps = [vmallocUser('u', 2), mmap('m', 3, { calls: [remapVmalloc('u')] })];
  it.each(['4.19', 'seed-proposal'])(
    '%s counts the guard page: one page too long oopses on the NULL page',
    (kernel) => {
      expect(run(steps, { kernel })[1]).toEqual({
        oops: 'BUG: unable to handle kernel NULL pointer dereference at 0000000000000008 in vm_insert_page()',
      });
    },
  );
  it.each(['5.2', '5.10', '6.1', '6.12'])('%s refuses it with -EINVAL', (kernel) => {
    expect(run(steps, { kernel })[1]).toMatchObject({
      ret: '-EINVAL',
      calls: [{ call: 'remap_vmalloc_range', ret: '-EINVAL' }],
    });
  });
});

describe('__free_pages of a non-compound block whose page 0 is still mapped', () => {
  const steps = [
    { op: 'alloc', id: 'b', kind: '__get_free_pages', order: 2 },
    mmap('m', 1, { calls: [vip(0, ref('b'))] }),
    free('b'),
    { op: 'alloc', id: 'again', kind: 'alloc_pages', order: 1 },
    info('b', 2),
    info('b', 0),
  ];
  it('6.1 frees pages 1..3 at once: the next order-1 allocation is pages 2..3', () => {
    const r = run(steps, { kernel: '6.1' });
    expect(r[4]).toEqual(pageInfo(1, 0));
    expect(r[5]).toEqual(pageInfo(1, 1));
  });
  it('4.19 leaks them: page 2 stays unreferenced and is never handed out again', () => {
    const r = run(steps, { kernel: '4.19' });
    expect(r[4]).toEqual(pageInfo(0, 0));
    expect(r[5]).toEqual(pageInfo(1, 1));
  });
});
