// Forms that add one step without writing JSON: one compact, collapsible form per op. Each
// builds a plain step object and hands it to the store's insertStep (inserted after the
// cursor, then the scenario reloads); a refused step shows the engine's message and the
// form keeps what was typed. Ids, allocations and mappings come from the loaded text.
import { type FormEvent, type ReactNode, useId, useMemo, useState } from 'react';
import { DRIVER_VM_FLAGS, ERRNO_CALLS, SIZED_ALLOC_KINDS, VMF_CALLS } from '../../scenario/names.ts';
import { useLab } from '../../store/lab.ts';

// ---------------------------------------------------------------- names (SCENARIO-FORMAT.md)

const SIZED_KINDS = SIZED_ALLOC_KINDS;
const ALLOC_KINDS = [...SIZED_KINDS, 'alloc_pages', '__get_free_pages', 'get_zeroed_page'] as const;
const PROTS = ['read', 'write', 'exec'] as const;
const ACCESSES = ['read', 'write', 'exec'] as const;
const MMAP_CALLS = [
  'vm_insert_page',
  'vm_insert_kmem_page',
  'vm_map_pages',
  'vm_map_pages_zero',
  'vm_insert_pages',
  'remap_pfn_range',
  'remap_vmalloc_range',
  'vmf_insert_page',
] as const;
const RETURN_FLAGS = [
  'VM_FAULT_NOPAGE',
  'VM_FAULT_SIGBUS',
  'VM_FAULT_SIGSEGV',
  'VM_FAULT_OOM',
  'VM_FAULT_HWPOISON',
  'VM_FAULT_RETRY',
  'VM_FAULT_LOCKED',
  'VM_FAULT_DONE_COW',
] as const;

type Step = Record<string, unknown>;

// ---------------------------------------------------------------- the loaded scenario, read

export interface AllocInfo {
  id: string;
  kind: string;
  pages: number;
  /** Freed by a step before the cursor (its pages can still be named: a use after free). */
  freed: boolean;
}

export interface ScenarioModel {
  /** Allocations defined before the cursor, where a new step goes. */
  allocs: AllocInfo[];
  /** Mappings defined before the cursor. */
  mmaps: { id: string; pages: number }[];
  /** Every id anywhere in the scenario (a new one must differ from all). */
  allocIds: Set<string>;
  mmapIds: Set<string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pages of an allocation (SCENARIO-FORMAT.md, "Page references"). */
function allocPages(s: Record<string, unknown>): number {
  const order = typeof s.order === 'number' ? s.order : 0;
  switch (s.kind) {
    case 'alloc_pages':
    case '__get_free_pages':
      return 2 ** order;
    case 'get_zeroed_page':
      return 1;
    default:
      return Math.ceil((typeof s.size === 'number' ? s.size : 0) / 4096);
  }
}

export function modelOf(text: string, cursor: number): ScenarioModel {
  const model: ScenarioModel = { allocs: [], mmaps: [], allocIds: new Set(), mmapIds: new Set() };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return model;
  }
  const steps = isObject(doc) && Array.isArray(doc.steps) ? doc.steps : [];
  steps.forEach((s: unknown, i: number) => {
    if (!isObject(s) || typeof s.id !== 'string') return;
    const before = i < cursor;
    if (s.op === 'alloc') {
      model.allocIds.add(s.id);
      if (before) model.allocs.push({ id: s.id, kind: String(s.kind), pages: allocPages(s), freed: false });
    } else if (s.op === 'mmap') {
      model.mmapIds.add(s.id);
      if (before) model.mmaps.push({ id: s.id, pages: typeof s.pages === 'number' ? s.pages : 0 });
    } else if (s.op === 'free' && before) {
      const a = model.allocs.find((x) => x.id === s.id);
      if (a) a.freed = true;
    }
  });
  return model;
}

/** The first of prefix1, prefix2, ... not in `used`. */
export function nextId(prefix: string, used: Set<string>): string {
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

/** An integer field's text as a number; empty gives `fallback` (NaN and friends reach the engine, which says why). */
function num(s: string, fallback?: number): number | undefined {
  const t = s.trim();
  return t === '' ? fallback : Number(t);
}

/** The value if it is one of the options, else the first option ('' when there is none). */
function pick(value: string, options: readonly string[]): string {
  return options.includes(value) ? value : (options[0] ?? '');
}

// ---------------------------------------------------------------- small labelled controls

function TextInput(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  numeric?: boolean;
  min?: number;
  max?: number;
  className?: string;
}) {
  return (
    <label className={`scn-field ${props.className ?? ''}`}>
      <span>{props.label}</span>
      <input
        type={props.numeric ? 'number' : 'text'}
        step={props.numeric ? 1 : undefined}
        min={props.min}
        max={props.max}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
      />
    </label>
  );
}

function Select(props: {
  label: string;
  value: string;
  options: readonly (string | { value: string; label: string })[];
  onChange: (v: string) => void;
  empty?: string;
  className?: string;
}) {
  const opts = props.options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
  return (
    <label className={`scn-field ${props.className ?? ''}`}>
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {opts.length === 0 && <option value="">{props.empty ?? '(none)'}</option>}
        {opts.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Checks<T extends string>(props: {
  legend: string;
  options: readonly T[];
  value: readonly T[];
  onChange: (v: T[]) => void;
}) {
  return (
    <fieldset className="scn-checks">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o} className="scn-check">
          <input
            type="checkbox"
            checked={props.value.includes(o)}
            onChange={(e) =>
              props.onChange(
                e.target.checked
                  ? props.options.filter((x) => x === o || props.value.includes(x))
                  : props.value.filter((x) => x !== o),
              )
            }
          />
          <span>{o}</span>
        </label>
      ))}
    </fieldset>
  );
}

function allocOptions(allocs: readonly AllocInfo[]) {
  return allocs.map((a) => ({
    value: a.id,
    label: `${a.id} (${a.kind}, ${a.pages} page${a.pages === 1 ? '' : 's'}${a.freed ? ', freed' : ''})`,
  }));
}

function mmapOptions(mmaps: ScenarioModel['mmaps']) {
  return mmaps.map((m) => ({ value: m.id, label: `${m.id} (${m.pages} page${m.pages === 1 ? '' : 's'})` }));
}

interface PageRefDraft {
  alloc: string;
  page: string;
}

/** A page reference: an allocation defined so far and a page index in it. */
function PageRefInput(props: {
  legend: string;
  allocs: readonly AllocInfo[];
  value: PageRefDraft;
  onChange: (v: PageRefDraft) => void;
}) {
  const alloc = pick(
    props.value.alloc,
    props.allocs.map((a) => a.id),
  );
  const pages = props.allocs.find((a) => a.id === alloc)?.pages;
  return (
    <fieldset className="scn-pageref">
      <legend>{props.legend}</legend>
      <AllocSelect
        label="alloc"
        value={alloc}
        allocs={props.allocs}
        onChange={(v) => props.onChange({ ...props.value, alloc: v })}
      />
      <TextInput
        label={pages === undefined ? 'page' : `page (0..${pages - 1})`}
        numeric
        min={0}
        value={props.value.page}
        onChange={(v) => props.onChange({ ...props.value, page: v })}
      />
    </fieldset>
  );
}

/** A PageRef for a step, or a reason it cannot be made. */
function pageRef(d: PageRefDraft, allocs: readonly AllocInfo[]): { alloc: string; page: number | undefined } | string {
  const alloc = pick(
    d.alloc,
    allocs.map((a) => a.id),
  );
  if (alloc === '') return 'no allocation is defined before this point: add an alloc step first';
  return { alloc, page: num(d.page, 0) };
}

/** The page references first .. first+count-1 of an allocation (vm_insert_pages). */
function pageRefs(alloc: string, first: number, count: number) {
  const out: { alloc: string; page: number }[] = [];
  for (let i = 0; i < Math.min(count, 65_536); i++) out.push({ alloc, page: first + i });
  return out;
}

// ---------------------------------------------------------------- the form shell

interface Ctx {
  model: ScenarioModel;
  addLabel: string;
  disabledReason: string | null;
  /** Insert the step; the engine's message when it is refused. */
  insert: (step: Step) => Promise<string | null>;
}

function StepForm(props: {
  op: string;
  summary: string;
  ctx: Ctx;
  /** The step, or why it cannot be made from what was chosen. */
  build: () => Step | string;
  children: ReactNode;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonId = useId();
  const errorId = useId();
  const reason = props.ctx.disabledReason;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason !== null || busy) return;
    const step = props.build();
    if (typeof step === 'string') {
      setMessage(step);
      return;
    }
    setBusy(true);
    try {
      setMessage(await props.ctx.insert(step));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="scn-form" data-testid={`form-${props.op}`}>
      <summary>
        <span className="scn-op">{props.op}</span> <span className="scn-muted">{props.summary}</span>
      </summary>
      <form onSubmit={(e) => void submit(e)} aria-label={`Add a ${props.op} step`}>
        {props.children}
        <div className="scn-row">
          <button
            type="submit"
            disabled={reason !== null || busy}
            aria-describedby={[reason ? reasonId : '', message ? errorId : ''].join(' ').trim() || undefined}
            data-testid="add-step"
          >
            {props.ctx.addLabel}
          </button>
          {reason && (
            <span id={reasonId} className="scn-muted">
              {reason}
            </span>
          )}
        </div>
        {message && (
          <p id={errorId} className="scn-msg scn-err" role="alert" data-testid="form-error">
            {message}
          </p>
        )}
      </form>
    </details>
  );
}

// ---------------------------------------------------------------- one form per op

function AllocForm({ ctx }: { ctx: Ctx }) {
  const [id, setId] = useState('');
  const [kind, setKind] = useState<string>('alloc_pages');
  const [size, setSize] = useState('4096');
  const [order, setOrder] = useState('0');
  const [comp, setComp] = useState(false);
  const suggested = nextId('a', ctx.model.allocIds);
  const sized = (SIZED_KINDS as readonly string[]).includes(kind);
  const ordered = kind === 'alloc_pages' || kind === '__get_free_pages';
  return (
    <StepForm
      op="alloc"
      summary="kmalloc, vmalloc, alloc_pages…"
      ctx={ctx}
      build={() => {
        const step: Step = { op: 'alloc', id: id.trim() || suggested, kind };
        if (sized) step.size = num(size, 4096);
        if (ordered) step.order = num(order, 0);
        if (kind === 'alloc_pages' && comp) step.comp = true;
        return step;
      }}
    >
      <div className="scn-grid">
        <TextInput label="id" value={id} placeholder={suggested} onChange={setId} />
        <Select label="kind" value={kind} options={ALLOC_KINDS} onChange={setKind} />
        {sized && <TextInput label="size (bytes)" numeric min={1} value={size} onChange={setSize} />}
        {ordered && <TextInput label="order (0..10)" numeric min={0} max={10} value={order} onChange={setOrder} />}
      </div>
      {kind === 'alloc_pages' && (
        <label className="scn-check">
          <input type="checkbox" checked={comp} onChange={(e) => setComp(e.target.checked)} />
          <span>comp (__GFP_COMP)</span>
        </label>
      )}
    </StepForm>
  );
}

interface CallDraft {
  key: number;
  call: (typeof MMAP_CALLS)[number];
  at: string;
  ref: PageRefDraft;
  count: string;
  pgoff: string;
}

interface RuleDraft {
  key: number;
  pgoff: string;
  action: 'return' | 'set_page' | 'vmf' | 'errno';
  flags: string[];
  vmfCall: (typeof VMF_CALLS)[number];
  errnoCall: (typeof ERRNO_CALLS)[number];
  ref: PageRefDraft;
  count: string;
  convert: 'vmf_error' | 'busy_ok';
  times: string;
}

let draftKey = 0;

function newCall(): CallDraft {
  return { key: ++draftKey, call: 'vm_insert_page', at: '0', ref: { alloc: '', page: '0' }, count: '1', pgoff: '0' };
}

function newRule(): RuleDraft {
  return {
    key: ++draftKey,
    pgoff: '*',
    action: 'return',
    flags: ['VM_FAULT_SIGBUS'],
    vmfCall: 'vmf_insert_page',
    errnoCall: 'vm_insert_page',
    ref: { alloc: '', page: '0' },
    count: '1',
    convert: 'vmf_error',
    times: '',
  };
}

/** The fields of an mmap-handler call, or why it cannot be made. */
function buildCall(c: CallDraft, allocs: readonly AllocInfo[]): Step | string {
  const ref = pageRef(c.ref, allocs);
  switch (c.call) {
    case 'vm_insert_page':
    case 'vm_insert_kmem_page':
    case 'vmf_insert_page':
      return typeof ref === 'string' ? ref : { call: c.call, at: num(c.at, 0), page: ref };
    case 'remap_pfn_range':
      return typeof ref === 'string' ? ref : { call: c.call, at: num(c.at, 0), page: ref, count: num(c.count, 1) };
    case 'vm_map_pages':
    case 'vm_map_pages_zero':
      return typeof ref === 'string' ? ref : { call: c.call, alloc: ref.alloc };
    case 'vm_insert_pages':
      return typeof ref === 'string'
        ? ref
        : { call: c.call, at: num(c.at, 0), pages: pageRefs(ref.alloc, ref.page ?? 0, num(c.count, 1) ?? 1) };
    case 'remap_vmalloc_range': {
      if (typeof ref === 'string') return ref;
      const pgoff = num(c.pgoff, 0);
      return pgoff === 0 ? { call: c.call, alloc: ref.alloc } : { call: c.call, alloc: ref.alloc, pgoff };
    }
  }
}

/** A fault rule, or why it cannot be made. */
function buildRule(r: RuleDraft, allocs: readonly AllocInfo[]): Step | string {
  const pgoff = r.pgoff.trim() === '*' ? '*' : num(r.pgoff, 0);
  const rule: Step = { pgoff };
  const ref = pageRef(r.ref, allocs);
  if (r.action === 'return') rule.return = r.flags.length === 0 ? 0 : r.flags.join('|');
  else if (r.action === 'set_page') {
    if (typeof ref === 'string') return ref;
    rule.set_page = ref;
  } else if (r.action === 'vmf') {
    if (typeof ref === 'string') return ref;
    rule.call = r.vmfCall;
    rule.page = ref;
  } else {
    if (typeof ref === 'string') return ref;
    rule.call = r.errnoCall;
    switch (r.errnoCall) {
      case 'vm_insert_page':
      case 'vm_insert_kmem_page':
        rule.page = ref;
        break;
      case 'remap_pfn_range':
        rule.page = ref;
        rule.count = num(r.count, 1);
        break;
      case 'vm_insert_pages':
        rule.pages = pageRefs(ref.alloc, ref.page ?? 0, num(r.count, 1) ?? 1);
        break;
      default:
        rule.alloc = ref.alloc;
    }
    rule.convert = r.convert;
  }
  const times = num(r.times);
  if (times !== undefined) rule.times = times;
  return rule;
}

/** The calls that map a whole allocation (no page, no `at`). */
const WHOLE_ALLOC_CALLS: readonly string[] = ['vm_map_pages', 'vm_map_pages_zero', 'remap_vmalloc_range'];

/** Pick one of the scenario's allocations so far. */
function AllocSelect(props: {
  label: string;
  value: string;
  allocs: readonly AllocInfo[];
  onChange: (alloc: string) => void;
}) {
  return (
    <Select
      label={props.label}
      value={pick(
        props.value,
        props.allocs.map((a) => a.id),
      )}
      options={allocOptions(props.allocs)}
      empty="(no allocation yet)"
      onChange={props.onChange}
    />
  );
}

function CallEditor(props: {
  index: number;
  value: CallDraft;
  allocs: readonly AllocInfo[];
  onChange: (c: CallDraft) => void;
  onRemove: () => void;
}) {
  const c = props.value;
  const set = (p: Partial<CallDraft>) => props.onChange({ ...c, ...p });
  const allocOnly = WHOLE_ALLOC_CALLS.includes(c.call);
  const takesAt = !allocOnly;
  const takesPage = ['vm_insert_page', 'vm_insert_kmem_page', 'vmf_insert_page', 'remap_pfn_range'].includes(c.call);
  return (
    <fieldset className="scn-item" data-testid="mmap-call">
      <legend>call {props.index}</legend>
      <div className="scn-grid">
        <Select
          label="call"
          value={c.call}
          options={MMAP_CALLS}
          onChange={(v) => set({ call: v as CallDraft['call'] })}
        />
        {takesAt && <TextInput label="at (page in VMA)" numeric value={c.at} onChange={(v) => set({ at: v })} />}
      </div>
      {takesPage && (
        <PageRefInput
          legend={c.call === 'remap_pfn_range' ? 'first pfn' : 'page'}
          allocs={props.allocs}
          value={c.ref}
          onChange={(ref) => set({ ref })}
        />
      )}
      {c.call === 'vm_insert_pages' && (
        <PageRefInput legend="pages from" allocs={props.allocs} value={c.ref} onChange={(ref) => set({ ref })} />
      )}
      {allocOnly && (
        <div className="scn-grid">
          <AllocSelect
            label={c.call === 'remap_vmalloc_range' ? 'alloc' : 'alloc (all its pages)'}
            value={c.ref.alloc}
            allocs={props.allocs}
            onChange={(alloc) => set({ ref: { ...c.ref, alloc } })}
          />
          {c.call === 'remap_vmalloc_range' && (
            <TextInput label="pgoff" numeric min={0} value={c.pgoff} onChange={(v) => set({ pgoff: v })} />
          )}
        </div>
      )}
      {(c.call === 'remap_pfn_range' || c.call === 'vm_insert_pages') && (
        <TextInput label="count (pages)" numeric min={0} value={c.count} onChange={(v) => set({ count: v })} />
      )}
      <button type="button" className="scn-small" onClick={props.onRemove}>
        Remove call {props.index}
      </button>
    </fieldset>
  );
}

function RuleEditor(props: {
  index: number;
  value: RuleDraft;
  allocs: readonly AllocInfo[];
  onChange: (r: RuleDraft) => void;
  onRemove: () => void;
}) {
  const r = props.value;
  const set = (p: Partial<RuleDraft>) => props.onChange({ ...r, ...p });
  const errnoAllocOnly = WHOLE_ALLOC_CALLS.includes(r.errnoCall);
  return (
    <fieldset className="scn-item" data-testid="fault-rule">
      <legend>rule {props.index}</legend>
      <div className="scn-grid">
        <TextInput label="pgoff (n or *)" value={r.pgoff} onChange={(v) => set({ pgoff: v })} />
        <Select
          label="action"
          value={r.action}
          options={[
            { value: 'return', label: 'return flags' },
            { value: 'set_page', label: 'set_page' },
            { value: 'vmf', label: 'vmf_* call' },
            { value: 'errno', label: 'errno call + convert' },
          ]}
          onChange={(v) => set({ action: v as RuleDraft['action'] })}
        />
        <TextInput label="times (optional)" numeric min={1} value={r.times} onChange={(v) => set({ times: v })} />
      </div>
      {r.action === 'return' && (
        <Checks
          legend="return (none = 0)"
          options={RETURN_FLAGS}
          value={r.flags}
          onChange={(flags) => set({ flags })}
        />
      )}
      {r.action === 'set_page' && (
        <PageRefInput legend="set_page" allocs={props.allocs} value={r.ref} onChange={(ref) => set({ ref })} />
      )}
      {r.action === 'vmf' && (
        <>
          <Select
            label="call"
            value={r.vmfCall}
            options={VMF_CALLS}
            onChange={(v) => set({ vmfCall: v as RuleDraft['vmfCall'] })}
          />
          <PageRefInput
            legend={r.vmfCall === 'vmf_insert_page' ? 'page' : 'pfn of'}
            allocs={props.allocs}
            value={r.ref}
            onChange={(ref) => set({ ref })}
          />
        </>
      )}
      {r.action === 'errno' && (
        <>
          <div className="scn-grid">
            <Select
              label="call"
              value={r.errnoCall}
              options={ERRNO_CALLS}
              onChange={(v) => set({ errnoCall: v as RuleDraft['errnoCall'] })}
            />
            <Select
              label="convert"
              value={r.convert}
              options={['vmf_error', 'busy_ok']}
              onChange={(v) => set({ convert: v as RuleDraft['convert'] })}
            />
          </div>
          {errnoAllocOnly ? (
            <AllocSelect
              label="alloc"
              value={r.ref.alloc}
              allocs={props.allocs}
              onChange={(alloc) => set({ ref: { ...r.ref, alloc } })}
            />
          ) : (
            <PageRefInput
              legend={
                r.errnoCall === 'vm_insert_pages'
                  ? 'pages from'
                  : r.errnoCall === 'remap_pfn_range'
                    ? 'first pfn'
                    : 'page'
              }
              allocs={props.allocs}
              value={r.ref}
              onChange={(ref) => set({ ref })}
            />
          )}
          {(r.errnoCall === 'remap_pfn_range' || r.errnoCall === 'vm_insert_pages') && (
            <TextInput label="count (pages)" numeric min={0} value={r.count} onChange={(v) => set({ count: v })} />
          )}
        </>
      )}
      <button type="button" className="scn-small" onClick={props.onRemove}>
        Remove rule {props.index}
      </button>
    </fieldset>
  );
}

function MmapForm({ ctx }: { ctx: Ctx }) {
  const allocs = ctx.model.allocs;
  const [id, setId] = useState('');
  const [pages, setPages] = useState('1');
  const [prot, setProt] = useState<(typeof PROTS)[number][]>(['read', 'write']);
  const [flags, setFlags] = useState('shared');
  const [pgoff, setPgoff] = useState('0');
  const [open, setOpen] = useState('rdwr');
  const [vmFlags, setVmFlags] = useState<(typeof DRIVER_VM_FLAGS)[number][]>([]);
  const [calls, setCalls] = useState<CallDraft[]>([]);
  const [onError, setOnError] = useState('return');
  const [hasFault, setHasFault] = useState(false);
  const [rules, setRules] = useState<RuleDraft[]>([]);
  const suggested = nextId('m', ctx.model.mmapIds);

  function build(): Step | string {
    const step: Step = { op: 'mmap', id: id.trim() || suggested, pages: num(pages, 1), prot, flags };
    const off = num(pgoff, 0);
    if (off !== 0) step.pgoff = off;
    if (open !== 'rdwr') step.open = open;
    const driver: Step = {};
    if (vmFlags.length > 0) driver.vm_flags_set = vmFlags;
    const built: Step[] = [];
    for (const [i, c] of calls.entries()) {
      const b = buildCall(c, allocs);
      if (typeof b === 'string') return `call ${i}: ${b}`;
      built.push(b);
    }
    if (built.length > 0) driver.mmap = built;
    if (onError !== 'return') driver.on_error = onError;
    if (hasFault) {
      const fault: Step[] = [];
      for (const [i, r] of rules.entries()) {
        const b = buildRule(r, allocs);
        if (typeof b === 'string') return `rule ${i}: ${b}`;
        fault.push(b);
      }
      driver.fault = fault;
    }
    if (Object.keys(driver).length > 0) step.driver = driver;
    return step;
  }

  return (
    <StepForm op="mmap" summary="a mapping and its driver" ctx={ctx} build={build}>
      <div className="scn-grid">
        <TextInput label="id" value={id} placeholder={suggested} onChange={setId} />
        <TextInput label="pages" numeric min={1} value={pages} onChange={setPages} />
        <TextInput label="pgoff" numeric min={0} value={pgoff} onChange={setPgoff} />
        <Select label="flags" value={flags} options={['shared', 'private']} onChange={setFlags} />
        <Select label="open" value={open} options={['rdwr', 'rdonly']} onChange={setOpen} />
      </div>
      <Checks legend="prot" options={PROTS} value={prot} onChange={setProt} />
      <fieldset className="scn-driver">
        <legend>driver</legend>
        <Checks legend="vm_flags_set" options={DRIVER_VM_FLAGS} value={vmFlags} onChange={setVmFlags} />
        <div className="scn-sub">mmap handler calls</div>
        {calls.map((c, i) => (
          <CallEditor
            key={c.key}
            index={i}
            value={c}
            allocs={allocs}
            onChange={(n) => setCalls(calls.map((x) => (x.key === c.key ? n : x)))}
            onRemove={() => setCalls(calls.filter((x) => x.key !== c.key))}
          />
        ))}
        <div className="scn-row">
          <button
            type="button"
            className="scn-small"
            onClick={() => setCalls([...calls, newCall()])}
            data-testid="add-call"
          >
            Add a call
          </button>
          <Select
            label="on_error"
            value={onError}
            options={['return', 'continue']}
            onChange={setOnError}
            className="scn-inline"
          />
        </div>
        <label className="scn-check">
          <input
            type="checkbox"
            checked={hasFault}
            onChange={(e) => setHasFault(e.target.checked)}
            data-testid="has-fault"
          />
          <span>has a fault handler (vm_ops-&gt;fault)</span>
        </label>
        {hasFault && (
          <>
            {rules.map((r, i) => (
              <RuleEditor
                key={r.key}
                index={i}
                value={r}
                allocs={allocs}
                onChange={(n) => setRules(rules.map((x) => (x.key === r.key ? n : x)))}
                onRemove={() => setRules(rules.filter((x) => x.key !== r.key))}
              />
            ))}
            <button
              type="button"
              className="scn-small"
              onClick={() => setRules([...rules, newRule()])}
              data-testid="add-rule"
            >
              Add a fault rule
            </button>
            {rules.length === 0 && <p className="scn-muted">No rules: every fault returns VM_FAULT_SIGBUS.</p>}
          </>
        )}
      </fieldset>
    </StepForm>
  );
}

function MappingPageForm({ ctx, op }: { ctx: Ctx; op: 'touch' | 'pte' }) {
  const [mmap, setMmap] = useState('');
  const [page, setPage] = useState('0');
  const [access, setAccess] = useState('read');
  const ids = ctx.model.mmaps.map((m) => m.id);
  const m = pick(mmap, ids);
  return (
    <StepForm
      op={op}
      summary={op === 'touch' ? 'the process reads, writes or executes a page' : 'show one PTE'}
      ctx={ctx}
      build={() => {
        if (m === '') return 'no mapping is defined before this point: add an mmap step first';
        const step: Step = { op, mmap: m, page: num(page, 0) };
        if (op === 'touch') step.access = access;
        return step;
      }}
    >
      <div className="scn-grid">
        <Select
          label="mapping"
          value={m}
          options={mmapOptions(ctx.model.mmaps)}
          empty="(no mapping yet)"
          onChange={setMmap}
        />
        <TextInput label="page (may be outside)" numeric value={page} onChange={setPage} />
        {op === 'touch' && <Select label="access" value={access} options={ACCESSES} onChange={setAccess} />}
      </div>
    </StepForm>
  );
}

function RangeForm({ ctx }: { ctx: Ctx }) {
  const [op, setOp] = useState('munmap');
  const [mmap, setMmap] = useState('');
  const [first, setFirst] = useState('');
  const [count, setCount] = useState('');
  const m = pick(
    mmap,
    ctx.model.mmaps.map((x) => x.id),
  );
  return (
    <StepForm
      op="munmap / madvise"
      summary="unmap, or MADV_DONTNEED"
      ctx={ctx}
      build={() => {
        if (m === '') return 'no mapping is defined before this point: add an mmap step first';
        const step: Step = op === 'madvise' ? { op, mmap: m, advice: 'dontneed' } : { op, mmap: m };
        const f = num(first);
        const c = num(count);
        if (f !== undefined) step.first = f;
        if (c !== undefined) step.count = c;
        return step;
      }}
    >
      <div className="scn-grid">
        <Select
          label="op"
          value={op}
          options={[
            { value: 'munmap', label: 'munmap' },
            { value: 'madvise', label: 'madvise (dontneed)' },
          ]}
          onChange={setOp}
        />
        <Select
          label="mapping"
          value={m}
          options={mmapOptions(ctx.model.mmaps)}
          empty="(no mapping yet)"
          onChange={setMmap}
        />
        <TextInput label="first (optional)" numeric value={first} onChange={setFirst} />
        <TextInput label="count (optional)" numeric min={1} value={count} onChange={setCount} />
      </div>
    </StepForm>
  );
}

function FreeForm({ ctx }: { ctx: Ctx }) {
  const live = ctx.model.allocs.filter((a) => !a.freed);
  const [alloc, setAlloc] = useState('');
  const a = pick(
    alloc,
    live.map((x) => x.id),
  );
  return (
    <StepForm
      op="free"
      summary="kfree, vfree, __free_pages…"
      ctx={ctx}
      build={() => (a === '' ? 'no allocation left to free at this point' : { op: 'free', id: a })}
    >
      <Select label="alloc" value={a} options={allocOptions(live)} empty="(nothing to free)" onChange={setAlloc} />
    </StepForm>
  );
}

function PageInfoForm({ ctx }: { ctx: Ctx }) {
  const [ref, setRef] = useState<PageRefDraft>({ alloc: '', page: '0' });
  return (
    <StepForm
      op="page_info"
      summary="refcount, mapcount, flags of a struct page"
      ctx={ctx}
      build={() => {
        const r = pageRef(ref, ctx.model.allocs);
        return typeof r === 'string' ? r : { op: 'page_info', page: r };
      }}
    >
      <PageRefInput legend="page" allocs={ctx.model.allocs} value={ref} onChange={setRef} />
    </StepForm>
  );
}

// ---------------------------------------------------------------- all forms

export function StepForms(props: { text: string; cursor: number; disabledReason: string | null }) {
  const insertStep = useLab((s) => s.insertStep);
  const model = useMemo(() => modelOf(props.text, props.cursor), [props.text, props.cursor]);
  const ctx: Ctx = {
    model,
    addLabel: props.cursor > 0 ? `Add after step ${props.cursor - 1}` : 'Add as step 0',
    disabledReason: props.disabledReason,
    async insert(step) {
      const ok = await insertStep(step);
      return ok ? null : (useLab.getState().message ?? 'the step was refused');
    },
  };
  return (
    <div className="scn-forms" data-testid="step-forms">
      <h3>Add a step</h3>
      <p className="scn-muted scn-hint">
        {props.cursor > 0
          ? `New steps go after step ${props.cursor - 1}, where the cursor is.`
          : 'New steps go first, before step 0 (the cursor is at the start).'}
      </p>
      <AllocForm ctx={ctx} />
      <MmapForm ctx={ctx} />
      <MappingPageForm ctx={ctx} op="touch" />
      <RangeForm ctx={ctx} />
      <FreeForm ctx={ctx} />
      <PageInfoForm ctx={ctx} />
      <MappingPageForm ctx={ctx} op="pte" />
    </div>
  );
}
