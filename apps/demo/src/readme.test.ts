import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { helpText } from './cli/parse-options.js';
import { DEFAULT_CONFIG } from './config.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the current --help output verbatim', () => {
    expect(readme).toContain(`\`\`\`text\n${helpText()}\n\`\`\``);
  });

  it('states the default sizes it explains', () => {
    expect(readme).toContain(`connections: ${DEFAULT_CONFIG.poolSize}`);
    expect(readme).toContain(`payment can hold at most ${DEFAULT_CONFIG.paymentSize} connections`);
    expect(readme).toContain(`(default ${DEFAULT_CONFIG.outputPath})`);
  });
});
