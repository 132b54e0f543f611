// Issue 16, cooldown after a manual run (seed 000: 手動実行後のクールダウン): a job may declare
// `cooldown_seconds_after_manual`; a scheduled fire that falls within that many seconds after the
// start of the job's latest manual run is skipped with reason "cooldown". Pure, shared by the
// fire path, next_scheduled_for and the calendar.
import type { JobDefinition } from "./job-definition.ts";

/** Trigger sources that count as "a manual run" for the cooldown. */
export const MANUAL_TRIGGER_SOURCES = ["manual", "api", "rerun"] as const;

/** When the cooldown after a manual run that started at `manualStartedAt` ends; null when the job has none. */
export function cooldownEnd(
  job: Pick<JobDefinition, "cooldown_seconds_after_manual">,
  manualStartedAt: Date | string | null,
): Date | null {
  const seconds = job.cooldown_seconds_after_manual ?? 0;
  if (!seconds || manualStartedAt === null) return null;
  const start = typeof manualStartedAt === "string" ? new Date(manualStartedAt) : manualStartedAt;
  return new Date(start.getTime() + seconds * 1000);
}

/** Whether a fire at `fireAt` falls in the cooldown that ends at `end` (a fire exactly at the end runs). */
export function inCooldown(fireAt: Date, manualStartedAt: Date | string | null, end: Date | null): boolean {
  if (!end || manualStartedAt === null) return false;
  const start = typeof manualStartedAt === "string" ? new Date(manualStartedAt) : manualStartedAt;
  return fireAt.getTime() >= start.getTime() && fireAt.getTime() < end.getTime();
}
