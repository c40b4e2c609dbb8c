/**
 * Corpus summary for the app's corpus view: analysis records go in one at a time and are dropped; kept are the
 * per-sequence entries (small), the linkage counts, per-head role counts and the per-token metric values (for
 * histograms; O(total tokens), never any attention map).
 */
import type { HeadRef } from '../rhythm/options';
import type { AnalysisRecord } from '../rhythm/record';
import { csvField } from '../rhythm/writers';
import { LINKAGE_ROWS, type LinkageOptions, type LinkageRows } from './linkage';
import { LinkageStudy, type LinkageStudyOutput } from './linkage-study';

export interface CorpusSequence {
  index: number;
  /** Short text to list it by (the prompt). */
  label: string;
  promptIds: number[];
  responseIds: number[];
  N: number;
  R: number;
  /** Counts of preplan, anchor, dominated and intro tokens. */
  roles: RoleCounts;
  linkage: LinkageRows;
  receiver: HeadRef[];
  reward?: number;
}

export interface RoleCounts {
  preplan: number;
  anchor: number;
  dominated: number;
  intro: number;
}

export interface Histogram {
  min: number;
  max: number;
  /** Equal-width bins over [min, max]. */
  counts: number[];
  n: number;
  mean: number | null;
}

export interface HeadStats {
  numLayers: number;
  numHeads: number;
  /** [L·H] how many sequences had head (l, h) among the local / global / receiver heads. */
  local: number[];
  global: number[];
  receiver: number[];
  /** [L·H] mean span d over the sequences where the head was selected (null when never). */
  meanSpan: (number | null)[];
}

export interface CorpusSummary {
  sequences: number;
  /** Pooled linkage rows. */
  rows: LinkageRows;
  /** Share of response tokens in each role, pooled. */
  roleRates: RoleCounts;
  tokens: number;
  distributions: { waad: Histogram; fai: Histogram; delta: Histogram; entropy: Histogram | null };
  heads: HeadStats;
}

export const HISTOGRAM_BINS = 30;

export function histogram(values: ArrayLike<number>, bins = HISTOGRAM_BINS): Histogram {
  const n = values.length;
  if (n === 0) return { min: 0, max: 0, counts: new Array(bins).fill(0), n: 0, mean: null };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
    sum += values[i];
  }
  const counts = new Array<number>(bins).fill(0);
  const width = max - min;
  for (let i = 0; i < n; i++)
    counts[width > 0 ? Math.min(bins - 1, Math.floor(((values[i] - min) / width) * bins)) : 0]++;
  return { min, max, counts, n, mean: sum / n };
}

/** A growable Float32 list (the corpus' per-token values). */
class Values {
  private data = new Float32Array(1024);
  length = 0;
  push(xs: ArrayLike<number>): void {
    if (this.length + xs.length > this.data.length) {
      const next = new Float32Array(Math.max(2 * this.data.length, this.length + xs.length));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(xs, this.length);
    this.length += xs.length;
  }
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}

const count = (xs: boolean[]) => xs.reduce((a, b) => a + (b ? 1 : 0), 0);

export class CorpusAccumulator {
  readonly linkage: LinkageStudy;
  readonly list: CorpusSequence[] = [];
  private readonly values = { waad: new Values(), fai: new Values(), delta: new Values(), entropy: new Values() };
  private readonly roles: RoleCounts = { preplan: 0, anchor: 0, dominated: 0, intro: 0 };
  private tokens = 0;
  private heads: {
    L: number;
    H: number;
    local: number[];
    global: number[];
    receiver: number[];
    span: number[];
    spanN: number[];
  } | null = null;

  constructor(options: Partial<LinkageOptions> = {}) {
    this.linkage = new LinkageStudy(options);
  }

  get size(): number {
    return this.list.length;
  }

  add(record: AnalysisRecord, label: string, extra: { reward?: number } = {}): CorpusSequence {
    const rows = this.linkage.add(record);
    const R = record.waad.length;
    const roles: RoleCounts = {
      preplan: count(record.preplan),
      anchor: count(record.anchor),
      dominated: count(record.dominated),
      intro: count(record.intro),
    };
    for (const k of Object.keys(roles) as (keyof RoleCounts)[]) this.roles[k] += roles[k];
    this.tokens += R;
    this.values.waad.push(record.waad);
    this.values.fai.push(record.fai_global ?? record.fai);
    this.values.delta.push(record.delta);
    if (record.entropy) this.values.entropy.push(record.entropy);
    this.countHeads(record);
    const ids = record.token_ids ?? [];
    const entry: CorpusSequence = {
      index: this.list.length,
      label,
      promptIds: ids.slice(0, record.prompt_length),
      responseIds: ids.slice(record.prompt_length),
      N: record.tokens.length,
      R,
      roles,
      linkage: rows,
      receiver: record.heads.receiver ?? [],
      ...(extra.reward !== undefined ? { reward: extra.reward } : {}),
    };
    this.list.push(entry);
    return entry;
  }

  private countHeads(record: AnalysisRecord): void {
    const L = record.num_layers;
    const H = record.num_heads;
    if (!this.heads || this.heads.L !== L || this.heads.H !== H) {
      if (this.heads) return; // a corpus mixing model shapes: head stats follow the first shape
      const zeros = () => new Array<number>(L * H).fill(0);
      this.heads = { L, H, local: zeros(), global: zeros(), receiver: zeros(), span: zeros(), spanN: zeros() };
    }
    const h = this.heads;
    for (const [l, k] of record.heads.local) h.local[l * H + k]++;
    for (const [l, k] of record.heads.global) h.global[l * H + k]++;
    for (const [l, k] of record.heads.receiver ?? []) h.receiver[l * H + k]++;
    for (const [l, k, d] of record.heads.span) {
      h.span[l * H + k] += d;
      h.spanN[l * H + k]++;
    }
  }

  summary(): CorpusSummary {
    const rate = (x: number) => (this.tokens ? x / this.tokens : 0);
    const h = this.heads;
    return {
      sequences: this.list.length,
      rows: this.linkage.pooled(),
      roleRates: {
        preplan: rate(this.roles.preplan),
        anchor: rate(this.roles.anchor),
        dominated: rate(this.roles.dominated),
        intro: rate(this.roles.intro),
      },
      tokens: this.tokens,
      distributions: {
        waad: histogram(this.values.waad.view()),
        fai: histogram(this.values.fai.view()),
        delta: histogram(this.values.delta.view()),
        entropy: this.values.entropy.length ? histogram(this.values.entropy.view()) : null,
      },
      heads: h
        ? {
            numLayers: h.L,
            numHeads: h.H,
            local: [...h.local],
            global: [...h.global],
            receiver: [...h.receiver],
            meanSpan: h.span.map((s, i) => (h.spanN[i] ? s / h.spanN[i] : null)),
          }
        : { numLayers: 0, numHeads: 0, local: [], global: [], receiver: [], meanSpan: [] },
    };
  }

  /** The JSON of `rhythmscope study linkage`. */
  result(): LinkageStudyOutput {
    return this.linkage.result();
  }
}

/** One CSV row per sequence: index, label, lengths, role counts, and each linkage row's observed/random/lift. */
export function corpusCsv(list: CorpusSequence[]): string {
  const header = ['index', 'label', 'N', 'R', 'preplan', 'anchor', 'dominated', 'intro', 'reward'];
  for (const r of LINKAGE_ROWS) header.push(`${r}_observed`, `${r}_random`, `${r}_lift`);
  const lines = [header.join(',')];
  for (const s of list) {
    const cells: (string | number | null | undefined)[] = [
      s.index,
      s.label,
      s.N,
      s.R,
      s.roles.preplan,
      s.roles.anchor,
      s.roles.dominated,
      s.roles.intro,
      s.reward,
    ];
    for (const r of LINKAGE_ROWS) cells.push(s.linkage[r].observed, s.linkage[r].random, s.linkage[r].lift);
    lines.push(
      cells
        .map((c) => (c === null || c === undefined ? '' : typeof c === 'number' ? String(c) : csvField(c)))
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
