/** Rhythm chart: WAAD and FAI over the response with role markers, linked rules and a brush. */
export { RhythmChart, type RhythmChartProps } from './RhythmChart';
export { ChartExport, type ChartExportProps } from './ChartExport';
