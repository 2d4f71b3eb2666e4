import { describe, expect, it } from 'vitest';
import { flush, track } from '../test-support/async-helpers.js';
import { IdleWaiters } from './idle-waiters.js';

describe('IdleWaiters', () => {
  it('resolves at once when already idle, and waits for settle() otherwise', async () => {
    const waiters = new IdleWaiters();
    const idle = track(waiters.whenIdle(true));
    const first = track(waiters.whenIdle(false));
    const second = track(waiters.whenIdle(false));
    await flush();
    expect([idle.status, first.status, second.status]).toEqual(['fulfilled', 'pending', 'pending']);
    expect(waiters.pending).toBe(true);
    waiters.settle();
    await flush();
    expect([first.status, second.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(waiters.pending).toBe(false);
  });

  it('settles each waiter once: a later settle() leaves new waiters alone', async () => {
    const waiters = new IdleWaiters();
    waiters.settle();
    const late = track(waiters.whenIdle(false));
    await flush();
    expect(late.status).toBe('pending');
    waiters.settle();
    await flush();
    expect(late.status).toBe('fulfilled');
  });
});
