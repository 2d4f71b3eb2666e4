import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_GRANT, ShareAccounting, type WaitingView } from './share-accounting.js';

/** Queues of arrival numbers per slot: the smallest model of the bulkhead's wait queues. */
class Queues implements WaitingView {
  readonly slots: number[][];
  #sequence = 0;
  constructor(count: number) {
    this.slots = Array.from({ length: count }, () => []);
  }
  push(index: number): void {
    this.slots[index]!.push(this.#sequence++);
  }
  shift(index: number): void {
    this.slots[index]!.shift();
  }
  waitingCount(index: number): number {
    return this.slots[index]!.length;
  }
  headSequence(index: number): number {
    return this.slots[index]![0]!;
  }
}

/** Fails the property (cheaper than `expect` in a hot loop). */
function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** Admits like the bulkhead: at once when room and nobody waits, else queued; releases hand permits on. */
function drain(accounting: ShareAccounting, queues: Queues, granted: number[]): void {
  for (let slot = accounting.nextGrant(queues); slot !== NO_GRANT; slot = accounting.nextGrant(queues)) {
    queues.shift(slot);
    accounting.take(slot);
    granted.push(slot);
  }
}

describe('ShareAccounting', () => {
  it('lends idle live capacity to batch, and the next batch release goes back to waiting live traffic', () => {
    const accounting = new ShareAccounting(10, [0.9, 0.1]);
    const queues = new Queues(3);
    for (let call = 0; call < 10; call++) expect(accounting.take(1)).toBe(true);
    expect(accounting.borrowed(1)).toBe(9);
    expect(accounting.take(0)).toBe(false);
    queues.push(0);
    queues.push(1);
    accounting.give(1);
    expect(accounting.nextGrant(queues)).toBe(0);
  });

  it('serves a partition below its guarantee before an older waiter of a partition above it', () => {
    const accounting = new ShareAccounting(4, [0.5, 0.5]);
    const queues = new Queues(3);
    for (let call = 0; call < 4; call++) accounting.take(0);
    queues.push(0);
    queues.push(1);
    accounting.give(0);
    expect(accounting.nextGrant(queues)).toBe(1);
  });

  it('gives calls without a partition only capacity no partition waits for', () => {
    const accounting = new ShareAccounting(2, [0.5, 0.5]);
    const queues = new Queues(3);
    accounting.take(2);
    accounting.take(2);
    queues.push(2);
    queues.push(0);
    accounting.give(2);
    expect(accounting.nextGrant(queues)).toBe(0);
    queues.shift(0);
    expect(accounting.nextGrant(queues)).toBe(2);
  });

  it('keeps permits above a shrunk limit and hands none out until the total is below it', () => {
    const accounting = new ShareAccounting(4, [0.5, 0.5]);
    const queues = new Queues(3);
    for (let call = 0; call < 4; call++) accounting.take(0);
    accounting.resize(2);
    queues.push(1);
    accounting.give(0);
    accounting.give(0);
    expect(accounting.nextGrant(queues)).toBe(NO_GRANT);
    accounting.give(0);
    expect(accounting.nextGrant(queues)).toBe(1);
    expect(accounting.guaranteed(0)).toBe(1);
  });

  const operation = fc.oneof(
    fc.record({ kind: fc.constant('arrive' as const), slot: fc.nat(3) }),
    fc.record({ kind: fc.constant('release' as const), pick: fc.nat(1000) }),
    fc.record({ kind: fc.constant('resize' as const), limit: fc.integer({ min: 3, max: 12 }) }),
  );

  it('never exceeds the limit, never passes over a partition below its guarantee, and starves nobody (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        fc.array(operation, { maxLength: 200, size: 'max' }),
        (limit, operations) => {
          const accounting = new ShareAccounting(limit, [0.6, 0.3, 0.1]);
          const queues = new Queues(4);
          const held: number[] = [];
          // Releases of other slots' permits seen since a slot started waiting below its guarantee.
          const starvedFor = [0, 0, 0];
          // The largest limit while each slot has been starving: a shrink mid-wait must not shorten the bound.
          const boundFor = [0, 0, 0];
          for (const step of operations) {
            const granted: number[] = [];
            if (step.kind === 'arrive') {
              const anyWaiting = queues.slots.some((queue) => queue.length > 0);
              if (!anyWaiting && accounting.take(step.slot)) granted.push(step.slot);
              else queues.push(step.slot);
            } else if (step.kind === 'resize') {
              accounting.resize(step.limit);
              drain(accounting, queues, granted);
            } else if (held.length > 0) {
              const [released] = held.splice(step.pick % held.length, 1);
              accounting.give(released!);
              const deficitsBefore = [0, 1, 2].filter(
                (slot) =>
                  queues.waitingCount(slot) > 0 && accounting.active(slot) < accounting.guaranteed(slot),
              );
              drain(accounting, queues, granted);
              // A freed permit goes to a partition below its guarantee whenever one waits.
              if (granted.length > 0 && deficitsBefore.length > 0) {
                check(
                  deficitsBefore.includes(granted[0]!),
                  'a free permit passed over a partition below its guarantee',
                );
              }
              // Only a release that frees a permit counts (one above a shrunk limit frees nothing).
              const freed = accounting.total - granted.length < accounting.limit;
              if (freed) for (const slot of deficitsBefore) if (slot !== released) starvedFor[slot]!++;
            }
            held.push(...granted);
            check(accounting.total === held.length, 'permits lost or invented');
            // A permit is only ever taken below the limit (a shrink keeps running work above it).
            if (granted.length > 0) check(accounting.total <= accounting.limit, 'admitted above the limit');
            if (accounting.hasRoom)
              check(
                queues.slots.every((queue) => queue.length === 0),
                'waits beside a free permit',
              );
            for (let slot = 0; slot < 3; slot++) {
              const starving =
                queues.waitingCount(slot) > 0 && accounting.active(slot) < accounting.guaranteed(slot);
              if (!starving) {
                starvedFor[slot] = 0;
                boundFor[slot] = accounting.limit;
              } else boundFor[slot] = Math.max(boundFor[slot]!, accounting.limit);
              check(
                starvedFor[slot]! <= boundFor[slot]!,
                `slot ${slot} starved for more releases than the limit`,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
