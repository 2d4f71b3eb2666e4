import { constructError } from '@x/bulkhead-core/extension';

/**
 * Builds a rejection error, without a stack trace unless `captureStackTrace` (rejections happen under
 * overload, so they stay cheap by default). Core's `constructError`, under the name this package uses.
 */
export const buildError: <E>(captureStackTrace: boolean, create: () => E) => E = constructError;
