import { createDeferred } from '../deferred.js';
import { formatNanoseconds, formatOperationsPerSecond, formatRatio } from '../format-number.js';
import { formatTable } from '../format-table.js';
import { measureOperation, minimumOf, settleTurn } from '../measure.js';
import {
  asyncSemaContender,
  type Contender,
  cockatielContender,
  type LimiterSetup,
  oursContender,
  pLimitContender,
} from './contenders.js';
import { compareWithPeers, type ScenarioReport } from './report.js';
import type { CoreBenchSettings } from './settings.js';
import { work } from './work.js';

/** One rejection measurement: a contender configured with a full queue. */
interface RejectionCase {
  readonly label: string;
  readonly contender: Contender;
  readonly setup: LimiterSetup;
  readonly stack: string;
}

const CASES: readonly RejectionCase[] = [
  {
    label: '@x/bulkhead-core, captureStackTrace: false (default)',
    contender: oursContender,
    setup: { limit: 1, maxQueue: 0, captureStackTrace: false },
    stack: 'no',
  },
  {
    label: '@x/bulkhead-core, captureStackTrace: true',
    contender: oursContender,
    setup: { limit: 1, maxQueue: 0, captureStackTrace: true },
    stack: 'yes',
  },
  {
    label: 'cockatiel bulkhead(1, 0) → BulkheadRejectedError',
    contender: cockatielContender,
    setup: { limit: 1, maxQueue: 0 },
    stack: 'yes (always)',
  },
];

/** Measures one case; also checks that every call really was rejected. */
async function measureRejection(entry: RejectionCase, settings: CoreBenchSettings): Promise<number> {
  const limiter = entry.contender.create(entry.setup);
  const gate = createDeferred();
  const holder = limiter.run(() => gate.promise);
  await settleTurn();
  let admitted = 0;
  const onAdmitted = (): void => {
    admitted++;
  };
  const onRejected = (): void => {};
  const cost = await measureOperation(() => limiter.run(work).then(onAdmitted, onRejected), {
    minimumTimeMs: settings.minimumTimeMs,
  });
  gate.resolve();
  await holder;
  await limiter.dispose();
  if (admitted > 0) throw new Error(`${entry.label}: ${admitted} calls were admitted, expected rejections`);
  return cost;
}

/** Rejection cost when the queue is full, with and without stack capture, vs cockatiel. */
export async function runRejectionScenario(settings: CoreBenchSettings): Promise<ScenarioReport> {
  const samples = CASES.map((): number[] => []);
  for (let round = 0; round < settings.rounds; round++) {
    for (const [index, entry] of CASES.entries()) samples[index]?.push(await measureRejection(entry, settings));
  }
  const costs = samples.map(minimumOf);
  const ours = costs[0] ?? Number.NaN;
  const oursWithStack = costs[1] ?? Number.NaN;
  const cockatiel = costs[2] ?? Number.NaN;
  const rows = CASES.map((entry, index) => {
    const cost = costs[index] ?? Number.NaN;
    return [
      entry.label,
      entry.stack,
      formatNanoseconds(cost),
      formatOperationsPerSecond(cost),
      formatRatio(cost / ours),
    ];
  });
  for (const peer of [pLimitContender, asyncSemaContender]) {
    rows.push([`${peer.name} (no queue bound: never rejects)`, 'n/a', 'n/a', 'n/a', 'n/a']);
  }
  return {
    title: 'Rejection cost (limit 1 held, queue full)',
    table: formatTable({
      headers: ['contender', 'stack captured', 'ns/rejection', 'rejections/s', 'time vs ours (no stack)'],
      rows,
      align: ['left', 'left', 'right', 'right', 'right'],
    }),
    notes: [
      'Each op is `await run(fn).then(onAdmitted, onRejected)` against a limiter whose only slot is held and ' +
        'whose queue bound is 0; every call is checked to be rejected.',
    ],
    verdicts: [
      compareWithPeers({
        label: 'rejection without stack capture',
        ours,
        better: 'faster',
        peers: [{ name: cockatielContender.name, value: cockatiel }],
      }),
      compareWithPeers({
        label: 'rejection with stack capture (like for like)',
        ours: oursWithStack,
        better: 'faster',
        peers: [{ name: cockatielContender.name, value: cockatiel }],
      }),
    ],
  };
}
