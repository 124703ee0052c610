// KERNEL-SEMANTICS.md §5 (mmap() and the page-fault path), 6.1 column: do_mmap's checks §5.1, the
// x86 fault entry §5.2, access_error §5.3, VM_FAULT_OOM §5.4, every ->fault return code of §5.5,
// a failing / positive f_op->mmap §5.6, writes into present read-only PTEs §5.7, and §5.8's
// "an oops ends the run".
//
// Not expressible (no test):
// - §5.1 unaligned offset, bad fd, len 0 / overflowing len, pgoff wrap (-EOVERFLOW needs 2^52
//   pages), map_count, MAP_FIXED_NOREPLACE, MAP_LOCKED, MAP_SHARED_VALIDATE, append-only inodes,
//   O_WRONLY fds, noexec mounts, a driver without ->mmap, VM_GROWSDOWN.
// - §5.2 faults on kernel addresses (>= TASK_SIZE_MAX) and the RSVD bit; stack expansion;
//   protection keys (§5.3 #1–2).
// - §5.4 memcg OOM and fatal-signal details; the "Huh VM_FAULT_OOM leaked out" message.
// - §5.5 page-table allocation failures (VM_FAULT_OOM from __handle_mm_fault), VM_FAULT_LOCKED
//   with a locked page (set_page returns 0 only), HWPOISON pages, file_update_time, RSS/maj_flt.
// - §5.6 -ERESTARTSYS, vm_ops->close, vma_set_page_prot / write-notify (no page_mkwrite).
// - §5.7 ->page_mkwrite / ->pfn_mkwrite (the format's driver has neither).
import { describe, expect, it } from 'vitest';
import {
  fault,
  flags,
  frec,
  free,
  info,
  kmalloc,
  mmap,
  mmapEarly,
  mmapOk,
  mmapRet,
  munmap,
  NOT_PRESENT,
  OK,
  oops,
  PRIVATE_RW,
  pageInfo,
  pages,
  present,
  priv,
  pte,
  rec,
  ref,
  run,
  SKIPPED_OOPS,
  setPage,
  shared,
  TOUCH_OK,
  touch,
  touched,
  vip,
  vmf,
  vmfip,
} from './helpers.ts';

const MIXED = 'VM_MIXEDMAP';
const NOPAGE = 'VM_FAULT_NOPAGE';

/** A mapping whose fault handler answers every pgoff with `ret`. */
const always = (ret: string | 0, npages = 1) => mmap('m', npages, { fault: [{ pgoff: '*', return: ret }] });
const repeat = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('§5.1 do_mmap checks before the driver runs', () => {
  it('§5.1 MAP_SHARED + PROT_WRITE on an O_RDONLY fd → -EACCES, the driver is not called', () => {
    const r = run([pages('p'), mmap('m', 1, { open: 'rdonly', calls: [vip(0, ref('p'))] }), info('p'), touch('m', 0)]);
    expect(r[1]).toEqual(mmapEarly('-EACCES'));
    expect(r[2]).toEqual(pageInfo(1, 0));
    expect(r[3]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
  });

  it('§5.1 MAP_SHARED PROT_READ of an O_RDONLY fd: VM_SHARED and VM_MAYWRITE cleared, VM_MAYSHARE kept', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { prot: ['read'], open: 'rdonly', calls: [vip(0, ref('p'))] }),
      pte('m', 0),
      touch('m', 0),
      touch('m', 0, 'write'),
    ]);
    expect(r[1]).toEqual(
      mmapOk([rec('vm_insert_page', 0, 0)], flags('VM_READ', 'VM_MAYREAD', 'VM_MAYEXEC', 'VM_MAYSHARE', MIXED)),
    );
    expect(r[2]).toEqual(present(ref('p'), false));
    expect(r[3]).toEqual(TOUCH_OK);
    expect(r[4]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
  });

  it('§5.1 MAP_SHARED PROT_WRITE alone (no PROT_READ) on an O_RDONLY fd → -EACCES; PROT_READ|PROT_EXEC is allowed', () => {
    const r = run([
      mmap('w', 1, { prot: ['write'], open: 'rdonly' }),
      mmap('x', 1, { prot: ['read', 'exec'], open: 'rdonly' }),
    ]);
    expect(r[0]).toEqual(mmapEarly('-EACCES'));
    expect(r[1]).toEqual(mmapOk([], flags('VM_READ', 'VM_EXEC', 'VM_MAYREAD', 'VM_MAYEXEC', 'VM_MAYSHARE')));
  });

  it('§5.1 MAP_SHARED PROT_READ of an O_RDWR fd keeps VM_SHARED and VM_MAYWRITE', () => {
    const r = run([mmap('m', 1, { prot: ['read'] })]);
    expect(r[0]).toEqual(
      mmapOk([], flags('VM_READ', 'VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE')),
    );
  });

  it.each([2 ** 36, 2 ** 40, 2 ** 50])(
    '§5.1 a length beyond the 47-bit address space (%i pages) → -ENOMEM, the driver is not called',
    (n) => {
      const t0 = performance.now();
      const r = run([pages('p'), mmap('m', n, { calls: [vip(0, ref('p'))] }), info('p'), touch('m', 0)]);
      expect(performance.now() - t0).toBeLessThan(500);
      expect(r[1]).toEqual(mmapEarly('-ENOMEM'));
      expect(r[2]).toEqual(pageInfo(1, 0));
      expect(r[3]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
    },
  );

  it('§5.1 MAP_PRIVATE PROT_READ|PROT_WRITE: VM_READ|VM_WRITE|VM_MAYREAD|VM_MAYWRITE|VM_MAYEXEC, no share bits', () => {
    const r = run([mmap('m', 1, { flags: 'private' })]);
    expect(r[0]).toEqual(mmapOk([], flags(...PRIVATE_RW)));
  });

  it('§5.1 MAP_PRIVATE of an O_RDONLY fd with PROT_WRITE is allowed (the -EACCES check is MAP_SHARED only)', () => {
    const r = run([
      mmap('m', 1, { flags: 'private', open: 'rdonly' }),
      mmap('n', 1, { prot: ['read'], flags: 'private', open: 'rdonly' }),
    ]);
    expect(r[0]).toEqual(mmapOk([], priv()));
    expect(r[1]).toEqual(mmapOk([], flags('VM_READ', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC')));
  });

  it('§5.1 PROT bits map to VM_READ/VM_WRITE/VM_EXEC; PROT_NONE keeps only the MAY and share bits', () => {
    const r = run([mmap('x', 1, { prot: ['read', 'exec'] }), mmap('n', 1, { prot: [] })]);
    expect(r[0]).toEqual(
      mmapOk([], flags('VM_READ', 'VM_EXEC', 'VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE')),
    );
    expect(r[1]).toEqual(mmapOk([], flags('VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE')));
  });

  it('§5.1 vm_flags_set: the driver’s flags are added before its calls', () => {
    const r = run([mmap('m', 1, { set: ['VM_IO', 'VM_DONTEXPAND', 'VM_DONTDUMP', 'VM_DONTCOPY'] })]);
    expect(r[0]).toEqual(mmapOk([], shared('VM_IO', 'VM_DONTEXPAND', 'VM_DONTDUMP', 'VM_DONTCOPY')));
  });
});

describe('§5.2 / §5.3 fault entry and access_error', () => {
  it('§5.2 an address in no VMA → SIGSEGV/SEGV_MAPERR, the driver is not called', () => {
    const r = run([
      pages('p'),
      mmap('m', 2, { set: [MIXED], fault: [{ pgoff: '*', ...vmf('vmf_insert_page', ref('p')) }] }),
      touch('m', 2),
      touch('m', -1, 'write'),
      touch('m', 1000, 'exec'),
    ]);
    expect(r[2]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
    expect(r[3]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
    expect(r[4]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
  });

  it('§5.3 #3 write to a PROT_READ shared mapping (not present) → SEGV_ACCERR, faults [] (driver not called)', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { prot: ['read'], fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
    expect(r[3]).toEqual(NOT_PRESENT);
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§5.3 #3 write to a PROT_READ shared mapping (present PTE) → SEGV_ACCERR', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { prot: ['read'], calls: [vip(0, ref('p'))], fault: [{ pgoff: '*', return: 'VM_FAULT_SIGBUS' }] }),
      touch('m', 0),
      touch('m', 0, 'write'),
    ]);
    expect(r[2]).toEqual(TOUCH_OK);
    expect(r[3]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
  });

  it('§5.3 #4 exec of a present NX page (shared RW) → SEGV_ACCERR', () => {
    const r = run([pages('p'), mmap('m', 1, { calls: [vip(0, ref('p'))] }), touch('m', 0), touch('m', 0, 'exec')]);
    expect(r[2]).toEqual(TOUCH_OK);
    expect(r[3]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
  });

  it('§5.3 #4 exec of a present page of a PROT_EXEC mapping succeeds', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { prot: ['read', 'exec'], calls: [vip(0, ref('p'))] }),
      touch('m', 0, 'exec'),
    ]);
    expect(r[2]).toEqual(TOUCH_OK);
  });

  it('§5.3 #5 exec of a not-present page of a RW VMA without ->fault → SIGBUS/BUS_ADRERR (faulted in first)', () => {
    const r = run([mmap('m', 1), touch('m', 0, 'exec')]);
    expect(r[1]).toEqual(touched('SIGBUS', 'BUS_ADRERR'));
  });

  it('§5.3 exec of a not-present page of a RW VMA with ->fault: faulted in (NX PTE), the retried fetch → ACCERR', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      touch('m', 0, 'exec'),
      pte('m', 0),
    ]);
    expect(r[2]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR', [fault(0, 0)]));
    expect(r[3]).toEqual(present(ref('p'), true));
  });

  it('§5.3 #5 any access to a PROT_NONE VMA → SEGV_ACCERR, driver not called', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { prot: [], fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      touch('m', 0),
      touch('m', 0, 'write'),
      touch('m', 0, 'exec'),
    ]);
    expect(r[2]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
    expect(r[3]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
    expect(r[4]).toEqual(touched('SIGSEGV', 'SEGV_ACCERR'));
  });

  it('§5.5 do_fault: no ->fault → SIGBUS/BUS_ADRERR for read and write; pages past what ->mmap inserted too', () => {
    const r = run([
      pages('p'),
      mmap('m', 3, { calls: [vip(0, ref('p'))] }),
      touch('m', 1),
      touch('m', 2, 'write'),
      touch('m', 0, 'write'),
    ]);
    expect(r[2]).toEqual(touched('SIGBUS', 'BUS_ADRERR'));
    expect(r[3]).toEqual(touched('SIGBUS', 'BUS_ADRERR'));
    expect(r[4]).toEqual(TOUCH_OK);
  });
});

describe('§5.5 what each ->fault return does', () => {
  it('§5.5 VM_FAULT_NOPAGE with a PTE installed (vmf_insert_page) → success; the next access does not fault', () => {
    const r = run([
      pages('p'),
      mmap('m', 2, { set: [MIXED], fault: [{ pgoff: 1, ...vmf('vmf_insert_page', ref('p')) }] }),
      touch('m', 1, 'write'),
      touch('m', 1),
      pte('m', 1),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(1, NOPAGE, [frec('vmf_insert_page', NOPAGE)])]));
    expect(r[3]).toEqual(TOUCH_OK);
    expect(r[4]).toEqual(present(ref('p'), true));
  });

  it('§5.5 VM_FAULT_NOPAGE without installing anything → endless re-fault: LOOP after 16 handler calls', () => {
    const r = run([always('VM_FAULT_NOPAGE'), touch('m', 0), pte('m', 0)]);
    expect(r[1]).toEqual(touched('LOOP', null, repeat(16, fault(0, NOPAGE))));
    expect(r[2]).toEqual(NOT_PRESENT);
  });

  it('§5.5 0 with vmf->page (set_page): mapped; the handler’s reference is the mapping’s (refcount 1 + mappings)', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      mmap('n', 1, { fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      touch('m', 0),
      info('p'),
      touch('n', 0, 'write'),
      info('p'),
      pte('m', 0),
      pte('n', 0),
      touch('m', 0),
      munmap('m'),
      munmap('n'),
      info('p'),
    ]);
    expect(r[3]).toEqual(touched(null, null, [fault(0, 0)]));
    expect(r[4]).toEqual(pageInfo(2, 1));
    expect(r[5]).toEqual(touched(null, null, [fault(0, 0)]));
    expect(r[6]).toEqual(pageInfo(3, 2));
    expect(r[7]).toEqual(present(ref('p'), true));
    expect(r[8]).toEqual(present(ref('p'), true));
    expect(r[9]).toEqual(TOUCH_OK);
    expect(r[12]).toEqual(pageInfo(1, 0));
  });

  it('§5.5 0 with vmf->page, read fault of a private mapping: the driver page mapped read-only', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { flags: 'private', fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      touch('m', 0),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, 0)]));
    expect(r[3]).toEqual(present(ref('p'), false));
    expect(r[4]).toEqual(pageInfo(2, 1));
  });

  it('§5.5 0 with vmf->page, write fault of a private mapping (do_cow_fault): a copy is mapped, the page’s ref dropped', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { flags: 'private', fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, 0)]));
    expect(r[3]).toEqual(present(null, true));
    expect(r[4]).toEqual(pageInfo(1, 0));
  });

  it('§5.5 VM_FAULT_SIGBUS → SIGBUS/BUS_ADRERR; nothing mapped, the next access asks the driver again', () => {
    const r = run([always('VM_FAULT_SIGBUS'), touch('m', 0, 'write'), touch('m', 0), pte('m', 0)]);
    expect(r[1]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(0, 'VM_FAULT_SIGBUS')]));
    expect(r[2]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(0, 'VM_FAULT_SIGBUS')]));
    expect(r[3]).toEqual(NOT_PRESENT);
  });

  it('§5.5 no rule matches → the handler returns VM_FAULT_SIGBUS', () => {
    const r = run([pages('p'), mmap('m', 2, { fault: [{ pgoff: 0, ...setPage(ref('p')) }] }), touch('m', 1)]);
    expect(r[2]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(1, 'VM_FAULT_SIGBUS')]));
  });

  it('§5.4/§5.5 VM_FAULT_OOM on 6.1: no OOM kill, the access is retried; once then set_page → success', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, {
        fault: [
          { pgoff: 0, return: 'VM_FAULT_OOM', times: 1 },
          { pgoff: 0, ...setPage(ref('p')) },
        ],
      }),
      touch('m', 0),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, 'VM_FAULT_OOM'), fault(0, 0)]));
    expect(r[3]).toEqual(present(ref('p'), true));
    expect(r[4]).toEqual(pageInfo(2, 1));
  });

  it('§5.4/§5.5 VM_FAULT_OOM forever on 6.1 → retried for ever: LOOP after 16 calls, the run goes on', () => {
    const r = run([always('VM_FAULT_OOM'), touch('m', 0, 'write'), munmap('m')]);
    expect(r[1]).toEqual(touched('LOOP', null, repeat(16, fault(0, 'VM_FAULT_OOM'))));
    expect(r[2]).toEqual({ ret: 0 });
  });

  it('§5.5 VM_FAULT_SIGSEGV → SIGSEGV/SEGV_MAPERR even though the VMA exists', () => {
    const r = run([always('VM_FAULT_SIGSEGV'), touch('m', 0)]);
    expect(r[1]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR', [fault(0, 'VM_FAULT_SIGSEGV')]));
  });

  it.each(['VM_FAULT_HWPOISON', 'VM_FAULT_HWPOISON_LARGE'])('§5.5 %s → SIGBUS/BUS_MCEERR_AR', (code) => {
    const r = run([always(code), touch('m', 0)]);
    expect(r[1]).toEqual(touched('SIGBUS', 'BUS_MCEERR_AR', [fault(0, code)]));
  });

  it('§5.5 VM_FAULT_FALLBACK at PTE level → BUG() in do_user_addr_fault, the run ends', () => {
    const r = run([always('VM_FAULT_FALLBACK'), touch('m', 0), touch('m', 0), munmap('m')]);
    expect(r[1]).toEqual(oops('BUG()'));
    expect(r[2]).toEqual(SKIPPED_OOPS);
    expect(r[3]).toEqual(SKIPPED_OOPS);
  });

  it('§5.5 0 without vmf->page → NULL dereference oops, the run ends', () => {
    const r = run([always(0), touch('m', 0), touch('m', 0)]);
    expect(r[1]).toHaveProperty('oops');
    expect(Object.keys(r[1] as object)).toEqual(['oops']);
    expect(r[2]).toEqual(SKIPPED_OOPS);
  });

  it.each(['VM_FAULT_MAJOR', 'VM_FAULT_NEEDDSYNC'])('§5.5 %s alone is treated as 0: no vmf->page → oops', (code) => {
    const r = run([always(code), touch('m', 0), pte('m', 0)]);
    expect(r[1]).toHaveProperty('oops');
    expect(r[2]).toEqual(SKIPPED_OOPS);
  });

  it('§5.5 VM_FAULT_DONE_COW on a read fault: do_read_fault goes on with vmf->page unset → oops', () => {
    const r = run([always('VM_FAULT_DONE_COW'), touch('m', 0), pte('m', 0)]);
    expect(r[1]).toHaveProperty('oops');
    expect(r[2]).toEqual(SKIPPED_OOPS);
  });

  it('§5.5 VM_FAULT_DONE_COW on a private write fault: completed, retried, nothing mapped → LOOP', () => {
    const r = run([
      mmap('m', 1, { flags: 'private', fault: [{ pgoff: '*', return: 'VM_FAULT_DONE_COW' }] }),
      touch('m', 0, 'write'),
    ]);
    expect(r[1]).toEqual(touched('LOOP', null, repeat(16, fault(0, 'VM_FAULT_DONE_COW'))));
  });

  it('§5.5 VM_FAULT_RETRY on 6.1: the arch code retries while RETRY keeps coming → LOOP', () => {
    const r = run([always('VM_FAULT_RETRY'), touch('m', 0)]);
    expect(r[1]).toEqual(touched('LOOP', null, repeat(16, fault(0, 'VM_FAULT_RETRY'))));
  });

  it('§5.5 VM_FAULT_RETRY once, then set_page → success', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, {
        fault: [
          { pgoff: '*', return: 'VM_FAULT_RETRY', times: 1 },
          { pgoff: '*', ...setPage(ref('p')) },
        ],
      }),
      touch('m', 0),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, 'VM_FAULT_RETRY'), fault(0, 0)]));
  });

  it('§5.5 VM_FAULT_NOPAGE|VM_FAULT_SIGSEGV: SIGSEGV is in VM_FAULT_ERROR → SIGSEGV/SEGV_MAPERR', () => {
    const r = run([always('VM_FAULT_NOPAGE|VM_FAULT_SIGSEGV'), touch('m', 0)]);
    expect(r[1]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR', [fault(0, 'VM_FAULT_SIGSEGV|VM_FAULT_NOPAGE')]));
  });

  it('§5.2 VM_FAULT_SIGBUS|VM_FAULT_SIGSEGV: do_sigbus is tried before SIGSEGV → SIGBUS/BUS_ADRERR', () => {
    const r = run([always('VM_FAULT_SIGSEGV|VM_FAULT_SIGBUS'), touch('m', 0)]);
    expect(r[1]).toEqual(touched('SIGBUS', 'BUS_ADRERR', [fault(0, 'VM_FAULT_SIGBUS|VM_FAULT_SIGSEGV')]));
  });

  it('§5.2 VM_FAULT_SIGBUS|VM_FAULT_HWPOISON: do_sigbus’s MCE branch → BUS_MCEERR_AR', () => {
    const r = run([always('VM_FAULT_SIGBUS|VM_FAULT_HWPOISON'), touch('m', 0)]);
    expect(r[1]).toEqual(touched('SIGBUS', 'BUS_MCEERR_AR', [fault(0, 'VM_FAULT_SIGBUS|VM_FAULT_HWPOISON')]));
  });

  it('§5.2 VM_FAULT_OOM|VM_FAULT_SIGBUS: the OOM branch comes first → retried for ever (LOOP)', () => {
    const r = run([always('VM_FAULT_OOM|VM_FAULT_SIGBUS'), touch('m', 0)]);
    expect(r[1]).toEqual(touched('LOOP', null, repeat(16, fault(0, 'VM_FAULT_OOM|VM_FAULT_SIGBUS'))));
  });
});

describe('§5.6 f_op->mmap failing, or returning a positive value', () => {
  it('§5.6 vmf_insert_page in f_op->mmap of a VM_MIXEDMAP mapping returns VM_FAULT_NOPAGE → mmap() gives 256', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { set: [MIXED], calls: [vmfip(0, ref('p'))] }),
      info('p'),
      pte('m', 0),
      touch('m', 0),
      touch('m', 0, 'write'),
    ]);
    expect(r[1]).toEqual(mmapRet(256, [rec('vmf_insert_page', 0, NOPAGE)], shared(MIXED)));
    // The VMA was torn down: the page inserted is unmapped again, no mapping behind "address" 0x100.
    expect(r[2]).toEqual(pageInfo(1, 0));
    expect(r[3]).toEqual(NOT_PRESENT);
    expect(r[4]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
    expect(r[5]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
  });

  it('§5.6 the same without VM_MIXEDMAP pre-set (lock held for write: no BUG) → 256', () => {
    const r = run([pages('p'), mmap('m', 1, { calls: [vmfip(0, ref('p'))] }), info('p')]);
    expect(r[1]).toEqual(mmapRet(256, [rec('vmf_insert_page', 0, NOPAGE)], shared(MIXED)));
    expect(r[2]).toEqual(pageInfo(1, 0));
  });

  it('§5.6 vmf_insert_page -EFAULT in f_op->mmap is VM_FAULT_SIGBUS = 2, handed back as mmap()’s value 2', () => {
    const r = run([pages('p'), mmap('m', 1, { calls: [vmfip(3, ref('p'))] }), touch('m', 0)]);
    expect(r[1]).toEqual(mmapRet(2, [rec('vmf_insert_page', 3, 'VM_FAULT_SIGBUS')], shared()));
    expect(r[2]).toEqual(touched('SIGSEGV', 'SEGV_MAPERR'));
  });

  it('§5.6 a negative handler return is mmap()’s errno unchanged; inserted PTEs zapped', () => {
    const r = run([
      pages('p'),
      kmalloc('k', 64),
      mmap('m', 2, { calls: [vip(0, ref('p')), vip(1, ref('k'))] }),
      info('p'),
      free('p'),
    ]);
    expect(r[2]).toEqual(
      mmapRet('-EINVAL', [rec('vm_insert_page', 0, 0), rec('vm_insert_page', 1, '-EINVAL')], shared(MIXED)),
    );
    expect(r[3]).toEqual(pageInfo(1, 0));
    expect(r[4]).toEqual(OK);
  });
});

describe('§5.7 writes into present read-only PTEs', () => {
  it('§5.7 private mapping: a write to the vm_insert_page PTE copies (COW); the driver page loses its mapping', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { flags: 'private', calls: [vip(0, ref('p'))], fault: [{ pgoff: '*', return: 'VM_FAULT_SIGBUS' }] }),
      pte('m', 0),
      info('p'),
      touch('m', 0),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
      touch('m', 0, 'write'),
      pte('m', 0),
      munmap('m'),
      info('p'),
    ]);
    expect(r[1]).toEqual(mmapOk([rec('vm_insert_page', 0, 0)], priv(MIXED)));
    expect(r[2]).toEqual(present(ref('p'), false));
    expect(r[3]).toEqual(pageInfo(2, 1));
    expect(r[4]).toEqual(TOUCH_OK);
    // do_wp_page → wp_page_copy: the driver is not called.
    expect(r[5]).toEqual(TOUCH_OK);
    expect(r[6]).toEqual(present(null, true));
    expect(r[7]).toEqual(pageInfo(1, 0));
    expect(r[8]).toEqual(TOUCH_OK);
    expect(r[9]).toEqual(present(null, true));
    expect(r[11]).toEqual(pageInfo(1, 0));
  });

  it('§5.7 private mapping: a page mapped read-only by a read fault is copied on the first write', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { flags: 'private', fault: [{ pgoff: '*', ...setPage(ref('p')) }] }),
      touch('m', 0),
      info('p'),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(touched(null, null, [fault(0, 0)]));
    expect(r[3]).toEqual(pageInfo(2, 1));
    expect(r[4]).toEqual(TOUCH_OK);
    expect(r[5]).toEqual(present(null, true));
    expect(r[6]).toEqual(pageInfo(1, 0));
  });

  it('§5.7/§5.6 shared writable mapping: PTEs are RW from the start, a write needs no fault and copies nothing', () => {
    const r = run([
      pages('p'),
      mmap('m', 1, { calls: [vip(0, ref('p'))], fault: [{ pgoff: '*', return: 'VM_FAULT_SIGBUS' }] }),
      pte('m', 0),
      touch('m', 0, 'write'),
      pte('m', 0),
      info('p'),
    ]);
    expect(r[2]).toEqual(present(ref('p'), true));
    expect(r[3]).toEqual(TOUCH_OK);
    expect(r[4]).toEqual(present(ref('p'), true));
    expect(r[5]).toEqual(pageInfo(2, 1));
  });
});
