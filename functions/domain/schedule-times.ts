// Fire instants of a stored schedule (croner only): what the scheduler status, next_scheduled_for
// and the local scheduler need, without the description code that only the schedules API uses.
import type { Schedule } from "../schemas/schedule.ts";
import { nextFireTimes, parseScheduleExpression } from "./schedule-expression.ts";

export const NEXT_FIRE_COUNT = 5;

/** Next fire instants of `s`, strictly after `from`. */
export function scheduleFireTimes(s: Schedule, from: Date, count = NEXT_FIRE_COUNT): Date[] {
  const parsed = parseScheduleExpression(s.schedule_expression);
  if (!parsed.ok) return [];
  return nextFireTimes(parsed.value, {
    timezone: s.timezone,
    from,
    count,
    startDate: s.start_date ? new Date(s.start_date) : null,
    endDate: s.end_date ? new Date(s.end_date) : null,
    // rate() counts from start_date, else from creation — to the whole minute, as operators read it.
    anchor: s.start_date
      ? new Date(s.start_date)
      : new Date(Math.floor(Date.parse(s.created_at) / 60_000) * 60_000),
  });
}
