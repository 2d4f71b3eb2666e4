import { request } from 'node:http';

/** Options of `resizeThroughAdminApi`. */
export interface ResizeRequest {
  /** Base URL of the admin API. */
  adminUrl: string;
  /** Its bearer token. */
  token: string;
  /** Compartment to resize. */
  compartment: string;
  /** The new limit. */
  maxConcurrent: number;
}

/** What the admin API answered. */
export interface ResizeAnswer {
  readonly status: number;
  /** The limit before the change (on 200). */
  readonly previousMaxConcurrent?: number;
  /** The limit now (on 200). */
  readonly maxConcurrent?: number;
  /** The API's error message (otherwise). */
  readonly error?: string;
}

/**
 * Does what an operator does with curl: `PATCH <admin>/<compartment>` with `{"maxConcurrent": n}` and
 * `Authorization: Bearer <token>`, over real HTTP. Resolves with the answer, whatever its status.
 * @throws the socket error when the admin API cannot be reached.
 */
export function resizeThroughAdminApi(options: ResizeRequest): Promise<ResizeAnswer> {
  const body = JSON.stringify({ maxConcurrent: options.maxConcurrent });
  const url = `${options.adminUrl}/${encodeURIComponent(options.compartment)}`;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'PATCH',
        agent: false,
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 0;
          let parsed: {
            bulkhead?: { maxConcurrent?: number };
            previousMaxConcurrent?: number;
            error?: { message?: string };
          } = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // a non-JSON answer: reported by status only
          }
          resolve({
            status,
            ...(parsed.previousMaxConcurrent === undefined
              ? {}
              : { previousMaxConcurrent: parsed.previousMaxConcurrent }),
            ...(parsed.bulkhead?.maxConcurrent === undefined
              ? {}
              : { maxConcurrent: parsed.bulkhead.maxConcurrent }),
            ...(parsed.error?.message === undefined ? {} : { error: parsed.error.message }),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
