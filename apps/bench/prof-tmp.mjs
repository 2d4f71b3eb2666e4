import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { instrumentBulkheads } from '@x/bulkhead-otel/opentelemetry';
const als = new AsyncLocalStorage();
context.setGlobalContextManager({ active: () => als.getStore() ?? ROOT_CONTEXT, with: (c, fn, t, ...a) => als.run(c, () => fn.apply(t, a)), bind: (c, t) => t, enable() { return this; }, disable() { return this; } });
const provider = new BasicTracerProvider(); trace.setGlobalTracerProvider(provider);
const tracer = provider.getTracer('x');
const mk = (n) => new SemaphoreBulkhead(n, { maxConcurrent: 1000 });
const plain = mk('p'), active = mk('a');
instrumentBulkheads({ source: [active], tracer });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; };
async function run(bh, n) { for (let i = 0; i < n; i += 10) await tracer.startActiveSpan('r', async (s) => { const ps = []; for (let j = 0; j < 10; j++) ps.push(bh.execute(() => 1)); await Promise.all(ps); s.end(); }); }
async function spanOnly(n) { for (let i = 0; i < n; i += 10) await tracer.startActiveSpan('r', async (s) => { for (let j = 0; j < 10; j++) s.addEvent('bulkhead', { a: 'x', b: 'semaphore', c: 1000, d: 'success', e: 0.01 }); s.end(); }); }
for (const [name, f] of [["active", () => run(active, 100000)]]) {
  await f(); const t = cpu(); await f(); console.log(name, ((cpu() - t) / 20000).toFixed(0), 'ns/call');
}
