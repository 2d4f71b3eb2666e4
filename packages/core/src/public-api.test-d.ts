import { describe, expectTypeOf, it } from 'vitest';
import { CallContext, callProtected, PermitBase, WaitEntry, WaitList } from './extension.js';
import {
  type AcquireOptions,
  type Bulkhead,
  type BulkheadClosedError,
  type BulkheadError,
  type BulkheadErrorCode,
  BulkheadFullError,
  BulkheadNotFoundError,
  type BulkheadPolicy,
  type BulkheadRegistryLike,
  type BulkheadState,
  BulkheadTimeoutError,
  type BulkheadType,
  bulkhead,
  bulkheadPolicy,
  type CallOutcome,
  type CallPriority,
  type ClosableBulkhead,
  type Entitlement,
  type ExecuteOptions,
  type ExecutionContext,
  type FinishedEvent,
  type GetOrCreateOptions,
  getBulkheadRegistry,
  getEntitlement,
  init,
  isPolicySuccess,
  isRejection,
  type Permit,
  type PermittedEvent,
  type PolicyResult,
  type QueueFullPolicy,
  type QueueOrder,
  type RegistryChange,
  type RejectedEvent,
  type RejectionReason,
  type ResizableBulkhead,
  SemaphoreBulkhead,
  type SemaphoreBulkheadOptions,
  type SemaphoreBulkheadState,
  type SemaphoreCallOptions,
  type SemaphoreExecuteOptions,
} from './index.js';

declare const bulkheadInstance: SemaphoreBulkhead;
declare const unknownError: unknown;

describe('SemaphoreBulkhead', () => {
  it('implements the shared contracts', () => {
    expectTypeOf(bulkheadInstance).toExtend<Bulkhead>();
    expectTypeOf(bulkheadInstance).toExtend<ResizableBulkhead>();
    expectTypeOf(bulkheadInstance).toExtend<ClosableBulkhead>();
    expectTypeOf(bulkheadInstance.type).toEqualTypeOf<'semaphore'>();
    expectTypeOf<'semaphore'>().toExtend<BulkheadType>();
  });

  it('acquire, tryAcquire and close', () => {
    expectTypeOf(bulkheadInstance.acquire).parameter(0).toEqualTypeOf<SemaphoreCallOptions | undefined>();
    expectTypeOf(bulkheadInstance.acquire()).toEqualTypeOf<Promise<Permit>>();
    expectTypeOf(bulkheadInstance.tryAcquire()).toEqualTypeOf<Permit | undefined>();
    expectTypeOf(bulkheadInstance.close()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(bulkheadInstance.resize).parameters.toEqualTypeOf<[number]>();
    // @ts-expect-error exactOptionalPropertyTypes: omit timeout instead of passing undefined
    void bulkheadInstance.acquire({ timeout: undefined });
    // @ts-expect-error signal must be an AbortSignal
    void bulkheadInstance.acquire({ signal: 'stop' });
  });

  it('execute infers the result of sync and async functions and passes the context', () => {
    expectTypeOf(bulkheadInstance.execute(() => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(bulkheadInstance.execute(async () => 'text')).toEqualTypeOf<Promise<string>>();
    void bulkheadInstance.execute((context) => {
      expectTypeOf(context).toEqualTypeOf<ExecutionContext>();
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
    });
  });

  it('wrap keeps the parameters and promises the result', () => {
    const wrapped = bulkheadInstance.wrap((id: string, count: number) => ({ id, count }));
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[string, number]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<{ id: string; count: number }>>();
  });

  it('options are typed', () => {
    new SemaphoreBulkhead('typed', { maxConcurrent: 1, maxQueue: 2, captureStackTrace: true });
    // @ts-expect-error maxConcurrent is a number
    new SemaphoreBulkhead('typed', { maxConcurrent: '1' });
    // @ts-expect-error unknown option
    new SemaphoreBulkhead('typed', { maxWorkers: 1 });
  });

  it('queue options and call priorities are typed', () => {
    new SemaphoreBulkhead('queue', { queueOrder: 'lifo', onQueueFull: 'drop-oldest' });
    expectTypeOf<SemaphoreBulkheadOptions['queueOrder']>().toEqualTypeOf<QueueOrder | undefined>();
    expectTypeOf<SemaphoreBulkheadOptions['onQueueFull']>().toEqualTypeOf<QueueFullPolicy | undefined>();
    expectTypeOf(bulkheadInstance.queueOrder).toEqualTypeOf<QueueOrder>();
    expectTypeOf(bulkheadInstance.onQueueFull).toEqualTypeOf<QueueFullPolicy>();
    // @ts-expect-error queueOrder is fifo or lifo
    new SemaphoreBulkhead('queue', { queueOrder: 'random' });
    // @ts-expect-error onQueueFull is reject-new or drop-oldest
    new SemaphoreBulkhead('queue', { onQueueFull: 'drop-newest' });
    expectTypeOf<SemaphoreCallOptions>().toExtend<AcquireOptions>();
    expectTypeOf<SemaphoreExecuteOptions>().toExtend<ExecuteOptions>();
    expectTypeOf<SemaphoreExecuteOptions['priority']>().toEqualTypeOf<CallPriority | undefined>();
    expectTypeOf(bulkheadInstance.execute).parameter(1).toEqualTypeOf<SemaphoreExecuteOptions | undefined>();
    void bulkheadInstance.execute(() => 1, { timeout: 10, priority: 'high' });
    void bulkheadInstance.acquire({ priority: 'low' });
    void bulkheadInstance.wrap(() => 1, { priority: 'normal' });
    // @ts-expect-error priority is low, normal or high
    void bulkheadInstance.execute(() => 1, { priority: 'urgent' });
    // The generic Bulkhead contract keeps its options: no priority there.
    const generic: Bulkhead = bulkheadInstance;
    // @ts-expect-error priority is not part of the Bulkhead contract
    void generic.execute(() => 1, { priority: 'high' });
  });

  it('getOrCreate and bulkheadPolicy accept the queue options', () => {
    expectTypeOf<GetOrCreateOptions['queueOrder']>().toEqualTypeOf<QueueOrder | undefined>();
    expectTypeOf<GetOrCreateOptions['onQueueFull']>().toEqualTypeOf<QueueFullPolicy | undefined>();
    void bulkheadPolicy('typed-policy', { queueOrder: 'lifo', onQueueFull: 'drop-oldest', timeout: 5 });
    // @ts-expect-error onQueueFull is reject-new or drop-oldest
    void bulkheadPolicy('typed-policy', { onQueueFull: 'shed' });
  });
});

describe('Permit', () => {
  it('is disposable and releases with an optional outcome', () => {
    expectTypeOf<Permit>().toExtend<Disposable>();
    expectTypeOf<Permit>().toExtend<AsyncDisposable>();
    expectTypeOf<Permit['release']>().parameters.toEqualTypeOf<[outcome?: CallOutcome]>();
    expectTypeOf<Permit['released']>().toEqualTypeOf<boolean>();
  });
});

describe('state and events', () => {
  it('BulkheadState is a readonly snapshot', () => {
    expectTypeOf<BulkheadState['lastRejectionTime']>().toEqualTypeOf<number | null>();
    expectTypeOf<BulkheadState['type']>().toEqualTypeOf<BulkheadType>();
    expectTypeOf<BulkheadState['poolSize']>().toEqualTypeOf<number | undefined>();
    expectTypeOf(bulkheadInstance.getState()).toEqualTypeOf<SemaphoreBulkheadState>();
    expectTypeOf(bulkheadInstance.getState().type).toEqualTypeOf<'semaphore'>();
    expectTypeOf(bulkheadInstance.getState()).toExtend<BulkheadState>();
  });

  it('listeners get the payload of their event and on() returns a disposer', () => {
    const dispose = bulkheadInstance.on('rejected', (event) => {
      expectTypeOf(event).toEqualTypeOf<RejectedEvent>();
      expectTypeOf(event.reason).toEqualTypeOf<RejectionReason>();
    });
    expectTypeOf(dispose).toEqualTypeOf<() => void>();
    bulkheadInstance.on('permitted', (event) => expectTypeOf(event).toEqualTypeOf<PermittedEvent>());
    bulkheadInstance.on('finished', (event) => expectTypeOf(event.outcome).toEqualTypeOf<CallOutcome>());
    expectTypeOf<FinishedEvent['duration']>().toEqualTypeOf<number>();
    // @ts-expect-error unknown event name
    bulkheadInstance.on('started', () => undefined);
  });
});

describe('errors', () => {
  it('isInstance narrows unknown values', () => {
    if (BulkheadFullError.isInstance(unknownError)) {
      expectTypeOf(unknownError).toEqualTypeOf<BulkheadFullError>();
      expectTypeOf(unknownError.reason).toEqualTypeOf<RejectionReason>();
      expectTypeOf(unknownError.code).toEqualTypeOf<BulkheadErrorCode>();
    }
    if (BulkheadNotFoundError.isInstance(unknownError)) {
      expectTypeOf(unknownError.registeredNames).toEqualTypeOf<readonly string[]>();
    }
    if (BulkheadTimeoutError.isInstance(unknownError)) {
      expectTypeOf(unknownError.timeout).toEqualTypeOf<number>();
    }
    if (isRejection(unknownError)) {
      expectTypeOf(unknownError).toEqualTypeOf<BulkheadFullError | BulkheadClosedError>();
    }
    expectTypeOf<BulkheadFullError>().toExtend<BulkheadError>();
    expectTypeOf<BulkheadErrorCode>().toEqualTypeOf<
      | 'BULKHEAD_ERROR'
      | 'BULKHEAD_FULL'
      | 'BULKHEAD_TIMEOUT'
      | 'BULKHEAD_NOT_FOUND'
      | 'BULKHEAD_CLOSED'
      | 'BULKHEAD_WORKER_CRASHED'
      | 'BULKHEAD_NOT_CLONEABLE'
      | 'BULKHEAD_UNAVAILABLE'
      | 'BULKHEAD_LEASE_LOST'
      | 'BULKHEAD_CIRCUIT_OPEN'
    >();
  });
});

describe('policy, decorator, registry and init', () => {
  it('policy results narrow on success', () => {
    const policy = bulkheadPolicy('typed-policy', { maxConcurrent: 2, timeout: 10 });
    expectTypeOf(policy).toEqualTypeOf<BulkheadPolicy>();
    expectTypeOf(policy.execute(() => 42)).toEqualTypeOf<Promise<PolicyResult<number>>>();
    const result = {} as PolicyResult<number>;
    if (isPolicySuccess(result)) expectTypeOf(result.value).toEqualTypeOf<number>();
    else expectTypeOf(result.outcome).toEqualTypeOf<'failure' | 'rejected' | 'short_circuited' | 'timeout'>();
  });

  it('bulkhead() wraps functions keeping their parameters', () => {
    const wrapped = bulkhead('typed')((id: string) => id.length);
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[string]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<number>>();
    bulkhead<[string], string>('typed', {
      fallback: (_error, id) => expectTypeOf(id).toEqualTypeOf<string>() as never,
    });
  });

  it('the registry and init() have their contracts', () => {
    expectTypeOf(getBulkheadRegistry()).toEqualTypeOf<BulkheadRegistryLike>();
    expectTypeOf(getBulkheadRegistry().getOrCreate('x')).toEqualTypeOf<Bulkhead>();
    expectTypeOf<RegistryChange['kind']>().toEqualTypeOf<'added' | 'removed'>();
    expectTypeOf(init()).toEqualTypeOf<Promise<Entitlement>>();
    expectTypeOf(getEntitlement().tier).toEqualTypeOf<'pro' | 'oss'>();
    // @ts-expect-error licenseKey is a string
    void init({ licenseKey: 42 });
  });
});

describe('extension: the waiting machinery', () => {
  it('WaitList queues subclasses of WaitEntry and calls back with them', () => {
    class Waiter extends WaitEntry {
      readonly id = 1;
    }
    const list = new WaitList<Waiter>({
      onExpired: (entry) => expectTypeOf(entry.id).toEqualTypeOf<number>(),
      onAborted: (entry) => expectTypeOf(entry.signal).toEqualTypeOf<AbortSignal | undefined>(),
    });
    expectTypeOf(list.dequeue()).toEqualTypeOf<Waiter | undefined>();
    expectTypeOf(list.detachAll()).toEqualTypeOf<Waiter[]>();
    // @ts-expect-error only entries of the list's type
    list.enqueue(new WaitEntry(undefined, 0), 10);
  });

  it('PermitBase is a Permit, CallContext an ExecutionContext, callProtected returns a promise', () => {
    class OwnPermit extends PermitBase {
      protected onRelease(outcome: CallOutcome): void {
        void outcome;
      }
    }
    expectTypeOf(new OwnPermit('x')).toExtend<Permit>();
    expectTypeOf(new CallContext()).toExtend<ExecutionContext>();
    expectTypeOf(callProtected(() => 1)).toEqualTypeOf<Promise<number>>();
  });
});
