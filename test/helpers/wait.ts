// Waiting on a live stack: ask again until the answer is the one wanted, bounded in time.

/** Asks `f` every `everyMs` until `ok` holds or `ms` pass; answers the last value either way. */
export async function poll<T>(
  f: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  let v = await f();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, everyMs));
    v = await f();
  }
  return v;
}

/** As `poll`, but a condition not met in time is an error naming the last value. */
export async function until<T>(
  f: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
  everyMs = 100,
): Promise<T> {
  const v = await poll(f, ok, ms, everyMs);
  if (!ok(v)) throw new Error(`condition not met; last: ${JSON.stringify(v)}`);
  return v;
}

/** Whether a process `pid` still exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
