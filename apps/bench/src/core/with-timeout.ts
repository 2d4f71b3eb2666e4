/** Error a user-land timeout rejects with (peers without a per-waiter timeout). */
export class UserLandTimeoutError extends Error {
  constructor(timeout: number) {
    super(`timed out after ${timeout} ms`);
    this.name = 'UserLandTimeoutError';
  }
}

/**
 * What a user of a limiter without per-waiter timeouts writes: race the call against one
 * `setTimeout`, cleared when the call settles. The waiter itself stays in the limiter's queue.
 */
export function withTimeout<T>(promise: Promise<T>, timeout: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new UserLandTimeoutError(timeout)), timeout);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
