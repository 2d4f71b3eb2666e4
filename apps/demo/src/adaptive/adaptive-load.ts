import type { AdaptivePhaseName, AdaptiveWindow } from './adaptive-timeline.js';
import type { ClientSide, UserServiceCall } from './client-side.js';

/** Options of `warmUp`. */
export interface WarmUpOptions {
  /** Each side's user service call, made directly (no compartment, no controller). */
  calls: readonly UserServiceCall[];
  /** Calls per second to each. */
  rate: number;
  durationMs: number;
  /** Each call is abandoned after this many ms. */
  timeoutMs: number;
}

/**
 * Unmeasured warm-up: opens the keep-alive connections and warms the code paths, so that the measured
 * phase (and the controller) starts from a steady state rather than from connection setup.
 */
export async function warmUp(options: WarmUpOptions): Promise<void> {
  const inFlight: Promise<boolean>[] = [];
  const startedAt = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - startedAt;
      const due = Math.min(
        Math.floor((elapsed * options.rate) / 1000),
        Math.floor((options.durationMs * options.rate) / 1000),
      );
      while (inFlight.length < due * options.calls.length) {
        for (const call of options.calls) inFlight.push(call(AbortSignal.timeout(options.timeoutMs)));
      }
      if (elapsed >= options.durationMs) {
        clearInterval(interval);
        resolve();
      }
    };
    const interval = setInterval(tick, 5);
    tick();
  });
  await Promise.all(inFlight);
}

/** Options of `runAdaptiveLoad`. */
export interface AdaptiveLoadOptions {
  /** The parts of the phase, laid end to end from 0. */
  windows: readonly AdaptiveWindow[];
  /** Calls per second each side receives (open loop: the same arrivals for every side). */
  rate: number;
  /** The callers, driven side by side. */
  sides: readonly ClientSide[];
  /** Gives the user service (every side's copy) the capacity of the part that starts. */
  setCapacity: (capacity: number) => void;
  /** Milliseconds since the phase started (the sides' clock too). */
  now: () => number;
  /** Milliseconds between two samples of the limits (default 100). */
  sampleEveryMs?: number;
  /** Called when a part starts. */
  onPhase?: (phase: AdaptivePhaseName) => void;
  /** Called every `progressEveryMs` with the elapsed time (live progress). */
  onProgress?: (elapsedMs: number) => void;
  /** Milliseconds between two progress calls (default 5000). */
  progressEveryMs?: number;
  /** Stops sending early. */
  signal?: AbortSignal;
}

/**
 * Sends the same open-loop arrivals to every side for the length of the windows, switching the user
 * service's capacity at each window's start and sampling the limits, then waits for the calls in flight.
 */
export async function runAdaptiveLoad(options: AdaptiveLoadOptions): Promise<void> {
  const { now, rate, sides } = options;
  const sampleEveryMs = options.sampleEveryMs ?? 100;
  const totalMs = options.windows.at(-1)?.endMs ?? 0;
  const pending = [...options.windows];
  let sent = 0;
  let nextSampleAt = 0;
  const progressEveryMs = options.progressEveryMs ?? 5_000;
  let nextProgressAt = progressEveryMs;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = now();
      while (pending.length > 0 && (pending[0]?.startMs ?? 0) <= elapsed) {
        const window = pending.shift();
        if (window === undefined) break;
        options.setCapacity(window.capacity);
        options.onPhase?.(window.phase);
      }
      if (elapsed >= totalMs || options.signal?.aborted === true) {
        clearInterval(interval);
        resolve();
        return;
      }
      const due = Math.floor((elapsed * rate) / 1000);
      for (; sent < due; sent++) for (const side of sides) side.call();
      if (elapsed >= nextSampleAt) {
        for (const side of sides) side.sampleLimit();
        nextSampleAt = (Math.floor(elapsed / sampleEveryMs) + 1) * sampleEveryMs;
      }
      if (elapsed >= nextProgressAt) {
        options.onProgress?.(nextProgressAt);
        nextProgressAt += progressEveryMs;
      }
    };
    const interval = setInterval(tick, 5);
    tick();
  });
  for (const side of sides) side.sampleLimit();
  await Promise.all(sides.map((side) => side.settled()));
}
