// The lab's views as one picture: an SVG document that places every panel where
// it is on screen (the address-space strip as its own SVG with the computed
// styles written in, the canvases as PNG images, the text panels as <text>
// lines), and a PNG drawn from that SVG. Downloads go through a Blob and a
// temporary <a download>; nothing is fetched.

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** The panels of the picture, in drawing order (the scenario editor is left out). */
const AREAS = ['header', 'space', 'ptes', 'walk', 'phys', 'result', 'why', 'timeline'] as const;

/** The presentation properties an SVG clone needs once its stylesheet is gone. */
const SVG_STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

const LINE_HEIGHT = 15;
const FONT_SIZE = 12;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Drop characters XML 1.0 refuses (controls other than tab, newline and return). */
function xmlSafe(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function boxOf(el: Element, origin: DOMRect): Box {
  const r = el.getBoundingClientRect();
  return { x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height };
}

const num = (n: number) => String(Math.round(n * 100) / 100);

/** An inline SVG with the computed styles of every element written into its clone. */
function inlineSvg(svg: SVGSVGElement, box: Box): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, i) => {
    const target = dst[i];
    if (!target) return;
    const cs = getComputedStyle(el);
    // Presentation attributes, not a style attribute: the page's CSP blocks style attributes.
    target.removeAttribute('style');
    target.removeAttribute('class');
    for (const p of SVG_STYLE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v !== '') target.setAttribute(p, v);
    }
  });
  clone.setAttribute('x', num(box.x));
  clone.setAttribute('y', num(box.y));
  clone.setAttribute('width', num(box.w));
  clone.setAttribute('height', num(box.h));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${num(box.w)} ${num(box.h)}`);
  clone.removeAttribute('aria-label');
  return new XMLSerializer().serializeToString(clone);
}

function canvasImage(canvas: HTMLCanvasElement, box: Box): string {
  let href: string;
  try {
    href = canvas.toDataURL('image/png');
  } catch {
    return '';
  }
  return `<image x="${num(box.x)}" y="${num(box.y)}" width="${num(box.w)}" height="${num(box.h)}" href="${href}" xlink:href="${href}" preserveAspectRatio="none"/>`;
}

/** The visible text of an element as lines, without the text of its canvases' overlays. */
function textLines(el: HTMLElement): string[] {
  // innerText on purpose: the text as laid out (block breaks as lines, hidden parts left out).
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines are what the picture shows
  const raw = (el.innerText ?? el.textContent ?? '').split('\n');
  return raw.map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== '');
}

function textBlock(lines: string[], box: Box, color: string, font: string): string {
  const max = Math.max(0, Math.floor((box.h - 4) / LINE_HEIGHT));
  const shown = lines.slice(0, max);
  const approxChars = Math.max(8, Math.floor(box.w / (FONT_SIZE * 0.55)));
  const tspans = shown
    .map((l, i) => {
      const t = l.length > approxChars ? `${l.slice(0, approxChars - 1)}…` : l;
      return `<tspan x="${num(box.x)}" y="${num(box.y + FONT_SIZE + i * LINE_HEIGHT)}">${escapeXml(xmlSafe(t))}</tspan>`;
    })
    .join('');
  return `<text font-family="${escapeXml(font)}" font-size="${FONT_SIZE}" fill="${escapeXml(color)}">${tspans}</text>`;
}

export interface Composed {
  svg: string;
  width: number;
  height: number;
}

/**
 * Compose the views under `root` (the .lab element) into one SVG document; `caption`
 * (scenario, profile, step) replaces the header's controls.
 */
export function composeSvg(
  caption: string,
  root: HTMLElement = document.querySelector('.lab') as HTMLElement,
): Composed {
  const origin = root.getBoundingClientRect();
  const width = Math.max(1, Math.round(origin.width));
  const height = Math.max(1, Math.round(origin.height));
  const bg = cssVar('--page-bg', '#eef1f5');
  const panelBg = cssVar('--panel-bg', '#ffffff');
  const border = cssVar('--border', '#c5ccd8');
  const fg = cssVar('--fg', '#141a24');
  const muted = cssVar('--muted', '#4d5666');
  const font = getComputedStyle(root).fontFamily || 'sans-serif';
  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="${escapeXml(bg)}"/>`);
  for (const area of AREAS) {
    const el = root.querySelector<HTMLElement>(`.area-${area}`);
    if (!el || el.offsetParent === null) continue;
    const box = boxOf(el, origin);
    if (box.w <= 0 || box.h <= 0) continue;
    const clipId = `clip-${area}`;
    parts.push(
      `<g data-area="${area}">`,
      `<clipPath id="${clipId}"><rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.w)}" height="${num(box.h)}" rx="8"/></clipPath>`,
      `<rect x="${num(box.x + 0.5)}" y="${num(box.y + 0.5)}" width="${num(box.w - 1)}" height="${num(box.h - 1)}" rx="8" fill="${escapeXml(panelBg)}" stroke="${escapeXml(border)}"/>`,
      `<g clip-path="url(#${clipId})">`,
    );
    const title = el.querySelector<HTMLElement>('h2, .panel-title, .hd-row');
    const svgs = [...el.querySelectorAll<SVGSVGElement>('svg')].filter((s) => s.getBoundingClientRect().width > 0);
    const canvases = [...el.querySelectorAll<HTMLCanvasElement>('canvas')].filter((c) => c.width > 0 && c.height > 0);
    const inner = { x: box.x + 10, y: box.y + 6, w: box.w - 20, h: box.h - 12 };
    if (area === 'header') {
      parts.push(textBlock([caption], { ...inner, y: box.y + box.h / 2 - FONT_SIZE + 3 }, fg, font));
    } else if (area === 'timeline') {
      // The steps, not the buttons.
      const strip = el.querySelector<HTMLElement>('[data-testid="timeline-strip"]');
      const steps = strip ? textLines(strip) : [];
      parts.push(textBlock(['timeline', ...(steps.length ? [steps.join('  ·  ')] : [])], inner, fg, font));
    } else if (svgs.length === 0 && canvases.length === 0) {
      parts.push(textBlock(textLines(el), inner, fg, font));
    } else {
      if (title) {
        const tb = boxOf(title, origin);
        parts.push(textBlock(textLines(title).slice(0, 1), { ...tb, h: LINE_HEIGHT + 4 }, muted, font));
      }
      for (const s of svgs) parts.push(inlineSvg(s, boxOf(s, origin)));
      for (const c of canvases) parts.push(canvasImage(c, boxOf(c, origin)));
    }
    parts.push('</g></g>');
  }
  const svg =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="${SVG_NS}" xmlns:xlink="${XLINK_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>ptlab</title>${parts.join('')}</svg>\n`;
  return { svg, width, height };
}

/** The composed SVG drawn into a canvas, as a PNG blob (scale 2 for sharp text). */
export async function svgToPng(c: Composed, scale = 2): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([c.svg], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the composed SVG could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(c.width * scale);
    canvas.height = Math.round(c.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, c.width, c.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Save a blob under a file name (a temporary <a download>). */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name's stem from a scenario title and the step. */
export function exportName(title: string | null, cursor: number): string {
  const stem =
    (title ?? 'scenario')
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'scenario';
  return `ptlab-${stem}-step${cursor}`;
}

export function exportSvg(fileStem: string, caption: string): void {
  const c = composeSvg(caption);
  download(new Blob([c.svg], { type: 'image/svg+xml' }), `${fileStem}.svg`);
}

export async function exportPng(fileStem: string, caption: string): Promise<void> {
  const blob = await svgToPng(composeSvg(caption));
  download(blob, `${fileStem}.png`);
}
