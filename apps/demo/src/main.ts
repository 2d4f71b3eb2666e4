import { helpText, parseCliOptions } from './cli/parse-options.js';
import { runDemo } from './run-demo.js';

async function main(argv: readonly string[]): Promise<number> {
  let request: ReturnType<typeof parseCliOptions>;
  try {
    request = parseCliOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${helpText()}\n`);
    return 2;
  }
  if (request.kind === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const { config } = request;
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`${signal} again: exiting without waiting for the drain\n`);
      process.exit(130);
    }
    process.stdout.write(`\n${signal} received (send it again to exit at once)\n`);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const result = await runDemo({
    config,
    signal: interrupt.signal,
    log: (line) => process.stdout.write(`${line}\n`),
    onListening: ({ gateway, downstreams }) =>
      process.stdout.write(
        [
          `Gateway on ${gateway}`,
          `  live dashboard: ${gateway}/dashboard`,
          `  states:         ${gateway}/bulkheads`,
          `  metrics:        ${gateway}/metrics`,
          `Downstreams on ${downstreams}/{payment,user,inventory}`,
          `  change faults:  curl -X PUT ${downstreams}/_faults/user -d '{"latencyMs":500,"errorRate":0.1}'`,
          '',
        ].join('\n'),
      ),
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (result.drain !== undefined) {
    const completed =
      result.runs.length > 0
        ? `\n${result.summary}\n\nHTML report (completed runs only): ${result.reportPath}\n`
        : '';
    process.stdout.write(`${completed}Demo stopped after a drain: ${result.drain.status}\n`);
    return result.drain.status === 'drained' ? 0 : 1;
  }
  process.stdout.write(`\n${result.summary}\n\nHTML report: ${result.reportPath}\n`);
  return 0;
}

main(process.argv.slice(2).filter((argument) => argument !== '--')).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'
        ? 'the gateway port is in use; pass --port <n> (0 picks a free port)'
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`demo failed: ${message}\n`);
    process.exitCode = 1;
  },
);
