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

/** One rejection measurement: a contender configured with a full queue, called at some stack depth. */
interface RejectionCase {
  readonly label: string;
  readonly contender: Contender;
  readonly setup: LimiterSetup;
  readonly stack: string;
  /** Extra frames between the benchmark loop and the call (0: shallow; 20: like inside a framework). */
  readonly callerDepth: number;
}

/** Caller stack depth of the "deep" cases: a call made from inside a web framework's handler chain. */
const DEEP_CALLER = 20;
const OURS_NO_STACK = { limit: 1, maxQueue: 0, captureStackTrace: false };
const OURS_STACK = { limit: 1, maxQueue: 0, captureStackTrace: true };
const COCKATIEL = { limit: 1, maxQueue: 0 };
const OURS_NO_STACK_LABEL = '@x/bulkhead-core, captureStackTrace: false (default)';
const OURS_STACK_LABEL = '@x/bulkhead-core, captureStackTrace: true';
const COCKATIEL_LABEL = 'cockatiel bulkhead(1, 0) → BulkheadRejectedError';

const CASES: readonly RejectionCase[] = [
  { label: OURS_NO_STACK_LABEL, contender: oursContender, setup: OURS_NO_STACK, stack: 'no', callerDepth: 0 },
  { label: OURS_STACK_LABEL, contender: oursContender, setup: OURS_STACK, stack: 'yes', callerDepth: 0 },
  {
    label: COCKATIEL_LABEL,
    contender: cockatielContender,
    setup: COCKATIEL,
    stack: 'yes (always)',
    callerDepth: 0,
  },
  {
    label: OURS_NO_STACK_LABEL,
    contender: oursContender,
    setup: OURS_NO_STACK,
    stack: 'no',
    callerDepth: DEEP_CALLER,
  },
  {
    label: OURS_STACK_LABEL,
    contender: oursContender,
    setup: OURS_STACK,
    stack: 'yes',
    callerDepth: DEEP_CALLER,
  },
  {
    label: COCKATIEL_LABEL,
    contender: cockatielContender,
    setup: COCKATIEL,
    stack: 'yes (always)',
    callerDepth: DEEP_CALLER,
  },
];

/** Calls `fn` from `depth` extra stack frames down (stack capture cost depends on the frames walked). */
function callAtDepth<T>(depth: number, fn: () => T): T {
  return depth === 0 ? fn() : callAtDepth(depth - 1, fn);
}

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
  const depth = entry.callerDepth;
  const call = (): Promise<unknown> => limiter.run(work);
  const cost = await measureOperation(() => callAtDepth(depth, call).then(onAdmitted, onRejected), {
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
    for (const [index, entry] of CASES.entries())
      samples[index]?.push(await measureRejection(entry, settings));
  }
  const costs = samples.map(minimumOf);
  const costOf = (label: string, callerDepth: number): number =>
    costs[CASES.findIndex((entry) => entry.label === label && entry.callerDepth === callerDepth)] ??
    Number.NaN;
  const ours = costOf(OURS_NO_STACK_LABEL, 0);
  const rows = CASES.map((entry, index) => {
    const cost = costs[index] ?? Number.NaN;
    return [
      entry.label,
      entry.callerDepth === 0 ? 'shallow' : `${entry.callerDepth} frames`,
      entry.stack,
      formatNanoseconds(cost),
      formatOperationsPerSecond(cost),
      formatRatio(cost / ours),
    ];
  });
  for (const peer of [pLimitContender, asyncSemaContender]) {
    rows.push([`${peer.name} (no queue bound: never rejects)`, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']);
  }
  return {
    title: 'Rejection cost (limit 1 held, queue full)',
    table: formatTable({
      headers: [
        'contender',
        'caller stack',
        'stack captured',
        'ns/rejection',
        'rejections/s',
        'time vs ours (no stack, shallow)',
      ],
      rows,
      align: ['left', 'left', 'left', 'right', 'right', 'right'],
    }),
    notes: [
      'Each op is `await run(fn).then(onAdmitted, onRejected)` against a limiter whose only slot is held and ' +
        'whose queue bound is 0; every call is checked to be rejected.',
      `Shallow: called straight from the benchmark loop; ${DEEP_CALLER} frames: called ${DEEP_CALLER} frames ` +
        'down, as from a framework handler. Capturing a stack walks up to Error.stackTraceLimit (10) frames, ' +
        'so its cost depends on where the error is built.',
    ],
    verdicts: [
      compareWithPeers({
        label: 'rejection, ours without stack (default) vs cockatiel (always captures)',
        ours,
        better: 'faster',
        peers: [{ name: cockatielContender.name, value: costOf(COCKATIEL_LABEL, 0) }],
      }),
      ...[0, DEEP_CALLER].map((depth) =>
        compareWithPeers({
          label: `rejection with stack capture, like for like, ${depth === 0 ? 'shallow caller' : `caller ${depth} frames deep`}`,
          ours: costOf(OURS_STACK_LABEL, depth),
          better: 'faster',
          peers: [{ name: cockatielContender.name, value: costOf(COCKATIEL_LABEL, depth) }],
        }),
      ),
    ],
  };
}
