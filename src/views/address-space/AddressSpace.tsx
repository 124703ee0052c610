// The user address space as a strip: VMAs to scale around mmap_base, the gaps
// between them, their mapping ids, ranges, sizes and decoded vm_flags.
import { useEffect, useMemo, useRef } from 'react';
import { useLab } from '../../store/lab.ts';
import { useElementSize } from '../pte-map/useElementSize.ts';
import '../physical/palette.ts';
import './AddressSpace.css';
import { formatSize, hex, plural, VM_MNEMONICS, vmMnemonic } from './format.ts';
import { layoutStrip } from './layout.ts';
import { type AddressSpaceView, useAddressSpace, type VmaView } from './space.ts';
import { createStripView } from './stripView.ts';

const NO_IDS: string[] = [];

type Row = { kind: 'vma'; vma: VmaView; key: string } | { kind: 'gap'; start: number; end: number; key: string };

function rowsOf(space: AddressSpaceView): Row[] {
  const vmas = [...space.vmas].sort((a, b) => a.start - b.start);
  const rows: Row[] = [];
  vmas.forEach((v, i) => {
    const prev = vmas[i - 1];
    if (prev && v.start > prev.end) rows.push({ kind: 'gap', start: prev.end, end: v.start, key: `gap-${prev.end}` });
    rows.push({ kind: 'vma', vma: v, key: `vma-${v.mapping}-${v.start}` });
  });
  const last = vmas[vmas.length - 1];
  if (last && space.mmapBase > last.end)
    rows.push({ kind: 'gap', start: last.end, end: space.mmapBase, key: `gap-${last.end}` });
  return rows;
}

export function AddressSpace() {
  const space = useAddressSpace();
  const selected = useLab((s) => s.selection.mapping);
  const select = useLab((s) => s.select);
  // Mappings whose VMAs the step that led to the cursor made, changed or removed.
  const changedList = useLab((s) => s.view?.changes.vmas ?? NO_IDS);
  const changed = useMemo(() => new Set(changedList), [changedList]);
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const viewRef = useRef<ReturnType<typeof createStripView> | null>(null);
  const { width, height } = useElementSize(boxRef);

  const layout = useMemo(() => (space ? layoutStrip(space, width) : null), [space, width]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const v = createStripView(svg);
    viewRef.current = v;
    return () => {
      v.destroy();
      viewRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (!layout) return;
    viewRef.current?.update({
      layout,
      width,
      height,
      selected,
      changed,
      onSelect: (mapping) => void select({ mapping, page: 0, pfn: null }),
    });
  }, [layout, width, height, selected, changed, select]);

  // Nothing selected (or the selection's mapping is gone): show the first VMA's PTEs.
  useEffect(() => {
    if (!space) return;
    if (selected !== null && space.mappings.some((m) => m.id === selected)) return;
    const first = space.vmas[0];
    if (first) void select({ mapping: first.mapping, page: 0, pfn: null });
  }, [space, selected, select]);

  const notMapped = space ? space.mappings.filter((m) => !m.mapped) : [];
  const rows = space ? rowsOf(space) : [];
  const usedFlags = space ? [...new Set(space.vmas.flatMap((v) => v.flags))] : [];

  return (
    <section className="panel mem-panel as-panel" aria-labelledby="as-title">
      <h2 id="as-title">
        Address space
        <span className="mem-sub">
          0 – 128 TiB user space; shown: below mmap_base{layout?.widened ? ', small regions widened' : ', to scale'}
        </span>
        {usedFlags.length > 0 ? (
          <abbr
            className="as-legend-key"
            tabIndex={0}
            title={usedFlags.map((f) => `${vmMnemonic(f)} = ${f} (${VM_MNEMONICS[f]?.text ?? ''})`).join('\n')}
          >
            flags key
          </abbr>
        ) : null}
        {notMapped.length > 0 ? (
          <span className="as-unmapped">
            not mapped:{' '}
            {notMapped.map((m, i) => (
              <span
                key={m.id}
                data-testid={`unmapped-${m.id}`}
                data-reason={m.start === null ? 'mmap-failed' : 'unmapped'}
                data-changed={changed.has(m.id) ? 'true' : 'false'}
              >
                {i > 0 ? ', ' : ''}
                <strong className={changed.has(m.id) ? 'as-gone-changed' : undefined}>{m.id}</strong> (
                {m.start === null ? 'mmap failed' : 'unmapped'}
                {changed.has(m.id) ? ' by this step' : ''})
              </span>
            ))}
          </span>
        ) : null}
      </h2>
      <div className="as-strip" ref={boxRef}>
        <svg ref={svgRef} className="as-svg" aria-label="VMAs to scale" />
        <span
          className="as-changed-key"
          data-testid="as-changed"
          data-count={changedList.length}
          data-mappings={changedList.join(' ')}
        >
          <span className="mem-swatch mem-sw-changed" />{' '}
          {changedList.length > 0 ? `changed by this step: ${changedList.join(', ')}` : 'changed by this step: none'}
        </span>
        {space && space.vmas.length === 0 ? <p className="as-none">no VMAs: nothing is mapped yet</p> : null}
      </div>
      <span className="mem-hidden">
        {rows.map((r) =>
          r.kind === 'gap'
            ? `gap ${formatSize(r.end - r.start)} from ${hex(r.start)} to ${hex(r.end)}. `
            : `VMA ${r.vma.mapping} ${hex(r.vma.start)} to ${hex(r.vma.end)}, ${plural(r.vma.pages, 'page')}, ${r.vma.flags.join(' ')}${changed.has(r.vma.mapping) ? ', changed by this step' : ''}. `,
        )}
      </span>
    </section>
  );
}
