// Fire instants of a stored schedule (croner only): what the scheduler status, next_scheduled_for
// and the local scheduler need, without the description code that only the schedules API uses.
//
// A stored item is not trusted to be evaluable: one written by an older version or edited by hand
// in DynamoDB may carry an expression, time zone or date that the API would refuse today. Such an
// item is reported (`expression_error`) and never fires; it must not break the answers around it.

import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { isValidTimeZone } from "#domain/time.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { nextFireTimes } from "./next-fire-times.ts";
import { type ParsedExpression, parseScheduleExpression } from "./schedule-expression.ts";

export const NEXT_FIRE_COUNT = 5;

export type ScheduleEvaluation =
  | { ok: true; parsed: ParsedExpression; startDate: Date | null; endDate: Date | null; anchor: Date }
  | { ok: false; error: string };

const instant = (value: unknown): Date | null => {
  if (typeof value !== "string") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * The phase of a rate() is pinned, so that what jobdeck predicts and what EventBridge does agree by
 * construction: a rate() is stored with a start_date (its first fire, from which it counts) and
 * EventBridge is always sent a StartDate on that grid (eventbridge-schedule-definition.ts). Without
 * one, EventBridge "starts invoking the target immediately" — at an instant nobody predicted.
 *
 * When a rate() is saved without a start_date (schedule-request.ts), it gets the first whole minute
 * at least RATE_START_MARGIN_MS after the write: whole minutes, as operators read them, and far
 * enough ahead that the StartDate is still to come when EventBridge receives it, SDK retries included.
 */
export const RATE_START_MARGIN_MS = 30_000;

/** The start_date given to a rate() saved at `at` without one. */
export const pinnedRateStart = (at: Date): Date =>
  new Date(Math.ceil((at.getTime() + RATE_START_MARGIN_MS) / 60_000) * 60_000);

/** Where a rate() saved at `at` would count from: its start_date, else the one it would be given. */
export const rateAnchor = (startDate: Date | null, at: Date): Date => startDate ?? pinnedRateStart(at);

/**
 * An item stored before the phase was pinned (a rate() without start_date) counts from its
 * creation, to the whole minute below; EventBridge is sent a StartDate on that grid all the same.
 */
export const legacyRateAnchor = (created: Date): Date =>
  new Date(Math.floor(created.getTime() / 60_000) * 60_000);

/** What evaluating `s` needs, or why it cannot be evaluated. */
export function evaluateSchedule(s: Schedule): ScheduleEvaluation {
  if (typeof s.schedule_expression !== "string")
    return { ok: false, error: "schedule_expression is missing" };
  const parsed = parseScheduleExpression(s.schedule_expression);
  if (!parsed.ok) return { ok: false, error: parsed.message };
  if (typeof s.timezone !== "string" || !isValidTimeZone(s.timezone))
    return { ok: false, error: `unknown time zone '${String(s.timezone)}'` };
  const startDate = s.start_date == null ? null : instant(s.start_date);
  if (s.start_date != null && !startDate)
    return { ok: false, error: `start_date '${String(s.start_date)}' is not a valid time` };
  const endDate = s.end_date == null ? null : instant(s.end_date);
  if (s.end_date != null && !endDate)
    return { ok: false, error: `end_date '${String(s.end_date)}' is not a valid time` };
  const created = instant(s.created_at);
  const anchor = startDate ?? (created ? legacyRateAnchor(created) : null);
  if (!anchor)
    return {
      ok: false,
      error: `created_at '${String(s.created_at)}' is not a valid time (a rate() counts from it)`,
    };
  return { ok: true, parsed: parsed.value, startDate, endDate, anchor };
}

/**
 * Next fire instants of `s`, strictly after `from`, or — for an item that cannot be evaluated —
 * none and the reason. Never throws and never returns an invalid Date.
 */
export function fireTimesOf(
  s: Schedule,
  from: Date,
  count = NEXT_FIRE_COUNT,
): { times: Date[]; error: string | null } {
  const e = evaluateSchedule(s);
  if (!e.ok) return { times: [], error: e.error };
  let times: Date[];
  try {
    times = nextFireTimes(e.parsed, {
      timezone: s.timezone,
      from,
      count,
      startDate: e.startDate,
      endDate: e.endDate,
      anchor: e.anchor,
    });
  } catch (err) {
    // A defect of ours, not the client's: the item is still reported rather than breaking a list.
    return { times: [], error: `cannot be evaluated: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (times.some((t) => Number.isNaN(t.getTime())))
    return { times: [], error: "cannot be evaluated: it gives an invalid time" };
  return { times, error: null };
}

/**
 * As fireTimesOf, for a reader that only skips such an item: it is reported on the schedule itself
 * (expression_error), and here logged once per read as left out of `what`.
 */
export function fireTimesOrSkip(
  s: Schedule,
  from: Date,
  count: number,
  logger: Pick<JobLogger, "warn">,
  what: string,
): Date[] {
  const { times, error } = fireTimesOf(s, from, count);
  if (error)
    logger.warn(`schedule left out of ${what}: it cannot be evaluated`, {
      schedule_id: s.id,
      schedule_name: s.name,
      error,
    });
  return times;
}

/** Next fire instants of `s`, strictly after `from`; none for an item that cannot be evaluated. */
export function scheduleFireTimes(s: Schedule, from: Date, count = NEXT_FIRE_COUNT): Date[] {
  return fireTimesOf(s, from, count).times;
}
