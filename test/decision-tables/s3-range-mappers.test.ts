// KERNEL-SEMANTICS.md §3 (range mappers), 6.1 column: vm_map_pages / vm_map_pages_zero §3.1,
// vm_insert_pages §3.2, remap_pfn_range §3.3, remap_vmalloc_range §3.4.
//
// Not expressible (no test):
// - §3.2 #3 walk_to_pmd / pte_alloc failures (-EFAULT / -ENOMEM): page-table allocation cannot fail.
// - §3.3 #0 unaligned addr (`at` is a page index), #2 track_pfn_remap failure (write-back RAM never
//   fails), #4 -ENOMEM, #6 -EACCES (pfn_modify_allowed refuses no RAM pfn), #8 the partial-failure
//   zap (no error can happen after progress: the only mid-walk outcome is the #5 BUG).
// - §3.3 #1b vm_pgoff = pfn for a COW mapping: vm_pgoff is not observable.
// - §3.4 #0 pgoff << PAGE_SHIFT overflow and #1 unaligned kaddr/uaddr; VM_DMA_COHERENT areas.
import { describe, expect, it } from 'vitest';
import {
  FREED,
  flags,
  free,
  info,
  kmalloc,
  madvise,
  mmap,
  mmapOk,
  mmapRet,
  munmap,
  NOT_PRESENT,
  oops,
  pageInfo,
  pages,
  present,
  priv,
  pte,
  RET0,
  rec,
  ref,
  remapPfn,
  remapVmalloc,
  run,
  SKIPPED_OOPS,
  shared,
  TOUCH_OK,
  touch,
  touched,
  vip,
  vips,
  vmalloc,
  vmallocUser,
} from './helpers.ts';

const MIXED = 'VM_MIXEDMAP';
const PFN_FLAGS = ['VM_IO', 'VM_PFNMAP', 'VM_DONTEXPAND', 'VM_DONTDUMP'];
const mapPages = (a: string) => ({ call: 'vm_map_pages', alloc: a });
const mapPagesZero = (a: string) => ({ call: 'vm_map_pages_zero', alloc: a });

describe('§3.1 vm_map_pages / vm_map_pages_zero', () => {
  it('§3.1 #1 vm_map_pages offset == num (pgoff 4 of 4 pages) → -ENXIO, nothing inserted', () => {
    const r = run([vmalloc('v', 4), mmap('m', 1, { pgoff: 4, calls: [mapPages('v')] }), info('v', 0)]);
    expect(r[1]).toEqual(mmapRet('-ENXIO', [rec('vm_map_pages', undefined, '-ENXIO')], shared()));
    expect(r[2]).toEqual(pageInfo(1, 0));
  });

  it('§3.1 #1 vm_map_pages offset > num (pgoff 9 of 4 pages) → -ENXIO', () => {
    const r = run([vmalloc('v', 4), mmap('m', 1, { pgoff: 9, calls: [mapPages('v')] })]);
    expect(r[1]).toEqual(mmapRet('-ENXIO', [rec('vm_map_pages', undefined, '-ENXIO')], shared()));
  });

  it('§3.1 #2 vm_map_pages count > num - offset (5-page VMA, 4 pages) → -ENXIO', () => {
    const r = run([vmalloc('v', 4), mmap('m', 5, { calls: [mapPages('v')] })]);
    expect(r[1]).toEqual(mmapRet('-ENXIO', [rec('vm_map_pages', undefined, '-ENXIO')], shared()));
  });

  it('§3.1 #2 vm_map_pages count > num - offset (pgoff 2, 3-page VMA, 4 pages) → -ENXIO', () => {
    const r = run([vmalloc('v', 4), mmap('m', 3, { pgoff: 2, calls: [mapPages('v')] }), info('v', 2)]);
    expect(r[1]).toEqual(mmapRet('-ENXIO', [rec('vm_map_pages', undefined, '-ENXIO')], shared()));
    expect(r[2]).toEqual(pageInfo(1, 0));
  });

  it('§3.1 #2 vm_map_pages with an empty page list (num 0) → -ENXIO', () => {
    const r = run([mmap('m', 1, { calls: [{ call: 'vm_map_pages', pages: [] }] })]);
    expect(r[0]).toEqual(mmapRet('-ENXIO', [rec('vm_map_pages', undefined, '-ENXIO')], shared()));
  });

  it('§3.1 #4 vm_map_pages of exactly the rest: pgoff 3, 1-page VMA → page 3 mapped', () => {
    const r = run([vmalloc('v', 4), mmap('m', 1, { pgoff: 3, calls: [mapPages('v')] }), pte('m', 0)]);
    expect(r[1]).toEqual(mmapOk([rec('vm_map_pages', undefined, 0)], shared(MIXED)));
    expect(r[2]).toEqual(present(ref('v', 3), true));
  });

  it('§3.1 a VMA smaller than the object maps only count pages and returns 0', () => {
    const r = run([
      vmalloc('v', 4),
      mmap('m', 2, { calls: [mapPages('v')] }),
      pte('m', 0),
      pte('m', 1),
      info('v', 1),
      info('v', 2),
      pte('m', 2),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_map_pages', undefined, 0)], shared(MIXED)));
    expect(r[2]).toEqual(present(ref('v', 0), true));
    expect(r[3]).toEqual(present(ref('v', 1), true));
    expect(r[4]).toEqual(pageInfo(2, 1));
    expect(r[5]).toEqual(pageInfo(1, 0));
    expect(r[6]).toEqual(NOT_PRESENT);
  });

  it('§3.1 vm_map_pages starts at vm_pgoff: pgoff 1, 2-page VMA → pages 1 and 2', () => {
    const r = run([vmalloc('v', 4), mmap('m', 2, { pgoff: 1, calls: [mapPages('v')] }), pte('m', 0), pte('m', 1)]);
    expect(r[2]).toEqual(present(ref('v', 1), true));
    expect(r[3]).toEqual(present(ref('v', 2), true));
  });

  it('§3.1 vm_map_pages_zero ignores vm_pgoff: pgoff 2 → pages 0 and 1', () => {
    const r = run([
      vmalloc('v', 4),
      mmap('m', 2, { pgoff: 2, calls: [mapPagesZero('v')] }),
      pte('m', 0),
      pte('m', 1),
      info('v', 2),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_map_pages_zero', undefined, 0)], shared(MIXED)));
    expect(r[2]).toEqual(present(ref('v', 0), true));
    expect(r[3]).toEqual(present(ref('v', 1), true));
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§3.1 vm_map_pages_zero with a pgoff past the object (where vm_map_pages gives -ENXIO) → 0', () => {
    const r = run([vmalloc('v', 4), mmap('m', 1, { pgoff: 7, calls: [mapPagesZero('v')] }), pte('m', 0)]);
    expect(r[1]).toEqual(mmapOk([rec('vm_map_pages_zero', undefined, 0)], shared(MIXED)));
    expect(r[2]).toEqual(present(ref('v', 0), true));
  });

  it('§3.1 #2 vm_map_pages_zero of a VMA larger than the object → -ENXIO', () => {
    const r = run([vmalloc('v', 2), mmap('m', 3, { calls: [mapPagesZero('v')] })]);
    expect(r[1]).toEqual(mmapRet('-ENXIO', [rec('vm_map_pages_zero', undefined, '-ENXIO')], shared()));
  });

  it('§3.1 a `pages` list is mapped in list order', () => {
    const r = run([
      vmalloc('v', 4),
      mmap('m', 2, { calls: [{ call: 'vm_map_pages', pages: [ref('v', 3), ref('v', 0)] }] }),
      pte('m', 0),
      pte('m', 1),
    ]);
    expect(r[2]).toEqual(present(ref('v', 3), true));
    expect(r[3]).toEqual(present(ref('v', 0), true));
  });

  const slabInMiddle = (onError: 'return' | 'continue') => [
    vmalloc('v', 2),
    kmalloc('k', 64),
    mmap('m', 3, {
      calls: [{ call: 'vm_map_pages', pages: [ref('v', 0), ref('k'), ref('v', 1)] }],
      onError,
    }),
    pte('m', 0),
    pte('m', 1),
    pte('m', 2),
    info('v', 0),
    info('v', 1),
  ];

  it('§3.1 #3 first error stops the loop; earlier pages stay mapped (on_error "continue")', () => {
    const r = run(slabInMiddle('continue'));
    expect(r[2]).toEqual(mmapOk([rec('vm_map_pages', undefined, '-EINVAL')], shared(MIXED)));
    expect(r[3]).toEqual(present(ref('v', 0), true));
    expect(r[4]).toEqual(NOT_PRESENT);
    expect(r[5]).toEqual(NOT_PRESENT);
    expect(r[6]).toEqual(pageInfo(2, 1));
    expect(r[7]).toEqual(pageInfo(1, 0));
  });

  it('§3.1 #3 the handler returning the error tears the VMA down: the earlier page is unmapped again', () => {
    const r = run(slabInMiddle('return'));
    expect(r[2]).toEqual(mmapRet('-EINVAL', [rec('vm_map_pages', undefined, '-EINVAL')], shared(MIXED)));
    expect(r[3]).toEqual(NOT_PRESENT);
    expect(r[6]).toEqual(pageInfo(1, 0));
    expect(r[7]).toEqual(pageInfo(1, 0));
  });
});

describe('§3.1 vm_map_pages from a fault handler (convert)', () => {
  const faultMap = (convert: 'busy_ok' | 'vmf_error') =>
    mmap('m', 2, { set: [MIXED], fault: [{ pgoff: '*', call: 'vm_map_pages', alloc: 'v', convert }] });

  it('§3.1 uaddr = vm_start: a fault on page 1 maps the whole VMA from page 0', () => {
    const r = run([vmalloc('v', 2), faultMap('busy_ok'), touch('m', 1), pte('m', 0), pte('m', 1), touch('m', 0)]);
    expect(r[2]).toEqual(
      touched(null, null, [{ pgoff: 1, ret: 'VM_FAULT_NOPAGE', calls: [{ call: 'vm_map_pages', ret: 0 }] }]),
    );
    expect(r[3]).toEqual(present(ref('v', 0), true));
    expect(r[4]).toEqual(present(ref('v', 1), true));
    expect(r[5]).toEqual(TOUCH_OK);
  });

  it('§3.1 #3 the first error returns at once: page 0 already present → -EBUSY, page 1 never mapped → LOOP', () => {
    const r = run([
      vmalloc('v', 2),
      faultMap('busy_ok'),
      touch('m', 1),
      madvise('m', 1, 1),
      touch('m', 1),
      pte('m', 1),
    ]);
    expect(r[3]).toEqual(RET0);
    expect(r[4]).toEqual(
      touched(
        'LOOP',
        null,
        Array.from({ length: 16 }, () => ({
          pgoff: 1,
          ret: 'VM_FAULT_NOPAGE',
          calls: [{ call: 'vm_map_pages', ret: '-EBUSY' }],
        })),
      ),
    );
    expect(r[5]).toEqual(NOT_PRESENT);
  });

  it('§3.1 from a fault handler without VM_MIXEDMAP the per-page vm_insert_page BUGs', () => {
    const r = run([
      vmalloc('v', 1),
      mmap('m', 1, { fault: [{ pgoff: '*', call: 'vm_map_pages', alloc: 'v', convert: 'vmf_error' }] }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(oops('mmap_read_trylock(vma->vm_mm)'));
  });
});

describe('§3.2 vm_insert_pages', () => {
  it('§3.2 #1 range running past vm_end → -EFAULT, remaining = count, nothing mapped, no VM_MIXEDMAP', () => {
    const r = run([
      vmalloc('v', 3),
      mmap('m', 4, { calls: [vips(2, [ref('v', 0), ref('v', 1), ref('v', 2)])], onError: 'continue' }),
      pte('m', 2),
      pte('m', 3),
      info('v', 0),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_pages', 2, '-EFAULT', { remaining: 3 })], shared()));
    expect(r[2]).toEqual(NOT_PRESENT);
    expect(r[3]).toEqual(NOT_PRESENT);
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§3.2 #1 range starting below vm_start → -EFAULT, remaining unchanged', () => {
    const r = run([vmalloc('v', 2), mmap('m', 4, { calls: [vips(-1, [ref('v', 0), ref('v', 1)])] })]);
    expect(r[1]).toEqual(mmapRet('-EFAULT', [rec('vm_insert_pages', -1, '-EFAULT', { remaining: 2 })], shared()));
  });

  it('§3.2 #4 a refcount-0 page in the middle → -EINVAL, remaining = pages not mapped incl. the failing one', () => {
    const r = run([
      vmalloc('v', 4),
      pages('p', 1),
      mmap('m', 5, {
        calls: [vips(0, [ref('v', 0), ref('v', 1), ref('p', 1), ref('v', 2), ref('v', 3)])],
        onError: 'continue',
      }),
      pte('m', 0),
      pte('m', 1),
      pte('m', 2),
      pte('m', 3),
      info('v', 1),
      info('v', 2),
    ]);
    expect(r[2]).toEqual(mmapOk([rec('vm_insert_pages', 0, '-EINVAL', { remaining: 3 })], shared(MIXED)));
    expect(r[3]).toEqual(present(ref('v', 0), true));
    expect(r[4]).toEqual(present(ref('v', 1), true));
    expect(r[5]).toEqual(NOT_PRESENT);
    expect(r[6]).toEqual(NOT_PRESENT);
    expect(r[7]).toEqual(pageInfo(2, 1));
    expect(r[8]).toEqual(pageInfo(1, 0));
  });

  it('§3.2 #4 a slab page in the middle → -EINVAL (4th of 10 fails ⇒ remaining 7)', () => {
    const refs = [0, 1, 2, -1, 3, 4, 5, 6, 7, 8].map((i) => (i < 0 ? ref('k') : ref('v', i)));
    const r = run([vmalloc('v', 9), kmalloc('k', 128), mmap('m', 10, { calls: [vips(0, refs)] }), info('v', 0)]);
    expect(r[2]).toEqual(mmapRet('-EINVAL', [rec('vm_insert_pages', 0, '-EINVAL', { remaining: 7 })], shared(MIXED)));
    // The handler returned the error: the VMA is gone and the three inserted pages are unmapped.
    expect(r[3]).toEqual(pageInfo(1, 0));
  });

  it('§3.2 #4 a present PTE in the range → -EBUSY, the PTE untouched', () => {
    const r = run([
      vmalloc('v', 3),
      pages('q'),
      mmap('m', 3, {
        calls: [vip(1, ref('q')), vips(0, [ref('v', 0), ref('v', 1), ref('v', 2)])],
        onError: 'continue',
      }),
      pte('m', 0),
      pte('m', 1),
      pte('m', 2),
    ]);
    expect(r[2]).toEqual(
      mmapOk([rec('vm_insert_page', 1, 0), rec('vm_insert_pages', 0, '-EBUSY', { remaining: 2 })], shared(MIXED)),
    );
    expect(r[3]).toEqual(present(ref('v', 0), true));
    expect(r[4]).toEqual(present(ref('q'), true));
    expect(r[5]).toEqual(NOT_PRESENT);
  });

  it('§3.2 #4 batches per PMD: 600 pages (crossing a 2 MiB boundary), a slab page at index 550 → remaining 50', () => {
    const refs = Array.from({ length: 600 }, (_, i) => (i === 550 ? ref('k') : ref('v', i)));
    const r = run([
      vmalloc('v', 600),
      kmalloc('k', 64),
      mmap('m', 600, { calls: [vips(0, refs)], onError: 'continue' }),
      pte('m', 549),
      pte('m', 550),
      pte('m', 551),
      info('v', 549),
    ]);
    expect(r[2]).toEqual(mmapOk([rec('vm_insert_pages', 0, '-EINVAL', { remaining: 50 })], shared(MIXED)));
    expect(r[3]).toEqual(present(ref('v', 549), true));
    expect(r[4]).toEqual(NOT_PRESENT);
    expect(r[5]).toEqual(NOT_PRESENT);
    expect(r[6]).toEqual(pageInfo(2, 1));
  });

  it('§3.2 #5 600 pages across a PMD boundary → 0, remaining 0', () => {
    const refs = Array.from({ length: 600 }, (_, i) => ref('v', i));
    const r = run([vmalloc('v', 600), mmap('m', 600, { calls: [vips(0, refs)] }), pte('m', 599), pte('m', 300)]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_pages', 0, 0, { remaining: 0 })], shared(MIXED)));
    expect(r[2]).toEqual(present(ref('v', 599), true));
    expect(r[3]).toEqual(present(ref('v', 300), true));
  });

  it('§3.2 #5 success → 0, remaining 0, each page refcounted and mapped', () => {
    const r = run([
      vmalloc('v', 3),
      mmap('m', 4, { calls: [vips(1, [ref('v', 0), ref('v', 1), ref('v', 2)])] }),
      pte('m', 0),
      pte('m', 1),
      pte('m', 3),
      info('v', 2),
      munmap('m'),
      info('v', 2),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_pages', 1, 0, { remaining: 0 })], shared(MIXED)));
    expect(r[2]).toEqual(NOT_PRESENT);
    expect(r[3]).toEqual(present(ref('v', 0), true));
    expect(r[4]).toEqual(present(ref('v', 2), true));
    expect(r[5]).toEqual(pageInfo(2, 1));
    expect(r[7]).toEqual(pageInfo(1, 0));
  });

  it('§3.2 #2 VM_PFNMAP without VM_MIXEDMAP → BUG_ON(vma->vm_flags & VM_PFNMAP)', () => {
    const r = run([vmalloc('v', 1), mmap('m', 1, { set: ['VM_PFNMAP'], calls: [vips(0, [ref('v')])] }), info('v')]);
    expect(r[1]).toEqual(oops('vma->vm_flags & VM_PFNMAP'));
    expect(r[2]).toEqual(SKIPPED_OOPS);
  });

  it('§3.2 #2 from a fault handler without VM_MIXEDMAP → BUG_ON(mmap_read_trylock)', () => {
    const r = run([
      vmalloc('v', 1),
      mmap('m', 1, { fault: [{ pgoff: '*', call: 'vm_insert_pages', pages: [ref('v')], convert: 'busy_ok' }] }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(oops('mmap_read_trylock(vma->vm_mm)'));
  });

  it('§3.2 #1 before #2: from a fault handler without VM_MIXEDMAP, a range past vm_end is -EFAULT, no BUG', () => {
    const r = run([
      vmalloc('v', 2),
      mmap('m', 1, {
        fault: [{ pgoff: '*', call: 'vm_insert_pages', pages: [ref('v', 0), ref('v', 1)], convert: 'busy_ok' }],
      }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(
      touched('SIGBUS', 'BUS_ADRERR', [
        { pgoff: 0, ret: 'VM_FAULT_SIGBUS', calls: [{ call: 'vm_insert_pages', ret: '-EFAULT', remaining: 2 }] },
      ]),
    );
  });
});

describe('§3.3 remap_pfn_range', () => {
  it('§3.3 #1 COW mapping, range not the whole VMA → -EINVAL, no flags set', () => {
    const r = run([pages('p', 2), mmap('m', 4, { flags: 'private', calls: [remapPfn(0, ref('p'), 2)] })]);
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('remap_pfn_range', 0, '-EINVAL')], priv()));
  });

  it('§3.3 #1 COW mapping, range ending at vm_end but starting past vm_start → -EINVAL', () => {
    const r = run([
      pages('p', 2),
      mmap('m', 4, { flags: 'private', calls: [remapPfn(1, ref('p'), 3)], onError: 'continue' }),
      pte('m', 1),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('remap_pfn_range', 1, '-EINVAL')], priv()));
    expect(r[2]).toEqual(NOT_PRESENT);
  });

  it('§3.3 #1 COW mapping covering exactly [vm_start, vm_end) → 0, read-only special PTEs', () => {
    const r = run([
      pages('p', 1),
      mmap('m', 2, { flags: 'private', calls: [remapPfn(0, ref('p'), 2)] }),
      pte('m', 0),
      pte('m', 1),
      info('p', 0),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('remap_pfn_range', 0, 0)], priv(...PFN_FLAGS)));
    expect(r[2]).toEqual(present(ref('p', 0), false));
    expect(r[3]).toEqual(present(ref('p', 1), false));
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§3.3 #3 #7 shared: VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP, special PTEs, no refcount or mapcount', () => {
    const r = run([
      pages('p', 2),
      mmap('m', 4, { calls: [remapPfn(0, ref('p'), 4)] }),
      info('p', 0),
      info('p', 1),
      pte('m', 0),
      pte('m', 3),
      touch('m', 2, 'write'),
      munmap('m'),
      info('p', 0),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('remap_pfn_range', 0, 0)], shared(...PFN_FLAGS)));
    expect(r[2]).toEqual(pageInfo(1, 0));
    expect(r[3]).toEqual(pageInfo(0, 0));
    expect(r[4]).toEqual(present(ref('p', 0), true));
    expect(r[5]).toEqual(present(ref('p', 3), true));
    expect(r[6]).toEqual(TOUCH_OK);
    expect(r[7]).toEqual(RET0);
    expect(r[8]).toEqual(pageInfo(1, 0));
  });

  it('§3.3 #3 a partial range of a shared mapping is fine: the rest of the VMA stays unpopulated', () => {
    const r = run([
      pages('p'),
      mmap('m', 3, { calls: [remapPfn(1, ref('p'), 1)] }),
      pte('m', 0),
      pte('m', 1),
      touch('m', 0),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('remap_pfn_range', 1, 0)], shared(...PFN_FLAGS)));
    expect(r[2]).toEqual(NOT_PRESENT);
    expect(r[3]).toEqual(present(ref('p'), true));
    expect(r[4]).toEqual(touched('SIGBUS', 'BUS_ADRERR'));
  });

  it('§3.3 #5 a PTE already present in the range → BUG_ON(!pte_none(*pte))', () => {
    const r = run([
      pages('p', 1),
      mmap('m', 2, { calls: [remapPfn(1, ref('p', 1), 1), remapPfn(0, ref('p'), 2)] }),
      info('p'),
    ]);
    expect(r[1]).toEqual(oops('!pte_none(*pte)'));
    expect(r[2]).toEqual(SKIPPED_OOPS);
  });

  it('§3.3 #5 a vm_insert_page PTE in the range → BUG_ON(!pte_none(*pte))', () => {
    const r = run([pages('p', 1), pages('q'), mmap('m', 2, { calls: [vip(0, ref('q')), remapPfn(0, ref('p'), 2)] })]);
    expect(r[2]).toEqual(oops('!pte_none(*pte)'));
  });

  it('§3.3 a shared mapping’s range is not checked: PTEs past vm_end exist and a touch there succeeds', () => {
    const r = run([
      pages('p', 2),
      mmap('m', 2, { calls: [remapPfn(0, ref('p'), 4)] }),
      pte('m', 2),
      pte('m', 3),
      touch('m', 3),
      touch('m', 2, 'write'),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('remap_pfn_range', 0, 0)], shared(...PFN_FLAGS)));
    expect(r[2]).toEqual(present(ref('p', 2), true));
    expect(r[3]).toEqual(present(ref('p', 3), true));
    expect(r[4]).toEqual(TOUCH_OK);
    expect(r[5]).toEqual(TOUCH_OK);
  });

  it('§3.3 a shared mapping’s range is not checked below vm_start either', () => {
    const r = run([pages('p', 1), mmap('m', 1, { calls: [remapPfn(-1, ref('p'), 2)] }), pte('m', -1), pte('m', 0)]);
    expect(r[1]).toEqual(mmapOk([rec('remap_pfn_range', -1, 0)], shared(...PFN_FLAGS)));
    expect(r[2]).toEqual(present(ref('p', 0), true));
    expect(r[3]).toEqual(present(ref('p', 1), true));
  });

  it('§3.3 remap_pfn_range from a fault handler (count 1, at the faulting address): special PTE, no refcount', () => {
    const r = run([
      pages('p', 1, true),
      mmap('m', 2, { fault: [{ pgoff: 1, call: 'remap_pfn_range', page: ref('p', 1), convert: 'busy_ok' }] }),
      touch('m', 1, 'write'),
      pte('m', 0),
      pte('m', 1),
      info('p', 1),
    ]);
    expect(r[2]).toEqual(
      touched(null, null, [{ pgoff: 1, ret: 'VM_FAULT_NOPAGE', calls: [{ call: 'remap_pfn_range', ret: 0 }] }]),
    );
    expect(r[3]).toEqual(NOT_PRESENT);
    expect(r[4]).toEqual(present(ref('p', 1), true));
    expect(r[5]).toEqual(pageInfo(1, 0, ['compound', 'tail']));
  });

  it('§3.3 PTE protection from vm_page_prot: shared PROT_READ gives read-only PTEs; a write is SEGV_ACCERR', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { prot: ['read'], calls: [remapPfn(0, ref('p'), 1)] }),
      pte('m', 0),
      touch('m', 0, 'write'),
    ]);
    expect(r[1]).toEqual(
      mmapOk(
        [rec('remap_pfn_range', 0, 0)],
        flags('VM_READ', 'VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE', ...PFN_FLAGS),
      ),
    );
    expect(r[2]).toEqual(present(ref('p'), false));
    expect(r[3]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
  });
});

describe('§3.4 remap_vmalloc_range', () => {
  it.each(['vmalloc', 'vzalloc'])('§3.4 #3 %s area without VM_USERMAP → -EINVAL, nothing set', (kind) => {
    const r = run([
      { op: 'alloc', id: 'v', kind, size: 8192 },
      mmap('m', 2, { calls: [remapVmalloc('v')] }),
      info('v', 0),
    ]);
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('remap_vmalloc_range', undefined, '-EINVAL')], shared()));
    expect(r[2]).toEqual(pageInfo(1, 0));
  });

  it('§3.4 #5 #6 vmalloc_user → 0, VM_MIXEDMAP (per-page vm_insert_page) | VM_DONTEXPAND | VM_DONTDUMP', () => {
    const r = run([
      vmallocUser('u', 2),
      mmap('m', 2, { calls: [remapVmalloc('u')] }),
      pte('m', 0),
      pte('m', 1),
      info('u', 1),
      touch('m', 1, 'write'),
      munmap('m'),
      info('u', 1),
    ]);
    expect(r[1]).toEqual(
      mmapOk([rec('remap_vmalloc_range', undefined, 0)], shared(MIXED, 'VM_DONTEXPAND', 'VM_DONTDUMP')),
    );
    expect(r[2]).toEqual(present(ref('u', 0), true));
    expect(r[3]).toEqual(present(ref('u', 1), true));
    expect(r[4]).toEqual(pageInfo(2, 1));
    expect(r[5]).toEqual(TOUCH_OK);
    expect(r[7]).toEqual(pageInfo(1, 0));
  });

  it('§3.4 #4 one page longer than the area (the guard page) → -EINVAL on 6.1, nothing inserted', () => {
    const r = run([vmallocUser('u', 2), mmap('m', 3, { calls: [remapVmalloc('u')] }), info('u', 0)]);
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('remap_vmalloc_range', undefined, '-EINVAL')], shared()));
    expect(r[2]).toEqual(pageInfo(1, 0));
  });

  it('§3.4 a VMA shorter than the area maps the first pages → 0', () => {
    const r = run([vmallocUser('u', 3), mmap('m', 1, { calls: [remapVmalloc('u')] }), pte('m', 0), info('u', 1)]);
    expect(r[1]).toEqual(
      mmapOk([rec('remap_vmalloc_range', undefined, 0)], shared(MIXED, 'VM_DONTEXPAND', 'VM_DONTDUMP')),
    );
    expect(r[2]).toEqual(present(ref('u', 0), true));
    expect(r[3]).toEqual(pageInfo(1, 0));
  });

  it('§3.4 sig pgoff: pgoff 2 of a 4-page area into a 2-page VMA → pages 2 and 3', () => {
    const r = run([vmallocUser('u', 4), mmap('m', 2, { calls: [remapVmalloc('u', 2)] }), pte('m', 0), pte('m', 1)]);
    expect(r[1]).toEqual(
      mmapOk([rec('remap_vmalloc_range', undefined, 0)], shared(MIXED, 'VM_DONTEXPAND', 'VM_DONTDUMP')),
    );
    expect(r[2]).toEqual(present(ref('u', 2), true));
    expect(r[3]).toEqual(present(ref('u', 3), true));
  });

  it('§3.4 #4 pgoff 3 of a 4-page area into a 2-page VMA (size + off > area) → -EINVAL', () => {
    const r = run([vmallocUser('u', 4), mmap('m', 2, { calls: [remapVmalloc('u', 3)] })]);
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('remap_vmalloc_range', undefined, '-EINVAL')], shared()));
  });

  it('§3.4 sig the offset is the call’s pgoff argument, not the mmap offset', () => {
    const r = run([vmallocUser('u', 4), mmap('m', 1, { pgoff: 2, calls: [remapVmalloc('u')] }), pte('m', 0)]);
    expect(r[2]).toEqual(present(ref('u', 0), true));
  });

  it.each([
    ['kmalloc(4096)', { kind: 'kmalloc', size: 4096 }],
    ['kmalloc(16384)', { kind: 'kmalloc', size: 16384 }],
    ['alloc_pages', { kind: 'alloc_pages', order: 0 }],
    ['get_zeroed_page', { kind: 'get_zeroed_page' }],
  ])('§3.4 #2 a %s address is no vmalloc area → -EINVAL', (_name, fields) => {
    const r = run([{ op: 'alloc', id: 'a', ...fields }, mmap('m', 1, { calls: [remapVmalloc('a')] })]);
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('remap_vmalloc_range', undefined, '-EINVAL')], shared()));
  });

  it('§3.4 #2 a NULL allocation (vmalloc_user too large) → the call is made and answers -EINVAL', () => {
    const r = run([
      { op: 'alloc', id: 'u', kind: 'vmalloc_user', size: 2 ** 31 },
      mmap('m', 1, { calls: [remapVmalloc('u')] }),
    ]);
    expect(r[0]).toEqual({ ret: 'NULL' });
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('remap_vmalloc_range', undefined, '-EINVAL')], shared()));
  });

  it('§3.4 #2 a vfree’d vmalloc_user area is gone → -EINVAL', () => {
    const r = run([vmallocUser('u', 1), free('u'), info('u'), mmap('m', 1, { calls: [remapVmalloc('u')] })]);
    expect(r[2]).toEqual(FREED);
    expect(r[3]).toEqual(mmapRet('-EINVAL', [rec('remap_vmalloc_range', undefined, '-EINVAL')], shared()));
  });

  it('§3.4 remap_vmalloc_range from a fault handler maps from offset 0 over the whole VMA (VM_MIXEDMAP pre-set)', () => {
    const r = run([
      vmallocUser('u', 2),
      mmap('m', 2, {
        set: [MIXED],
        fault: [{ pgoff: '*', call: 'remap_vmalloc_range', alloc: 'u', convert: 'vmf_error' }],
      }),
      touch('m', 1),
      pte('m', 0),
      pte('m', 1),
    ]);
    expect(r[2]).toEqual(
      touched(null, null, [{ pgoff: 1, ret: 'VM_FAULT_NOPAGE', calls: [{ call: 'remap_vmalloc_range', ret: 0 }] }]),
    );
    expect(r[3]).toEqual(present(ref('u', 0), true));
    expect(r[4]).toEqual(present(ref('u', 1), true));
  });

  it('§3.4 #5 the per-page vm_insert_page BUGs on a VM_PFNMAP VMA', () => {
    const r = run([vmallocUser('u', 1), mmap('m', 1, { set: ['VM_PFNMAP'], calls: [remapVmalloc('u')] })]);
    expect(r[1]).toEqual(oops('vma->vm_flags & VM_PFNMAP'));
  });
});
