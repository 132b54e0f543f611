// Why a job or a schedule will not run next (issue 14, problems 1 and 2), most fundamental first:
// every "no next run" on the page says one of these.
import type { JobView, ScheduleView } from "./api.ts";
import type { MessageKey } from "./i18n.ts";

type ScheduleLike = Pick<ScheduleView, "enabled" | "expression_error"> & { next?: string | null };

/** The reason a schedule does not fire next, most fundamental first; null when it will fire. */
export function scheduleBlock(s: ScheduleLike, jobEnabled: boolean, paused: boolean): MessageKey | null {
  if (s.expression_error) return "no_next_expression";
  if (!s.enabled) return "no_next_schedule_off";
  if (!jobEnabled) return "no_next_job_disabled";
  if (paused) return "no_next_paused";
  if (s.next === null) return "no_next_ended";
  return null;
}

/** The reason a job has no next scheduled run; null when it has one. */
export function jobBlock(job: JobView, paused: boolean): MessageKey | null {
  if (!job.enabled) return "no_next_job_disabled";
  if (job.schedules.length === 0) return "no_next_no_schedule";
  if (!job.schedules.some((s) => s.enabled)) return "no_next_schedule_off";
  if (paused) return "no_next_paused";
  if (!job.next_scheduled_for) {
    return job.schedules.some((s) => s.enabled && !s.expression_error)
      ? "no_next_ended"
      : "no_next_expression";
  }
  return null;
}
