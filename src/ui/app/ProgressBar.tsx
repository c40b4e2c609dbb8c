/** One progress bar for every long job (model load, analysis, training): a fraction in [0, 1], or null while unknown. */
export function ProgressBar({ label, fraction }: { label: string; fraction: number | null }) {
  const f = fraction === null ? null : Math.max(0, Math.min(1, fraction));
  return (
    <div
      className={`progress${f === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={f === null ? undefined : Math.round(f * 100)}
    >
      <div className="progress-fill" style={{ width: f === null ? undefined : `${f * 100}%` }} />
    </div>
  );
}
