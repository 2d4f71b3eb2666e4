import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type DemoConfig } from '../config.js';

/**
 * A small, generous demo config for tests: tiny payment compartment, roomy healthy ones, a CPU task
 * of well under a millisecond, port 0, and a report path in the temp directory.
 */
export function testConfig(overrides: Partial<DemoConfig> = {}): DemoConfig {
  return {
    ...DEFAULT_CONFIG,
    healthySeconds: 1,
    hangSeconds: 2,
    recoveredSeconds: 1,
    baseLatencyMs: 5,
    jitterMs: 0,
    hangLatencyMs: 3_600_000,
    rate: 20,
    cpuRate: 5,
    cpuIterations: 100_000,
    paymentSize: 2,
    userSize: 64,
    inventorySize: 64,
    queueSize: 1,
    queueTimeoutMs: 60_000,
    cpuWorkers: 1,
    poolSize: 256,
    downstreamTimeoutMs: 60_000,
    clientTimeoutMs: 60_000,
    port: 0,
    adaptiveSeconds: 3,
    adaptiveRate: 60,
    userCapacity: 8,
    floodSeconds: 2,
    floodWorkers: 30,
    liveRate: 50,
    outputPath: path.join(os.tmpdir(), `bulkhead-demo-test-${process.pid}-${Date.now()}.html`),
    ...overrides,
  };
}
