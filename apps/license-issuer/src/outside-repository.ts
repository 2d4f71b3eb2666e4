import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './cli-io.js';

/** The git work tree (directory holding `.git`) that contains `file`, or `undefined`. */
export function gitWorkTreeOf(file: string): string | undefined {
  let directory = path.dirname(path.resolve(file));
  for (;;) {
    if (existsSync(path.join(directory, '.git'))) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Refuses a private key file inside a git work tree: the vendor's signing key lives offline, never in a repository.
 * @throws {UsageError} naming the option and the repository.
 */
export function assertOutsideRepository(option: string, file: string): void {
  const workTree = gitWorkTreeOf(file);
  if (workTree !== undefined) {
    throw new UsageError(
      `--${option} ${path.resolve(file)} is inside the git repository ${workTree}; keep the private key outside every repository (offline)`,
      { showUsage: false },
    );
  }
}
