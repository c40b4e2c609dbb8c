/** Attention map view: heatmap component, map picker, pure raster kernels and choices. */
export { AttentionHeatmap, type AttentionHeatmapProps } from './AttentionHeatmap';
export { AttentionView, type AttentionViewProps } from './AttentionView';
export {
  choiceHint,
  choiceValue,
  mapChoices,
  parseChoice,
  resolveChoice,
  type ChoiceOption,
  type HeadSets,
  type MapChoice,
} from './choices';
export { meanMaps, quantizeMap, renderView } from './raster';
export { buildHeatmapFigure } from './HeatmapExportButtons';
