import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BulkheadError } from '@x/bulkhead-core';

/** Largest request body the admin API reads. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * An HTTP failure of the admin API, carried to the response as `{ error: { code: apiCode, message } }`.
 * Internal: the admin handler turns every one into a response; none escapes to the caller.
 */
export class HttpError extends BulkheadError {
  readonly status: number;
  /** The machine-readable code the response carries (`invalid_body`, `not_found`, ...). */
  readonly apiCode: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, apiCode: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.apiCode = apiCode;
    this.headers = headers;
  }
}

/** Writes `body` as JSON (`Infinity` becomes `null`) with no caching. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, (_key, value) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value,
  );
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Constant-time comparison of a request's bearer token with the expected one. */
export function hasBearerToken(request: IncomingMessage, expectedDigest: Buffer): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) return false;
  return timingSafeEqual(digest(match[1]), expectedDigest);
}

/** SHA-256 of a token; comparing digests keeps the comparison constant-time whatever the lengths. */
export function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'request body must be valid JSON');
  }
}

/** Reads the JSON body, or takes the one a framework already parsed (`request.body`). */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const preParsed = (request as { body?: unknown }).body;
  if (preParsed !== undefined) {
    if (typeof preParsed === 'string') return parseJson(preParsed);
    if (Buffer.isBuffer(preParsed)) return parseJson(preParsed.toString('utf8'));
    return preParsed;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, 'body_too_large', `request body must be at most ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return parseJson(Buffer.concat(chunks).toString('utf8'));
}
