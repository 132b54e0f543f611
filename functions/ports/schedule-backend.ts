import type { Schedule } from "#schemas/schedule.ts";

/**
 * The executor of schedules: EventBridge Scheduler in AWS, the in-process scheduler locally.
 * Calls are idempotent (put = create or update), so retrying a half-done operation repairs it.
 */
export interface ScheduleBackend {
  /** Creates or updates the executor's copy of `schedule` (same expression, zone, state, target). */
  put(schedule: Schedule): Promise<void>;
  /** Deletes it; no error if it does not exist. */
  remove(scheduleId: string): Promise<void>;
  /** Brings the executor in line with the table: create missing, delete orphans, fix drift. */
  reconcile(schedules: readonly Schedule[]): Promise<ReconcileReport>;
}

export type ReconcileReport = { created: string[]; updated: string[]; deleted: string[]; unchanged: number };

/** What a fired schedule sends to the job's workflow (the EventBridge target input). */
export type ScheduleFireInput = {
  job_name: string;
  schedule_id: string;
  schedule_name: string;
  params: Record<string, unknown>;
  trigger_source: "schedule";
  /** `<aws.scheduler.scheduled-time>` in AWS; the planned instant locally. */
  scheduled_time: string;
  execution_policy: string;
  queue_timeout_seconds: number;
};
