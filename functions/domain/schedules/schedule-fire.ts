// What a schedule's fire hands the job's workflow: the same input from EventBridge Scheduler (its
// target input, with the scheduled time substituted by the service) and from the local scheduler.
import type { ScheduleFireInput } from "#ports/schedule-backend.ts";
import type { Schedule } from "#schemas/schedule.ts";

export function fireInputOf(schedule: Schedule, scheduledTime: string): ScheduleFireInput {
  return {
    job_name: schedule.job_name,
    schedule_id: schedule.id,
    schedule_name: schedule.name,
    params: schedule.params,
    trigger_source: "schedule",
    scheduled_time: scheduledTime,
    execution_policy: schedule.execution_policy,
    queue_timeout_seconds: schedule.queue_timeout_seconds,
  };
}
