/** The protected function of every scenario: an async no-op, so only the limiter is measured. */
export async function work(): Promise<number> {
  return 1;
}

/** Swallows an expected rejection. */
export function ignoreRejection(): void {}
