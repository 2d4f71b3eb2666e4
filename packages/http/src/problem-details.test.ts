import { describe, expect, it } from 'vitest';
import { createProblemDetails } from './problem-details.js';

describe('createProblemDetails', () => {
  it('builds an RFC 9457 document naming the compartment, without query string', () => {
    expect(
      createProblemDetails({
        type: 'about:blank',
        compartment: 'payments',
        reason: 'queue_full',
        retryAfter: 3,
        url: '/pay?card=4111#x',
      }),
    ).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: "Compartment 'payments' is at capacity; retry after 3 s.",
      instance: '/pay',
      compartment: 'payments',
      reason: 'queue_full',
      retryAfter: 3,
    });
  });

  it('explains a shutdown and omits instance without a URL', () => {
    const problem = createProblemDetails({
      type: 'urn:x',
      compartment: 'a',
      reason: 'shutdown',
      retryAfter: 1,
    });
    expect(problem.detail).toContain('shutting down');
    expect('instance' in problem).toBe(false);
  });
});
