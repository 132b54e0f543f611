// Issue 16 part 1: GET /v1/calendar, served by the jobs function (it already reads what the
// calendar needs: schedules, the jobs' flags and their runs by job; no new grant).
import { codedIssue, ValidationError } from "#domain/errors.ts";
import { CalendarService } from "#domain/schedules/calendar-service.ts";
import { CALENDAR_MAX_DAYS, CalendarQuerySchema } from "#schemas/calendar.ts";
import type { ApiApp } from "./app.ts";
import type { ApiRequest } from "./http.ts";
import { parseWith } from "./http.ts";

const DAY_MS = 86_400_000;

export function calendarRoutes(app: ApiApp) {
  const calendar = new CalendarService(app.deps);
  return {
    "GET /v1/calendar": async (req: ApiRequest) => {
      const q = parseWith(CalendarQuerySchema, req.query, "query");
      const from = new Date(q.from);
      const to = new Date(q.to);
      // Checked here rather than in the schema: each names `to`, the bound a client would move.
      if (to.getTime() <= from.getTime())
        throw new ValidationError("invalid query", [
          codedIssue("to", "must be later than from", { code: "end_before_start" }),
        ]);
      if (to.getTime() - from.getTime() > CALENDAR_MAX_DAYS * DAY_MS)
        throw new ValidationError("invalid query", [
          codedIssue("to", `must be at most ${CALENDAR_MAX_DAYS} days after from`, {
            code: "max_window_days",
            params: { n: CALENDAR_MAX_DAYS },
          }),
        ]);
      const body = await calendar.window({ from, to, job_name: q.job_name });
      return { status: 200 as const, body };
    },
  };
}
