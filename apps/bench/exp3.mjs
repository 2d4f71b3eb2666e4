import { Piscina } from 'piscina';
const TASKS = new URL('./src/fixtures/threads-tasks.mjs', 'file://' + process.cwd() + '/');
const RUNTIME = '/work/main/packages/threads/dist/worker-runtime.js';
const W = 2;
async function runWindow(total, window, submit) { let next = 0; const lane = async () => { while (next < total) { const i = next++; await submit(i); } }; await Promise.all(Array.from({ length: window }, lane)); }
const raw = new Piscina({ filename: TASKS.href, minThreads: W, maxThreads: W, idleTimeout: 30000 });
const wrapped = new Piscina({ filename: RUNTIME, name: 'runBulkheadTask', minThreads: W, maxThreads: W, idleTimeout: 30000 });
const c = {
  raw: (i) => raw.run(i, { name: 'echo' }),
  rawEnvelope: (i) => raw.run({ module: TASKS.href, name: 'echo', task: i, context: undefined }, { name: 'echo' }),
  runtime: (i) => wrapped.run({ module: TASKS.href, name: 'echo', task: i, context: undefined }),
};
for (const window of [1, 8]) {
  const best = {};
  for (let r = 0; r < 30; r++) for (const [k, f] of Object.entries(c)) { const s = performance.now(); await runWindow(500, window, f); const t = (performance.now() - s) * 1e6 / 500; best[k] = Math.min(best[k] ?? Infinity, t); }
  console.log('window', window, Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Math.round(v)])));
}
await raw.destroy(); await wrapped.destroy();
