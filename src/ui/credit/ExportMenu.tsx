/** Credit export buttons (data-testid="export-menu"): JSON, CSV and verl, written by the engine's writers. */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { downloadFile } from './download';
import { CREDIT_EXPORTS, creditExport, type CreditExportFormat, type ExportFile } from './exports';

export interface ExportMenuProps {
  records: AnalysisRecord[];
  /** Base of the file names (e.g. the model name). */
  baseName?: string;
  /** Called with each file instead of downloading it (tests, or a host that saves files itself). */
  onExport?: (file: ExportFile, format: CreditExportFormat) => void;
}

export function ExportMenu({ records, baseName, onExport }: ExportMenuProps) {
  return (
    <div className="cv-export" role="group" aria-label="Export credits" data-testid="export-menu">
      <span className="cv-export-label">Export credits</span>
      {CREDIT_EXPORTS.map(({ format, label, help }) => (
        <button key={format} type="button" className="chart-button" data-testid={`export-${format}`} title={help}
          disabled={records.length === 0}
          onClick={() => {
            const file = creditExport(records, format, baseName ?? records[0]?.model);
            if (onExport) onExport(file, format);
            else downloadFile(file);
          }}>
          {label}
        </button>
      ))}
    </div>
  );
}
