import { AsyncLocalStorage } from 'node:async_hooks';
import { createDeferred } from '../deferred.js';
import { formatBytes, formatCount, formatRatio } from '../format-number.js';
import { formatTable } from '../format-table.js';
import { canCollectGarbage, collectGarbage, heapUsedBytes, settleTurn } from '../measure.js';
import { type Contender, limiterContenders, oursContender } from './contenders.js';
import { compareWithPeers, oursFigure, peerFigures, type ScenarioReport } from './report.js';
import type { CoreBenchSettings } from './settings.js';
import { work } from './work.js';

const LIMIT = 10;
const TIMEOUT_MS = 30_000;
/** Target of issue 10: bytes retained per queued waiter (no timeout), with the caller's async context kept. */
const BYTES_TARGET = 400;

/** True when a task queued in `execute()` runs in the async context of its caller (AsyncLocalStorage). */
async function queuedTaskKeepsCallerContext(): Promise<boolean> {
  const storage = new AsyncLocalStorage<string>();
  const limiter = oursContender.create({ limit: 1 });
  const gate = createDeferred();
  const blocker = limiter.run(() => gate.promise);
  const queued = storage.run('caller', () => limiter.run(async () => storage.getStore()));
  gate.resolve();
  const [, seen] = await Promise.all([blocker, queued]);
  await limiter.dispose();
  return seen === 'caller';
}

/**
 * Heap retained per queued waiter: all slots blocked, `count` calls queued (their promises kept, as
 * a caller would), full GC before and after; the holding array is allocated before the first snapshot.
 */
async function retainedBytesPerWaiter(
  contender: Contender,
  count: number,
  timeout: number | undefined,
): Promise<number> {
  const limiter = contender.create({ limit: LIMIT, ...(timeout === undefined ? {} : { timeout }) });
  const gate = createDeferred();
  const pending = new Array<Promise<unknown> | undefined>(count).fill(undefined);
  const blockers = Array.from({ length: LIMIT }, () => limiter.run(() => gate.promise));
  await settleTurn();
  collectGarbage();
  const before = heapUsedBytes();
  for (let index = 0; index < count; index++) pending[index] = limiter.run(work);
  await settleTurn();
  collectGarbage();
  const after = heapUsedBytes();
  gate.resolve();
  await Promise.all([...blockers, ...pending]);
  await limiter.dispose();
  return (after - before) / count;
}

/** Retained bytes per queued waiter, waiting without and with a 30 s timeout. */
export async function runRetainedMemoryScenario(settings: CoreBenchSettings): Promise<ScenarioReport> {
  const title = `Retained heap per queued waiter (${formatCount(settings.memoryWaiters)} waiters, limit ${LIMIT})`;
  if (!canCollectGarbage()) {
    return {
      title,
      table: '_skipped: run node with --expose-gc_',
      notes: [],
      verdicts: [{ pass: false, text: 'retained memory not measured (no --expose-gc)' }],
    };
  }
  const contenders = limiterContenders;
  for (const contender of contenders) await retainedBytesPerWaiter(contender, 1000, TIMEOUT_MS);
  const withoutTimeout: number[] = [];
  const withTimeout: number[] = [];
  for (const contender of contenders) {
    withoutTimeout.push(await retainedBytesPerWaiter(contender, settings.memoryWaiters, undefined));
    withTimeout.push(await retainedBytesPerWaiter(contender, settings.memoryWaiters, TIMEOUT_MS));
  }
  const ours = oursFigure(contenders, withoutTimeout);
  const oursTimed = oursFigure(contenders, withTimeout);
  const keepsContext = await queuedTaskKeepsCallerContext();
  const rows = contenders.map((contender, index) => {
    const plain = withoutTimeout[index] ?? Number.NaN;
    const timed = withTimeout[index] ?? Number.NaN;
    return [
      contender.name,
      formatBytes(plain),
      formatRatio(plain / ours),
      formatBytes(timed),
      formatRatio(timed / oursTimed),
    ];
  });
  return {
    title,
    table: formatTable({
      headers: ['contender', 'bytes/waiter, no timeout', 'vs ours', 'bytes/waiter, 30 s timeout', 'vs ours'],
      rows,
      align: ['left', 'right', 'right', 'right', 'right'],
    }),
    notes: [
      '`heapUsed` delta after a full GC, divided by the waiter count; includes the promise handed to the caller.',
      ...contenders.map((contender) => `${contender.name} with timeout: ${contender.timeoutNote}.`),
    ],
    verdicts: [
      {
        pass: ours <= BYTES_TARGET && keepsContext,
        text: `retained heap per queued waiter ${formatBytes(ours)} (target <= ${BYTES_TARGET} B) while queued tasks ${
          keepsContext ? 'keep' : 'do NOT keep'
        } their caller's async context`,
      },
      compareWithPeers({
        label: 'retained bytes per waiter, no timeout',
        ours,
        better: 'leaner',
        peers: peerFigures(contenders, withoutTimeout),
      }),
      compareWithPeers({
        label: 'retained bytes per waiter, 30 s timeout',
        ours: oursTimed,
        better: 'leaner',
        peers: peerFigures(contenders, withTimeout),
      }),
    ],
  };
}
