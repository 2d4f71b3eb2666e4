import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BulkheadSettingsInput } from '@x/bulkhead-pro';
import type { DemoConfig } from '../config.js';

/** The PRO registry settings of the demo's downstream compartments, from the knobs. */
export function proSettingsFor(
  config: Pick<DemoConfig, 'paymentSize' | 'userSize' | 'inventorySize' | 'queueSize'>,
): BulkheadSettingsInput {
  const compartment = (maxConcurrent: number) => ({ maxConcurrent, maxQueue: config.queueSize });
  return {
    compartments: {
      payment: compartment(config.paymentSize),
      user: compartment(config.userSize),
      inventory: compartment(config.inventorySize),
    },
  };
}

/** A settings file written for one run; `remove()` deletes it and its directory. */
export interface ProSettingsFile {
  readonly path: string;
  remove(): Promise<void>;
}

/**
 * Writes `proSettingsFor(config)` as `bulkheads.json` in a fresh temporary directory, the file the
 * PRO registry reads its compartments from (`configureProRegistry({ settingsFile })`).
 */
export async function writeProSettingsFile(
  config: Parameters<typeof proSettingsFor>[0],
): Promise<ProSettingsFile> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-demo-'));
  const file = path.join(directory, 'bulkheads.json');
  await writeFile(file, `${JSON.stringify(proSettingsFor(config), null, 2)}\n`, 'utf8');
  return { path: file, remove: () => rm(directory, { recursive: true, force: true }) };
}
