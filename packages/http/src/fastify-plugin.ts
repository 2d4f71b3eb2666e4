import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHttpBulkheadGuard, type HttpBulkheadGuard } from './http-bulkhead-guard.js';
import type { HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';

/** The part of a Fastify request the hook uses (structural: fastify is never imported). */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  readonly url: string;
}

/** The part of a Fastify reply the hook uses. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
  code(statusCode: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: string): FastifyReplyLike;
}

/** A Fastify `onRequest` (or `preHandler`) hook that carries its guard. */
export interface FastifyBulkheadHook {
  (request: FastifyRequestLike, reply: FastifyReplyLike): Promise<FastifyReplyLike | undefined>;
  /** The guard behind the hook. */
  readonly guard: HttpBulkheadGuard;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(name: 'onRequest', hook: FastifyBulkheadHook): unknown;
  addHook(name: 'onClose', hook: (instance: never, done: () => void) => void): unknown;
}

/** The plugin function, marked like `fastify-plugin` output so its hook applies to the registering scope. */
export interface FastifyBulkheadPlugin {
  (instance: FastifyInstanceLike, options: HttpBulkheadGuardOptions, done: (error?: Error) => void): void;
  readonly [key: symbol]: unknown;
}

/**
 * A Fastify hook for one route or scope (`onRequest: createBulkheadFastifyHook({ bulkhead })`).
 * Rejected requests get the 503 problem document and the route handler never runs.
 * @throws {TypeError | RangeError} when an option is invalid.
 */
export function createBulkheadFastifyHook(options: HttpBulkheadGuardOptions): FastifyBulkheadHook {
  const guard = createHttpBulkheadGuard(options);
  const hook = async (request: FastifyRequestLike, reply: FastifyReplyLike) => {
    const admission = await guard.admit(request.raw, reply.raw);
    if (admission.admitted) return undefined;
    if (admission.rejection === undefined) return reply;
    return reply
      .code(admission.rejection.statusCode)
      .headers(admission.rejection.headers)
      .send(admission.rejection.body);
  };
  return Object.assign(hook, { guard });
}

function registerBulkhead(
  instance: FastifyInstanceLike,
  options: HttpBulkheadGuardOptions,
  done: (error?: Error) => void,
): void {
  let hook: FastifyBulkheadHook;
  try {
    hook = createBulkheadFastifyHook(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  instance.addHook('onRequest', hook);
  instance.addHook('onClose', (_instance, closed) => {
    hook.guard.dispose();
    closed();
  });
  done();
}

/**
 * Fastify plugin: `app.register(bulkheadFastifyPlugin, { bulkhead })` protects every route of the
 * scope that registers it (it skips Fastify's encapsulation like `fastify-plugin` does).
 */
export const bulkheadFastifyPlugin: FastifyBulkheadPlugin = Object.assign(registerBulkhead, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@x/bulkhead-http',
  [Symbol.for('plugin-meta')]: { name: '@x/bulkhead-http' },
});
