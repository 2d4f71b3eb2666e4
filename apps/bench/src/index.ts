import os from 'node:os';
import type { BenchOptions } from './bench-options.js';
import { type BenchArguments, parseBenchArguments } from './parse-bench-arguments.js';

type AreaMain = (options?: BenchOptions) => Promise<void>;

/** Areas in run order; each module exports `main()`. */
const AREAS = [
  { name: 'core', specifier: './core.js' },
  { name: 'threads', specifier: './threads.js' },
  { name: 'otel', specifier: './otel.js' },
  { name: 'adaptive', specifier: './adaptive.js' },
] as const;

function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const file = specifier.replace(/^\.\//, '').replace(/\.js$/, '');
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(file)
  );
}

async function loadArea(specifier: string): Promise<AreaMain | undefined> {
  try {
    // A non-literal specifier: an area written by someone else may not exist yet.
    const module: { main?: unknown } = await import(specifier);
    if (typeof module.main !== 'function') throw new TypeError(`${specifier} does not export main()`);
    return module.main as AreaMain;
  } catch (error) {
    if (isModuleNotFound(error, specifier)) return undefined;
    throw error;
  }
}

function printHeader(quick: boolean): void {
  const cpus = os.cpus();
  console.log('# @x/bulkhead benchmarks\n');
  console.log(`- date: ${new Date().toISOString()}`);
  console.log(`- node: ${process.version} (${process.platform}/${process.arch})`);
  console.log(`- cpu: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} cores`);
  console.log(`- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log(`- load average at start (1 min): ${(os.loadavg()[0] ?? 0).toFixed(2)}`);
  console.log(`- mode: ${quick ? 'quick' : 'full'}\n`);
}

/** Runs every area (or those given with `--only`) in sequence; `--quick` runs fewer iterations. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let parsed: BenchArguments;
  try {
    parsed = parseBenchArguments(
      argv,
      AREAS.map((area) => area.name),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  const { only, quick } = parsed;
  printHeader(quick);
  for (const area of AREAS) {
    if (only !== undefined && !only.includes(area.name)) continue;
    let areaMain: AreaMain | undefined;
    try {
      areaMain = await loadArea(area.specifier);
    } catch (error) {
      console.log(`## ${area.name}\n\n> FAILED to load: ${String(error)}\n`);
      process.exitCode = 1;
      continue;
    }
    if (areaMain === undefined) {
      console.log(
        `## ${area.name}\n\n> skipped: ${area.specifier.replace('.js', '.ts')} is not written yet\n`,
      );
      continue;
    }
    try {
      await areaMain({ quick });
    } catch (error) {
      console.log(
        `\n> ${area.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  }
}

await main();
