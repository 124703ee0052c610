// A scenario as the C of the driver that would make its calls: the allocations
// in the module's init (and the frees in its exit), an f_op->mmap handler per
// mmap step making the step's calls with their kernel signatures, and, when the
// step has fault rules, a vm_ops->fault handler that implements them with a
// switch on vmf->pgoff. Pure: text in, text out.
import { PROFILES } from '../engine/profiles.ts';
import { parseScenario } from '../scenario/parse.ts';
import { vmFaultName } from '../scenario/results.ts';
import type { DriverCall, FaultRule, KernelName, PageRef, Scenario, Step } from '../scenario/types.ts';

export type ExportC = { ok: true; name: string; code: string } | { ok: false; message: string };

type AllocStep = Extract<Step, { op: 'alloc' }>;
type MmapStep = Extract<Step, { op: 'mmap' }>;

const C_KEYWORDS = new Set(
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
    'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
    'page vma vmf file ret err num i pages addr'
  ).split(' '),
);

/** A C identifier made from any text ("fb-0" → "fb_0"), never empty, never a keyword. */
export function cIdent(text: string, fallback = 'x'): string {
  let id = text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/_+/g, '_');
  if (id === '') id = fallback;
  if (/^[0-9]/.test(id)) id = `_${id}`;
  if (C_KEYWORDS.has(id)) id = `${id}_`;
  return id.slice(0, 48);
}

const TITLE_STOP_WORDS = new Set('a an and at by for from how in into is it its of on one or the to with'.split(' '));

/** The module's name: the title's first two telling words ("vm_insert_page_order"), else "ptlab_driver". */
export function moduleName(title: string | null): string {
  if (!title) return 'ptlab_driver';
  const words = title
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter((w) => w !== '' && !TITLE_STOP_WORDS.has(w) && !/^[0-9]+$/.test(w))
    .slice(0, 2);
  const id = cIdent(words.join('_'), 'ptlab_driver');
  return id.length > 32 ? id.slice(0, 32).replace(/_+$/, '') : id;
}

const PAGE_SHIFT_EXPR = (n: number) => (n === 1 ? 'PAGE_SIZE' : `${n}UL << PAGE_SHIFT`);

/** vma->vm_start + N * PAGE_SIZE. */
function userAddr(at: number, base = 'vma->vm_start'): string {
  if (at === 0) return base;
  return at > 0 ? `${base} + ${at} * PAGE_SIZE` : `${base} - ${-at} * PAGE_SIZE`;
}

function cString(s: string): string {
  return s.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ');
}

interface Ctx {
  kernel: KernelName;
  /** Alloc id → its C variable and step, as of the step being written. */
  allocs: Map<string, { v: string; step: AllocStep }>;
  /** Page arrays the handlers pass to vm_map_pages / vm_insert_pages, filled in init. */
  arrays: { name: string; refs: PageRef[]; allocs: Map<string, { v: string; step: AllocStep }> }[];
  used: Set<string>;
}

function unique(ctx: Ctx, base: string): string {
  let name = base;
  for (let i = 2; ctx.used.has(name); i++) name = `${base}_${i}`;
  ctx.used.add(name);
  return name;
}

/** The `struct page *` of a page reference, as the format defines it. */
function pageExpr(ref: PageRef, allocs: Ctx['allocs']): string {
  const a = allocs.get(ref.alloc);
  if (!a) return `NULL /* unknown allocation "${cString(ref.alloc)}" */`;
  const n = ref.page;
  switch (a.step.kind) {
    case 'alloc_pages':
      return n === 0 ? a.v : `${a.v} + ${n}`;
    case '__get_free_pages':
    case 'get_zeroed_page':
      return n === 0 ? `virt_to_page((void *)${a.v})` : `virt_to_page((void *)${a.v}) + ${n}`;
    case 'kmalloc':
    case 'kzalloc':
      return n === 0 ? `virt_to_page(${a.v})` : `virt_to_page(${a.v}) + ${n}`;
    default:
      return n === 0 ? `vmalloc_to_page(${a.v})` : `vmalloc_to_page(${a.v} + ${n} * PAGE_SIZE)`;
  }
}

function allocPages(step: AllocStep): number {
  switch (step.kind) {
    case 'alloc_pages':
    case '__get_free_pages':
      return 2 ** step.order;
    case 'get_zeroed_page':
      return 1;
    default:
      return Math.ceil(step.size / 4096);
  }
}

/** A page array for vm_map_pages / vm_insert_pages: a static filled in the module's init. */
function pageArray(ctx: Ctx, base: string, refs: PageRef[]): string {
  const name = unique(ctx, base);
  ctx.arrays.push({ name, refs, allocs: new Map(ctx.allocs) });
  return name;
}

function allocRefs(ctx: Ctx, id: string): PageRef[] {
  const a = ctx.allocs.get(id);
  const n = a ? allocPages(a.step) : 0;
  return Array.from({ length: n }, (_, page) => ({ alloc: id, page }));
}

/** One call as C: the statement that makes it, its result in `lhs`. */
function callStmt(ctx: Ctx, prefix: string, call: DriverCall, where: 'mmap' | 'fault', lhs: string): string[] {
  const vma = where === 'mmap' ? 'vma' : 'vmf->vma';
  const addr = (at: number) => (where === 'mmap' ? userAddr(at) : 'vmf->address');
  switch (call.call) {
    case 'vm_insert_page':
    case 'vm_insert_kmem_page':
      return [`${lhs}${call.call}(${vma}, ${addr(call.at)}, ${pageExpr(call.page, ctx.allocs)});`];
    case 'vmf_insert_page':
      return [`${lhs}vmf_insert_page(${vma}, ${addr(call.at)}, ${pageExpr(call.page, ctx.allocs)});`];
    case 'vm_map_pages':
    case 'vm_map_pages_zero': {
      const refs = 'alloc' in call ? allocRefs(ctx, call.alloc) : call.pages;
      const arr = pageArray(ctx, `${prefix}_pages`, refs);
      return [`${lhs}${call.call}(${vma}, ${arr}, ARRAY_SIZE(${arr}));`];
    }
    case 'vm_insert_pages': {
      const arr = pageArray(ctx, `${prefix}_pages`, call.pages);
      return [`num = ARRAY_SIZE(${arr});`, `${lhs}vm_insert_pages(${vma}, ${addr(call.at)}, ${arr}, &num);`];
    }
    case 'remap_pfn_range':
      return [
        `${lhs}remap_pfn_range(${vma}, ${addr(call.at)}, page_to_pfn(${pageExpr(call.page, ctx.allocs)}),`,
        `\t\t${PAGE_SHIFT_EXPR(call.count)}, ${vma}->vm_page_prot);`,
      ];
    case 'remap_vmalloc_range': {
      const a = ctx.allocs.get(call.alloc);
      const pgoff = where === 'mmap' ? call.pgoff : 0;
      return [`${lhs}remap_vmalloc_range(${vma}, ${a ? a.v : 'NULL'}, ${pgoff});`];
    }
  }
}

function usesNum(calls: DriverCall[]): boolean {
  return calls.some((c) => c.call === 'vm_insert_pages');
}

function flagExpr(flags: string[]): string {
  return flags.join(' | ');
}

function vmFault(value: number, kernel: KernelName): string {
  const name = vmFaultName(value, PROFILES[kernel].vmFaultFlags);
  return name === 0 ? '0' : name.split('|').join(' | ');
}

function mmapHandler(ctx: Ctx, step: MmapStep, prefix: string, faultOps: string | null): string[] {
  const d = step.driver;
  const out: string[] = [];
  const prot = step.prot.length ? step.prot.map((p) => `PROT_${p.toUpperCase()}`).join(' | ') : 'PROT_NONE';
  out.push(
    `/* mmap step "${cString(step.id)}": mmap(NULL, ${step.pages} * PAGE_SIZE, ${prot}, MAP_${step.flags.toUpperCase()}, fd, ${step.pgoff} * PAGE_SIZE)`,
    ` * on a device opened ${step.open === 'rdwr' ? 'O_RDWR' : 'O_RDONLY'}; on error: ${d.onError === 'return' ? 'return the first error' : 'carry on, return 0'}. */`,
    `static int ${prefix}_mmap(struct file *file, struct vm_area_struct *vma)`,
    '{',
  );
  const body: string[] = [];
  const errno = d.mmap.length > 0 && d.onError === 'return';
  if (errno) body.push('int ret;');
  if (usesNum(d.mmap)) body.push('unsigned long num;');
  if (body.length) body.push('');
  if (d.vmFlagsSet.length) {
    // vm_flags became read-only with its setters in 6.3.
    body.push(
      ctx.kernel === '6.12'
        ? `vm_flags_set(vma, ${flagExpr(d.vmFlagsSet)});`
        : `vma->vm_flags |= ${flagExpr(d.vmFlagsSet)};`,
    );
  }
  if (faultOps) body.push(`vma->vm_ops = &${faultOps};`);
  for (const call of d.mmap) {
    if (errno) {
      body.push(...callStmt(ctx, prefix, call, 'mmap', 'ret = '));
      body.push('if (ret)', '\treturn ret;');
    } else body.push(...callStmt(ctx, prefix, call, 'mmap', ''));
  }
  body.push('return 0;');
  out.push(...body.map((l) => (l === '' ? '' : `\t${l}`)), '}');
  return out;
}

/** The statements of one fault rule's action (each ends in a return). */
function ruleAction(ctx: Ctx, prefix: string, rule: FaultRule): string[] {
  const a = rule.action;
  switch (a.kind) {
    case 'return':
      return [`return ${vmFault(a.value, ctx.kernel)};`];
    case 'set_page':
      return [`page = ${pageExpr(a.page, ctx.allocs)};`, 'get_page(page);', 'vmf->page = page;', 'return 0;'];
    case 'vmf': {
      const page = pageExpr(a.page, ctx.allocs);
      if (a.call === 'vmf_insert_page') return [`return vmf_insert_page(vmf->vma, vmf->address, ${page});`];
      if (a.call === 'vmf_insert_pfn') return [`return vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(${page}));`];
      return [`return vmf_insert_mixed(vmf->vma, vmf->address, pfn_to_pfn_t(page_to_pfn(${page})));`];
    }
    case 'convert': {
      const call = callStmt(ctx, prefix, a.call, 'fault', 'err = ');
      if (a.convert === 'vmf_error') return [...call, 'return err ? vmf_error(err) : VM_FAULT_NOPAGE;'];
      return [
        ...call,
        'if (err == 0 || err == -EBUSY)',
        '\treturn VM_FAULT_NOPAGE;',
        'return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;',
      ];
    }
  }
}

/** The rules that apply to one case of the switch, in order, up to the first that always applies. */
function applicable(rules: FaultRule[], pgoff: number | '*'): { rule: FaultRule; index: number }[] {
  const out: { rule: FaultRule; index: number }[] = [];
  rules.forEach((rule, index) => {
    if (out.length && out[out.length - 1]?.rule.times === null) return;
    if (rule.pgoff === '*' || rule.pgoff === pgoff) out.push({ rule, index });
  });
  return out;
}

function faultHandler(ctx: Ctx, step: MmapStep, prefix: string, rules: FaultRule[]): string[] {
  const out = [
    `/* vm_ops->fault of "${cString(step.id)}": the rules in order, first match wins; no match: VM_FAULT_SIGBUS. */`,
    `static vm_fault_t ${prefix}_fault(struct vm_fault *vmf)`,
    '{',
  ];
  const decl: string[] = [];
  rules.forEach((r, i) => {
    if (r.times !== null) decl.push(`static unsigned int hits${i}; /* rule ${i} applies ${r.times} time(s) */`);
  });
  if (rules.some((r) => r.action.kind === 'set_page')) decl.push('struct page *page;');
  if (rules.some((r) => r.action.kind === 'convert')) decl.push('int err;');
  if (rules.some((r) => r.action.kind === 'convert' && r.action.call.call === 'vm_insert_pages'))
    decl.push('unsigned long num;');
  const body: string[] = [...decl];
  if (decl.length) body.push('');
  const caseBody = (pgoff: number | '*'): string[] => {
    const lines: string[] = [];
    const list = applicable(rules, pgoff);
    for (const { rule, index } of list) {
      const action = ruleAction(ctx, prefix, rule);
      if (rule.times === null) {
        lines.push(...action);
        return lines;
      }
      lines.push(`if (hits${index} < ${rule.times}) {`, `\thits${index}++;`, ...action.map((l) => `\t${l}`), '}');
    }
    lines.push('return VM_FAULT_SIGBUS;');
    return lines;
  };
  const offsets = [...new Set(rules.map((r) => r.pgoff).filter((p): p is number => p !== '*'))];
  if (offsets.length === 0) body.push(...caseBody('*'));
  else {
    body.push('switch (vmf->pgoff) {');
    for (const p of offsets) {
      body.push(`case ${p}:`, ...caseBody(p).map((l) => `\t${l}`));
    }
    body.push('default:', ...caseBody('*').map((l) => `\t${l}`), '}');
  }
  out.push(...body.map((l) => (l === '' ? '' : `\t${l}`)), '}');
  return out;
}

function allocStmt(a: { v: string; step: AllocStep }): string[] {
  const s = a.step;
  const gfp = 'GFP_KERNEL';
  switch (s.kind) {
    case 'kmalloc':
    case 'kzalloc':
      return [`${a.v} = ${s.kind}(${s.size}, ${gfp});`];
    case 'vmalloc':
    case 'vzalloc':
    case 'vmalloc_user':
      return [`${a.v} = ${s.kind}(${s.size});`];
    case 'alloc_pages':
      return [`${a.v} = alloc_pages(${s.comp ? `${gfp} | __GFP_COMP` : gfp}, ${s.order});`];
    case '__get_free_pages':
      return [`${a.v} = __get_free_pages(${gfp}, ${s.order});`];
    case 'get_zeroed_page':
      return [`${a.v} = get_zeroed_page(${gfp});`];
  }
}

function freeStmt(a: { v: string; step: AllocStep }): string {
  const s = a.step;
  switch (s.kind) {
    case 'kmalloc':
    case 'kzalloc':
      return `kfree(${a.v});`;
    case 'vmalloc':
    case 'vzalloc':
    case 'vmalloc_user':
      return `vfree(${a.v});`;
    case 'alloc_pages':
      return `__free_pages(${a.v}, ${s.order});`;
    case '__get_free_pages':
      return `free_pages(${a.v}, ${s.order});`;
    case 'get_zeroed_page':
      return `free_page(${a.v});`;
  }
}

function declFor(a: { v: string; step: AllocStep }): string {
  switch (a.step.kind) {
    case 'alloc_pages':
      return `static struct page *${a.v};`;
    case '__get_free_pages':
    case 'get_zeroed_page':
      return `static unsigned long ${a.v};`;
    default:
      return `static void *${a.v};`;
  }
}

/** Fill a page array in init: runs of consecutive pages as loops, the rest one by one. */
function fillArray(arr: Ctx['arrays'][number]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < arr.refs.length) {
    const first = arr.refs[i] as PageRef;
    let j = i + 1;
    while (j < arr.refs.length) {
      const r = arr.refs[j] as PageRef;
      if (r.alloc !== first.alloc || r.page !== first.page + (j - i)) break;
      j++;
    }
    if (j - i >= 3) {
      const page = pageExpr({ alloc: first.alloc, page: 0 }, arr.allocs);
      const a = arr.allocs.get(first.alloc);
      const kind = a?.step.kind;
      const idx = first.page === 0 ? 'i' : `${first.page} + i`;
      const expr =
        kind === 'alloc_pages'
          ? `${a?.v} + ${idx}`
          : kind === 'kmalloc' || kind === 'kzalloc' || kind === '__get_free_pages' || kind === 'get_zeroed_page'
            ? `${page} + ${idx}`
            : `vmalloc_to_page(${a?.v} + (${idx}) * PAGE_SIZE)`;
      out.push(`for (i = 0; i < ${j - i}; i++)`, `\t${arr.name}[${i === 0 ? 'i' : `${i} + i`}] = ${expr};`);
    } else {
      for (let k = i; k < j; k++) out.push(`${arr.name}[${k}] = ${pageExpr(arr.refs[k] as PageRef, arr.allocs)};`);
    }
    i = j;
  }
  return out;
}

/** The C of a scenario's driver under a profile (the scenario's own when kernel is null). */
export function scenarioToC(text: string, opts: { kernel?: string | null; name?: string } = {}): ExportC {
  const kernel = opts.kernel ?? undefined;
  const parsed = parseScenario(text, kernel ? { kernel: kernel as KernelName } : {});
  if (!parsed.ok) return { ok: false, message: parsed.message };
  return { ok: true, ...generate(parsed.scenario, opts.name) };
}

function generate(sc: Scenario, name?: string): { name: string; code: string } {
  const mod = cIdent(name ?? moduleName(sc.title), 'ptlab_driver');
  const ctx: Ctx = { kernel: sc.kernel, allocs: new Map(), arrays: [], used: new Set([mod]) };
  const allAllocs: { v: string; step: AllocStep }[] = [];
  const frees: { v: string; step: AllocStep }[] = [];
  const handlers: string[] = [];
  const fops: { prefix: string; id: string }[] = [];
  for (const step of sc.steps) {
    if (step.op === 'alloc') {
      const a = { v: unique(ctx, cIdent(step.id, 'buf')), step };
      ctx.allocs.set(step.id, a);
      allAllocs.push(a);
    } else if (step.op === 'free') {
      const a = ctx.allocs.get(step.id);
      if (a) frees.push(a);
    } else if (step.op === 'mmap') {
      const prefix = unique(ctx, cIdent(step.id, 'dev'));
      const rules = step.driver.fault;
      let ops: string | null = null;
      const parts: string[][] = [];
      if (rules !== null) {
        ops = `${prefix}_vm_ops`;
        parts.push(faultHandler(ctx, step, prefix, rules));
        parts.push([`static const struct vm_operations_struct ${ops} = {`, `\t.fault = ${prefix}_fault,`, '};']);
      }
      parts.push(mmapHandler(ctx, step, prefix, ops));
      handlers.push(parts.map((p) => p.join('\n')).join('\n\n'));
      fops.push({ prefix, id: step.id });
    }
  }

  const lines: string[] = [];
  lines.push(
    `// SPDX-License-Identifier: GPL-2.0`,
    `/*`,
    ` * Generated by ptlab from scenario "${cString(sc.title ?? 'untitled')}", for kernel ${sc.kernel}.`,
    ` *`,
    ` * The driver side of the scenario: the allocations (module init), one mmap`,
    ` * handler per mmap step and, when the step has fault rules, its fault handler.`,
    ` * The scenario runs its steps in order; here every allocation is made at init`,
    ` * and every free at exit. Hook the handler of the step you want into ${mod}_fops.`,
    ` */`,
    '#include <linux/fs.h>',
    '#include <linux/gfp.h>',
    '#include <linux/miscdevice.h>',
    '#include <linux/mm.h>',
    '#include <linux/module.h>',
    '#include <linux/slab.h>',
    '#include <linux/vmalloc.h>',
  );
  if (sc.steps.some((s) => s.op === 'mmap' && s.driver.fault?.some((r) => r.action.kind === 'vmf'))) {
    lines.push('#include <linux/pfn_t.h>');
  }
  lines.push('');
  if (allAllocs.length)
    lines.push(...allAllocs.map((a) => `${declFor(a)} /* ${a.step.kind} "${cString(a.step.id)}" */`));
  // The handlers register their arrays while being written: write them first, declare after.
  const arrays = ctx.arrays.map((arr) => `static struct page *${arr.name}[${Math.max(1, arr.refs.length)}];`);
  if (arrays.length) lines.push(...arrays);
  lines.push('');
  for (const h of handlers) lines.push(h, '');

  if (fops.length) {
    const first = fops[0] as { prefix: string; id: string };
    lines.push(`static const struct file_operations ${mod}_fops = {`, '\t.owner = THIS_MODULE,');
    lines.push(`\t.mmap = ${first.prefix}_mmap,`);
    for (const f of fops.slice(1)) lines.push(`\t/* .mmap = ${f.prefix}_mmap, (step "${cString(f.id)}") */`);
    lines.push('};', '');
    lines.push(
      `static struct miscdevice ${mod}_dev = {`,
      '\t.minor = MISC_DYNAMIC_MINOR,',
      `\t.name = "${mod}",`,
      `\t.fops = &${mod}_fops,`,
      '};',
      '',
    );
  }

  // init: the allocations, then the page arrays.
  const init: string[] = [];
  const needI = ctx.arrays.some((arr) => fillArray(arr).some((l) => l.startsWith('for (')));
  if (needI) init.push('unsigned long i;', '');
  for (const a of allAllocs) {
    init.push(...allocStmt(a), `if (!${a.v})`, '\treturn -ENOMEM;');
  }
  for (const arr of ctx.arrays) init.push(...fillArray(arr));
  init.push(fops.length ? `return misc_register(&${mod}_dev);` : 'return 0;');
  lines.push(`static int __init ${mod}_init(void)`, '{', ...init.map((l) => (l === '' ? '' : `\t${l}`)), '}', '');

  const exit: string[] = [];
  if (fops.length) exit.push(`misc_deregister(&${mod}_dev);`);
  const freed = new Set(frees);
  for (const a of frees) exit.push(freeStmt(a));
  const kept = allAllocs.filter((a) => !freed.has(a));
  if (kept.length) exit.push(`/* never freed in the scenario: ${kept.map((a) => a.v).join(', ')} */`);
  lines.push(`static void __exit ${mod}_exit(void)`, '{', ...exit.map((l) => `\t${l}`), '}', '');
  lines.push(`module_init(${mod}_init);`, `module_exit(${mod}_exit);`, 'MODULE_LICENSE("GPL");', '');
  return { name: mod, code: lines.join('\n') };
}
