/** What the bench command line asks for. */
export interface BenchArguments {
  /** Areas to run; `undefined` runs all. */
  only: readonly string[] | undefined;
  quick: boolean;
}

/**
 * Parses `--only core|threads|otel` (repeatable, comma lists, `--only=core`) and `--quick`;
 * a bare `--` (as forwarded by pnpm) is ignored.
 * @throws {RangeError} for an unknown flag or area name.
 */
export function parseBenchArguments(argv: readonly string[], areas: readonly string[]): BenchArguments {
  const only: string[] = [];
  let quick = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument === '--') continue;
    if (argument === '--quick') {
      quick = true;
      continue;
    }
    let value: string | undefined;
    if (argument === '--only') value = argv[++index];
    else if (argument.startsWith('--only=')) value = argument.slice('--only='.length);
    else throw new RangeError(`unknown argument ${argument}; use --only ${areas.join('|')} and/or --quick`);
    if (value === undefined || value === '') throw new RangeError('--only needs an area name');
    for (const name of value.split(',')) {
      if (!areas.includes(name))
        throw new RangeError(`--only must be one of ${areas.join(', ')}, got ${name}`);
      only.push(name);
    }
  }
  return { only: only.length > 0 ? only : undefined, quick };
}
