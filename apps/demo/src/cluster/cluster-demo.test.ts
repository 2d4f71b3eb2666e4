import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClusterDemoCli } from './cluster-cli.js';
import { clusterDemoRequested, parseClusterOptions } from './cluster-options.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('pnpm demo --cluster', { timeout: 120_000 }, () => {
  it('is asked for with --cluster only; the default demo is untouched', () => {
    expect(clusterDemoRequested(['--cluster', '3'])).toBe(true);
    expect(clusterDemoRequested(['--cluster=3'])).toBe(true);
    expect(clusterDemoRequested(['--quick'])).toBe(false);
    expect(parseClusterOptions(['--cluster', '3'])).toMatchObject({ gateways: 3, paymentCapacity: 16 });
    expect(() => parseClusterOptions(['--cluster', '1'])).toThrow('--cluster must be >= 2');
    expect(() => parseClusterOptions(['--cluster', 'x'])).toThrow('--cluster must be an integer');
  });

  it('--cluster --help prints its own usage', async () => {
    let output = '';
    expect(await runClusterDemoCli(['--cluster', '--help'], (text) => (output += text))).toBe(0);
    expect(output).toContain('Usage: pnpm demo --cluster <n> [options]');
  });

  it('without a reachable Redis says so and how to start one', async () => {
    let output = '';
    const code = await runClusterDemoCli(['--cluster', '3', '--redis-url', 'redis://127.0.0.1:1'], (text) => {
      output += text;
    });
    expect(code).toBe(1);
    expect(output).toContain('--cluster needs Redis, and nothing answers at redis://127.0.0.1:1');
    expect(output).toContain('redis-server --port 6379');
  });

  it('per-process bulkheads let the payment service see more than its 16; RedisBulkhead never does', async () => {
    const outputPath = path.join(os.tmpdir(), `cluster-demo-${process.pid}.html`);
    let output = '';
    const code = await runClusterDemoCli(
      ['--cluster', '3', '--seconds', '3', '--redis-url', REDIS_URL, '--output', outputPath],
      (text) => {
        output += text;
      },
    );
    expect(code).toBe(0);
    const redisLine = output.split('\n').find((line) => line.startsWith('RedisBulkhead (shared)')) ?? '';
    const perProcessLine = output.split('\n').find((line) => line.startsWith('per-process bulkheads')) ?? '';
    const maxOf = (line: string) => Number(/\s(\d+) \(capacity 16\)/.exec(line)?.[1]);
    expect(maxOf(redisLine)).toBeLessThanOrEqual(16);
    expect(maxOf(perProcessLine)).toBeGreaterThan(16);
    const html = await readFile(outputPath, 'utf8');
    expect(html).toContain('payment calls in flight');
    expect(html.match(/<svg/g)?.length).toBe(2);
    await rm(outputPath);
  });
});
