import { SemaphoreBulkhead } from '@x/bulkhead-core';
import { instrumentBulkheads, registerBulkheadOtelMetrics } from '@x/bulkhead-otel/opentelemetry';
import { registerBulkheadMetrics } from '@x/bulkhead-otel/prometheus';
import { Registry } from 'prom-client';
import { measure } from 'mitata';
const mk = (n) => new SemaphoreBulkhead(n, { maxConcurrent: 1000 });
const base = mk('a'), api = mk('b'), listened = mk('c'), prom = mk('d');
instrumentBulkheads({ source: [api], mode: 'child-span' }); registerBulkheadOtelMetrics({ source: [api] });
listened.on('finished', () => {}); listened.on('rejected', () => {});
registerBulkheadMetrics({ registry: new Registry(), source: [prom] });
const fn = () => 1;
const res = { base: [], api: [], listened: [], prom: [] };
const b = { base, api, listened, prom };
for (let r = 0; r < 7; r++) for (const [k, bh] of Object.entries(b)) {
  const s = await measure(async () => { for (let i = 0; i < 20; i++) await bh.execute(fn); }, { min_cpu_time: 150e6 });
  res[k].push(s.p50 / 20);
}
for (const [k, v] of Object.entries(res)) { v.sort((x, y) => x - y); console.log(k, v.map((x) => x.toFixed(0)).join(' ')); }
