/** Credit view (γ per strategy, role counts, thresholds, linkage) and the credit exports (engine writers) the app's Export menu uses. */
export { CreditView, type CreditViewProps } from './CreditView';
export { creditExport, CREDIT_EXPORTS, type CreditExportFormat, type ExportFile } from './exports';
export { downloadFile } from './download';
