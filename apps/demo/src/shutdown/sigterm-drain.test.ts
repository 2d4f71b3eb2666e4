import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet, waitUntil } from '../test-support/http-get.js';

const APP_DIRECTORY = fileURLToPath(new URL('../..', import.meta.url));

let child: ChildProcess | undefined;

afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts `pnpm demo` as a child process and collects its output. */
function startDemo(extra: readonly string[]): { output: () => string; exited: Promise<number | null> } {
  let output = '';
  const spawned = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      '--only=bulkheads',
      '--port=0',
      '--healthy-seconds=1',
      '--hang-seconds=600', // the drain happens during the hang, whatever the machine's speed
      '--hang-latency=3600000',
      '--payment-size=2',
      '--queue-size=2',
      '--queue-timeout=600000',
      // Payment's 2 hung calls hold their slots for 8 s: until then its queue of 2 stays full and
      // stable (later calls are refused), so the state the test observes is the state SIGTERM meets.
      '--downstream-timeout=8000',
      '--drain-timeout=60000',
      '--client-timeout=600000',
      '--cpu-rate=0',
      '--user-size=64',
      '--inventory-size=64',
      '--output=/dev/null',
      ...extra,
    ],
    {
      cwd: APP_DIRECTORY,
      env: { ...process.env, BULKHEAD_LICENSE_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = spawned;
  spawned.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  spawned.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => spawned.once('exit', (code) => resolve(code)));
  return { output: () => output, exited };
}

/** Waits until payment holds its 2 calls and queues 2 more, as `/bulkheads` reports. */
async function waitForPaymentFullAndQueued(output: () => string): Promise<void> {
  await waitUntil(() => /phase: hang/.test(output()), { what: 'the hang phase', timeoutMs: 60_000 });
  const gateway = /Gateway on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
  expect(gateway).toBeDefined();
  await waitUntil(
    async () => {
      const status = JSON.parse((await httpGet(`${gateway}/bulkheads`)).body) as {
        compartments: { name: string; activeCount: number; waitingCount: number }[];
      };
      const payment = status.compartments.find((state) => state.name === 'payment');
      return payment?.activeCount === 2 && payment.waitingCount === 2;
    },
    { what: 'payment to hold 2 calls and queue 2', timeoutMs: 60_000 },
  );
}

describe('Ctrl-C / SIGTERM during the demo', () => {
  it.each([
    ['OSS', [] as string[], 'each compartment closed'],
    ['PRO', ['--pro'], 'PRO drain()'],
  ])(
    'drains on %s: queued calls reject at once, in-flight calls finish, the result is printed',
    {
      timeout: 120_000,
    },
    async (_tier, extra, via) => {
      const demo = startDemo(extra);
      await waitForPaymentFullAndQueued(demo.output);
      child?.kill('SIGTERM');
      const code = await demo.exited;
      const output = demo.output();
      expect(output).toContain('SIGTERM received');
      const line = output.split('\n').find((candidate) => candidate.startsWith('drain ('));
      // payment's 2 queued calls were refused at once; every call in flight (payment's 2 hung ones
      // included, ended by their 8 s downstream timeout) finished before the demo exited.
      expect(line).toMatch(
        new RegExp(
          `^drain \\(${via.replace(/[()]/g, '\\$&')}\\): drained in [\\d.]+ s; 2 queued calls rejected at once, (\\d+) of \\1 in-flight calls finished`,
        ),
      );
      expect(output.indexOf(line ?? '')).toBeLessThan(output.indexOf('Demo stopped after a drain: drained'));
      expect(code).toBe(0);
    },
  );
});
