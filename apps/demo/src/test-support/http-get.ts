import { request } from 'node:http';

/** A response read in full. */
export interface FetchedResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends one request (no keep-alive) and reads the whole answer; for tests only. */
export function httpGet(
  url: string,
  options: { method?: string; body?: string; signal?: AbortSignal } = {},
): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const requestOptions = { method: options.method ?? 'GET', agent: false as const };
    if (options.signal !== undefined) Object.assign(requestOptions, { signal: options.signal });
    const outgoing = request(url, requestOptions, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/**
 * Resolves once `predicate` holds, checking every `intervalMs`; rejects after `timeoutMs` (generous:
 * a safety net for a broken build, never a synchronisation point).
 */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}
