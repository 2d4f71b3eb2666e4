import type { ExecutionContext, ProtectedFunction } from '../bulkhead.js';
import type { SlotOwner } from './slot-permit.js';

/**
 * The two reactions that give one slot's permit back when a call run without a Permit object settles: made
 * once per slot (a partition, a key's compartment), so running a call allocates no closure.
 */
export interface PreboundReleases {
  readonly afterSuccess: (value: unknown) => unknown;
  readonly afterFailure: (error: unknown) => never;
}

/** The releases of `slot`: outcome `success` or `failure`, nothing observed (`admittedAt` -1). */
export function prebindReleases<Slot>(owner: SlotOwner<Slot>, slot: Slot): PreboundReleases {
  return {
    afterSuccess: (value) => {
      owner.releaseSlot(slot, -1, 0, 'success');
      return value;
    },
    afterFailure: (error): never => {
      owner.releaseSlot(slot, -1, 0, 'failure');
      throw error;
    },
  };
}

/** A slot that carries its own releases, made on its first call run without a Permit (a key's compartment). */
export interface ReleaseCarrier {
  afterSuccess: ((value: unknown) => unknown) | undefined;
  afterFailure: ((error: unknown) => never) | undefined;
}

/** The releases `slot` carries, made (and kept on it) on first use. */
export function carriedReleases<Slot extends ReleaseCarrier>(
  owner: SlotOwner<Slot>,
  slot: Slot,
): PreboundReleases {
  if (slot.afterSuccess === undefined || slot.afterFailure === undefined) {
    const releases = prebindReleases(owner, slot);
    slot.afterSuccess = releases.afterSuccess;
    slot.afterFailure = releases.afterFailure;
  }
  return slot as PreboundReleases;
}

/**
 * Runs `task(context)` and gives the permit back through `releases` when it settles (a synchronous throw
 * becomes a rejection, so the release always runs in a later microtask and never recurses into admission).
 */
export function runReleasing(
  task: ProtectedFunction<unknown>,
  context: ExecutionContext,
  releases: PreboundReleases,
): Promise<unknown> {
  // `callProtected`, inlined: on the uncontended path the extra call costs more than the rest of the bulkhead.
  let result: unknown;
  try {
    result = task(context);
  } catch (error) {
    result = Promise.reject(error);
  }
  return Promise.resolve(result).then(releases.afterSuccess, releases.afterFailure);
}
