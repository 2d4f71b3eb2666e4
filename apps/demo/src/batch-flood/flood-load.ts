import type { FloodSide } from './flood-side.js';
import type { FloodPartName, FloodWindow } from './flood-timeline.js';

/** Options of `runFloodLoad`. */
export interface FloodLoadOptions {
  /** The parts of the phase, laid end to end from 0; the batch job starts with the `flood` part. */
  windows: readonly FloodWindow[];
  /** Live calls per second each side receives (open loop: the same arrivals for every side). */
  liveRate: number;
  /** Batch workers per side. */
  workers: number;
  sides: readonly FloodSide[];
  /** Milliseconds since the phase started (the sides' clock too). */
  now: () => number;
  /** Milliseconds between two occupancy samples (default 50). */
  sampleEveryMs?: number;
  /** Called when a part starts. */
  onPhase?: (phase: FloodPartName) => void;
  /** Called every `progressEveryMs` with the elapsed time (live progress). */
  onProgress?: (elapsedMs: number) => void;
  /** Milliseconds between two progress calls (default 5000). */
  progressEveryMs?: number;
  /** Stops sending early. */
  signal?: AbortSignal;
}

/**
 * Sends the same open-loop live arrivals to every side for the length of the windows, starts the batch
 * workers when the flood part starts and samples who holds the permits; then stops the workers and waits
 * for every call in flight.
 */
export async function runFloodLoad(options: FloodLoadOptions): Promise<void> {
  const { now, sides } = options;
  const sampleEveryMs = options.sampleEveryMs ?? 50;
  const progressEveryMs = options.progressEveryMs ?? 5_000;
  const totalMs = options.windows.at(-1)?.endMs ?? 0;
  const pending = [...options.windows];
  let sent = 0;
  let nextSampleAt = 0;
  let nextProgressAt = progressEveryMs;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = now();
      while (pending.length > 0 && (pending[0]?.startMs ?? 0) <= elapsed) {
        const window = pending.shift();
        if (window === undefined) break;
        if (window.phase === 'flood') for (const side of sides) side.startFlood(options.workers);
        options.onPhase?.(window.phase);
      }
      if (elapsed >= totalMs || options.signal?.aborted === true) {
        clearInterval(interval);
        resolve();
        return;
      }
      const due = Math.floor((elapsed * options.liveRate) / 1000);
      for (; sent < due; sent++) for (const side of sides) side.liveCall();
      if (elapsed >= nextSampleAt) {
        for (const side of sides) side.sample();
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
  for (const side of sides) side.stopFlood();
  await Promise.all(sides.map((side) => side.settled()));
}
