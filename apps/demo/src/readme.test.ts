import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_OPTIONS,
  USER_CALL_TIMEOUT_MS,
  USER_SERVICE_LATENCY_MS,
} from './adaptive/adaptive-phase.js';
import { adaptiveWindows } from './adaptive/adaptive-timeline.js';
import {
  DATABASE_CONNECTIONS,
  FLOOD_PARTITIONS,
  LIVE_TIMEOUT_MS,
  QUERY_LATENCY_MS,
} from './batch-flood/flood-phase.js';
import { floodWindows } from './batch-flood/flood-timeline.js';
import { helpText } from './cli/parse-options.js';
import { DEFAULT_CONFIG } from './config.js';
import { describeAdaptiveSetup } from './report/adaptive-table.js';
import { describeFloodSetup } from './report/flood-table.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the current --help output verbatim', () => {
    expect(readme).toContain(`\`\`\`text\n${helpText()}\n\`\`\``);
  });

  it('states the default sizes it explains', () => {
    expect(readme).toContain(`connections: ${DEFAULT_CONFIG.poolSize}`);
    expect(readme).toContain(`payment can hold at most ${DEFAULT_CONFIG.paymentSize} connections`);
    expect(readme).toContain(`(default ${DEFAULT_CONFIG.outputPath})`);
  });

  it('shows the adaptive phase with the controller options and the setup line of the defaults', () => {
    const { algorithm, minLimit, maxLimit } = ADAPTIVE_OPTIONS;
    expect(readme).toContain(
      `adaptiveLimit(users, { algorithm: '${algorithm}', minLimit: ${minLimit}, maxLimit: ${maxLimit} })`,
    );
    const windows = adaptiveWindows({
      seconds: DEFAULT_CONFIG.adaptiveSeconds,
      capacity: DEFAULT_CONFIG.userCapacity,
    });
    const setup = describeAdaptiveSetup({
      windows,
      rate: DEFAULT_CONFIG.adaptiveRate,
      capacity: DEFAULT_CONFIG.userCapacity,
      serviceLatencyMs: USER_SERVICE_LATENCY_MS,
      timeoutMs: USER_CALL_TIMEOUT_MS,
      sides: [],
      totalMs: DEFAULT_CONFIG.adaptiveSeconds * 1000,
    });
    expect(readme).toContain(`\`\`\`text\n${setup}\n`);
    expect(windows.map((window) => (window.endMs - window.startMs) / 1000)).toEqual([5, 15, 10]);
    expect(readme).toContain('5 s, 15 s and 10 s by default');
  });

  it('shows the batch-flood phase with the compartment it runs and the setup line of the defaults', () => {
    const { live, batch } = FLOOD_PARTITIONS;
    expect(readme).toContain(
      `new PartitionedBulkhead('reports-partitioned', {\n    maxConcurrent: ${DATABASE_CONNECTIONS},\n    partitions: { live: { share: ${live.share} }, batch: { share: ${batch.share} } },`,
    );
    expect(readme).toContain(`Each query takes ${QUERY_LATENCY_MS} ms`);
    expect(readme).toContain(`waiting\n  ${LIVE_TIMEOUT_MS} ms for one`);
    const setup = describeFloodSetup({
      windows: floodWindows(DEFAULT_CONFIG.floodSeconds),
      liveRate: DEFAULT_CONFIG.liveRate,
      workers: DEFAULT_CONFIG.floodWorkers,
      connections: DATABASE_CONNECTIONS,
      queryLatencyMs: QUERY_LATENCY_MS,
      liveTimeoutMs: LIVE_TIMEOUT_MS,
      guaranteed: {},
      sides: [],
      totalMs: DEFAULT_CONFIG.floodSeconds * 1000,
    });
    expect(readme).toContain(`\`\`\`text\n${setup}\n`);
  });
});
