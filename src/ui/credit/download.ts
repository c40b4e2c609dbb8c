/** Browser download of a generated export file, through the shared figure download helper. DOM-only. */
import { downloadBlob } from '../figures/export';
import type { ExportFile } from './exports';

export function downloadFile(file: ExportFile): void {
  downloadBlob(new Blob([file.text], { type: `${file.mime};charset=utf-8` }), file.filename);
}
