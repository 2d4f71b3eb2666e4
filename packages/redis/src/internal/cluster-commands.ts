import { BulkheadUnavailableError } from '../errors.js';
import type { ResolvedRedisBulkheadOptions } from '../redis-bulkhead-options.js';
import type { RedisClusterState } from '../redis-bulkhead-state.js';
import { CANCEL_SCRIPT, STATE_SCRIPT } from './lua-scripts.js';
import { CommandFailure, Script, type ScriptRunner } from './script-runner.js';

const CANCEL = new Script(CANCEL_SCRIPT);
const STATE = new Script(STATE_SCRIPT);

/** Options of `ClusterCommands`. */
export interface ClusterCommandsOptions {
  readonly options: ResolvedRedisBulkheadOptions;
  readonly runner: ScriptRunner;
  readonly keys: readonly string[];
  readonly isClosed: () => boolean;
  /** Called when a command fails to reach Redis while the compartment is open. */
  readonly markUnavailable: (cause: unknown) => void;
}

/**
 * The scripts of one compartment and the last known cluster state their answers carry; keeps background commands
 * until they settle, and the ids whose acquire may have run in Redis while we could not tell.
 */
export class ClusterCommands {
  #cluster: RedisClusterState;
  readonly #pending = new Set<Promise<unknown>>();
  #orphans: string[] = [];
  readonly #settings: ClusterCommandsOptions;

  constructor(settings: ClusterCommandsOptions) {
    this.#settings = settings;
    this.#cluster = {
      maxConcurrent: settings.options.maxConcurrent,
      activeCount: 0,
      waitingCount: 0,
      rejectedCount: 0,
      readAt: null,
    };
  }

  /** The last known cluster state. */
  get cluster(): RedisClusterState {
    return this.#cluster;
  }

  /** Shows a new limit at once (Redis confirms it with the next answer). */
  setLimit(maxConcurrent: number): void {
    this.#cluster = Object.freeze({ ...this.#cluster, maxConcurrent });
  }

  /** Runs a script; a failure to reach Redis switches to the unavailable mode and rethrows. */
  async run(script: Script, args: readonly string[]): Promise<unknown[]> {
    try {
      return await this.#settings.runner.run(script, this.#settings.keys, args);
    } catch (error) {
      if (error instanceof CommandFailure && !this.#settings.isClosed())
        this.#settings.markUnavailable(error.cause);
      throw error;
    }
  }

  /** Keeps a background command until it settles (close() waits for it); a failure marks Redis unavailable. */
  track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {});
    this.#pending.add(tracked);
    void tracked.then(() => this.#pending.delete(tracked));
  }

  /** True while a background command has not settled. */
  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  /** Resolves once the background commands running now have settled. */
  pendingSettled(): Promise<unknown> {
    return Promise.allSettled([...this.#pending]);
  }

  /** Withdraws a waiter (or releases its late grant) in the background. */
  cancel(id: string, countRejection: boolean): void {
    this.track(
      this.run(CANCEL, [id, countRejection ? '1' : '0']).then((reply) =>
        this.observe(reply[1], reply[2], reply[3]),
      ),
    );
  }

  /** Remembers an id whose acquire may have run in Redis while we could not tell. */
  orphan(id: string): void {
    this.#orphans.push(id);
  }

  /** Acquires that may have run in Redis while we could not tell: take them back out. */
  withdrawOrphans(): void {
    const orphans = this.#orphans;
    this.#orphans = [];
    for (const id of orphans) this.cancel(id, false);
  }

  /**
   * Reads the cluster state (writing `limit` first unless it is empty).
   * @throws {BulkheadUnavailableError} when Redis cannot be reached.
   */
  async readState(limit: string): Promise<void> {
    const options = this.#settings.options;
    let reply: unknown[];
    try {
      reply = await this.run(STATE, [
        limit,
        String(options.maxConcurrent),
        Number.isFinite(options.maxQueue) ? String(options.maxQueue) : '-1',
      ]);
    } catch (error) {
      if (!(error instanceof CommandFailure)) throw error;
      throw new BulkheadUnavailableError(
        { bulkheadName: options.name, commandTimeout: options.commandTimeout },
        { cause: error.cause },
      );
    }
    this.observe(reply[0], reply[1], reply[2], reply[3]);
  }

  /** Takes the cluster numbers of a script's answer. */
  observe(limit: unknown, active: unknown, waiting: unknown, rejected?: unknown): void {
    this.#cluster = Object.freeze({
      maxConcurrent: Number(limit),
      activeCount: Number(active),
      waitingCount: Number(waiting),
      rejectedCount: rejected === undefined ? this.#cluster.rejectedCount : Number(rejected),
      readAt: Date.now(),
    });
  }
}
