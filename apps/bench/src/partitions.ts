import type { BenchOptions } from './bench-options.js';
import { quickFromArgv } from './bench-options.js';
import { formatBytes, formatCount, formatNanoseconds, formatRatio } from './format-number.js';
import { formatTable } from './format-table.js';
import { isMainModule } from './is-main-module.js';
import { canCollectGarbage, minimumOf } from './measure.js';
import type { PartitionsRequest, PartitionsResult } from './partitions-child.js';
import { partitionsContenders } from './partitions-contenders.js';
import { keyChurn, retainedBytesPerIdleKey } from './partitions-memory.js';
import { runInChild } from './run-in-child.js';

/** Target: each bulkhead within this factor of SemaphoreBulkhead's ns/op. */
const TARGET = 1.5;
const LIMIT = 10;
const BURST = 100;

/**
 * Calls per uncontended sample, and bursts per burst sample: the CPU-time clock ticks in microseconds, so a
 * sample must span hundreds of them (100 calls of ~100 ns were 10 ticks, and medians came out quantised by 10%).
 */
const SEQUENCE = 2_000;
const BURSTS_PER_SAMPLE = 20;

function timingTable(
  title: string,
  costs: readonly number[],
): { text: string; worst: number; worstName: string } {
  const costOf = (name: string): number =>
    costs[partitionsContenders.findIndex((contender) => contender.name === name)] ?? Number.NaN;
  let worst = 0;
  let worstName = '';
  const rows = partitionsContenders.map((contender, index) => {
    const cost = costs[index] ?? Number.NaN;
    const ratio = cost / costOf(contender.comparedWith);
    if (!contender.baseline && ratio > worst) {
      worst = ratio;
      worstName = contender.name;
    }
    return [
      contender.name,
      formatNanoseconds(cost),
      formatRatio(cost / costOf('SemaphoreBulkhead')),
      contender.baseline ? '(baseline)' : `${formatRatio(ratio)} ${contender.comparedWith}`,
    ];
  });
  const table = formatTable({
    headers: ['bulkhead', 'ns/op', 'time vs SemaphoreBulkhead', 'time vs its baseline'],
    rows,
    align: ['left', 'right', 'right', 'left'],
  });
  return { text: `### ${title}\n\n${table}`, worst, worstName };
}

/**
 * Partitions area: PartitionedBulkhead and KeyedBulkhead against SemaphoreBulkhead in the same run
 * (ns/op, target within 1.5×), heap retained per idle key, and heap after a million distinct keys.
 */
export async function main(options: BenchOptions = {}): Promise<void> {
  const quick = options.quick ?? quickFromArgv();
  const minimumTimeMs = quick ? 150 : 600;
  const rounds = quick ? 2 : 8;
  console.log(
    `## partitions: PartitionedBulkhead and KeyedBulkhead vs SemaphoreBulkhead${quick ? ' (--quick)' : ''}\n`,
  );
  const verdicts: string[] = [];
  // Each contender runs in a fresh child process per round (rounds interleaved): measured in one process,
  // whichever ran first got core's shared code (the wait list, the promise reactions) while its JIT feedback
  // was still monomorphic, and the others paid for what it left behind.
  const samples = {
    uncontended: partitionsContenders.map((): number[] => []),
    burst: partitionsContenders.map((): number[] => []),
  };
  for (let round = 0; round < rounds; round++) {
    for (const [index, contender] of partitionsContenders.entries()) {
      const result = await runInChild<PartitionsRequest, PartitionsResult>(
        import.meta.url,
        'partitions-child',
        {
          contenderName: contender.name,
          limit: LIMIT,
          burst: BURST,
          sequence: SEQUENCE,
          burstsPerSample: BURSTS_PER_SAMPLE,
          minimumTimeMs,
        },
      );
      samples.uncontended[index]!.push(result.uncontended);
      samples.burst[index]!.push(result.burst);
    }
  }
  for (const [title, scenario] of [
    [
      `Uncontended execute (limit ${LIMIT}, ${SEQUENCE} calls one at a time per sample), per call`,
      'uncontended',
    ],
    [`Burst (${BURST} calls at once, limit ${LIMIT}, timeout Infinity), per call`, 'burst'],
  ] as const) {
    const { text, worst, worstName } = timingTable(title, samples[scenario].map(minimumOf));
    console.log(
      `${text}\n\n> median of mitata samples on the CPU-time clock, best of ${rounds} interleaved rounds, each contender in a fresh process per round\n`,
    );
    verdicts.push(
      `- **${worst <= TARGET ? 'PASS' : 'FAIL'}** ${title.split(' (')[0]}: slowest against its baseline is ${worstName} at ${formatRatio(worst)} (target <= ${TARGET}×)`,
    );
  }
  if (canCollectGarbage()) {
    const idleKeys = quick ? 20_000 : 100_000;
    const perKey = await retainedBytesPerIdleKey(idleKeys);
    const total = quick ? 200_000 : 1_000_000;
    const maxKeys = 10_000;
    const churn = await keyChurn(total, maxKeys);
    const growth = churn.afterAll - churn.afterWarmUp;
    console.log(
      `### KeyedBulkhead memory\n\n${formatTable({
        headers: ['measure', 'value'],
        rows: [
          [
            `retained heap per idle key (${formatCount(idleKeys)} idle keys, key string included)`,
            formatBytes(perKey),
          ],
          [
            `heap after ${formatCount(total / 10)} distinct keys (maxKeys ${formatCount(maxKeys)})`,
            formatBytes(churn.afterWarmUp),
          ],
          [`heap after ${formatCount(total)} distinct keys`, formatBytes(churn.afterAll)],
          ['growth over the last 90% of keys', formatBytes(growth)],
          ['keys evicted', formatCount(churn.evictedKeys)],
        ],
        align: ['left', 'right'],
      })}\n`,
    );
    // Flat: the last 90% of keys leave less than one idle key's worth per thousand keys behind.
    const flat = growth < (perKey * total) / 1000;
    verdicts.push(
      `- **${flat ? 'PASS' : 'FAIL'}** ${formatCount(total)} distinct keys: heap grew ${formatBytes(growth)} after the warm-up (flat: < ${formatBytes((perKey * total) / 1000)})`,
    );
  } else {
    console.log('> memory rows skipped: run node with --expose-gc\n');
  }
  console.log(`### partitions summary\n\n${verdicts.join('\n')}\n`);
}

if (isMainModule(import.meta.url)) await main();
