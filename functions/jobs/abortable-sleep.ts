// A wait a job can be cancelled out of: the example jobs pace themselves with it (a demo's stage
// length, a paced ingestion), and a cancel or timeout ends the wait at once instead of after it.

/**
 * Sleeps `ms`, returning early when `signal` fires (the caller then checks for cancellation); with
 * no signal, a plain wait (http-json.ts's retry waits take one when the job passes its own).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
