// `@x/bulkhead-http/undici`: a bulkhead interceptor for undici dispatchers (and so for `fetch`). undici is an optional
// peer: this entry imports nothing from it, it only implements undici's interceptor interface.

export { bulkheadInterceptor } from './undici/bulkhead-interceptor.js';
export type { BulkheadInterceptorOptions } from './undici/bulkhead-interceptor-options.js';
export type {
  Dispatch,
  DispatchController,
  DispatchHandler,
  DispatchInterceptor,
  DispatchOptions,
} from './undici/dispatch-types.js';
