// KERNEL-SEMANTICS.md §2 (the vmf_* family), 6.1 column: the errno → vm_fault_t tables of §2.2
// (vmf_insert_page, vmf_error, and the format's busy_ok), vmf_insert_pfn §2.3, vmf_insert_mixed §2.4.
//
// Not expressible (no test):
// - -ENOMEM → VM_FAULT_OOM (§2.2): page-table allocation cannot fail in the format.
// - §2.3 rows 5–9 and §2.4 rows 2–3, 5: a fault-rule call acts at the faulting address, which is
//   inside the VMA and never present yet; pfn_modify_allowed() only refuses high non-RAM pfns, and
//   every PageRef is RAM. (vmf_insert_pfn / vmf_insert_mixed are not allowed in driver.mmap.)
// - §2.1 existence by version (a 6.1-only suite), vmf_insert_*_prot and _mkwrite (no such calls).
import { describe, expect, it } from 'vitest';
import {
  conv,
  fault,
  flags,
  frec,
  info,
  kmalloc,
  mmap,
  mmapOk,
  munmap,
  NOT_PRESENT,
  oops,
  pageInfo,
  pages,
  present,
  pte,
  rec,
  ref,
  run,
  SKIPPED_OOPS,
  shared,
  TOUCH_OK,
  touch,
  touched,
  vmalloc,
  vmf,
  vmfip,
} from './helpers.ts';

const MIXED = 'VM_MIXEDMAP';
const NOPAGE = 'VM_FAULT_NOPAGE';
const SIGBUS = 'VM_FAULT_SIGBUS';

describe('§2.2 vmf_insert_page: errno → vm_fault_t', () => {
  it('§2.2 vmf_insert_page 0 → VM_FAULT_NOPAGE: the access succeeds, refcounted PTE', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: [MIXED], fault: [{ pgoff: 0, ...vmf('vmf_insert_page', ref('p')) }] }),
      touch('m', 0),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vmf_insert_page', NOPAGE)])]));
    expect(r[3]).toEqual(TOUCH_OK);
    expect(r[4]).toEqual(present(ref('p'), true));
    expect(r[5]).toEqual(pageInfo(2, 1));
  });

  it('§2.2 vmf_insert_page -EBUSY → VM_FAULT_NOPAGE (in f_op->mmap by mistake, on_error continue)', () => {
    const r = run([
      pages('p'),
      pages('q'),
      mmap('m', 1, { calls: [vmfip(0, ref('p')), vmfip(0, ref('q'))], onError: 'continue' }),
      pte('m', 0),
      info('q'),
    ]);
    expect(r[2]).toEqual(mmapOk([rec('vmf_insert_page', 0, NOPAGE), rec('vmf_insert_page', 0, NOPAGE)], shared(MIXED)));
    expect(r[3]).toEqual(present(ref('p'), true));
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§2.2 vmf_insert_page -EFAULT → VM_FAULT_SIGBUS (address outside the VMA, in f_op->mmap)', () => {
    const r = run([pages('p'), mmap('m', 1, { calls: [vmfip(-1, ref('p'))], onError: 'continue' })]);
    expect(r[1]).toEqual(mmapOk([rec('vmf_insert_page', -1, SIGBUS)], shared()));
  });

  it('§2.2 vmf_insert_page -EINVAL (slab page) → VM_FAULT_SIGBUS → SIGBUS/BUS_ADRERR', () => {
    const r = run([
      kmalloc('k', 4096),
      mmap('m', 1, { set: [MIXED], fault: [{ pgoff: 0, ...vmf('vmf_insert_page', ref('k')) }] }),
      touch('m', 0),
      pte('m', 0),
    ]);
    expect(r[2]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(0, SIGBUS, [frec('vmf_insert_page', SIGBUS)])]));
    expect(r[3]).toEqual(NOT_PRESENT);
  });

  it('§2.2 vmf_insert_page -EINVAL (refcount-0 tail page) → VM_FAULT_SIGBUS', () => {
    const r = run([
      pages('p', 1),
      mmap('m', 1, { set: [MIXED], fault: [{ pgoff: 0, ...vmf('vmf_insert_page', ref('p', 1)) }] }),
      touch('m', 0, 'write'),
    ]);
    expect(r[2]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(0, SIGBUS, [frec('vmf_insert_page', SIGBUS)])]));
  });
});

describe('§2.2 vmf_error vs busy_ok (convert of an errno call in a fault rule)', () => {
  it('§2.2 vmf_error: 0 → VM_FAULT_NOPAGE (the format’s convert), -EINVAL → VM_FAULT_SIGBUS', () => {
    const r = run([
      pages('p'),
      kmalloc('k', 64),
      mmap('m', 2, {
        set: [MIXED],
        fault: [
          { pgoff: 0, ...conv(vmf('vm_insert_page', ref('p')), 'vmf_error') },
          { pgoff: 1, ...conv(vmf('vm_insert_page', ref('k')), 'vmf_error') },
        ],
      }),
      touch('m', 0),
      touch('m', 1),
    ]);
    expect(r[3]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vm_insert_page', 0)])]));
    expect(r[4]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(1, SIGBUS, [frec('vm_insert_page', '-EINVAL')])]));
  });

  it('§2.2 busy_ok: 0 → VM_FAULT_NOPAGE, -EINVAL → VM_FAULT_SIGBUS', () => {
    const r = run([
      pages('p'),
      kmalloc('k', 64),
      mmap('m', 2, {
        set: [MIXED],
        fault: [
          { pgoff: 0, ...conv(vmf('vm_insert_page', ref('p')), 'busy_ok') },
          { pgoff: 1, ...conv(vmf('vm_insert_page', ref('k')), 'busy_ok') },
        ],
      }),
      touch('m', 0),
      touch('m', 1),
    ]);
    expect(r[3]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vm_insert_page', 0)])]));
    expect(r[4]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(1, SIGBUS, [frec('vm_insert_page', '-EINVAL')])]));
  });

  // -EBUSY in a fault handler: vm_insert_pages at the faulting page 0 also covers page 1, which an
  // earlier fault already mapped. Page 0 is mapped, then page 1 fails with -EBUSY (remaining 1).
  const busyScenario = (convert: 'vmf_error' | 'busy_ok') => [
    vmalloc('v', 2),
    pages('q'),
    mmap('m', 2, {
      set: [MIXED],
      fault: [
        { pgoff: 1, ...vmf('vmf_insert_page', ref('q')) },
        { pgoff: 0, ...conv({ call: 'vm_insert_pages', pages: [ref('v', 0), ref('v', 1)] }, convert) },
      ],
    }),
    touch('m', 1),
    touch('m', 0),
    pte('m', 0),
    pte('m', 1),
  ];

  it('§2.2 busy_ok: -EBUSY → VM_FAULT_NOPAGE, the access succeeds', () => {
    const r = run(busyScenario('busy_ok'));
    expect(r[3]).toEqual(touched(null, null, [fault(1, NOPAGE, [frec('vmf_insert_page', NOPAGE)])]));
    expect(r[4]).toEqual(
      touched(null, null, [fault(0, NOPAGE, [frec('vm_insert_pages', '-EBUSY', { remaining: 1 })])]),
    );
    expect(r[5]).toEqual(present(ref('v', 0), true));
    expect(r[6]).toEqual(present(ref('q'), true));
  });

  it('§2.2 vmf_error: -EBUSY → VM_FAULT_SIGBUS (vmf_error is for error paths only), though page 0 got mapped', () => {
    const r = run(busyScenario('vmf_error'));
    expect(r[4]).toEqual(
      touched('SIGBUS', 'BUS_ADRERR', [fault(0, SIGBUS, [frec('vm_insert_pages', '-EBUSY', { remaining: 1 })])]),
    );
    expect(r[5]).toEqual(present(ref('v', 0), true));
    expect(r[6]).toEqual(present(ref('q'), true));
  });

  it('§2.2 vmf_error: -EFAULT (vm_insert_pages running past vm_end from the last page) → VM_FAULT_SIGBUS', () => {
    const r = run([
      vmalloc('v', 2),
      mmap('m', 2, {
        set: [MIXED],
        fault: [{ pgoff: '*', ...conv({ call: 'vm_insert_pages', pages: [ref('v', 0), ref('v', 1)] }, 'vmf_error') }],
      }),
      touch('m', 1),
      pte('m', 1),
    ]);
    expect(r[2]).toEqual(
      touched('SIGBUS', 'BUS_ADRERR', [fault(1, SIGBUS, [frec('vm_insert_pages', '-EFAULT', { remaining: 2 })])]),
    );
    expect(r[3]).toEqual(NOT_PRESENT);
  });
});

describe('§2.3 vmf_insert_pfn', () => {
  it('§2.3 #10 VM_PFNMAP: special PTE, VM_FAULT_NOPAGE, no page reference, no mapcount', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: ['VM_PFNMAP'], fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p')) }] }),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
      touch('m', 0),
      munmap('m'),
      info('p'),
    ]);
    expect(r[1]).toEqual(mmapOk([], shared('VM_PFNMAP')));
    expect(r[2]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vmf_insert_pfn', NOPAGE)])]));
    expect(r[3]).toEqual(present(ref('p'), true));
    expect(r[4]).toEqual(pageInfo(1, 0));
    expect(r[5]).toEqual(TOUCH_OK);
    expect(r[7]).toEqual(pageInfo(1, 0));
  });

  it('§2.3 no refcount check: a refcount-0 tail page maps, and stays at refcount 0', () => {
    const r = run([
      pages('p', 1),
      mmap('m', 1, { set: ['VM_PFNMAP'], fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p', 1)) }] }),
      touch('m', 0),
      pte('m', 0),
      info('p', 1),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vmf_insert_pfn', NOPAGE)])]));
    expect(r[3]).toEqual(present(ref('p', 1), true));
    expect(r[4]).toEqual(pageInfo(0, 0));
  });

  it('§2.3 #1 neither VM_PFNMAP nor VM_MIXEDMAP → BUG', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p')) }] }),
      touch('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(oops('!(vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP))'));
    expect(r[3]).toEqual(SKIPPED_OOPS);
  });

  it('§2.3 #2 both VM_PFNMAP and VM_MIXEDMAP → BUG', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: ['VM_PFNMAP', MIXED], fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p')) }] }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(oops('(vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP)) == (VM_PFNMAP|VM_MIXEDMAP)'));
  });

  it('§2.3 #3 VM_PFNMAP on a private writable (COW) mapping → BUG', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, {
        flags: 'private',
        set: ['VM_PFNMAP'],
        fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p')) }],
      }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(oops('(vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags)'));
  });

  it('§2.3 #3 is_cow_mapping is VM_MAYWRITE without VM_SHARED: a private PROT_READ mapping is COW too → BUG', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, {
        prot: ['read'],
        flags: 'private',
        set: ['VM_PFNMAP'],
        fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p')) }],
      }),
      touch('m', 0),
    ]);
    expect(r[1]).toEqual(mmapOk([], flags('VM_READ', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_PFNMAP')));
    expect(r[2]).toEqual(oops('(vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags)'));
  });

  it('§2.3 #3 a shared mapping of an O_RDONLY fd (VM_SHARED and VM_MAYWRITE cleared) is not COW: maps', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, {
        prot: ['read'],
        open: 'rdonly',
        set: ['VM_PFNMAP'],
        fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p')) }],
      }),
      touch('m', 0),
      pte('m', 0),
    ]);
    expect(r[1]).toEqual(mmapOk([], flags('VM_READ', 'VM_MAYREAD', 'VM_MAYEXEC', 'VM_MAYSHARE', 'VM_PFNMAP')));
    expect(r[2]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vmf_insert_pfn', NOPAGE)])]));
    expect(r[3]).toEqual(present(ref('p'), false));
  });

  it('§2.3 #4 VM_MIXEDMAP with a RAM pfn (pfn_valid) → BUG', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: [MIXED], fault: [{ pgoff: 0, ...vmf('vmf_insert_pfn', ref('p')) }] }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(oops('(vma->vm_flags & VM_MIXEDMAP) && pfn_valid(pfn)'));
  });
});

describe('§2.4 vmf_insert_mixed', () => {
  it('§2.4 #4 VM_MIXEDMAP, RAM page on x86: special PTE, no refcount, no mapcount', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: [MIXED], fault: [{ pgoff: 0, ...vmf('vmf_insert_mixed', ref('p')) }] }),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
      munmap('m'),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vmf_insert_mixed', NOPAGE)])]));
    expect(r[3]).toEqual(present(ref('p'), true));
    expect(r[4]).toEqual(pageInfo(1, 0));
    expect(r[6]).toEqual(pageInfo(1, 0));
  });

  it('§2.4 #4 no get_page: a refcount-0 tail page maps and stays at refcount 0', () => {
    const r = run([
      pages('p', 1),
      mmap('m', 1, { set: [MIXED], fault: [{ pgoff: 0, ...vmf('vmf_insert_mixed', ref('p', 1)) }] }),
      touch('m', 0),
      info('p', 1),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, NOPAGE, [frec('vmf_insert_mixed', NOPAGE)])]));
    expect(r[3]).toEqual(pageInfo(0, 0));
  });

  it('§2.4 #1 without VM_MIXEDMAP → BUG_ON(!vm_mixed_ok(vma, pfn))', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { fault: [{ pgoff: 0, ...vmf('vmf_insert_mixed', ref('p')) }] }),
      touch('m', 0),
      pte('m', 0),
    ]);
    expect(r[2]).toEqual(oops('!vm_mixed_ok(vma, pfn)'));
    expect(r[3]).toEqual(SKIPPED_OOPS);
  });

  it('§2.4 #1 VM_PFNMAP alone does not make vm_mixed_ok true → BUG', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: ['VM_PFNMAP'], fault: [{ pgoff: 0, ...vmf('vmf_insert_mixed', ref('p')) }] }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(oops('!vm_mixed_ok(vma, pfn)'));
  });
});
