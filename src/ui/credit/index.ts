/** Credit view (γ per strategy, role counts, thresholds, linkage) and the credit exports (engine writers). */
export { CreditView, type CreditViewProps } from './CreditView';
export { ExportMenu, type ExportMenuProps } from './ExportMenu';
export { creditExport, CREDIT_EXPORTS, type CreditExportFormat, type ExportFile } from './exports';
export { downloadFile } from './download';
