import { type Bulkhead, KeyedBulkhead } from '@x/bulkhead-core';
import {
  validateInteger,
  validateIntegerOrInfinity,
  validateKnownKeys,
  validateOptionsObject,
} from '@x/bulkhead-core/extension';
import type { BulkheadInterceptorOptions } from './bulkhead-interceptor-options.js';

/** The default `bulkheadFor`: one compartment per origin (a `KeyedBulkhead` keyed by origin). */
export function perOriginCompartments(options: BulkheadInterceptorOptions): (origin: string) => Bulkhead {
  const perOrigin = options.perOrigin ?? {};
  validateOptionsObject('options.perOrigin', perOrigin);
  validateKnownKeys(perOrigin, ['maxConcurrent', 'maxQueue'], 'options.perOrigin');
  const maxConcurrent =
    perOrigin.maxConcurrent === undefined
      ? 10
      : validateInteger('perOrigin.maxConcurrent', perOrigin.maxConcurrent, 1);
  const maxQueue =
    perOrigin.maxQueue === undefined
      ? Number.POSITIVE_INFINITY
      : validateIntegerOrInfinity('perOrigin.maxQueue', perOrigin.maxQueue, 0);
  const maxKeys =
    options.maxOrigins === undefined ? 1000 : validateInteger('maxOrigins', options.maxOrigins, 1);
  const idleTimeout =
    options.originIdleTimeout === undefined
      ? 60_000
      : validateInteger('originIdleTimeout', options.originIdleTimeout, 1);
  const origins = new KeyedBulkhead('http-origins', {
    perKey: { maxConcurrent, maxQueue },
    maxKeys,
    idleTimeout,
  });
  return (origin) => origins.forKey(origin);
}
