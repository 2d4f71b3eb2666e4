import { BulkheadFullError, SemaphoreBulkhead } from '@x/bulkhead-core';
import type { AdmissionLedger } from '@x/bulkhead-core/extension';
import { BulkheadUnavailableError } from '../errors.js';
import type { ResolvedRedisBulkheadOptions, UnavailableMode } from '../redis-bulkhead-options.js';
import type { RedisPermit } from '../redis-permit.js';
import type { GrantBook } from './grant-book.js';

const now = (): number => performance.now();

/** Options of `UnavailableAdmission`. */
export interface UnavailableAdmissionOptions {
  readonly options: ResolvedRedisBulkheadOptions;
  readonly ledger: AdmissionLedger;
  readonly grants: GrantBook;
  readonly nextId: () => string;
}

/** Admission while Redis cannot be reached: reject, admit through the local fallback, or allow. */
export class UnavailableAdmission {
  readonly #settings: UnavailableAdmissionOptions;
  readonly #fallback: SemaphoreBulkhead | undefined;

  constructor(settings: UnavailableAdmissionOptions) {
    this.#settings = settings;
    const { localFallback, name } = settings.options;
    if (localFallback !== undefined) this.#fallback = new SemaphoreBulkhead(name, localFallback);
  }

  /** The error of a call rejected because Redis cannot be reached. */
  error(cause: unknown): BulkheadUnavailableError {
    const { name, commandTimeout } = this.#settings.options;
    return new BulkheadUnavailableError(
      { bulkheadName: name, commandTimeout },
      cause === undefined ? {} : { cause },
    );
  }

  /** Admits one call by the `onUnavailable` mode. */
  async admit(timeout: number, signal: AbortSignal | undefined): Promise<RedisPermit> {
    const { grants, ledger, nextId } = this.#settings;
    const mode: UnavailableMode = this.#settings.options.onUnavailable;
    if (mode === 'allow') return grants.grant(nextId(), undefined, 0, 'allowed');
    if (mode === 'reject' || this.#fallback === undefined) {
      ledger.rejected('unavailable', 0);
      return Promise.reject(this.error(undefined));
    }
    const startedAt = now();
    try {
      const local = await this.#fallback.acquire(signal === undefined ? { timeout } : { timeout, signal });
      return grants.grant(nextId(), undefined, now() - startedAt, 'local', local);
    } catch (error) {
      if (BulkheadFullError.isInstance(error))
        throw ledger.full(
          error.reason === 'queue_timeout' ? 'queue_timeout' : 'queue_full',
          now() - startedAt,
        );
      if (signal?.aborted) throw ledger.aborted(signal, now() - startedAt);
      throw ledger.closed(now() - startedAt);
    }
  }

  /** Closes the local fallback. */
  async close(): Promise<void> {
    await this.#fallback?.close();
  }
}
