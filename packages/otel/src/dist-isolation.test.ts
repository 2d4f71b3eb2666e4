import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const distDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const SPECIFIER = /(?:from\s*|import\s*\(?\s*|require\(\s*)['"]([^'"]+)['"]/g;

/** The file a relative specifier of `from` loads: declaration files point at `.js`/`.cjs` names. */
function declarationOf(from: string, target: string): string {
  if (from.endsWith('.d.ts')) return target.replace(/\.js$/, '.d.ts');
  if (from.endsWith('.d.cts')) return target.replace(/\.cjs$/, '.d.cts');
  return target;
}

/** Every bare module specifier reachable from `entry` through relative imports of the built files. */
function bareImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(distDirectory, file), 'utf8');
    for (const [, specifier] of text.matchAll(SPECIFIER)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('./')) {
        queue.push(declarationOf(file, specifier.slice(2)));
      } else {
        bare.add(specifier);
      }
    }
  }
  return bare;
}

describe.runIf(existsSync(join(distDirectory, 'prometheus.js')))('built entries (dist)', () => {
  it.each(['prometheus.js', 'prometheus.cjs', 'prometheus.d.ts', 'prometheus.d.cts'])(
    '%s never imports OpenTelemetry',
    (entry) => {
      const imports = [...bareImports(entry)];
      expect(imports.filter((specifier) => specifier.startsWith('@opentelemetry/'))).toEqual([]);
      expect(imports).toContain('prom-client');
    },
  );

  it.each(['opentelemetry.js', 'opentelemetry.cjs', 'opentelemetry.d.ts', 'opentelemetry.d.cts'])(
    '%s never imports prom-client',
    (entry) => {
      const imports = [...bareImports(entry)];
      expect(imports).not.toContain('prom-client');
      expect(imports).toContain('@opentelemetry/api');
    },
  );

  it('runtime code imports only its own peer and core (with its extension entry, for the shared validators)', () => {
    const core = ['@x/bulkhead-core', '@x/bulkhead-core/extension'];
    expect([...bareImports('prometheus.js')].sort()).toEqual([...core, 'prom-client']);
    expect([...bareImports('opentelemetry.js')].sort()).toEqual(['@opentelemetry/api', ...core]);
  });
});
