/** Figure export for every view: pure SVG builders + browser download helpers. */
export { svgDocument, legendSvg, textEl } from './svg';
export { heatmapToSvg, usesRects, RECT_LIMIT, type HeatmapFigure } from './heatmap-svg';
export { displayToken, escapeXml, slug } from './text';
export {
  downloadBlob,
  exportPng,
  exportSvg,
  rgbaToDataUrl,
  serializeSvgElement,
  svgToPngBlob,
  canvasToBlob,
} from './export';
export {
  galleryToSvg,
  galleryGeometry,
  galleryRasterSize,
  tileOrigin,
  type GalleryFigureHead,
  type GalleryGeometry,
} from './gallery-svg';
export { SvgPngButtons } from './SvgPngButtons';
