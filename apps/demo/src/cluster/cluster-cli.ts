import { writeFile } from 'node:fs/promises';
import { CLUSTER_HELP, parseClusterOptions } from './cluster-options.js';
import { renderClusterReport, renderClusterTable } from './cluster-report.js';
import { redisReachable, runClusterDemo } from './run-cluster-demo.js';

export { clusterDemoRequested } from './cluster-options.js';

/** `pnpm demo --cluster <n>`: returns the exit code (2 for bad flags, 1 without a reachable Redis). */
export async function runClusterDemoCli(
  argv: readonly string[],
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    write(`${CLUSTER_HELP}\n`);
    return 0;
  }
  let options: ReturnType<typeof parseClusterOptions>;
  try {
    options = parseClusterOptions(argv);
  } catch (error) {
    write(`${error instanceof Error ? error.message : String(error)}\n\n${CLUSTER_HELP}\n`);
    return 2;
  }
  if (!(await redisReachable(options.redisUrl))) {
    write(
      [
        `--cluster needs Redis, and nothing answers at ${options.redisUrl}.`,
        'Start one:   redis-server --port 6379 --save "" --appendonly no --daemonize yes',
        '             (Debian/Ubuntu: apt-get install redis-server; or docker run -p 6379:6379 redis:7)',
        'or point to one:   REDIS_URL=redis://host:6379 pnpm demo --cluster 3   (or --redis-url)',
        'The default `pnpm demo` needs no Redis.',
        '',
      ].join('\n'),
    );
    return 1;
  }
  const runs = await runClusterDemo(options, (line) => write(`${line}\n`));
  const table = renderClusterTable(runs, options.paymentCapacity);
  await writeFile(options.outputPath, renderClusterReport(runs, options.paymentCapacity, options.gateways));
  write(`\n${table}\n\nHTML report: ${options.outputPath}\n`);
  return 0;
}
