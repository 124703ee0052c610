// The built-in scenarios: the default one, measured cases copied from test/conformance, and the
// catalog (src/scenario/library/catalog.json: the 2018 call sites, the debate, pitfalls, exercises).
// Each is the file's text as is (Vite `?raw`), so loading one is exactly loading that file.
import catalog from '../../scenario/library/catalog.json';
import defaultText from '../../scenario/library/default.json?raw';
import faultNopageLoop from '../../scenario/library/fault-nopage-without-mapping-loop.json?raw';
import faultVmfInsertPageMixedmap from '../../scenario/library/fault-vmf_insert_page-mixedmap.json?raw';
import mmapFailAfterInserts from '../../scenario/library/mmap-fail-after-inserts-zapped.json?raw';
import remapPfnRangeShared from '../../scenario/library/remap_pfn_range-shared.json?raw';
import vmInsertPageKmallocSlab from '../../scenario/library/vm_insert_page-kmalloc-slab.json?raw';
import vmInsertPagePrivateCow from '../../scenario/library/vm_insert_page-private-writable-cow.json?raw';
import vmMapPagesExact from '../../scenario/library/vm_map_pages-exact.json?raw';

export interface LibraryEntry {
  /** The file name without `.json`; also the name an export of it gets. */
  id: string;
  title: string;
  text: string;
  /** Where the picker lists it. */
  group: string;
}

const GROUPS: Record<string, string> = {
  'call-site': 'The 2018 call sites (4.19)',
  conversion: 'Their conversions (5.2, 6.1)',
  debate: 'The debate',
  pitfall: 'Pitfalls',
  exercise: 'Exercises',
};

const SITES = import.meta.glob<string>('../../scenario/library/sites/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** The scenario's own title, or its id when it has none. */
function titleOf(id: string, text: string): string {
  try {
    const t = (JSON.parse(text) as { title?: unknown }).title;
    return typeof t === 'string' && t !== '' ? t : id;
  } catch {
    return id;
  }
}

function entry(id: string, text: string, title?: string, group = 'Measured on real kernels'): LibraryEntry {
  return { id, title: title ?? titleOf(id, text), text, group };
}

export const LIBRARY: readonly LibraryEntry[] = [
  entry('default', defaultText, 'vm_insert_page of an order-0 page: touches in, next to and outside the VMA'),
  entry('vm_insert_page-kmalloc-slab', vmInsertPageKmallocSlab),
  entry('vm_map_pages-exact', vmMapPagesExact),
  entry('fault-vmf_insert_page-mixedmap', faultVmfInsertPageMixedmap),
  entry('vm_insert_page-private-writable-cow', vmInsertPagePrivateCow),
  entry('mmap-fail-after-inserts-zapped', mmapFailAfterInserts),
  entry('fault-nopage-without-mapping-loop', faultNopageLoop),
  entry('remap_pfn_range-shared', remapPfnRangeShared),
  ...catalog.map((c) => {
    const id = c.file.replace(/^sites\//, '').replace(/\.json$/, '');
    return entry(id, SITES[`../../scenario/library/${c.file}`] as string, c.title, GROUPS[c.group] ?? c.group);
  }),
];
