// The trading day a run is for: the JST calendar date of its logical time (ctx.scheduledFor: the
// schedule's fire time, a backfill's time, else the trigger time). A fire at 18:30 JST is 09:30 UTC
// the same day; a backfill of last Monday's 18:30 fire asks for last Monday's bars.

const JST_OFFSET_MS = 9 * 3600 * 1000; // Japan has no daylight saving time

/** `at` as a JST calendar date, YYYY-MM-DD. */
export function jstDate(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The run's logical date in JST. `scheduledFor` is read when the host provides it (issue 16's
 * ctx.scheduledFor); without it (or unreadable) the run is for `now`, as a manual trigger is.
 */
export function logicalDate(ctx: { readonly scheduledFor?: string | null }, now: Date = new Date()): string {
  const at = ctx.scheduledFor ? new Date(ctx.scheduledFor) : now;
  return jstDate(Number.isNaN(at.getTime()) ? now : at);
}
