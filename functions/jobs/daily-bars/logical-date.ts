// The trading day a run is for: the JST calendar date of its logical time (ctx.scheduledFor: the
// schedule's fire time, a backfill's time, else the trigger time). A fire at 18:30 JST is 09:30 UTC
// the same day; a backfill of last Monday's 18:30 fire asks for last Monday's bars.

const JST_OFFSET_MS = 9 * 3600 * 1000; // Japan has no daylight saving time

/** `at` as a JST calendar date, YYYY-MM-DD. */
export function jstDate(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The run's logical date in JST (not the worker's clock: a retry or a late start keeps its day). */
export function logicalDate(ctx: { readonly scheduledFor: Date }): string {
  return jstDate(ctx.scheduledFor);
}
