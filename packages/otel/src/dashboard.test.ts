import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROMETHEUS_METRIC_NAMES } from './prometheus/metric-names.js';

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboards', 'bulkhead-overview.json');
const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
  panels: Panel[];
  templating: { list: Array<{ name: string }> };
  __inputs: Array<{ pluginId: string }>;
};
const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

describe('Grafana dashboard', () => {
  it('queries only metrics the Prometheus adapter exports', () => {
    const known = new Set<string>(Object.values(PROMETHEUS_METRIC_NAMES));
    const used = expressions.flatMap((expression) => expression.match(/\bbulkhead_[a-z_]+/g) ?? []);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(known).toContain(name.replace(/_(bucket|sum|count)$/, ''));
  });

  it('shows utilization, queue depth, rejection rate by reason and wait-time percentiles', () => {
    expect(expressions.some((expression) => expression.includes('bulkhead_utilization_ratio'))).toBe(true);
    expect(expressions.some((expression) => expression.includes('bulkhead_waiting_calls'))).toBe(true);
    expect(expressions).toContainEqual(
      expect.stringMatching(/sum by \(bulkhead, reason\) \(rate\(bulkhead_rejections_total/),
    );
    for (const quantile of ['0.5', '0.95', '0.99']) {
      expect(expressions).toContainEqual(
        expect.stringContaining(
          `histogram_quantile(${quantile}, sum by (bulkhead, le) (rate(bulkhead_wait_seconds_bucket`,
        ),
      );
    }
  });

  it('shows per partition: active calls vs guaranteed share, borrowed permits, rejections by reason', () => {
    const partitionPanels = dashboard.panels.filter((panel) =>
      (panel.targets ?? []).some((target) => target.expr.includes('bulkhead_partition_')),
    );
    const partitionExpressions = partitionPanels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => target.expr),
    );
    for (const metric of [
      'bulkhead_partition_active_calls',
      'bulkhead_partition_guaranteed_permits',
      'bulkhead_partition_borrowed_permits',
    ]) {
      expect(partitionExpressions).toContainEqual(
        expect.stringMatching(new RegExp(`by \\(bulkhead, partition\\) \\(${metric}`)),
      );
    }
    expect(partitionExpressions).toContainEqual(
      expect.stringMatching(
        /sum by \(bulkhead, partition, reason\) \(rate\(bulkhead_partition_rejections_total/,
      ),
    );
    // Keyed bulkheads appear aggregated only: no panel groups by key.
    expect(expressions.some((expression) => /\bkey\b/.test(expression))).toBe(false);
  });

  it('is importable: a Prometheus data source input and a bulkhead variable', () => {
    expect(dashboard.__inputs.map((input) => input.pluginId)).toEqual(['prometheus']);
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'bulkhead']);
  });
});
