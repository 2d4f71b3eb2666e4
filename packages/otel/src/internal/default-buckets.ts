/** Default bounds (seconds) of the wait-time histogram: queueing is usually short, sometimes long. */
export const DEFAULT_WAIT_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** Default bounds (seconds) of the call-duration histogram (prom-client's defaults). */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);
