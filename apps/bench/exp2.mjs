import { Piscina } from 'piscina';
import { ThreadPoolBulkhead } from '@x/bulkhead-threads';
const TASKS = new URL('./src/fixtures/threads-tasks.mjs', 'file://' + process.cwd() + '/');
const W = 2;
async function runWindow(total, window, submit) { let next = 0; const lane = async () => { while (next < total) { const i = next++; await submit(i); } }; await Promise.all(Array.from({ length: window }, lane)); }
const raw = new Piscina({ filename: TASKS.href, minThreads: W, maxThreads: W, idleTimeout: 30000 });
const b = new ThreadPoolBulkhead('b', { filename: TASKS, maxWorkers: W, queueSize: 100 });
const c = { raw: (i) => raw.run(i, { name: 'echo' }), bulk: (i) => b.execute(i, { name: 'echo' }), bulkT: (i) => b.execute(i, { name: 'echo', timeout: 60000 }), rawSig: (i) => raw.run(i, { name: 'echo', signal: new AbortController().signal }) };
for (const window of [1, 8]) {
  const best = {};
  for (let r = 0; r < 30; r++) for (const [k, f] of Object.entries(c)) { const s = performance.now(); await runWindow(500, window, f); const t = (performance.now() - s) * 1e6 / 500; best[k] = Math.min(best[k] ?? Infinity, t); }
  console.log('window', window, Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Math.round(v)])));
}
await b.close(); await raw.destroy();
