/**
 * The linkage study over a corpus: analysis records go in one at a time (each from its own forward pass or dump;
 * the caller drops the record afterwards), per-sequence counts are kept, and the output is the JSON of
 * `rhythmscope study linkage` (docs/formats.md, "Studies").
 */
import type { HeadRef } from '../rhythm/options';
import type { AnalysisRecord, RecordOptions } from '../rhythm/record';
import {
  LINKAGE_ROWS,
  poolCounts,
  resolveLinkageOptions,
  rowsOf,
  sequenceLinkage,
  type LinkageCounts,
  type LinkageOptions,
  type LinkageRows,
} from './linkage';

export interface LinkageSequence extends LinkageRows {
  index: number;
}

export interface LinkageStudyOutput {
  study: 'linkage';
  sequences: number;
  options: Partial<RecordOptions> & LinkageOptions;
  /** Per sequence, in input order. */
  receiver_heads: HeadRef[][];
  rows: LinkageRows;
  per_sequence: LinkageSequence[];
}

/** The metrics the table needs from a record; global-head FAI even when `fai` is over receiver heads. */
export function linkageInputOf(record: AnalysisRecord) {
  if (!record.fai_receiver)
    throw new Error('linkage needs records with fai_receiver (analyse with the current engine)');
  return {
    waad: record.waad,
    fai: record.fai_global ?? record.fai,
    faiReceiver: record.fai_receiver,
    entropy: record.entropy,
  };
}

export class LinkageStudy {
  readonly options: LinkageOptions;
  private readonly counts: LinkageCounts[] = [];
  private readonly receivers: HeadRef[][] = [];
  private rhythmOptions: Partial<RecordOptions> = {};

  constructor(options: Partial<LinkageOptions> = {}) {
    this.options = resolveLinkageOptions(options);
  }

  get size(): number {
    return this.counts.length;
  }

  /** Adds one sequence; returns its rows. */
  add(record: AnalysisRecord): LinkageRows {
    const c = sequenceLinkage(linkageInputOf(record), this.options);
    this.counts.push(c);
    this.receivers.push(record.heads.receiver ?? []);
    if (this.counts.length === 1) this.rhythmOptions = record.options;
    return rowsOf(c);
  }

  /** Pooled rows so far (cheap; for a streaming summary). */
  pooled(): LinkageRows {
    return rowsOf(poolCounts(this.counts));
  }

  result(): LinkageStudyOutput {
    return {
      study: 'linkage',
      sequences: this.counts.length,
      options: { ...this.rhythmOptions, ...this.options },
      receiver_heads: this.receivers,
      rows: this.pooled(),
      per_sequence: this.counts.map((c, index) => ({ index, ...rowsOf(c) })),
    };
  }
}

/** Per-row lists of the per-sequence observed values (nulls left out), e.g. for histograms. */
export function perSequenceValues(
  out: Pick<LinkageStudyOutput, 'per_sequence'>,
): Record<(typeof LINKAGE_ROWS)[number], number[]> {
  const values = Object.fromEntries(LINKAGE_ROWS.map((r) => [r, [] as number[]])) as Record<
    (typeof LINKAGE_ROWS)[number],
    number[]
  >;
  for (const s of out.per_sequence) {
    for (const r of LINKAGE_ROWS) if (s[r].observed !== null) values[r].push(s[r].observed!);
  }
  return values;
}
