// Issue 16: the logical time a run is for (Run.scheduled_for, the job's ctx.scheduledFor) and the
// backfill it belongs to, read from its workflow input: a schedule's fire time (EventBridge's
// <aws.scheduler.scheduled-time>), a backfill's chosen time, else the moment the run is created.
import type { WorkflowInput } from "#ports/workflow-starter.ts";

const instant = (s: string | null | undefined): string | null =>
  s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : null;

export function logicalTime(
  input: Pick<WorkflowInput, "scheduled_time" | "scheduled_for" | "backfill_id">,
  now: Date,
): { scheduled_for: string; backfill_id: string | null } {
  return {
    scheduled_for: instant(input.scheduled_for) ?? instant(input.scheduled_time) ?? now.toISOString(),
    backfill_id: input.backfill_id ?? null,
  };
}
