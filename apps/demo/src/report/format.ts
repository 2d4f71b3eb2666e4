/** Milliseconds for humans: `812 ms`, `4.03 s`, `-` for `NaN`. */
export function formatMs(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  return `${value.toFixed(1)} ms`;
}

/** A 0..1 share as a percentage: `12.5%`. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Requests per second: `39.8`. */
export function formatRate(value: number): string {
  return value.toFixed(1);
}
