import type { RejectionReason } from '@x/bulkhead-core';

/** Media type of an RFC 9457 problem document. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The RFC 9457 body of a rejected request; extension members name the compartment. */
export interface BulkheadProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The request path (without query string), when known. */
  readonly instance?: string;
  /** Name of the compartment that refused the request. */
  readonly compartment: string;
  /** Why: `queue_full`, `queue_timeout` or `shutdown`. */
  readonly reason: RejectionReason;
  /** Same value as the `Retry-After` header, in seconds. */
  readonly retryAfter: number;
}

/** Inputs of `createProblemDetails`. */
export interface ProblemDetailsInput {
  type: string;
  compartment: string;
  reason: RejectionReason;
  retryAfter: number;
  /** Request URL; only its path is kept. */
  url?: string | undefined;
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** Builds the 503 problem document; it never contains an error message or a stack trace. */
export function createProblemDetails(input: ProblemDetailsInput): BulkheadProblemDetails {
  const detail =
    input.reason === 'shutdown'
      ? `Compartment '${input.compartment}' is shutting down and admits no new requests.`
      : `Compartment '${input.compartment}' is at capacity; retry after ${input.retryAfter} s.`;
  const instance = pathOf(input.url);
  return {
    type: input.type,
    title: 'Service Unavailable',
    status: 503,
    detail,
    ...(instance === undefined ? {} : { instance }),
    compartment: input.compartment,
    reason: input.reason,
    retryAfter: input.retryAfter,
  };
}
