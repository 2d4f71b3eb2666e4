import { BulkheadError } from '@x/bulkhead-core';
import { afterEach, describe, expect, it } from 'vitest';
import { NotCloneableError } from './not-cloneable-error.js';
import { ThreadPoolBulkhead } from './thread-pool-bulkhead.js';
import { WorkerCrashedError } from './worker-crashed-error.js';

const TASKS = new URL('../test/fixtures/tasks.mjs', import.meta.url);
const open: ThreadPoolBulkhead[] = [];

function pool(name: string): ThreadPoolBulkhead {
  const bulkhead = new ThreadPoolBulkhead(name, { filename: TASKS, maxWorkers: 1 });
  open.push(bulkhead);
  return bulkhead;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((bulkhead) => bulkhead.close({ timeout: 0 })));
});

describe('NotCloneableError: a task whose argument or result cannot be structured-cloned', () => {
  it.each([
    ['without a timeout (fast path)', {}],
    ['with a timeout', { timeout: 60_000 }],
    ['with a signal', { signal: new AbortController().signal }],
  ])(
    'rejects an argument holding a function with NotCloneableError, %s; the slot is free again',
    async (_, options) => {
      const bulkhead = pool('argument');
      const error = await bulkhead
        .execute({ callback: () => 1 }, { name: 'echo', ...options })
        .catch((caught: unknown) => caught);
      expect(NotCloneableError.isInstance(error)).toBe(true);
      expect(WorkerCrashedError.isInstance(error)).toBe(false);
      expect(error).toMatchObject({
        code: 'BULKHEAD_NOT_CLONEABLE',
        direction: 'argument',
        bulkheadName: 'argument',
        name: 'NotCloneableError',
      });
      expect((error as Error).message).toMatch(
        /argument of a task of bulkhead 'argument' cannot be structured-cloned/,
      );
      expect((error as Error).cause).toBeDefined();
      expect(bulkhead.getState()).toMatchObject({ activeCount: 0, waitingCount: 0 });
      await expect(bulkhead.execute(3, { name: 'double' })).resolves.toBe(6);
    },
  );

  it('rejects a result holding a function with NotCloneableError (direction result); the next task runs', async () => {
    const bulkhead = pool('result');
    const outcomes: string[] = [];
    bulkhead.on('finished', (event) => outcomes.push(event.outcome));
    const error = await bulkhead.execute(1, { name: 'returnFunction' }).catch((caught: unknown) => caught);
    expect(NotCloneableError.isInstance(error)).toBe(true);
    expect(WorkerCrashedError.isInstance(error)).toBe(false);
    expect(error).toMatchObject({ code: 'BULKHEAD_NOT_CLONEABLE', direction: 'result' });
    expect((error as Error).message).toMatch(/could not be cloned/);
    expect(outcomes).toEqual(['failure']);
    await expect(bulkhead.execute(4, { name: 'double' })).resolves.toBe(8);
    expect(bulkhead.getState()).toMatchObject({ activeCount: 0 });
  });

  it('is a BulkheadError recognised across copies by its Symbol.for marker', () => {
    const error = new NotCloneableError({ bulkheadName: 'b', direction: 'argument', detail: 'x' });
    expect(error).toBeInstanceOf(BulkheadError);
    expect(BulkheadError.isInstance(error)).toBe(true);
    const foreign = { [Symbol.for('x.bulkhead.error.NotCloneableError')]: true };
    expect(NotCloneableError.isInstance(foreign)).toBe(true);
    expect(NotCloneableError.isInstance(new Error('x'))).toBe(false);
  });
});
