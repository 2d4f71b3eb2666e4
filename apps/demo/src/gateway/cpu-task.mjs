// Plain JavaScript on purpose: worker threads load this file directly, without a TypeScript loader.
// Types live in cpu-task.d.mts.

/**
 * A deterministic CPU-bound computation (an FNV-style hash mixed `iterations` times), standing in
 * for template rendering, image resizing or a pricing simulation. Blocks the thread it runs on.
 * @param {{ iterations: number }} input
 * @returns {number}
 */
export function runCpuTask(input) {
  let hash = 0x811c9dc5;
  for (let index = 0; index < input.iterations; index++) {
    hash ^= index & 0xff;
    hash = Math.imul(hash, 0x01000193);
    hash ^= hash >>> 13;
  }
  return hash >>> 0;
}
