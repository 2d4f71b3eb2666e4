/**
 * Builds a rejection error, without a stack trace unless `captureStackTrace` (rejections happen under
 * overload, so they stay cheap by default).
 */
export function buildError<E>(captureStackTrace: boolean, create: () => E): E {
  if (captureStackTrace) return create();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
