/**
 * Browser-side figure export (DOM): SVG and PNG downloads of any chart. Pure builders (svg.ts, heatmap-svg.ts)
 * produce SVG strings; live <svg> elements are serialised with their computed styles inlined so the file looks
 * like the screen without our CSS; PNGs are the SVG rasterised at `scale` × (2 = print-friendly by default).
 */
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Computed properties copied onto each element of a live SVG when it is exported. */
const STYLE_PROPS = [
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
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
];

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A live <svg> as a standalone document string (styles inlined, namespaces set, white background). */
export function serializeSvgElement(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const dst = [clone, ...Array.from(clone.querySelectorAll('*'))];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    (dst[i] as Element).setAttribute('style', style);
    (dst[i] as Element).removeAttribute('class');
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(Math.ceil(width)));
  clone.setAttribute('height', String(Math.ceil(height)));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

function svgText(svg: string | SVGSVGElement): string {
  return typeof svg === 'string' ? svg : serializeSvgElement(svg);
}

export function exportSvg(svg: string | SVGSVGElement, fileName: string): void {
  downloadBlob(
    new Blob([svgText(svg)], { type: 'image/svg+xml' }),
    fileName.endsWith('.svg') ? fileName : `${fileName}.svg`,
  );
}

/** Size of an SVG document string from its width/height attributes. */
function svgSize(svg: string): { width: number; height: number } {
  const head = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\bwidth="([\d.]+)"/.exec(head)?.[1]);
  const height = Number(/\bheight="([\d.]+)"/.exec(head)?.[1]);
  if (!(width > 0 && height > 0)) throw new Error('the SVG has no numeric width/height');
  return { width, height };
}

export function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas could not be encoded as PNG'))), 'image/png'),
  );
}

/** Rasterises an SVG (string or element) to a PNG blob at `scale` × its size. */
export async function svgToPngBlob(svg: string | SVGSVGElement, scale = 2): Promise<Blob> {
  const text = svgText(svg);
  const { width, height } = svgSize(text);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the browser could not render the SVG for PNG export'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingEnabled = false; // keep heatmap cells crisp when the raster is upscaled
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await canvasToBlob(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Downloads a PNG of a canvas (as is) or an SVG (rasterised at `scale`). */
export async function exportPng(
  source: HTMLCanvasElement | SVGSVGElement | string,
  fileName: string,
  scale = 2,
): Promise<void> {
  const blob = source instanceof HTMLCanvasElement ? await canvasToBlob(source) : await svgToPngBlob(source, scale);
  downloadBlob(blob, fileName.endsWith('.png') ? fileName : `${fileName}.png`);
}

/** RGBA pixels → PNG data URL (for embedding a heatmap raster in an SVG figure). */
export function rgbaToDataUrl(data: Uint8ClampedArray, width: number, height: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
  return canvas.toDataURL('image/png');
}
