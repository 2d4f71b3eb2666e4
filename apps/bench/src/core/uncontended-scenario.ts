import { formatNanoseconds, formatOperationsPerSecond, formatRatio } from '../format-number.js';
import { formatTable } from '../format-table.js';
import { measureOperation, minimumOf } from '../measure.js';
import { bareContender, type Contender, limiterContenders } from './contenders.js';
import { compareWithPeers, oursFigure, peerFigures, type ScenarioReport } from './report.js';
import type { CoreBenchSettings } from './settings.js';
import { work } from './work.js';

const LIMIT = 10;
/** Target: uncontended execute within this factor of a bare `await fn()`. */
const BARE_TARGET = 2;

/** Sequential `await run(fn)` with free slots (limit 10), next to a bare `await fn()`. */
export async function runUncontendedScenario(settings: CoreBenchSettings): Promise<ScenarioReport> {
  const contenders: readonly Contender[] = [bareContender, ...limiterContenders];
  const limiters = contenders.map((contender) => contender.create({ limit: LIMIT }));
  const samples = contenders.map((): number[] => []);
  for (let round = 0; round < settings.rounds; round++) {
    for (const [index, limiter] of limiters.entries()) {
      const cost = await measureOperation(() => limiter.run(work), { minimumTimeMs: settings.minimumTimeMs });
      samples[index]?.push(cost);
    }
  }
  await Promise.all(limiters.map((limiter) => limiter.dispose()));
  const costs = samples.map(minimumOf);
  const ours = oursFigure(contenders, costs);
  const bare = costs[contenders.indexOf(bareContender)] ?? Number.NaN;
  const rows = contenders.map((contender, index) => {
    const cost = costs[index] ?? Number.NaN;
    return [
      contender.name,
      formatNanoseconds(cost),
      formatOperationsPerSecond(cost),
      formatRatio(cost / ours),
      formatRatio(cost / bare),
    ];
  });
  const bareRatio = ours / bare;
  return {
    title: `Uncontended execute (limit ${LIMIT}, one call at a time)`,
    table: formatTable({
      headers: ['contender', 'ns/op', 'ops/s', 'time vs ours', 'time vs bare await'],
      rows,
      align: ['left', 'right', 'right', 'right', 'right'],
    }),
    notes: [
      'Each op is `await run(fn)` with `fn = async () => 1`; median of mitata samples, best of ' +
        `${settings.rounds} interleaved round(s).`,
    ],
    verdicts: [
      compareWithPeers({
        label: 'uncontended execute',
        ours,
        better: 'faster',
        peers: peerFigures(contenders, costs),
      }),
      {
        pass: bareRatio <= BARE_TARGET,
        text: `uncontended execute costs ${formatRatio(bareRatio)} a bare await (target <= ${BARE_TARGET}×)`,
      },
    ],
  };
}
