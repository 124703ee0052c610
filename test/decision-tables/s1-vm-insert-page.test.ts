// KERNEL-SEMANTICS.md §1 (vm_insert_page), 6.1 column: every row of the check table §1.1, the
// success side effects §1.2 and the consequences §1.4 that the scenario format can express.
//
// Not expressible in the format (no test):
// - §1.1 #6 PageAnon: the only anonymous pages are copy-on-write copies, which no PageRef can name
//   (a pte op reports them as "maps": null).
// - §1.1 #8 page_has_type: no scenario page is a typed page (buddy/offline/table/guard); a freed
//   (buddy) page already fails #2 (refcount 0) first.
// - §1.1 #9 flush_dcache_page: a no-op on x86.
// - §1.1 #10 -ENOMEM: page-table pages are GFP_KERNEL allocations; the format has no way to make
//   one fail (short of the OOM killer).
// - §1.2 RSS counters and NR_FILE_MAPPED, §1.3 the PTE's bit pattern beyond the write bit.
import { describe, expect, it } from 'vitest';
import {
  conv,
  FREED,
  fault,
  flags,
  frec,
  free,
  info,
  kmalloc,
  mmap,
  mmapOk,
  mmapRet,
  munmap,
  NOT_PRESENT,
  OK,
  oops,
  pageInfo,
  pages,
  present,
  priv,
  pte,
  RET0,
  rec,
  ref,
  run,
  SKIPPED_OOPS,
  shared,
  TOUCH_OK,
  touch,
  touched,
  vip,
  vmalloc,
  vmf,
} from './helpers.ts';

const MIXED = 'VM_MIXEDMAP';

describe('§1.1 vm_insert_page checks, in order', () => {
  it('§1.1 #1 vm_insert_page addr below the VMA (at -1) → -EFAULT, nothing mapped, VM_MIXEDMAP not set', () => {
    const r = run([
      pages('p'),
      mmap('m', 2, { calls: [vip(-1, ref('p'))], onError: 'continue' }),
      pte('m', -1),
      info('p'),
    ]);
    // #1 comes before #5: a call refused by the address check does not set VM_MIXEDMAP.
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_page', -1, '-EFAULT')], shared()));
    expect(r[2]).toEqual(NOT_PRESENT);
    expect(r[3]).toEqual(pageInfo(1, 0));
  });

  it('§1.1 #1 vm_insert_page addr at or above vm_end → -EFAULT, nothing mapped', () => {
    const r = run([
      pages('p'),
      mmap('m', 2, { calls: [vip(2, ref('p')), vip(100, ref('p'))], onError: 'continue' }),
      pte('m', 2),
      pte('m', 100),
      info('p'),
    ]);
    expect(r[1]).toEqual(
      mmapOk([rec('vm_insert_page', 2, '-EFAULT'), rec('vm_insert_page', 100, '-EFAULT')], shared()),
    );
    expect(r[2]).toEqual(NOT_PRESENT);
    expect(r[3]).toEqual(NOT_PRESENT);
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§1.1 #1 vm_insert_page -EFAULT returned by the mmap handler is mmap()’s errno', () => {
    const r = run([pages('p'), mmap('m', 1, { calls: [vip(1, ref('p'))] }), touch('m', 0)]);
    expect(r[1]).toEqual(mmapRet('-EFAULT', [rec('vm_insert_page', 1, '-EFAULT')], shared()));
    expect(r[2]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
  });

  it('§1.1 #2 vm_insert_page of a tail page of a non-__GFP_COMP order-1 alloc_pages (refcount 0) → -EINVAL', () => {
    const r = run([pages('p', 1), info('p', 1), mmap('m', 1, { calls: [vip(0, ref('p', 1))] }), info('p', 0)]);
    expect(r[1]).toEqual(pageInfo(0, 0));
    // #2 comes before #5: VM_MIXEDMAP is not set.
    expect(r[2]).toEqual(mmapRet('-EINVAL', [rec('vm_insert_page', 0, '-EINVAL')], shared()));
    expect(r[3]).toEqual(pageInfo(1, 0));
  });

  it('§1.1 #2 vm_insert_page of a page the driver already freed (refcount 0) → -EINVAL', () => {
    const r = run([
      pages('p'),
      free('p'),
      info('p'),
      mmap('m', 1, { calls: [vip(0, ref('p'))], onError: 'continue' }),
      pte('m', 0),
    ]);
    expect(r[2]).toEqual(FREED);
    expect(r[3]).toEqual(mmapOk([rec('vm_insert_page', 0, '-EINVAL')], shared()));
    expect(r[4]).toEqual(NOT_PRESENT);
  });

  it('§1.1 #2 before #3: a refcount-0 page from a fault handler without VM_MIXEDMAP → -EINVAL, no BUG', () => {
    const r = run([
      pages('p', 1),
      mmap('m', 1, { fault: [{ pgoff: '*', ...conv(vmf('vm_insert_page', ref('p', 1)), 'vmf_error') }] }),
      touch('m', 0),
      pte('m', 0),
    ]);
    expect(r[2]).toEqual(
      touched('SIGBUS', 'BUS_ADRERR', [fault(0, 'VM_FAULT_SIGBUS', [frec('vm_insert_page', '-EINVAL')])]),
    );
    expect(r[3]).toEqual(NOT_PRESENT);
  });

  it('§1.1 #2 before #4: a refcount-0 page into a VM_PFNMAP VMA → -EINVAL, no BUG', () => {
    const r = run([pages('p', 1), mmap('m', 1, { set: ['VM_PFNMAP'], calls: [vip(0, ref('p', 1))] }), info('p')]);
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('vm_insert_page', 0, '-EINVAL')], shared('VM_PFNMAP')));
    expect(r[2]).toEqual(pageInfo(1, 0));
  });

  it('§1.1 #3 vm_insert_page from a fault handler without VM_MIXEDMAP → BUG_ON(mmap_read_trylock), run ends', () => {
    const r = run([
      pages('p'),
      mmap('m', 2, { fault: [{ pgoff: '*', ...conv(vmf('vm_insert_page', ref('p')), 'vmf_error') }] }),
      touch('m', 0),
      info('p'),
      touch('m', 1),
    ]);
    expect(r[2]).toEqual(oops('mmap_read_trylock(vma->vm_mm)'));
    expect(r[3]).toEqual(SKIPPED_OOPS);
    expect(r[4]).toEqual(SKIPPED_OOPS);
  });

  it('§1.1 #3 vmf_insert_page from a fault handler without VM_MIXEDMAP → BUG_ON(mmap_read_trylock)', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { fault: [{ pgoff: 0, ...vmf('vmf_insert_page', ref('p')) }] }),
      touch('m', 0, 'write'),
      pte('m', 0),
    ]);
    expect(r[2]).toEqual(oops('mmap_read_trylock(vma->vm_mm)'));
    expect(r[3]).toEqual(SKIPPED_OOPS);
  });

  it('§1.1 #3 before #4: from a fault handler of a VM_PFNMAP VMA the lock BUG_ON fires first', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, {
        set: ['VM_PFNMAP'],
        fault: [{ pgoff: '*', ...conv(vmf('vm_insert_page', ref('p')), 'busy_ok') }],
      }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(oops('mmap_read_trylock(vma->vm_mm)'));
  });

  it('§1.1 #3 in f_op->mmap the lock is held for write: the trylock fails, no BUG', () => {
    const r = run([pages('p'), mmap('m', 1, { calls: [vip(0, ref('p'))] })]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_page', 0, 0)], shared(MIXED)));
  });

  it('§1.1 #4 vm_insert_page into a VMA with VM_PFNMAP (no VM_MIXEDMAP) → BUG_ON(vma->vm_flags & VM_PFNMAP)', () => {
    const r = run([pages('p'), mmap('m', 1, { set: ['VM_PFNMAP'], calls: [vip(0, ref('p'))] }), info('p'), free('p')]);
    expect(r[1]).toEqual(oops('vma->vm_flags & VM_PFNMAP'));
    expect(r[2]).toEqual(SKIPPED_OOPS);
    expect(r[3]).toEqual(SKIPPED_OOPS);
  });

  it('§1.1 #3/#4 are skipped when VM_MIXEDMAP is already set: VM_PFNMAP|VM_MIXEDMAP maps the page', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: ['VM_PFNMAP', 'VM_MIXEDMAP'], calls: [vip(0, ref('p'))] }),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_page', 0, 0)], shared('VM_PFNMAP', MIXED)));
    expect(r[2]).toEqual(present(ref('p'), true));
    expect(r[3]).toEqual(pageInfo(2, 1));
  });

  it('§1.1 #5 VM_MIXEDMAP is set even when the insert then fails (-EINVAL of a slab page)', () => {
    const r = run([kmalloc('k', 4096), mmap('m', 1, { calls: [vip(0, ref('k'))] })]);
    expect(r[1]).toEqual(mmapRet('-EINVAL', [rec('vm_insert_page', 0, '-EINVAL')], shared(MIXED)));
  });

  it.each([
    ['kmalloc', 64, 0],
    ['kzalloc', 64, 0],
    ['kmalloc', 4096, 0],
    ['kmalloc', 8192, 0],
    ['kmalloc', 8192, 1],
  ])('§1.1 #7 PageSlab: vm_insert_page of %s(%i) page %i → -EINVAL', (kind, size, page) => {
    const r = run([
      { op: 'alloc', id: 'k', kind, size },
      mmap('m', 1, { calls: [vip(0, ref('k', page))], onError: 'continue' }),
      pte('m', 0),
      touch('m', 0),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_page', 0, '-EINVAL')], shared(MIXED)));
    expect(r[2]).toEqual(NOT_PRESENT);
    expect(r[3]).toEqual(touched('SIGBUS', 'BUS_ADRERR'));
  });

  it('§1.1 #7 PageSlab: kmalloc(16384) is a compound page-allocator page, not slab → every page maps (0)', () => {
    const r = run([
      kmalloc('k', 16384),
      info('k', 0),
      mmap('m', 4, { calls: [0, 1, 2, 3].map((i) => vip(i, ref('k', i))) }),
      info('k', 0),
      info('k', 3),
      pte('m', 3),
    ]);
    expect(r[1]).toEqual(pageInfo(1, 0, ['compound', 'head']));
    expect(r[2]).toEqual(
      mmapOk(
        [0, 1, 2, 3].map((i) => rec('vm_insert_page', i, 0)),
        shared(MIXED),
      ),
    );
    expect(r[3]).toEqual(pageInfo(5, 1, ['compound', 'head']));
    expect(r[4]).toEqual(pageInfo(5, 1, ['compound', 'tail']));
    expect(r[5]).toEqual(present(ref('k', 3), true));
  });

  it('§1.1 #11 vm_insert_page on a present PTE → -EBUSY, the PTE left untouched', () => {
    const r = run([
      pages('p'),
      pages('q'),
      mmap('m', 1, { calls: [vip(0, ref('p')), vip(0, ref('q'))], onError: 'continue' }),
      pte('m', 0),
      info('p'),
      info('q'),
    ]);
    expect(r[2]).toEqual(mmapOk([rec('vm_insert_page', 0, 0), rec('vm_insert_page', 0, '-EBUSY')], shared(MIXED)));
    expect(r[3]).toEqual(present(ref('p'), true));
    expect(r[4]).toEqual(pageInfo(2, 1));
    expect(r[5]).toEqual(pageInfo(1, 0));
  });

  it('§1.1 #12 success: 0, refcount +1, mapcount 1, a writable PTE in a shared RW mapping, a touch without fault', () => {
    const r = run([
      pages('p'),
      info('p'),
      mmap('m', 1, { calls: [vip(0, ref('p'))], fault: [{ pgoff: '*', return: 'VM_FAULT_SIGBUS' }] }),
      info('p'),
      pte('m', 0),
      touch('m', 0, 'write'),
    ]);
    expect(r[1]).toEqual(pageInfo(1, 0));
    expect(r[2]).toEqual(mmapOk([rec('vm_insert_page', 0, 0)], shared(MIXED)));
    expect(r[3]).toEqual(pageInfo(2, 1));
    expect(r[4]).toEqual(present(ref('p'), true));
    expect(r[5]).toEqual(TOUCH_OK);
  });
});

describe('§1.2 what a successful vm_insert_page does', () => {
  it('§1.2 refcount: get_page on a compound tail increments the head; the tail’s own mapcount goes to 1', () => {
    const r = run([
      pages('p', 2, true),
      mmap('m', 1, { calls: [vip(0, ref('p', 2))] }),
      info('p', 0),
      info('p', 1),
      info('p', 2),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_page', 0, 0)], shared(MIXED)));
    expect(r[2]).toEqual(pageInfo(2, 0, ['compound', 'head']));
    expect(r[3]).toEqual(pageInfo(2, 0, ['compound', 'tail']));
    expect(r[4]).toEqual(pageInfo(2, 1, ['compound', 'tail']));
  });

  it('§1.2 the same page at two addresses: refcount +2, mapcount 2', () => {
    const r = run([pages('p'), mmap('m', 2, { calls: [vip(0, ref('p')), vip(1, ref('p'))] }), info('p')]);
    expect(r[2]).toEqual(pageInfo(3, 2));
  });

  it('§1.2 VM flags: only VM_MIXEDMAP is added (no VM_IO, VM_DONTEXPAND, VM_DONTDUMP)', () => {
    const r = run([vmalloc('v', 1), mmap('m', 1, { calls: [vip(0, ref('v'))] })]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_page', 0, 0)], shared(MIXED)));
  });

  it('§1.2/§8.3 PTE write bit from vm_page_prot: shared RW writable; shared RO and private RW read-only', () => {
    const r = run([
      pages('p'),
      mmap('s', 1, { calls: [vip(0, ref('p'))] }),
      mmap('r', 1, { prot: ['read'], calls: [vip(0, ref('p'))] }),
      mmap('c', 1, { flags: 'private', calls: [vip(0, ref('p'))] }),
      pte('s', 0),
      pte('r', 0),
      pte('c', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(
      mmapOk(
        [rec('vm_insert_page', 0, 0)],
        flags('VM_READ', 'VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE', MIXED),
      ),
    );
    expect(r[3]).toEqual(mmapOk([rec('vm_insert_page', 0, 0)], priv(MIXED)));
    expect(r[4]).toEqual(present(ref('p'), true));
    expect(r[5]).toEqual(present(ref('p'), false));
    expect(r[6]).toEqual(present(ref('p'), false));
    expect(r[7]).toEqual(pageInfo(4, 3));
  });

  it('§1.2 zap drops exactly what was taken: after munmap refcount/mapcount are the pre-mmap values (order 0)', () => {
    const r = run([pages('p'), info('p'), mmap('m', 1, { calls: [vip(0, ref('p'))] }), munmap('m'), info('p')]);
    expect(r[3]).toEqual(RET0);
    expect(r[4]).toEqual(r[1]);
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§1.2 zap drops exactly what was taken: compound head and tails after munmap', () => {
    const r = run([
      pages('p', 2, true),
      info('p', 0),
      info('p', 3),
      mmap('m', 4, { calls: [vip(0, ref('p', 3)), vip(1, ref('p', 0)), vip(2, ref('p', 3))] }),
      info('p', 0),
      info('p', 3),
      munmap('m'),
      info('p', 0),
      info('p', 3),
    ]);
    expect(r[4]).toEqual(pageInfo(4, 1, ['compound', 'head']));
    expect(r[5]).toEqual(pageInfo(4, 2, ['compound', 'tail']));
    expect(r[7]).toEqual(r[1]);
    expect(r[8]).toEqual(r[2]);
    expect(r[8]).toEqual(pageInfo(1, 0, ['compound', 'tail']));
  });
});

describe('§1.4 consequences', () => {
  it('§1.4 mmap handler error: mmap() returns the errno, the pages inserted before are zapped', () => {
    const r = run([
      pages('p'),
      vmalloc('v', 1),
      kmalloc('k', 64),
      mmap('m', 3, { calls: [vip(0, ref('p')), vip(1, ref('v')), vip(2, ref('k'))] }),
      info('p'),
      info('v'),
      pte('m', 0),
      touch('m', 0),
    ]);
    expect(r[3]).toEqual(
      mmapRet(
        '-EINVAL',
        [rec('vm_insert_page', 0, 0), rec('vm_insert_page', 1, 0), rec('vm_insert_page', 2, '-EINVAL')],
        shared(MIXED),
      ),
    );
    expect(r[4]).toEqual(pageInfo(1, 0));
    expect(r[5]).toEqual(pageInfo(1, 0));
    expect(r[6]).toEqual(NOT_PRESENT);
    expect(r[7]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
  });

  it('§1.4 mmap handler error -EBUSY (second insert into the same slot): errno returned, first insert undone', () => {
    const r = run([
      pages('p'),
      pages('q'),
      mmap('m', 1, { calls: [vip(0, ref('p')), vip(0, ref('q'))] }),
      info('p'),
      info('q'),
    ]);
    expect(r[2]).toEqual(
      mmapRet('-EBUSY', [rec('vm_insert_page', 0, 0), rec('vm_insert_page', 0, '-EBUSY')], shared(MIXED)),
    );
    expect(r[3]).toEqual(pageInfo(1, 0));
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§1.4 on_error "continue": the handler returns 0 and the pages before the failure stay mapped', () => {
    const r = run([
      pages('p'),
      kmalloc('k', 64),
      mmap('m', 2, { calls: [vip(0, ref('p')), vip(1, ref('k'))], onError: 'continue' }),
      info('p'),
      touch('m', 0, 'write'),
      touch('m', 1),
    ]);
    expect(r[2]).toEqual(mmapOk([rec('vm_insert_page', 0, 0), rec('vm_insert_page', 1, '-EINVAL')], shared(MIXED)));
    expect(r[3]).toEqual(pageInfo(2, 1));
    expect(r[4]).toEqual(TOUCH_OK);
    expect(r[5]).toEqual(touched('SIGBUS', 'BUS_ADRERR'));
  });

  it('§1.4 vm_insert_page from ->fault is legal once VM_MIXEDMAP is set: 0 → (vmf_error convert) VM_FAULT_NOPAGE', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, {
        set: [MIXED],
        fault: [{ pgoff: '*', ...conv(vmf('vm_insert_page', ref('p')), 'vmf_error') }],
      }),
      touch('m', 0),
      pte('m', 0),
      info('p'),
      munmap('m'),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, 'VM_FAULT_NOPAGE', [frec('vm_insert_page', 0)])]));
    expect(r[3]).toEqual(present(ref('p'), true));
    expect(r[4]).toEqual(pageInfo(2, 1));
    expect(r[6]).toEqual(pageInfo(1, 0));
  });

  it('§1.1 results are kernel results: the run goes on after every errno (no oops)', () => {
    const r = run([pages('p'), mmap('m', 1, { calls: [vip(5, ref('p'))] }), free('p')]);
    expect(r[2]).toEqual(OK);
  });
});
