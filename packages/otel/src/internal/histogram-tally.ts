/**
 * A fixed-bucket histogram kept as plain numbers: `observe()` is a short linear scan and two
 * additions, cheap enough for the hot path. Exporters read it at scrape/collection time.
 */
export class HistogramTally {
  /** Upper bounds, ascending; the implicit last bucket is `+Inf`. */
  readonly bounds: Float64Array;
  /** Non-cumulative counts; index `bounds.length` is the `+Inf` bucket. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: Float64Array) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value. */
  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.sum += value;
    this.count++;
  }
}
