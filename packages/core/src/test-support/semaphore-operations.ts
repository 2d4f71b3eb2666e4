import fc from 'fast-check';
import type { CallPriority } from '../index.js';

// The operations of the SemaphoreBulkhead model tests and the arbitraries that draw them.

export type SignalKind = 'none' | 'live' | 'aborted';

/** How a call uses its permit: `acquire` holds a Permit, `executeThrow` runs a throwing fn, `executeHold` runs until released. */
export type CallKind = 'acquire' | 'executeThrow' | 'executeHold';

/** One step of a scenario; calls without `priority` are `normal`. */
export type Operation =
  | { kind: 'acquire'; timeout: number | undefined; signal: SignalKind; priority?: CallPriority }
  | { kind: 'tryAcquire' }
  | { kind: 'release'; pick: number }
  | { kind: 'advance'; milliseconds: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'resize'; limit: number }
  | {
      kind: 'executeThrow';
      timeout: number | undefined;
      asynchronous: boolean;
      signal: SignalKind;
      priority?: CallPriority;
    }
  | { kind: 'executeHold'; timeout: number | undefined; signal: SignalKind; priority?: CallPriority }
  | { kind: 'close' };

/** Remaining-budget deadlines: a distinct fractional value for nearly every call (one deadline list each). */
export const fractionalTimeoutArbitrary = fc.double({ min: 0.01, max: 40, noNaN: true });

export const timeoutArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer({ min: 1, max: 40 }),
  { weight: 2, arbitrary: fractionalTimeoutArbitrary },
);

export const signalArbitrary = fc.constantFrom<SignalKind>('none', 'live', 'live', 'aborted');

/** A call's priority: mostly `normal`, so levels mix. */
export const priorityArbitrary = fc.constantFrom<CallPriority>('low', 'normal', 'normal', 'high');

/** Random operations; with `priorities`, every call also draws a priority. */
export function operationArbitrary(priorities: boolean): fc.Arbitrary<Operation> {
  const priority = priorities ? { priority: priorityArbitrary } : {};
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('acquire' as const),
        timeout: timeoutArbitrary,
        signal: signalArbitrary,
        ...priority,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('tryAcquire' as const) }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        milliseconds: fc.integer({ min: 1, max: 30 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('resize' as const), limit: fc.integer({ min: 1, max: 5 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('executeThrow' as const),
        timeout: timeoutArbitrary,
        asynchronous: fc.boolean(),
        signal: signalArbitrary,
        ...priority,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('executeHold' as const),
        timeout: timeoutArbitrary,
        signal: signalArbitrary,
        ...priority,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
  ) as fc.Arbitrary<Operation>;
}

/** Sequences that keep many waiters queued with distinct fractional timeouts, cancelled and admitted at random. */
export const deadlineOperationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      timeout: fractionalTimeoutArbitrary,
      signal: fc.constantFrom<SignalKind>('none', 'live'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('executeHold' as const),
      timeout: fractionalTimeoutArbitrary,
      signal: fc.constantFrom<SignalKind>('none', 'live'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      milliseconds: fc.integer({ min: 1, max: 8 }),
    }),
  },
);
