// Scenario format v1 (../shared/SCENARIO-FORMAT.md) in its raw JSON shape: snake_case keys,
// defaults applied, nothing checked that needs more than one field (ids, page ranges, the
// profile's calls and vm_fault_t names: those are parse.ts's semantic checks).
// parse.ts turns the parsed value into the trusted shapes of types.ts.
import { z } from 'zod';
import { DRIVER_VM_FLAGS, KERNELS, SIZED_ALLOC_KINDS, VMF_CALLS } from './names.ts';
import type { KernelName } from './types.ts';

// ---------------------------------------------------------------- limits

/** Largest input text parseScenario reads, in UTF-8 bytes. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;
/** Deepest bracket nesting parseScenario reads (a real scenario needs about 7). */
export const MAX_NESTING_DEPTH = 64;
export const MAX_STEPS = 10_000;
/** Calls in one mmap handler (`driver.mmap`). */
export const MAX_MMAP_CALLS = 4096;
/** Rules in one fault handler (`driver.fault`). */
export const MAX_FAULT_RULES = 4096;
/** Page references in one `pages` array. */
export const MAX_PAGE_REFS = 65_536;
export const MAX_TITLE_LENGTH = 1000;
export const MAX_NOTE_LENGTH = 10_000;
/** Alloc and mmap ids: 1 to 256 characters. */
export const MAX_ID_LENGTH = 256;
export const RAM_MIB_MIN = 64;
export const RAM_MIB_MAX = 65_536;
export const RAM_MIB_DEFAULT = 512;
export const DEFAULT_KERNEL: KernelName = '6.1';
/** kmalloc ... vmalloc_user sizes: 1 .. 2^31 bytes. */
export const MAX_ALLOC_SIZE = 2 ** 31;
export const MAX_ORDER = 10;
/** mmap offsets in pages: what the x86-64 mmap() byte offset can express. */
export const MAX_PGOFF = 2 ** 52 - 1;
/** remap_pfn_range `count`: 0 (the kernel's BUG_ON(addr >= end)) .. 2^52 - 1 (size fits in 64 bits). */
export const MAX_REMAP_COUNT = 2 ** 52 - 1;
export const MAX_VM_FAULT_TEXT = 1000;

// ---------------------------------------------------------------- names

export { DRIVER_VM_FLAGS, ERRNO_CALLS, KERNELS, OPS, SIZED_ALLOC_KINDS, VMF_CALLS } from './names.ts';
/** The keys that tell a fault rule's forms apart, in the order of FaultRuleSchema's options. */
export const FAULT_RULE_FORMS = ['call', 'return', 'set_page'] as const;

// ---------------------------------------------------------------- messages

/** A short description of a JSON value, for "got ..." in messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of ${v.length}`;
  switch (typeof v) {
    case 'string':
      return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'a number too large for a double';
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/**
 * The error option for a schema: "missing (expected NOUN)" when the field is absent, else
 * "must be NOUN (got VALUE)". Every leaf of the schema has one, so the messages read the same.
 */
function expected(noun: string) {
  return {
    error: (iss: { input?: unknown }) =>
      iss.input === undefined ? `missing (expected ${noun})` : `must be ${noun} (got ${describeValue(iss.input)})`,
  };
}

const quoteList = (xs: readonly string[]) => xs.map((x) => JSON.stringify(x)).join(', ');

function intIn(min: number, max: number, noun = `an integer from ${min} to ${max}`) {
  const e = expected(noun);
  return z.int(e).min(min, e).max(max, e);
}

const SAFE = Number.MAX_SAFE_INTEGER;
/** Any safe integer (page indexes inside or outside a VMA may be negative). */
const anyInt = () => z.int(expected('an integer (at most 2^53 - 1 in magnitude)'));
const positiveInt = () => intIn(1, SAFE, 'an integer >= 1 (at most 2^53 - 1)');

function text(max: number) {
  const e = expected(`a string of at most ${max} characters`);
  return z.string(e).max(max, e);
}

const note = () => text(MAX_NOTE_LENGTH).optional();

function idSchema() {
  const e = expected(`an id: a string of 1 to ${MAX_ID_LENGTH} characters`);
  return z.string(e).min(1, e).max(MAX_ID_LENGTH, e);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expected(`one of ${quoteList(values)}`));
}

function arrayOf<T extends z.ZodType>(item: T, what: string, max: number) {
  return z
    .array(item, expected(`an array of ${what}`))
    .max(max, { error: (iss) => `at most ${max} ${what} (got ${(iss.input as unknown[]).length})` });
}

// ---------------------------------------------------------------- page references

export const PageRefSchema = z.strictObject(
  { alloc: idSchema(), page: anyInt() },
  expected('a page reference {"alloc": id, "page": n}'),
);

const pgoffSchema = () => intIn(0, MAX_PGOFF, 'a page offset from 0 to 2^52 - 1');

const pageRefs = () => arrayOf(PageRefSchema, 'page references', MAX_PAGE_REFS);

/** vm_map_pages and vm_map_pages_zero take exactly one of `pages` and `alloc`. */
function exactlyOnePagesOrAlloc(v: { pages?: unknown; alloc?: unknown }, ctx: z.RefinementCtx) {
  const n = Number(v.pages !== undefined) + Number(v.alloc !== undefined);
  if (n !== 1)
    ctx.addIssue({
      code: 'custom',
      message:
        n === 0
          ? 'give "pages" (a list of page references) or "alloc" (all pages of one allocation)'
          : 'give only one of "pages" and "alloc"',
      input: v,
    });
}

// ---------------------------------------------------------------- calls in the mmap handler

const convert = () =>
  z.enum(['vmf_error', 'busy_ok'], {
    error: (iss) =>
      iss.input === undefined
        ? 'missing: an errno-returning call in a fault rule needs "convert": "vmf_error" or "busy_ok"'
        : `must be "vmf_error" or "busy_ok" (got ${describeValue(iss.input)})`,
  });

export const MmapCallSchema = z.discriminatedUnion(
  'call',
  [
    z.strictObject({
      call: z.enum(['vm_insert_page', 'vm_insert_kmem_page', 'vmf_insert_page']),
      at: anyInt(),
      page: PageRefSchema,
      note: note(),
    }),
    z
      .strictObject({
        call: z.enum(['vm_map_pages', 'vm_map_pages_zero']),
        pages: pageRefs().optional(),
        alloc: idSchema().optional(),
        note: note(),
      })
      .superRefine(exactlyOnePagesOrAlloc),
    z.strictObject({ call: z.literal('vm_insert_pages'), at: anyInt(), pages: pageRefs(), note: note() }),
    z.strictObject({
      call: z.literal('remap_pfn_range'),
      at: anyInt(),
      page: PageRefSchema,
      count: intIn(0, MAX_REMAP_COUNT, 'a page count from 0 to 2^52 - 1'),
      note: note(),
    }),
    z.strictObject({
      call: z.literal('remap_vmalloc_range'),
      alloc: idSchema(),
      pgoff: pgoffSchema().default(0),
      note: note(),
    }),
  ],
  expected('a call object {"call": name, ...}'),
);

// ---------------------------------------------------------------- fault rules

const rulePgoffNoun = 'a page offset (an integer >= 0) or "*"';
const rulePgoff = () =>
  z.union([intIn(0, SAFE, rulePgoffNoun), z.literal('*', expected(rulePgoffNoun))], expected(rulePgoffNoun));
const ruleBase = () => ({ pgoff: rulePgoff(), times: positiveInt().optional(), note: note() });

/** A fault rule that makes a call: a vmf_* call, or an errno call with `convert`. */
export const FaultCallRuleSchema = z.discriminatedUnion(
  'call',
  [
    z.strictObject({ ...ruleBase(), call: z.enum(VMF_CALLS), page: PageRefSchema }),
    z.strictObject({
      ...ruleBase(),
      call: z.enum(['vm_insert_page', 'vm_insert_kmem_page']),
      page: PageRefSchema,
      convert: convert(),
    }),
    z
      .strictObject({
        ...ruleBase(),
        call: z.enum(['vm_map_pages', 'vm_map_pages_zero']),
        pages: pageRefs().optional(),
        alloc: idSchema().optional(),
        convert: convert(),
      })
      .superRefine(exactlyOnePagesOrAlloc),
    z.strictObject({ ...ruleBase(), call: z.literal('vm_insert_pages'), pages: pageRefs(), convert: convert() }),
    z.strictObject({
      ...ruleBase(),
      call: z.literal('remap_pfn_range'),
      page: PageRefSchema,
      count: intIn(0, MAX_REMAP_COUNT, 'a page count from 0 to 2^52 - 1').default(1),
      convert: convert(),
    }),
    // the rule's pgoff is its match key; the call maps from offset 0
    z.strictObject({ ...ruleBase(), call: z.literal('remap_vmalloc_range'), alloc: idSchema(), convert: convert() }),
  ],
  expected('a fault rule object'),
);

const vmFaultNoun = 'a vm_fault_t: VM_FAULT_* names joined by "|" (e.g. "VM_FAULT_NOPAGE"), or 0';
export const VmFaultValueSchema = z.union(
  [
    z.literal(0, expected(vmFaultNoun)),
    z
      .string(expected(vmFaultNoun))
      .max(MAX_VM_FAULT_TEXT, expected(vmFaultNoun))
      .regex(/^ *VM_FAULT_[A-Z0-9_]+ *(\| *VM_FAULT_[A-Z0-9_]+ *)*$/, expected(vmFaultNoun)),
  ],
  expected(vmFaultNoun),
);

export const FaultReturnRuleSchema = z.strictObject({ ...ruleBase(), return: VmFaultValueSchema });
export const FaultSetPageRuleSchema = z.strictObject({ ...ruleBase(), set_page: PageRefSchema });

/** Exactly one of the forms of FAULT_RULE_FORMS, in that order. */
export const FaultRuleSchema = z.union([FaultCallRuleSchema, FaultReturnRuleSchema, FaultSetPageRuleSchema], {
  error: () => 'give exactly one of "call", "return" and "set_page"',
});

// ---------------------------------------------------------------- driver

export const DriverSchema = z.strictObject(
  {
    vm_flags_set: arrayOf(oneOf(DRIVER_VM_FLAGS), 'VM_* flags', 64).default([]),
    mmap: arrayOf(MmapCallSchema, 'calls', MAX_MMAP_CALLS).default([]),
    on_error: oneOf(['return', 'continue']).default('return'),
    fault: arrayOf(FaultRuleSchema, 'fault rules', MAX_FAULT_RULES).nullable().default(null),
    note: note(),
  },
  expected('a driver object {"vm_flags_set", "mmap", "on_error", "fault"}'),
);

// ---------------------------------------------------------------- steps

const stepError = expected('a step object {"op": ..., ...}');

const allocBase = () => ({ op: z.literal('alloc'), id: idSchema(), note: note() });
const order = () => intIn(0, MAX_ORDER);

export const AllocStepSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      ...allocBase(),
      kind: z.enum(SIZED_ALLOC_KINDS),
      size: intIn(1, MAX_ALLOC_SIZE, 'a size in bytes from 1 to 2147483648 (2^31)'),
    }),
    z.strictObject({
      ...allocBase(),
      kind: z.literal('alloc_pages'),
      order: order(),
      comp: z.boolean(expected('true or false')).default(false),
    }),
    z.strictObject({ ...allocBase(), kind: z.literal('__get_free_pages'), order: order() }),
    z.strictObject({ ...allocBase(), kind: z.literal('get_zeroed_page') }),
  ],
  stepError,
);

const mmapRef = () => idSchema();

export const StepSchema = z.discriminatedUnion(
  'op',
  [
    AllocStepSchema,
    z.strictObject({ op: z.literal('free'), id: idSchema(), note: note() }),
    z.strictObject({
      op: z.literal('mmap'),
      id: idSchema(),
      pages: positiveInt(),
      prot: arrayOf(oneOf(['read', 'write', 'exec']), 'protections', 64),
      flags: oneOf(['shared', 'private']),
      pgoff: pgoffSchema().default(0),
      open: oneOf(['rdwr', 'rdonly']).default('rdwr'),
      driver: DriverSchema.prefault({}),
      note: note(),
    }),
    z.strictObject({
      op: z.literal('touch'),
      mmap: mmapRef(),
      page: anyInt(),
      access: oneOf(['read', 'write', 'exec']),
      note: note(),
    }),
    z.strictObject({
      op: z.literal('munmap'),
      mmap: mmapRef(),
      first: anyInt().optional(),
      count: positiveInt().optional(),
      note: note(),
    }),
    z.strictObject({
      op: z.literal('madvise'),
      mmap: mmapRef(),
      advice: z.literal('dontneed', expected('"dontneed"')),
      first: anyInt().optional(),
      count: positiveInt().optional(),
      note: note(),
    }),
    z.strictObject({ op: z.literal('page_info'), page: PageRefSchema, note: note() }),
    z.strictObject({ op: z.literal('pte'), mmap: mmapRef(), page: anyInt(), note: note() }),
  ],
  stepError,
);

// ---------------------------------------------------------------- the scenario

export const ScenarioSchema = z.strictObject(
  {
    ptlab: z.literal(1, expected('1 (format version 1)')),
    title: text(MAX_TITLE_LENGTH).optional(),
    kernel: oneOf(KERNELS).default(DEFAULT_KERNEL),
    ram_mib: intIn(RAM_MIB_MIN, RAM_MIB_MAX).default(RAM_MIB_DEFAULT),
    steps: arrayOf(StepSchema, 'steps', MAX_STEPS),
    note: note(),
  },
  expected('a JSON object {"ptlab": 1, "steps": [...]}'),
);

/** What a scenario file may contain (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A scenario file after the schema: raw snake_case shape, defaults applied. */
export type RawScenario = z.output<typeof ScenarioSchema>;
export type RawStep = RawScenario['steps'][number];
export type RawMmapCall = z.output<typeof MmapCallSchema>;
export type RawFaultRule = z.output<typeof FaultRuleSchema>;
export type RawPageRef = z.output<typeof PageRefSchema>;

/** The JSON Schema (draft 2020-12) of a scenario file, as `npm run schema` prints it. */
export function scenarioJsonSchema(): Record<string, unknown> {
  // named parts go to $defs; a local registry, so importing this module registers nothing globally
  const names = z.registry<{ id: string; description?: string }>();
  names.add(PageRefSchema, { id: 'PageRef', description: 'One struct page of an allocation' });
  names.add(StepSchema, { id: 'Step' });
  names.add(DriverSchema, { id: 'Driver', description: "The driver's mmap handler and vm_ops->fault handler" });
  names.add(MmapCallSchema, { id: 'MmapCall', description: 'A call in the mmap handler' });
  names.add(FaultRuleSchema, {
    id: 'FaultRule',
    description: 'A rule of the fault handler, matched against vmf->pgoff',
  });
  const schema = z.toJSONSchema(ScenarioSchema, {
    io: 'input',
    target: 'draft-2020-12',
    metadata: names,
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://ptlab.invalid/scenario-v1.schema.json',
    title: 'ptlab scenario, format version 1',
    description:
      'A driver mmap / page-fault scenario (SCENARIO-FORMAT.md). Checks that need more than one field are not in this schema: ids defined before use and unique, page indexes inside their allocation, no double free, and calls and vm_fault_t names that the chosen kernel profile has.',
    ...schema,
  };
}
