export { bulkheadMiddleware, type ExpressBulkheadMiddleware } from './express-middleware.js';
export {
  bulkheadFastifyPlugin,
  createBulkheadFastifyHook,
  type FastifyBulkheadHook,
  type FastifyBulkheadPlugin,
  type FastifyInstanceLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
} from './fastify-plugin.js';
export {
  createHttpBulkheadGuard,
  type HttpAdmission,
  type HttpBulkheadGuard,
  type HttpRejection,
  writeRejection,
} from './http-bulkhead-guard.js';
export type { BulkheadSelector, HttpBulkheadGuardOptions } from './http-bulkhead-guard-options.js';
export {
  type ProtectedRequestContext,
  type ProtectedRequestHandler,
  type ProtectedRequestListener,
  withBulkhead,
} from './node-http-handler.js';
export {
  type BulkheadProblemDetails,
  createProblemDetails,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetailsInput,
} from './problem-details.js';
export { estimateRetryAfterSeconds, type RetryAfterInput } from './retry-after.js';
export { ServiceTimeEstimator, type ServiceTimeEstimatorOptions } from './service-time-estimator.js';
