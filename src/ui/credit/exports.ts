/**
 * Credit exports for the app: the engine's own writers (src/core/rhythm/writers.ts), so a download is byte for
 * byte what `rhythmscope analyze --format …` writes for the same records.
 */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { writeRecords, type OutputFormat } from '../../core/rhythm/writers';

export type CreditExportFormat = 'json' | 'csv' | 'verl';

export interface ExportFile {
  filename: string;
  mime: string;
  text: string;
}

export const CREDIT_EXPORTS: readonly { format: CreditExportFormat; label: string; help: string }[] = [
  { format: 'json', label: 'JSON', help: 'analysis records (JSONL, one record per line; the CLI --format jsonl)' },
  {
    format: 'csv',
    label: 'CSV',
    help: 'one row per response token with WAAD, FAI, Δ, roles and γ (the CLI --format csv)',
  },
  { format: 'verl', label: 'verl', help: 'γ arrays per response for token-level advantages (the CLI --format verl)' },
];

const WRITER: Record<CreditExportFormat, { format: OutputFormat; ext: string; mime: string }> = {
  json: { format: 'jsonl', ext: '.jsonl', mime: 'application/x-ndjson' },
  csv: { format: 'csv', ext: '.csv', mime: 'text/csv' },
  verl: { format: 'verl', ext: '.verl.jsonl', mime: 'application/x-ndjson' },
};

/** A file-system-safe base name ("rhythmscope" when nothing usable is left). */
export function safeBaseName(name: string | undefined): string {
  const s = (name ?? '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  return s || 'rhythmscope';
}

export function creditExport(records: AnalysisRecord[], format: CreditExportFormat, baseName?: string): ExportFile {
  const w = WRITER[format];
  return { filename: `${safeBaseName(baseName)}-credits${w.ext}`, mime: w.mime, text: writeRecords(records, w.format) };
}
