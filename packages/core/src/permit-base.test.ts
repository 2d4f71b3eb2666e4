import { describe, expect, it } from 'vitest';
import { PermitBase } from './permit-base.js';
import type { CallOutcome } from './vocabulary.js';

class RecordingPermit extends PermitBase {
  readonly releases: CallOutcome[] = [];
  protected onRelease(outcome: CallOutcome): void {
    this.releases.push(outcome);
  }
}

describe('PermitBase', () => {
  it('reaches onRelease exactly once, with the first outcome', () => {
    const permit = new RecordingPermit('payments');
    expect(permit.released).toBe(false);
    permit.release('timeout');
    permit.release();
    permit[Symbol.dispose]();
    expect(permit.releases).toEqual(['timeout']);
    expect(permit.released).toBe(true);
    expect(permit.bulkheadName).toBe('payments');
  });

  it('releases with success on dispose and async dispose', async () => {
    const disposed = new RecordingPermit('a');
    disposed[Symbol.dispose]();
    const asyncDisposed = new RecordingPermit('b');
    await asyncDisposed[Symbol.asyncDispose]();
    expect([...disposed.releases, ...asyncDisposed.releases]).toEqual(['success', 'success']);
  });
});
