import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { bulkheadInterceptor } from '@x/bulkhead-http/undici';
import { Agent, type Dispatcher, request } from 'undici';
import { type BenchOptions, quickFromArgv } from './bench-options.js';
import { formatNanoseconds, formatOperationsPerSecond, formatRatio } from './format-number.js';
import { formatTable } from './format-table.js';
import { isMainModule } from './is-main-module.js';
import { cpuTimeNanoseconds } from './measure.js';

const TARGET_OVERHEAD = 0.05;

// The origin runs in a child process, so this process's CPU time is the client's alone.
const ORIGIN_SOURCE = `
const { createServer } = require('node:http');
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  response.end('ok');
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startOrigin(): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', ORIGIN_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { origin: `http://127.0.0.1:${line.toString().trim()}`, child };
}

interface Round {
  cpuNanosecondsPerRequest: number;
  wallNanosecondsPerRequest: number;
}

async function runRound(
  dispatcher: Dispatcher,
  origin: string,
  total: number,
  window: number,
): Promise<Round> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued++;
      const { body } = await request(`${origin}/`, { dispatcher });
      await body.text();
    }
  };
  const cpuStart = cpuTimeNanoseconds();
  const wallStart = performance.now();
  await Promise.all(Array.from({ length: window }, worker));
  return {
    cpuNanosecondsPerRequest: (cpuTimeNanoseconds() - cpuStart) / total,
    wallNanosecondsPerRequest: ((performance.now() - wallStart) * 1e6) / total,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The interceptor's added cost per loopback request against a plain undici Agent, measured in one run. */
export async function main(options: BenchOptions = {}): Promise<void> {
  const quick = options.quick ?? false;
  const rounds = quick ? 3 : 11;
  const total = quick ? 2_000 : 10_000;
  const { origin, child } = await startOrigin();
  const agents = [
    new Agent({ connections: 32 }),
    new Agent({ connections: 32 }),
    new Agent({ connections: 32 }),
  ];
  const bulkhead = new SemaphoreBulkhead('bench-http', { maxConcurrent: 64 });
  const contenders: Array<{ label: string; dispatcher: Dispatcher }> = [
    { label: 'plain Agent', dispatcher: agents[0]! },
    // undici's own price for any interceptor: compose() and its handler conversions, with nothing else.
    { label: 'Agent + pass-through interceptor', dispatcher: agents[1]!.compose((dispatch) => dispatch) },
    {
      label: 'Agent + bulkheadInterceptor',
      dispatcher: agents[2]!.compose(bulkheadInterceptor({ bulkheadFor: () => bulkhead })),
    },
  ];
  const rows: string[][] = [];
  let worstAgainstPlain = 0;
  let worstAgainstPassThrough = 0;
  const percent = (ratio: number): string => `${((ratio - 1) * 100).toFixed(1)} %`;
  try {
    for (const window of [1, 16]) {
      const results = contenders.map(() => [] as Round[]);
      for (const contender of contenders) await runRound(contender.dispatcher, origin, total / 4, window);
      // Interleaved rounds: machine noise hits every contender alike.
      for (let round = 0; round < rounds; round++) {
        for (const [index, contender] of contenders.entries()) {
          results[index]!.push(await runRound(contender.dispatcher, origin, total, window));
        }
      }
      const cpu = results.map((list) => median(list.map((r) => r.cpuNanosecondsPerRequest)));
      const wall = results.map((list) => median(list.map((r) => r.wallNanosecondsPerRequest)));
      const [plainCpu, passCpu, guardedCpu] = cpu as [number, number, number];
      const [plainWall, passWall, guardedWall] = wall as [number, number, number];
      worstAgainstPlain = Math.max(worstAgainstPlain, guardedCpu / plainCpu - 1, guardedWall / plainWall - 1);
      worstAgainstPassThrough = Math.max(
        worstAgainstPassThrough,
        guardedCpu / passCpu - 1,
        guardedWall / passWall - 1,
      );
      rows.push([
        String(window),
        formatNanoseconds(plainCpu),
        formatNanoseconds(passCpu),
        formatNanoseconds(guardedCpu),
        percent(guardedCpu / plainCpu),
        percent(guardedCpu / passCpu),
        formatOperationsPerSecond(plainWall),
        formatOperationsPerSecond(guardedWall),
        formatRatio(plainWall / guardedWall),
      ]);
    }
  } finally {
    for (const agent of agents) await agent.close();
    child.kill();
  }
  console.log('## http: undici interceptor\n');
  console.log(
    `Loopback GET through undici.request: a plain Agent, an Agent with a pass-through interceptor (undici's own cost of compose()) and an Agent with bulkheadInterceptor; origin in a child process; median of ${rounds} interleaved rounds of ${total} requests. Client CPU time per request and wall-clock throughput.\n`,
  );
  console.log(
    formatTable({
      headers: [
        'in flight',
        'plain CPU/req',
        'pass-through CPU/req',
        'bulkhead CPU/req',
        'added vs plain',
        'added vs pass-through',
        'plain req/s',
        'bulkhead req/s',
        'throughput ratio',
      ],
      rows,
      align: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    }),
  );
  const verdict = (worst: number): string => (worst <= TARGET_OVERHEAD ? 'PASS' : 'FAIL');
  console.log(
    `\n${verdict(worstAgainstPlain)}: worst added cost against a plain Agent ${(worstAgainstPlain * 100).toFixed(1)} % (target under ${TARGET_OVERHEAD * 100} %; CPU or time, whichever is worse)`,
  );
  console.log(
    `${verdict(worstAgainstPassThrough)}: worst added cost against a pass-through interceptor (undici's own compose cost removed) ${(worstAgainstPassThrough * 100).toFixed(1)} %\n`,
  );
}

if (isMainModule(import.meta.url)) await main({ quick: quickFromArgv() });
