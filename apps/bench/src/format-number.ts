const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Nanoseconds with a precision that fits their size (`41.3`, `1,234`). */
export function formatNanoseconds(nanoseconds: number): string {
  if (!Number.isFinite(nanoseconds)) return 'n/a';
  return nanoseconds < 100 ? nanoseconds.toFixed(1) : grouping.format(nanoseconds);
}

/** Milliseconds with one decimal (`12.3`), grouped when large. */
export function formatMilliseconds(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) return 'n/a';
  return milliseconds < 1000 ? milliseconds.toFixed(1) : grouping.format(milliseconds);
}

/** Operations per second from a cost in nanoseconds (`1.23 M`, `456 k`). */
export function formatOperationsPerSecond(nanoseconds: number): string {
  if (!(nanoseconds > 0) || !Number.isFinite(nanoseconds)) return 'n/a';
  const perSecond = 1e9 / nanoseconds;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(0)} k`;
  return perSecond.toFixed(0);
}

/** A ratio as `2.41×`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
}

/** Bytes with no decimals (`312 B`). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  return `${grouping.format(bytes)} B`;
}

/** A count as `10k` / `1M` for table headers. */
export function formatCount(count: number): string {
  if (count >= 1e6 && count % 1e6 === 0) return `${count / 1e6}M`;
  if (count >= 1e3 && count % 1e3 === 0) return `${count / 1e3}k`;
  return grouping.format(count);
}
