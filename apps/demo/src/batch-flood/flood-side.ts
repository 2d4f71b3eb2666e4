import { type Bulkhead, BulkheadFullError } from '@x/bulkhead-core';
import { validateFunction, validateKnownKeys, validateTimeout } from '@x/bulkhead-core/extension';

/** How one live call ended: served, or given up after waiting `liveTimeoutMs` (or refused). */
export type LiveCallOutcome = 'ok' | 'timeout' | 'rejected';

/** One live call. */
export interface LiveCallRecord {
  /** Milliseconds since the phase started, when the call arrived. */
  readonly sentAt: number;
  /** Milliseconds until it ended, wait included. */
  readonly latencyMs: number;
  readonly outcome: LiveCallOutcome;
}

/** Permits each kind of caller held at one instant, and whether a live call was waiting then. */
export interface OccupancySample {
  readonly atMs: number;
  readonly live: number;
  readonly batch: number;
  readonly liveWaiting: number;
}

/** A batch call admitted while a live call waited, with the batch permits held right after. */
export interface BatchGrantWhileLiveWaits {
  readonly atMs: number;
  readonly batchActive: number;
}

/** One query of the reports database (resolves when it is done; never rejects). */
export type DatabaseQuery = () => Promise<void>;

/** Options of `FloodSide`. */
export interface FloodSideOptions {
  /** `plain SemaphoreBulkhead` or `PartitionedBulkhead live 0.9 / batch 0.1`. */
  label: string;
  /** The compartment (registered in the gateway's registry while the phase runs). */
  compartment: Bulkhead;
  /** Where live calls go (the compartment itself, or its `live` partition). */
  live: Bulkhead;
  /** Where batch calls go (the compartment itself, or its `batch` partition). */
  batch: Bulkhead;
  query: DatabaseQuery;
  /** A live call waits at most this long for a permit. */
  liveTimeoutMs: number;
  /** Milliseconds since the phase started. */
  now: () => number;
}

/**
 * One side of the batch-flood phase: live calls (open loop) and a batch job (workers in a closed loop) on the
 * same reports-database compartment, with a record of every live call, every batch completion, the permits
 * each held over time and every batch admission granted while a live call waited.
 */
export class FloodSide {
  readonly label: string;
  readonly compartment: Bulkhead;
  readonly liveRecords: LiveCallRecord[] = [];
  /** When each batch call finished (ms since the phase started). */
  readonly batchDone: number[] = [];
  readonly occupancy: OccupancySample[] = [];
  readonly batchGrantsWhileLiveWaits: BatchGrantWhileLiveWaits[] = [];
  readonly #options: FloodSideOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #liveActive = 0;
  #liveWaiting = 0;
  #batchActive = 0;
  #flooding = false;

  /** @throws {TypeError | RangeError} naming the option, for an unknown key or an invalid value. */
  constructor(options: FloodSideOptions) {
    validateKnownKeys(options, ['label', 'compartment', 'live', 'batch', 'query', 'liveTimeoutMs', 'now']);
    validateFunction('options.query', options.query);
    validateFunction('options.now', options.now);
    validateTimeout('liveTimeoutMs', options.liveTimeoutMs);
    this.#options = options;
    this.label = options.label;
    this.compartment = options.compartment;
  }

  /** Live calls waiting for a permit now. */
  get liveWaiting(): number {
    return this.#liveWaiting;
  }

  /** Batch calls holding a permit now. */
  get batchActive(): number {
    return this.#batchActive;
  }

  /** Records who holds the permits now (the charts' lines, and the peaks while live waits). */
  sample(): void {
    this.occupancy.push({
      atMs: this.#options.now(),
      live: this.#liveActive,
      batch: this.#batchActive,
      liveWaiting: this.#liveWaiting,
    });
  }

  /** One arriving live call; never rejects. */
  liveCall(): void {
    this.#track(this.#live());
  }

  /** Starts `workers` batch workers; each calls again as soon as its call returned, until `stopFlood()`. */
  startFlood(workers: number): void {
    this.#flooding = true;
    for (let index = 0; index < workers; index++) this.#track(this.#batchWorker());
  }

  /** Workers finish their current call and stop. */
  stopFlood(): void {
    this.#flooding = false;
  }

  /** Resolves once every call and worker started so far has ended. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  #track(done: Promise<void>): void {
    this.#inFlight.add(done);
    void done.then(() => this.#inFlight.delete(done));
  }

  async #live(): Promise<void> {
    const { now, query } = this.#options;
    const sentAt = now();
    let waiting = true;
    this.#liveWaiting++;
    let outcome: LiveCallOutcome = 'ok';
    try {
      await this.#options.live.execute(
        async () => {
          waiting = false;
          this.#liveWaiting--;
          this.#liveActive++;
          try {
            await query();
          } finally {
            this.#liveActive--;
          }
        },
        { timeout: this.#options.liveTimeoutMs },
      );
    } catch (error) {
      outcome =
        BulkheadFullError.isInstance(error) && error.reason === 'queue_timeout' ? 'timeout' : 'rejected';
    } finally {
      if (waiting) this.#liveWaiting--;
    }
    this.liveRecords.push({ sentAt, latencyMs: now() - sentAt, outcome });
  }

  async #batchWorker(): Promise<void> {
    const { now, query } = this.#options;
    while (this.#flooding) {
      try {
        await this.#options.batch.execute(
          async () => {
            this.#batchActive++;
            if (this.#liveWaiting > 0) {
              this.batchGrantsWhileLiveWaits.push({ atMs: now(), batchActive: this.#batchActive });
            }
            try {
              await query();
            } finally {
              this.#batchActive--;
            }
          },
          { timeout: Number.POSITIVE_INFINITY },
        );
        this.batchDone.push(now());
      } catch {
        return; // only a closed compartment refuses a batch call that waits without a timeout
      }
    }
  }
}
