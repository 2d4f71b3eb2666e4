import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AdmissionLedger, PermitBase, WaitEntry, WaitList } from './extension.js';
// The README's extension example, verbatim (imports pointed at the sources).
import { BulkheadEventEmitter, BulkheadFullError, type Permit } from './index.js';
import { flush, track, useFakeClock } from './test-support/async-helpers.js';

class Waiter extends WaitEntry {
  resolve!: (permit: Permit) => void;
  reject!: (error: unknown) => void;
}

class CountingPermit extends PermitBase {
  constructor(private readonly owner: CountingBulkhead) {
    super(owner.name);
  }
  protected onRelease(): void {
    this.owner.releaseSlot();
  }
}

class CountingBulkhead {
  readonly type = 'semaphore';
  activeCount = 0;
  readonly #events = new BulkheadEventEmitter();
  readonly #ledger = new AdmissionLedger({ subject: this, events: this.#events, captureStackTrace: false });
  readonly #waiters = new WaitList<Waiter>({
    onExpired: (waiter) => waiter.reject(this.#ledger.full('queue_timeout', 0)),
    onAborted: (waiter) => waiter.reject(this.#ledger.aborted(waiter.signal!, 0)),
  });

  constructor(
    readonly name: string,
    readonly maxConcurrent: number,
  ) {}

  get waitingCount(): number {
    return this.#waiters.size;
  }

  acquire(timeout: number, signal?: AbortSignal): Promise<Permit> {
    if (this.activeCount < this.maxConcurrent && this.#waiters.size === 0)
      return Promise.resolve(this.#grant());
    const waiter = new Waiter(signal, performance.now());
    const promise = new Promise<Permit>((resolve, reject) => Object.assign(waiter, { resolve, reject }));
    this.#waiters.enqueue(waiter, timeout);
    return promise;
  }

  releaseSlot(): void {
    this.activeCount--;
    const next = this.#waiters.dequeue(); // timer and abort listener already dropped
    if (next !== undefined) next.resolve(this.#grant());
  }

  #grant(): Permit {
    this.activeCount++;
    this.#ledger.permitted(0);
    return new CountingPermit(this);
  }
}

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('README: building another kind of bulkhead', () => {
  it('queues, hands permits over in FIFO order, times out and aborts', async () => {
    const counting = new CountingBulkhead('counting', 1);
    const first = await counting.acquire(100);
    const controller = new AbortController();
    const second = track(counting.acquire(100));
    const aborted = track(counting.acquire(100, controller.signal));
    const expiring = track(counting.acquire(50));
    controller.abort(new Error('gave up'));
    await vi.advanceTimersByTimeAsync(50);
    expect(expiring.error).toBeInstanceOf(BulkheadFullError);
    expect(aborted.error).toEqual(new Error('gave up'));
    first.release();
    first.release();
    await flush();
    expect(second.status).toBe('fulfilled');
    expect(counting.activeCount).toBe(1);
    second.value?.release();
    expect(counting).toMatchObject({ activeCount: 0, waitingCount: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
