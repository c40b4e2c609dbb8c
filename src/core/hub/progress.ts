/**
 * Progress of a download in words a person reads: bytes, rate and time left, per file and in total. The rate is
 * taken over the last few seconds of network bytes (cached bytes are not counted), so a resume or a cache hit
 * does not claim an absurd speed.
 */
export interface TransferStatus {
  file: string;
  fileReceived: number;
  fileTotal?: number;
  /** This file is being read from the cache (and checked), not downloaded. */
  fromCache?: boolean;
  /** All files: bytes held, and the expected total (grows as sizes become known). */
  received: number;
  total?: number;
  /** Bytes per second over the recent window; 0 before any network byte. */
  rate: number;
  /** Seconds left for this file and for all, when a rate and the totals are known. */
  fileEtaS?: number;
  etaS?: number;
}

export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 3000) {}

  /** Network bytes read so far (cumulative), at time t (ms). */
  add(t: number, cumulativeBytes: number): void {
    this.samples.push({ t, bytes: cumulativeBytes });
    while (this.samples.length > 2 && t - this.samples[1].t > this.windowMs) this.samples.shift();
  }

  /** Bytes per second between the oldest and newest sample in the window. */
  rate(): number {
    if (this.samples.length < 2) return 0;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    return b.t > a.t ? ((b.bytes - a.bytes) * 1000) / (b.t - a.t) : 0;
  }
}

export const etaSeconds = (left: number, rate: number) => (rate > 0 && left >= 0 ? left / rate : undefined);

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 1234567 → "1.23 MB" (decimal units, as download sizes are usually given). */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[u]}`;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** "model.safetensors 12.0 MB / 48.0 MB · total 12.1 MB / 48.2 MB · 3.20 MB/s · 12 s left" */
export function describeTransfer(p: TransferStatus): string {
  const of = (a: number, b?: number) => (b !== undefined ? `${formatBytes(a)} / ${formatBytes(b)}` : formatBytes(a));
  const from = p.fromCache ? ' from the cache' : '';
  const parts = [`${p.file}${from} ${of(p.fileReceived, p.fileTotal)}`, `total ${of(p.received, p.total)}`];
  if (p.rate > 0) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.fileEtaS !== undefined && p.fileTotal !== undefined) parts.push(`file ${formatDuration(p.fileEtaS)} left`);
  if (p.etaS !== undefined) parts.push(`${formatDuration(p.etaS)} left`);
  return parts.join(' · ');
}
