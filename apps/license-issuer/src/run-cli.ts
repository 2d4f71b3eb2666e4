import { parseArgs } from 'node:util';
import { type CliIo, UsageError } from './cli-io.js';
import { inspect } from './commands/inspect.js';
import { issue } from './commands/issue.js';
import { keygen } from './commands/keygen.js';

/** Printed by `--help` and on usage errors. */
export const USAGE = `Usage: issue-license <command> [options]

Commands:
  keygen --out <private.pem>
      Generate an Ed25519 key pair; write the private key (refuses to overwrite), print the public JWK.
  issue --key <private.pem> --licensee <name> --features <a,b|*> --expires <YYYY-MM-DD>
        [--not-before <date>] [--product <name>]
      Sign a license and print it.
  inspect <token> [--trust <public-jwk.json>]
      Decode a license and verify it against the embedded vendor keys.
`;

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** Runs one CLI command; resolves to the process exit code (0 ok, 1 invalid license, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === 'help') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'keygen') {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } }, strict: true });
      await keygen({ out: required(values, 'out') }, io);
      return 0;
    }
    if (command === 'issue') {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          key: { type: 'string' },
          licensee: { type: 'string' },
          features: { type: 'string' },
          expires: { type: 'string' },
          'not-before': { type: 'string' },
          product: { type: 'string' },
        },
      });
      await issue(
        {
          key: required(values, 'key'),
          licensee: required(values, 'licensee'),
          features: required(values, 'features'),
          expires: required(values, 'expires'),
          ...(values['not-before'] === undefined ? {} : { notBefore: values['not-before'] }),
          ...(values.product === undefined ? {} : { product: values.product }),
        },
        io,
      );
      return 0;
    }
    if (command === 'inspect') {
      const { values, positionals } = parseArgs({
        args: rest,
        strict: true,
        allowPositionals: true,
        options: { trust: { type: 'string' } },
      });
      const token = positionals[0];
      if (token === undefined || positionals.length > 1)
        throw new UsageError('inspect takes exactly one token');
      const report = await inspect(
        { token, ...(values.trust === undefined ? {} : { trust: values.trust }) },
        io,
      );
      return report.status === 'valid' ? 0 : 1;
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const isUsage =
      (error instanceof UsageError && error.showUsage) ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (isUsage) {
      io.stderr(`\n${USAGE}`);
      return 2;
    }
    return 1;
  }
}
