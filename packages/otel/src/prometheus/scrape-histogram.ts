import type { HistogramTally } from '../internal/histogram-tally.js';

type LabelSet = Record<string, string | number>;

/** One labelled series of a scrape-time histogram. */
export interface HistogramSeries {
  readonly labels: Readonly<LabelSet>;
  readonly tally: HistogramTally;
}

interface HistogramValue {
  labels: LabelSet;
  value: number;
  metricName: string;
}

/**
 * A prom-client metric whose buckets live in `HistogramTally` objects filled in the hot path;
 * `get()` (called by the registry at scrape time) turns them into cumulative bucket lines.
 * prom-client's own `Histogram` has no public way to hand over pre-aggregated buckets.
 */
export class ScrapeHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series: () => Iterable<HistogramSeries>;

  constructor(options: { name: string; help: string; series: () => Iterable<HistogramSeries> }) {
    this.name = options.name;
    this.help = options.help;
    this.#series = options.series;
  }

  /** The metric as prom-client's registry renders it. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: HistogramValue[];
  }> {
    const values: HistogramValue[] = [];
    for (const { labels, tally } of this.#series()) {
      let cumulative = 0;
      for (let index = 0; index < tally.counts.length; index++) {
        cumulative += tally.counts[index] as number;
        const bound = index < tally.bounds.length ? (tally.bounds[index] as number) : '+Inf';
        values.push({
          labels: { ...labels, le: bound },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ labels: { ...labels }, value: tally.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: tally.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** The buckets mirror cumulative totals owned by the adapter; `registry.resetMetrics()` leaves them. */
  reset(): void {}
}
