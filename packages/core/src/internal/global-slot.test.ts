import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getBulkheadRegistry, SemaphoreBulkhead } from '../index.js';
import { GLOBAL_SLOT_KEY, getGlobalSlot, globalExtensionState } from './global-slot.js';

type Holder = Record<symbol, unknown>;
const holder = globalThis as unknown as Holder;
let original: unknown;

function putInSlot(value: unknown): void {
  Object.defineProperty(holder, GLOBAL_SLOT_KEY, { value, enumerable: false, configurable: true });
}

beforeEach(() => {
  original = holder[GLOBAL_SLOT_KEY];
});
afterEach(() => {
  putInSlot(original);
  vi.restoreAllMocks();
});

describe('the process-wide slot', () => {
  it('is created once under its versioned Symbol.for key and shared', () => {
    expect(getGlobalSlot()).toBe(holder[Symbol.for('x.bulkhead.global.v1')]);
    expect(getGlobalSlot()).toBe(getGlobalSlot());
    expect(globalExtensionState('test/counter', () => ({ count: 1 }))).toBe(
      globalExtensionState('test/counter', () => ({ count: 2 })),
    );
  });

  it('upgrades a slot of an older revision in place (fields are only ever added)', () => {
    const older = { version: 1, registry: undefined, initRuns: new Map(), logger: undefined };
    putInSlot(older);
    const slot = getGlobalSlot();
    expect(slot).toBe(older);
    expect(slot.extensions).toBeInstanceOf(Map);
    expect(slot.revision).toBe(2);
  });

  it('refuses the slot of an incompatible copy, reports it once and keeps working apart', () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const foreign = Object.freeze({ version: 2, registry: 'not ours' });
    putInSlot(foreign);
    const slot = getGlobalSlot();
    expect(slot).not.toBe(foreign);
    expect(getGlobalSlot()).toBe(slot);
    expect(holder[GLOBAL_SLOT_KEY]).toBe(foreign);
    const registry = getBulkheadRegistry();
    registry.register(new SemaphoreBulkhead('apart'));
    expect(registry.has('apart')).toBe(true);
    registry.unregister('apart');
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(warnings.mock.calls[0]?.[1]).toBe('BulkheadGlobalSlotWarning');
    expect(String(warnings.mock.calls[0]?.[0])).toMatch(/holds layout version 2/);
  });
});
