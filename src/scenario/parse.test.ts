import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocPageCount, checkScenario, jsonSyntaxError, parseScenario } from './parse.ts';
import { OPS, scenarioJsonSchema } from './schema.ts';
import type { Scenario } from './types.ts';

function ok(text: string, opts?: Parameters<typeof parseScenario>[1]): Scenario {
  const r = parseScenario(text, opts);
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.scenario;
}

function refused(text: string, opts?: Parameters<typeof parseScenario>[1]): string {
  const r = parseScenario(text, opts);
  if (r.ok) throw new Error('accepted');
  return r.message;
}

const json = (v: unknown) => JSON.stringify(v);

// ---------------------------------------------------------------- valid samples

const remapVmalloc = {
  ptlab: 1,
  title: 'remap_vmalloc_range of a vmalloc_user area',
  kernel: '6.1',
  steps: [
    { op: 'alloc', id: 'u', kind: 'vmalloc_user', size: 8192 },
    {
      op: 'mmap',
      id: 'm',
      pages: 2,
      prot: ['read', 'write'],
      flags: 'shared',
      driver: { mmap: [{ call: 'remap_vmalloc_range', alloc: 'u' }] },
    },
    { op: 'page_info', page: { alloc: 'u', page: 0 } },
    { op: 'pte', mmap: 'm', page: 1 },
    { op: 'touch', mmap: 'm', page: 1, access: 'write' },
    { op: 'munmap', mmap: 'm' },
    { op: 'free', id: 'u' },
  ],
};

const faultOom = {
  ptlab: 1,
  title: 'VM_FAULT_OOM once, then vmf_insert_pfn',
  steps: [
    { op: 'alloc', id: 'p', kind: 'alloc_pages', order: 0 },
    {
      op: 'mmap',
      id: 'm',
      pages: 1,
      prot: ['read', 'write'],
      flags: 'shared',
      driver: {
        vm_flags_set: ['VM_PFNMAP'],
        fault: [
          { pgoff: 0, return: 'VM_FAULT_OOM', times: 1 },
          { pgoff: '*', call: 'vmf_insert_pfn', page: { alloc: 'p', page: 0 } },
        ],
      },
    },
    { op: 'touch', mmap: 'm', page: 0, access: 'read' },
    { op: 'pte', mmap: 'm', page: 0 },
  ],
};

const partialMunmap = {
  ptlab: 1,
  kernel: '5.10',
  ram_mib: 1024,
  note: 'top-level note',
  steps: [
    { op: 'alloc', id: 'v', kind: 'vmalloc', size: 16384, note: 'a note' },
    {
      op: 'mmap',
      id: 'm',
      pages: 4,
      prot: ['read', 'write'],
      flags: 'private',
      pgoff: 3,
      open: 'rdonly',
      driver: { mmap: [{ call: 'vm_map_pages', alloc: 'v', note: 'call note' }], on_error: 'continue', fault: null },
    },
    { op: 'munmap', mmap: 'm', first: 1, count: 2 },
    { op: 'madvise', mmap: 'm', advice: 'dontneed', first: 0 },
    { op: 'touch', mmap: 'm', page: -1, access: 'exec' },
    { op: 'free', id: 'v' },
  ],
};

const everyCall = {
  ptlab: 1,
  kernel: 'seed-proposal',
  steps: [
    { op: 'alloc', id: 'k', kind: 'kzalloc', size: 8193 },
    { op: 'alloc', id: 'g', kind: '__get_free_pages', order: 1 },
    { op: 'alloc', id: 'c', kind: 'alloc_pages', order: 2, comp: true },
    { op: 'alloc', id: 'z', kind: 'get_zeroed_page' },
    { op: 'alloc', id: 'vz', kind: 'vzalloc', size: 1 },
    {
      op: 'mmap',
      id: 'm',
      pages: 8,
      prot: [],
      flags: 'shared',
      driver: {
        vm_flags_set: ['VM_MIXEDMAP', 'VM_DONTEXPAND', 'VM_MIXEDMAP'],
        mmap: [
          { call: 'vm_insert_kmem_page', at: 0, page: { alloc: 'k', page: 2 } },
          { call: 'vm_insert_page', at: -1, page: { alloc: 'g', page: 1 } },
          { call: 'vmf_insert_page', at: 9, page: { alloc: 'z', page: 0 } },
          { call: 'remap_pfn_range', at: 1, page: { alloc: 'c', page: 0 }, count: 4 },
          { call: 'remap_vmalloc_range', alloc: 'k', pgoff: 1 },
        ],
        fault: [
          { pgoff: 0, call: 'vmf_insert_mixed', page: { alloc: 'c', page: 3 } },
          { pgoff: 1, call: 'vm_insert_kmem_page', page: { alloc: 'k', page: 0 }, convert: 'busy_ok' },
          { pgoff: 2, call: 'remap_pfn_range', page: { alloc: 'c', page: 1 }, convert: 'vmf_error' },
          { pgoff: 3, call: 'remap_vmalloc_range', alloc: 'vz', convert: 'vmf_error', times: 2 },
          { pgoff: 4, set_page: { alloc: 'g', page: 0 }, note: 'classic' },
          { pgoff: 5, return: 0 },
          { pgoff: '*', return: 'VM_FAULT_SIGSEGV | VM_FAULT_NOPAGE' },
        ],
      },
    },
  ],
};

describe('valid scenarios', () => {
  it('maps remap_vmalloc_range with its defaults', () => {
    expect(ok(json(remapVmalloc))).toEqual({
      title: 'remap_vmalloc_range of a vmalloc_user area',
      kernel: '6.1',
      ramMib: 512,
      steps: [
        { op: 'alloc', id: 'u', kind: 'vmalloc_user', size: 8192, order: 0, comp: false },
        {
          op: 'mmap',
          id: 'm',
          pages: 2,
          prot: ['read', 'write'],
          flags: 'shared',
          pgoff: 0,
          open: 'rdwr',
          driver: {
            vmFlagsSet: [],
            mmap: [{ call: 'remap_vmalloc_range', alloc: 'u', pgoff: 0 }],
            onError: 'return',
            fault: null,
          },
        },
        { op: 'page_info', page: { alloc: 'u', page: 0 } },
        { op: 'pte', mmap: 'm', page: 1 },
        { op: 'touch', mmap: 'm', page: 1, access: 'write' },
        { op: 'munmap', mmap: 'm', first: null, count: null },
        { op: 'free', id: 'u' },
      ],
    } satisfies Scenario);
  });

  it('maps fault rules: return values as numbers, times, "*"', () => {
    const s = ok(json(faultOom));
    expect(s.kernel).toBe('6.1');
    expect(s.title).toBe('VM_FAULT_OOM once, then vmf_insert_pfn');
    expect(s.steps[0]).toEqual({ op: 'alloc', id: 'p', kind: 'alloc_pages', size: 0, order: 0, comp: false });
    const mmap = s.steps[1];
    expect(mmap?.op === 'mmap' && mmap.driver).toEqual({
      vmFlagsSet: ['VM_PFNMAP'],
      mmap: [],
      onError: 'return',
      fault: [
        { pgoff: 0, times: 1, action: { kind: 'return', value: 0x1 } },
        { pgoff: '*', times: null, action: { kind: 'vmf', call: 'vmf_insert_pfn', page: { alloc: 'p', page: 0 } } },
      ],
    });
  });

  it('keeps vm_map_pages {alloc}, partial munmap and madvise, notes everywhere', () => {
    const s = ok(json(partialMunmap));
    expect(s.kernel).toBe('5.10');
    expect(s.ramMib).toBe(1024);
    expect(s.title).toBeNull();
    expect(s.steps[1]).toEqual({
      op: 'mmap',
      id: 'm',
      pages: 4,
      prot: ['read', 'write'],
      flags: 'private',
      pgoff: 3,
      open: 'rdonly',
      driver: { vmFlagsSet: [], mmap: [{ call: 'vm_map_pages', alloc: 'v' }], onError: 'continue', fault: null },
    });
    expect(s.steps.slice(2, 5)).toEqual([
      { op: 'munmap', mmap: 'm', first: 1, count: 2 },
      { op: 'madvise', mmap: 'm', advice: 'dontneed', first: 0, count: null },
      { op: 'touch', mmap: 'm', page: -1, access: 'exec' },
    ]);
  });

  it('maps every call form, in the mmap handler and in fault rules', () => {
    const s = ok(json(everyCall));
    expect(s.steps.slice(0, 5)).toEqual([
      { op: 'alloc', id: 'k', kind: 'kzalloc', size: 8193, order: 0, comp: false },
      { op: 'alloc', id: 'g', kind: '__get_free_pages', size: 0, order: 1, comp: false },
      { op: 'alloc', id: 'c', kind: 'alloc_pages', size: 0, order: 2, comp: true },
      { op: 'alloc', id: 'z', kind: 'get_zeroed_page', size: 0, order: 0, comp: false },
      { op: 'alloc', id: 'vz', kind: 'vzalloc', size: 1, order: 0, comp: false },
    ]);
    const m = s.steps[5];
    if (m?.op !== 'mmap') throw new Error('not an mmap');
    expect(m.driver.vmFlagsSet).toEqual(['VM_MIXEDMAP', 'VM_DONTEXPAND']);
    expect(m.driver.mmap).toEqual([
      { call: 'vm_insert_kmem_page', at: 0, page: { alloc: 'k', page: 2 } },
      { call: 'vm_insert_page', at: -1, page: { alloc: 'g', page: 1 } },
      { call: 'vmf_insert_page', at: 9, page: { alloc: 'z', page: 0 } },
      { call: 'remap_pfn_range', at: 1, page: { alloc: 'c', page: 0 }, count: 4 },
      { call: 'remap_vmalloc_range', alloc: 'k', pgoff: 1 },
    ]);
    expect(m.driver.fault).toEqual([
      { pgoff: 0, times: null, action: { kind: 'vmf', call: 'vmf_insert_mixed', page: { alloc: 'c', page: 3 } } },
      {
        pgoff: 1,
        times: null,
        action: {
          kind: 'convert',
          convert: 'busy_ok',
          call: { call: 'vm_insert_kmem_page', at: 0, page: { alloc: 'k', page: 0 } },
        },
      },
      {
        pgoff: 2,
        times: null,
        action: {
          kind: 'convert',
          convert: 'vmf_error',
          call: { call: 'remap_pfn_range', at: 0, page: { alloc: 'c', page: 1 }, count: 1 },
        },
      },
      {
        pgoff: 3,
        times: 2,
        action: { kind: 'convert', convert: 'vmf_error', call: { call: 'remap_vmalloc_range', alloc: 'vz', pgoff: 0 } },
      },
      { pgoff: 4, times: null, action: { kind: 'set_page', page: { alloc: 'g', page: 0 } } },
      { pgoff: 5, times: null, action: { kind: 'return', value: 0 } },
      { pgoff: '*', times: null, action: { kind: 'return', value: 0x140 } },
    ]);
  });

  it('maps vm_map_pages pages lists and vm_insert_pages in fault rules', () => {
    const s = ok(
      json({
        ptlab: 1,
        steps: [
          { op: 'alloc', id: 'v', kind: 'vmalloc', size: 8192 },
          {
            op: 'mmap',
            id: 'm',
            pages: 2,
            prot: ['read'],
            flags: 'shared',
            driver: {
              mmap: [{ call: 'vm_map_pages_zero', pages: [{ alloc: 'v', page: 1 }] }],
              fault: [
                { pgoff: 0, call: 'vm_insert_pages', pages: [{ alloc: 'v', page: 0 }], convert: 'vmf_error' },
                { pgoff: 1, call: 'vm_map_pages', alloc: 'v', convert: 'busy_ok' },
              ],
            },
          },
        ],
      }),
    );
    const m = s.steps[1];
    if (m?.op !== 'mmap') throw new Error('not an mmap');
    expect(m.driver.mmap).toEqual([{ call: 'vm_map_pages_zero', pages: [{ alloc: 'v', page: 1 }] }]);
    expect(m.driver.fault?.map((r) => r.action)).toEqual([
      {
        kind: 'convert',
        convert: 'vmf_error',
        call: { call: 'vm_insert_pages', at: 0, pages: [{ alloc: 'v', page: 0 }] },
      },
      { kind: 'convert', convert: 'busy_ok', call: { call: 'vm_map_pages', alloc: 'v' } },
    ]);
  });

  it('accepts what the kernel, not the format, answers: freed pages, remap_vmalloc_range of kmalloc, huge lengths', () => {
    const s = ok(
      json({
        ptlab: 1,
        steps: [
          { op: 'alloc', id: 'k', kind: 'kmalloc', size: 4096 },
          { op: 'free', id: 'k' },
          { op: 'page_info', page: { alloc: 'k', page: 0 } },
          {
            op: 'mmap',
            id: 'm',
            pages: 2 ** 40,
            prot: ['read'],
            flags: 'shared',
            pgoff: 2 ** 52 - 1,
            driver: {
              mmap: [
                { call: 'remap_vmalloc_range', alloc: 'k' },
                { call: 'remap_pfn_range', at: 0, page: { alloc: 'k', page: 0 }, count: 0 },
                { call: 'vm_insert_pages', at: 0, pages: [] },
              ],
              fault: [],
            },
          },
          { op: 'touch', mmap: 'm', page: Number.MAX_SAFE_INTEGER, access: 'read' },
          { op: 'munmap', mmap: 'm' },
          { op: 'touch', mmap: 'm', page: 0, access: 'read' },
        ],
      }),
    );
    const m = s.steps[3];
    expect(m?.op === 'mmap' && m.pages).toBe(2 ** 40);
    expect(m?.op === 'mmap' && m.driver.fault).toEqual([]);
  });

  it('applies the kernel override to the checks and the result', () => {
    const s = ok(json(faultOom), { kernel: '4.19' });
    expect(s.kernel).toBe('4.19');
    expect(refused(json(partialMunmap), { kernel: '4.19' })).toContain('vm_map_pages is not in kernel 4.19');
    // the override also lifts what the scenario's own kernel would refuse
    const kmem = json({ ...everyCall, kernel: '6.1' });
    expect(refused(kmem)).toContain('vm_insert_kmem_page is not in kernel 6.1');
    expect(ok(kmem, { kernel: 'seed-proposal' }).kernel).toBe('seed-proposal');
  });

  it('reads return values under the profile that runs', () => {
    const rule = (ret: string, kernel: string) =>
      json({
        ptlab: 1,
        kernel,
        steps: [
          { op: 'mmap', id: 'm', pages: 1, prot: [], flags: 'shared', driver: { fault: [{ pgoff: 0, return: ret }] } },
        ],
      });
    const value = (s: Scenario) => {
      const m = s.steps[0];
      const a = m?.op === 'mmap' ? m.driver.fault?.[0]?.action : undefined;
      return a?.kind === 'return' ? a.value : undefined;
    };
    expect(value(ok(rule('VM_FAULT_COMPLETED', '6.1')))).toBe(0x4000);
    expect(value(ok(rule('VM_FAULT_WRITE|VM_FAULT_OOM', '5.10')))).toBe(0x9);
    expect(value(ok(rule('VM_FAULT_NOPAGE|VM_FAULT_NOPAGE', '6.12')))).toBe(0x100);
    expect(refused(rule('VM_FAULT_COMPLETED', '6.1'), { kernel: '5.10' })).toContain(
      'VM_FAULT_COMPLETED is not in kernel 5.10',
    );
    expect(refused(rule('VM_FAULT_WRITE', '6.12'))).toContain('VM_FAULT_WRITE is not in kernel 6.12');
  });

  it('turns -0 into 0, and drops repeated prot values', () => {
    const s = ok(
      '{"ptlab":1,"steps":[{"op":"mmap","id":"m","pages":1,"prot":["read","read","write"],"flags":"shared","pgoff":-0},{"op":"touch","mmap":"m","page":-0,"access":"read"}]}',
    );
    const [m, t] = s.steps;
    expect(m?.op === 'mmap' && Object.is(m.pgoff, 0)).toBe(true);
    expect(m?.op === 'mmap' && m.prot).toEqual(['read', 'write']);
    expect(t?.op === 'touch' && Object.is(t.page, 0)).toBe(true);
  });

  it('reads a file with a UTF-8 byte order mark, CRLF line ends and non-ASCII text', () => {
    const s = ok('\uFEFF{"ptlab": 1,\r\n "title": "Größe — 大きさ 🐧",\r\n "steps": []}\r\n');
    expect(s.title).toBe('Größe — 大きさ 🐧');
  });

  it('checks an already parsed value', () => {
    expect(checkScenario(faultOom)).toMatchObject({ ok: true });
    expect(checkScenario({ ptlab: 1, steps: [{ op: 'free', id: 'x' }] })).toEqual({
      ok: false,
      message: 'step 0 (free "x"): id: unknown allocation "x" (no earlier step defines it)',
    });
  });

  it('refuses an unknown kernel override', () => {
    expect(refused(json(faultOom), { kernel: '7.0' as never })).toBe(
      'kernel override: unknown profile "7.0" (expected 4.19, seed-proposal, 5.2, 5.10, 6.1, 6.12)',
    );
  });
});

describe('messages', () => {
  it('names the step, the field and the problem (the contract example)', () => {
    const text = json({
      ptlab: 1,
      steps: [
        { op: 'alloc', id: 'buf', kind: 'kmalloc', size: 4096 },
        { op: 'alloc', id: 'p', kind: 'alloc_pages', order: 0 },
        { op: 'page_info', page: { alloc: 'p', page: 0 } },
        {
          op: 'mmap',
          id: 'fb',
          pages: 2,
          prot: ['read'],
          flags: 'shared',
          driver: {
            mmap: [
              { call: 'vm_insert_page', at: 0, page: { alloc: 'p', page: 0 } },
              { call: 'vm_insert_page', at: 1, page: { alloc: 'buf', page: 7 } },
            ],
          },
        },
      ],
    });
    expect(refused(text)).toBe(
      'step 3 (mmap "fb"): driver.mmap[1].page.page: page 7 is past the end of "buf" (1 page)',
    );
  });

  it('counts the problems after the first', () => {
    const bad = { op: 'alloc', id: 'a', kind: 'kmalloc', size: 0 };
    expect(refused(json({ ptlab: 1, steps: [bad, bad] }))).toMatch(/\(and 1 more problem\)$/);
    expect(refused(json({ ptlab: 2, ram_mib: 1, steps: [bad, bad] }))).toMatch(
      /^ptlab: must be 1 .*\(and 3 more problems\)$/,
    );
  });

  it('labels steps by their op and id', () => {
    const m = { op: 'mmap', id: 'm', pages: 1, prot: [], flags: 'shared' };
    expect(refused(json({ ptlab: 1, steps: [m, { op: 'pte', mmap: 'm', page: 'x' }] }))).toMatch(
      /^step 1 \(pte "m"\): page:/,
    );
    expect(refused(json({ ptlab: 1, steps: [{ op: 'page_info', page: 3 }] }))).toMatch(/^step 0 \(page_info\): page:/);
    expect(refused(json({ ptlab: 1, steps: [{ op: 'nope' }] }))).toMatch(/^step 0: op: unknown op "nope"/);
  });

  it('refuses a field given twice in one object, even spelled with an escape', () => {
    expect(refused('{"ptlab":1,"kernel":"4.19","steps":[],"kernel":"6.1"}')).toBe(
      'top level: field "kernel" is given twice (at line 1, column 39)',
    );
    expect(
      refused(
        '{"ptlab":1,"steps":[{"op":"alloc","id":"a","kind":"get_zeroed_page"},{"op":"free","id":"a","\\u0069d":"a"}]}',
      ),
    ).toBe('step 1 (free "a"): field "id" is given twice (at line 1, column 92)');
    // the same name in different objects is fine
    expect(
      parseScenario(
        '{"ptlab":1,"steps":[{"op":"alloc","id":"p","kind":"get_zeroed_page"},{"op":"page_info","page":{"alloc":"p","page":0}},{"op":"page_info","page":{"alloc":"p","page":0}}]}',
      ),
    ).toMatchObject({ ok: true });
  });

  it('gives JSON syntax errors a line and column', () => {
    expect(refused('{\n  "ptlab": 1,\n  "steps": [\n    {"op": "free" "id": "x"}\n  ]\n}')).toBe(
      'not valid JSON: unexpected "\\"" (expected "," or "}") at line 4, column 19',
    );
  });
});

describe('allocPageCount', () => {
  it('follows the format', () => {
    expect(allocPageCount({ kind: 'kmalloc', size: 1 })).toBe(1);
    expect(allocPageCount({ kind: 'vmalloc', size: 4096 })).toBe(1);
    expect(allocPageCount({ kind: 'vmalloc_user', size: 4097 })).toBe(2);
    expect(allocPageCount({ kind: 'kzalloc', size: 2 ** 31 })).toBe(2 ** 19);
    expect(allocPageCount({ kind: 'alloc_pages', order: 10 })).toBe(1024);
    expect(allocPageCount({ kind: '__get_free_pages', order: 0 })).toBe(1);
    expect(allocPageCount({ kind: 'get_zeroed_page' })).toBe(1);
  });
});

describe('the JSON Schema', () => {
  it('describes the raw format', () => {
    const s = scenarioJsonSchema();
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.required).toEqual(['ptlab', 'steps']);
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.$defs as object).sort()).toEqual(['Driver', 'FaultRule', 'MmapCall', 'PageRef', 'Step']);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

// scenario files kept in this repository (the conformance cases, when copied here)
const conformanceDir = new URL('../../test/conformance/', import.meta.url);
const conformance = existsSync(conformanceDir)
  ? readdirSync(conformanceDir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  : [];

describe.skipIf(conformance.length === 0)('test/conformance scenarios', () => {
  it.each(conformance)('%s parses', (f) => {
    expect(parseScenario(readFileSync(new URL(f, conformanceDir), 'utf8'))).toMatchObject({ ok: true });
  });
});

// ---------------------------------------------------------------- properties

describe('properties', () => {
  const nearJson = fc
    .tuple(
      fc.json(),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', 'e', '.', ' ', 'x', '\n'),
        ),
      ),
    )
    .map(([s, edits]) => {
      let t = s;
      for (const [at, c] of edits) {
        const i = at % (t.length + 1);
        t = c === '' ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + c + t.slice(i);
      }
      return t;
    });
  it('jsonSyntaxError finds an error exactly when JSON.parse does', () => {
    fc.assert(
      fc.property(fc.oneof(nearJson, fc.string(), fc.json()), (t) => {
        let valid = true;
        try {
          JSON.parse(t);
        } catch {
          valid = false;
        }
        expect(jsonSyntaxError(t) === null).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });

  const id = fc.constantFrom('a', 'b', 'm', '', '__proto__');
  const num = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(0.5, 2 ** 31, 2 ** 53, -0), fc.constant('1'));
  const ref = fc.record({ alloc: id, page: num }, { requiredKeys: [] });
  const call = fc.record(
    {
      call: fc.constantFrom(
        'vm_insert_page',
        'vm_map_pages',
        'vm_insert_pages',
        'remap_pfn_range',
        'remap_vmalloc_range',
        'vmf_insert_page',
        'vmf_insert_pfn',
        'vm_insert_kmem_page',
        'bogus',
      ),
      at: num,
      page: ref,
      pages: fc.array(ref, { maxLength: 3 }),
      alloc: id,
      count: num,
      pgoff: fc.oneof(num, fc.constant('*')),
      convert: fc.constantFrom('vmf_error', 'busy_ok', 'x'),
      times: num,
      return: fc.constantFrom(0, 'VM_FAULT_NOPAGE', 'VM_FAULT_COMPLETED|VM_FAULT_OOM', 'VM_FAULT_WRITE', 'junk', 7),
      set_page: ref,
    },
    { requiredKeys: [] },
  );
  const step = fc.record(
    {
      op: fc.constantFrom(...OPS, 'bogus'),
      id,
      kind: fc.constantFrom('kmalloc', 'vmalloc', 'alloc_pages', '__get_free_pages', 'get_zeroed_page', 'slab'),
      size: num,
      order: num,
      comp: fc.boolean(),
      pages: num,
      prot: fc.subarray(['read', 'write', 'exec', 'none']),
      flags: fc.constantFrom('shared', 'private', 'x'),
      mmap: id,
      page: fc.oneof(num, ref),
      access: fc.constantFrom('read', 'write', 'exec'),
      driver: fc.record(
        {
          vm_flags_set: fc.subarray(['VM_IO', 'VM_PFNMAP', 'VM_MIXEDMAP', 'VM_X']),
          mmap: fc.array(call, { maxLength: 3 }),
          on_error: fc.constantFrom('return', 'continue', 'x'),
          fault: fc.oneof(fc.constant(null), fc.array(call, { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
      first: num,
      count: num,
      advice: fc.constantFrom('dontneed', 'free'),
      note: fc.oneof(fc.string(), fc.integer()),
    },
    { requiredKeys: ['op'] },
  );
  const scenario = fc.record(
    {
      ptlab: fc.constantFrom(1, 2),
      kernel: fc.constantFrom('4.19', 'seed-proposal', '5.2', '5.10', '6.1', '6.12', '9'),
      ram_mib: fc.constantFrom(64, 512, 1),
      steps: fc.array(step, { maxLength: 6 }),
      extra: fc.anything(),
    },
    { requiredKeys: ['steps'] },
  );

  it('never throws, and always says why it refuses', () => {
    fc.assert(
      fc.property(fc.oneof(scenario.map(json), fc.jsonValue().map(json), nearJson, fc.string()), (text) => {
        const r = parseScenario(text ?? 'undefined');
        if (!r.ok) {
          expect(r.message.length).toBeGreaterThan(0);
          expect(r.message).not.toContain('internal error');
          expect(r.message).not.toContain('    at ');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts what it produces from a valid scenario, unchanged by a second look', () => {
    for (const s of [remapVmalloc, faultOom, partialMunmap, everyCall]) {
      const a = parseScenario(json(s));
      const b = parseScenario(json(s));
      expect(a).toEqual(b);
    }
  });
});
