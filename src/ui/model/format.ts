/** Display helpers for model facts. */

/** 124439808 -> "124.4M", 52000 -> "52.0K", 999 -> "999". */
export function formatParams(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(Math.round(n));
}

/**
 * 124439808 -> "124,439,808". Not toLocaleString: its first call loads the ICU locale data, a 70 ms main-thread
 * task at the moment the model is shown.
 */
export function withThousands(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const [int, frac] = String(Math.abs(n)).split('.');
  return `${n < 0 ? '-' : ''}${int.replace(/\B(?=(\d{3})+$)/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** Bytes -> "1.5 MB". */
export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KB`;
  return `${n} B`;
}

/**
 * Files of a dropped/picked folder keyed by their path inside the folder:
 * "gpt2/config.json" -> "config.json" (the first segment is the folder's own name).
 */
export function folderRelativePath(webkitRelativePath: string, fallbackName: string): string {
  const parts = webkitRelativePath.split('/').filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join('/') : fallbackName;
}
