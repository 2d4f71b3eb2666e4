import { createHash } from 'node:crypto';
import type { RedisClientLike } from '../redis-client.js';

/** A Lua script with its SHA1, run with EVALSHA (EVAL once on NOSCRIPT, which also caches it). */
export class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** Thrown internally when a command did not answer within `commandTimeout` or the client is not ready. */
export class CommandFailure {
  constructor(readonly cause: unknown) {}
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** Sends commands with a deadline: a command that does not answer in `commandTimeout` ms fails (never hangs). */
export class ScriptRunner {
  constructor(
    readonly client: RedisClientLike,
    readonly commandTimeout: number,
  ) {}

  /** Runs `script`; rejects with `CommandFailure` when Redis is unreachable or too slow. */
  async run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown[]> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return (await this.command(['EVALSHA', script.sha, ...tail])) as unknown[];
    } catch (error) {
      if (!(error instanceof CommandFailure) || !isNoScript(error.cause)) throw error;
      return (await this.command(['EVAL', script.source, ...tail])) as unknown[];
    }
  }

  /** Sends one command within `commandTimeout`. */
  command(args: string[]): Promise<unknown> {
    if (!this.client.isReady) return Promise.reject(new CommandFailure(new Error('client is not ready')));
    return new Promise((resolve, reject) => {
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort();
        reject(new CommandFailure(new Error(`no answer within ${this.commandTimeout} ms`)));
      }, this.commandTimeout);
      this.client.sendCommand(args, { abortSignal: controller.signal }).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(new CommandFailure(error));
        },
      );
    });
  }
}
