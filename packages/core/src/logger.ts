import type { EntitlementLogger } from './entitlement.js';
import { getGlobalSlot } from './internal/global-slot.js';

function writeLine(level: 'info' | 'warn', object: Record<string, unknown>, message?: string): void {
  const record = {
    level,
    time: new Date().toISOString(),
    ...object,
    ...(message === undefined ? {} : { msg: message }),
  };
  process.stderr.write(`${JSON.stringify(record)}\n`);
}

/** The default logger: one JSON line per record on stderr. */
export const jsonStderrLogger: EntitlementLogger = Object.freeze({
  info: (object: Record<string, unknown>, message?: string) => writeLine('info', object, message),
  warn: (object: Record<string, unknown>, message?: string) => writeLine('warn', object, message),
});

/** The logger set by the latest `init()` (default: JSON lines on stderr); PRO logs through it. */
export function getBulkheadLogger(): EntitlementLogger {
  return getGlobalSlot().logger ?? jsonStderrLogger;
}
