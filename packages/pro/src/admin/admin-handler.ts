import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Bulkhead,
  BulkheadNotFoundError,
  type BulkheadRegistryLike,
  getBulkheadLogger,
  getBulkheadRegistry,
} from '@x/bulkhead-core';
import { isProFeatureEnabled } from '../feature-gate.js';
import { digest, HttpError, hasBearerToken, readJsonBody, sendJson } from '../internal/http-json.js';

/** Options of `createAdminHandler()`. */
export interface AdminHandlerOptions {
  /** Registry to serve; default the process-wide one (`getBulkheadRegistry()`) at each request. */
  registry?: BulkheadRegistryLike;
  /** Bearer token required for changes (and reads when `protectReads`); at least 16 characters. */
  token: string;
  /** Path prefix to strip when the framework does not (e.g. Fastify); default none. */
  basePath?: string;
  /** Require the token for reads too; default false. */
  protectReads?: boolean;
}

/** A `node:http` request listener; also mountable in Express (`app.use(path, handler)`) and Fastify. */
export type AdminRequestListener = (request: IncomingMessage, response: ServerResponse) => void;

const MIN_TOKEN_LENGTH = 16;

function validateOptions(options: AdminHandlerOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (typeof options.token !== 'string')
    throw new TypeError(`options.token must be a string, got ${typeof options.token}`);
  if (options.token.length < MIN_TOKEN_LENGTH) {
    throw new RangeError(`options.token must be at least ${MIN_TOKEN_LENGTH} characters long`);
  }
  const registry = options.registry;
  if (
    registry !== undefined &&
    (typeof registry?.get !== 'function' || typeof registry.getAllStates !== 'function')
  ) {
    throw new TypeError('options.registry must implement BulkheadRegistryLike (get, getAllStates)');
  }
  if (
    options.basePath !== undefined &&
    (typeof options.basePath !== 'string' || !options.basePath.startsWith('/'))
  ) {
    throw new TypeError("options.basePath must be a string starting with '/'");
  }
  if (options.protectReads !== undefined && typeof options.protectReads !== 'boolean') {
    throw new TypeError(`options.protectReads must be a boolean, got ${typeof options.protectReads}`);
  }
}

function routeSegments(url: string | undefined, basePath: string): string[] {
  let pathname = new URL(url ?? '/', 'http://localhost').pathname;
  if (basePath !== '' && (pathname === basePath || pathname.startsWith(`${basePath}/`))) {
    pathname = pathname.slice(basePath.length);
  }
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw new HttpError(400, 'invalid_path', 'request path is not valid percent-encoding');
  }
}

function parseResize(body: unknown): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_body', 'request body must be a JSON object like {"maxConcurrent": 20}');
  }
  const unknownKey = Object.keys(body).find((key) => key !== 'maxConcurrent');
  if (unknownKey !== undefined) {
    throw new HttpError(
      400,
      'invalid_body',
      `unknown field '${unknownKey.slice(0, 40)}'; only maxConcurrent can change`,
    );
  }
  const { maxConcurrent } = body as { maxConcurrent?: unknown };
  if (typeof maxConcurrent !== 'number' || !Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new HttpError(400, 'invalid_max_concurrent', 'maxConcurrent must be an integer >= 1');
  }
  return maxConcurrent;
}

function lookup(registry: BulkheadRegistryLike, name: string): Bulkhead {
  try {
    return registry.get(name);
  } catch (error) {
    if (BulkheadNotFoundError.isInstance(error)) throw new HttpError(404, 'not_found', error.message);
    throw error;
  }
}

/**
 * The admin API as a `node:http` listener: `GET /`, `GET /:name`, `PATCH|POST /:name {"maxConcurrent": n}`
 * with a bearer token; JSON errors, never a stack trace; 501 without the `admin_api` entitlement.
 * @throws {TypeError | RangeError} when an option is invalid.
 */
export function createAdminHandler(options: AdminHandlerOptions): AdminRequestListener {
  validateOptions(options);
  const tokenDigest = digest(options.token);
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const protectReads = options.protectReads ?? false;

  const authorize = (request: IncomingMessage): void => {
    if (!hasBearerToken(request, tokenDigest)) {
      throw new HttpError(401, 'unauthorized', 'a valid bearer token is required', {
        'www-authenticate': 'Bearer realm="bulkhead-admin"',
      });
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!isProFeatureEnabled('admin_api')) {
      throw new HttpError(501, 'pro_feature_unavailable', 'the admin API needs a Bulkhead PRO entitlement');
    }
    const registry = options.registry ?? getBulkheadRegistry();
    const segments = routeSegments(request.url, basePath);
    const method = request.method ?? 'GET';
    const name = segments[0];
    if (segments.length > 1) throw new HttpError(404, 'not_found', 'no such route');
    if (name === undefined) {
      if (method !== 'GET')
        throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here`, { allow: 'GET' });
      if (protectReads) authorize(request);
      sendJson(response, 200, { bulkheads: registry.getAllStates() });
      return;
    }
    if (method === 'GET') {
      if (protectReads) authorize(request);
      sendJson(response, 200, { bulkhead: lookup(registry, name).getState() });
      return;
    }
    if (method !== 'PATCH' && method !== 'POST') {
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here`, {
        allow: 'GET, PATCH, POST',
      });
    }
    authorize(request);
    const maxConcurrent = parseResize(await readJsonBody(request));
    const bulkhead = lookup(registry, name);
    const resize = (bulkhead as { resize?: unknown }).resize;
    if (typeof resize !== 'function') {
      throw new HttpError(
        409,
        'not_resizable',
        `compartment '${name}' (${bulkhead.type}) cannot be resized at run time`,
      );
    }
    const previousMaxConcurrent = bulkhead.getState().maxConcurrent;
    resize.call(bulkhead, maxConcurrent);
    getBulkheadLogger().info(
      { event: 'bulkhead.admin_resized', bulkheadName: name, from: previousMaxConcurrent, to: maxConcurrent },
      'Compartment resized through the admin API',
    );
    sendJson(response, 200, { bulkhead: bulkhead.getState(), previousMaxConcurrent });
  };

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(
          response,
          error.status,
          { error: { code: error.apiCode, message: error.message } },
          { ...error.headers },
        );
        return;
      }
      getBulkheadLogger().warn(
        { event: 'bulkhead.admin_error', error: error instanceof Error ? error.message : String(error) },
        'Admin API request failed',
      );
      sendJson(response, 500, { error: { code: 'internal_error', message: 'internal error' } });
    });
  };
}
