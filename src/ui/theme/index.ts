/** Shared colour scales, palettes and legend for every view (import from 'src/ui/theme'). */
export * from './scales';
export * from './palette';
export { ColorLegend, type ColorLegendProps } from './ColorLegend';
export { ScaleControls, type ScaleControlsProps } from './ScaleControls';
import './theme.css';
export { useElementWidth } from './useWidth';
