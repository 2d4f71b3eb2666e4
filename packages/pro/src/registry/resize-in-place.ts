import type { Bulkhead, ResizableBulkhead } from '@x/bulkhead-core';
import type { CompartmentSettings } from './settings.js';

/** What `resizeInPlace()` did to one compartment. */
export interface ResizeOutcome {
  readonly resized?: { readonly name: string; readonly from: number; readonly to: number };
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * Brings a live compartment to `target` without replacing it: `resize()` when `maxConcurrent` differs;
 * what cannot change at run time (type, queue bound, no `resize()`) is reported as skipped.
 */
export function resizeInPlace(bulkhead: Bulkhead, target: CompartmentSettings): ResizeOutcome {
  const { name } = bulkhead;
  const state = bulkhead.getState();
  if (state.type !== target.type) {
    return {
      skipped: [{ name, reason: `type change ${state.type} -> ${target.type} applies after a restart` }],
    };
  }
  const skipped: Array<{ name: string; reason: string }> = [];
  if (state.maxQueue !== target.maxQueue)
    skipped.push({ name, reason: 'maxQueue changes apply after a restart' });
  const live = bulkhead as { readonly queueOrder?: string; readonly onQueueFull?: string };
  if ((live.queueOrder ?? 'fifo') !== (target.queueOrder ?? 'fifo'))
    skipped.push({ name, reason: 'queueOrder changes apply after a restart' });
  if ((live.onQueueFull ?? 'reject-new') !== (target.onQueueFull ?? 'reject-new'))
    skipped.push({ name, reason: 'onQueueFull changes apply after a restart' });
  if (state.maxConcurrent === target.maxConcurrent) return { skipped };
  const resize = (bulkhead as Partial<ResizableBulkhead>).resize;
  if (typeof resize !== 'function') {
    skipped.unshift({ name, reason: `a ${state.type} compartment cannot be resized at run time` });
    return { skipped };
  }
  resize.call(bulkhead, target.maxConcurrent);
  return { resized: { name, from: state.maxConcurrent, to: target.maxConcurrent }, skipped };
}
