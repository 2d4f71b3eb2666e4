import type { EntitlementLogger } from '@x/bulkhead-core';

/** A logger that drops everything. */
export const silentLogger: EntitlementLogger = { info: () => undefined, warn: () => undefined };
