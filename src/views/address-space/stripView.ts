// d3 owns the strip's marks inside the <svg> React renders empty.
import { select } from 'd3';
import { formatSize, hex, plural, vmMnemonic } from './format.ts';
import type { Segment, StripLayout } from './layout.ts';
import type { VmaView } from './space.ts';

export interface StripData {
  layout: StripLayout;
  width: number;
  height: number;
  selected: string | null;
  /** Mappings whose VMAs the last step made, changed or removed. */
  changed: ReadonlySet<string>;
  onSelect: (mapping: string) => void;
}

const BAR_Y = 1;

function vmaLabel(v: VmaView, changed = false): string {
  return `mapping ${v.mapping}: ${hex(v.start)} – ${hex(v.end)}, ${plural(v.pages, 'page')} (${formatSize(v.end - v.start)}), flags ${v.flags.map(vmMnemonic).join(' ')}${changed ? ' (changed by this step)' : ''}`;
}

export function createStripView(svgEl: SVGSVGElement) {
  const svg = select(svgEl);
  const root = svg.append('g').attr('class', 'as-marks');
  let current: StripData | null = null;

  function update(data: StripData) {
    current = data;
    const { layout, width, height, selected, changed } = data;
    const ticksShown = height >= 52;
    const BAR_H = Math.max(20, height - (ticksShown ? 18 : 2));
    const twoLines = BAR_H >= 34;
    svg
      .attr('width', width)
      .attr('height', height)
      .attr('viewBox', `0 0 ${Math.max(1, width)} ${Math.max(1, height)}`);

    const vmas = layout.segments.filter((s): s is Extract<Segment, { kind: 'vma' }> => s.kind === 'vma');
    const others = layout.segments.filter((s) => s.kind !== 'vma');

    // Gaps and the unmapped space below the lowest VMA.
    const gap = root
      .selectAll<SVGGElement, Segment>('g.as-gap')
      .data(others, (s) => `${s.kind}:${s.start}`)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'as-gap');
        g.append('rect').attr('class', 'as-gap-rect');
        g.append('text').attr('class', 'as-gap-text');
        g.append('title');
        return g;
      })
      .attr('data-testid', (s) => (s.kind === 'gap' ? 'gap' : 'below'))
      .attr('data-start', (s) => hex(s.start))
      .attr('data-end', (s) => hex(s.end))
      .attr('data-bytes', (s) => s.end - s.start);
    gap
      .select('rect')
      .attr('x', (s) => s.x)
      .attr('y', BAR_Y + 4)
      .attr('width', (s) => Math.max(0, s.w))
      .attr('height', BAR_H - 8);
    gap
      .select('text')
      .attr('x', (s) => s.x + s.w / 2)
      .attr('y', BAR_Y + BAR_H / 2 + 5)
      .attr('text-anchor', 'middle')
      .text((s) => {
        const t = s.kind === 'below' ? '…' : `gap ${formatSize(s.end - s.start)}`;
        return s.w >= t.length * 7.5 + 4 ? t : s.w >= 12 ? '·' : '';
      });
    gap
      .select('title')
      .text((s) =>
        s.kind === 'below'
          ? `unmapped below ${hex(s.end)} (down to address 0, not to scale)`
          : `gap ${formatSize(s.end - s.start)}: ${hex(s.start)} – ${hex(s.end)}, nothing mapped`,
      );

    const vma = root
      .selectAll<SVGGElement, Extract<Segment, { kind: 'vma' }>>('g.as-vma')
      .data(vmas, (s) => `${s.vma.mapping}:${s.start}`)
      .join((enter) => {
        const g = enter
          .append('g')
          .attr('class', 'as-vma')
          .attr('role', 'button')
          .attr('tabindex', 0)
          .on('click', (_e, s) => current?.onSelect(s.vma.mapping))
          .on('keydown', (e: KeyboardEvent, s) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              current?.onSelect(s.vma.mapping);
            }
          });
        g.append('rect').attr('class', 'as-vma-rect');
        g.append('rect').attr('class', 'as-vma-changed');
        g.append('text').attr('class', 'as-vma-id');
        g.append('text').attr('class', 'as-vma-pages');
        g.append('title');
        return g;
      })
      .attr('data-testid', (s) => `vma-${s.vma.mapping}`)
      .attr('data-mapping', (s) => s.vma.mapping)
      .attr('data-part', (s) => s.part)
      .attr('data-start', (s) => hex(s.start))
      .attr('data-end', (s) => hex(s.end))
      .attr('data-pages', (s) => s.vma.pages)
      .attr('data-flags', (s) => s.vma.flags.join(' '))
      .attr('data-selected', (s) => (s.vma.mapping === selected ? 'true' : 'false'))
      .attr('aria-pressed', (s) => (s.vma.mapping === selected ? 'true' : 'false'))
      .attr('data-changed', (s) => (changed.has(s.vma.mapping) ? 'true' : 'false'))
      .attr('aria-label', (s) => vmaLabel(s.vma, changed.has(s.vma.mapping)))
      .classed('is-selected', (s) => s.vma.mapping === selected)
      .classed('is-changed', (s) => changed.has(s.vma.mapping));
    vma
      .select('rect.as-vma-rect')
      .attr('x', (s) => s.x + 0.5)
      .attr('y', BAR_Y)
      .attr('width', (s) => Math.max(1, s.w - 1))
      .attr('height', BAR_H)
      .attr('rx', 3);
    // Changed by the last step: a dashed outline just inside the bar (inside the selection's stroke).
    vma
      .select('rect.as-vma-changed')
      .attr('x', (s) => s.x + 3)
      .attr('y', BAR_Y + 2.5)
      .attr('width', (s) => Math.max(0, s.w - 6))
      .attr('height', Math.max(0, BAR_H - 5))
      .attr('rx', 2)
      .attr('display', (s) => (changed.has(s.vma.mapping) && s.w >= 10 ? null : 'none'));
    vma
      .select('text.as-vma-id')
      .attr('x', (s) => s.x + s.w / 2)
      .attr('y', BAR_Y + (twoLines ? BAR_H / 2 - 3 : BAR_H / 2 + 5))
      .attr('text-anchor', 'middle')
      .text((s) =>
        fitText(
          `${s.vma.mapping} · ${plural(s.vma.pages, 'page')} · ${s.vma.flags.map(vmMnemonic).join(' ')}`,
          s.w,
          `${s.vma.mapping} · ${s.vma.pages}p`,
          s.vma.mapping,
        ),
      );
    vma
      .select('text.as-vma-pages')
      .attr('x', (s) => s.x + s.w / 2)
      .attr('y', BAR_Y + BAR_H / 2 + 14)
      .attr('text-anchor', 'middle')
      .text((s) => (twoLines ? fitText(`${hex(s.start)} – ${hex(s.end)}`, s.w, hex(s.start)) : ''));
    vma.select('title').text((s) => vmaLabel(s.vma, changed.has(s.vma.mapping)));

    // Address ticks at the two ends of the to-scale region.
    const ticks =
      layout.segments.length && ticksShown
        ? [
            {
              key: 'lo',
              x: layout.segments[0]?.kind === 'below' ? layout.segments[0].w : 0,
              anchor: 'start',
              text: hex(layout.segments.find((x) => x.kind === 'vma')?.start ?? layout.lo),
            },
            { key: 'hi', x: width, anchor: 'end', text: `${hex(layout.hi)} mmap_base` },
          ]
        : [];
    root
      .selectAll<SVGTextElement, (typeof ticks)[number]>('text.as-tick')
      .data(ticks, (t) => t.key)
      .join('text')
      .attr('class', 'as-tick')
      .attr('x', (t) => t.x)
      .attr('y', BAR_Y + BAR_H + 14)
      .attr('text-anchor', (t) => t.anchor)
      .text((t) => t.text);
  }

  return {
    update,
    destroy() {
      root.remove();
      current = null;
    },
  };
}

function fitText(text: string, w: number, ...shorter: string[]): string {
  const cw = 7.8;
  if (text.length * cw + 6 <= w) return text;
  for (const t of shorter) if (t.length * cw + 6 <= w) return t;
  const n = Math.floor((w - 6) / cw);
  return n >= 2 ? `${text.slice(0, n - 1)}…` : '';
}
