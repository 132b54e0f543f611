// What the RunWorker state hands FinishRun as $.result. A Lambda worker and a task that reported
// through SendTaskSuccess give the job's {counts, progress, ended_at} (TaskResult). A fargate task
// whose container exited 0 without SendTaskSuccess also ends an ecs:runTask.sync state
// successfully, with ECS's description of the stopped task as its output: that is no result, and
// the run must not be recorded SUCCESS with no counts. Pure.
import type { TaskResult } from "#ports/task-reporter.ts";
import { ecsTaskOf } from "./ecs-stop-reasons.ts";

const COUNT_FIELDS = ["input_count", "inserted_count", "updated_count", "skipped_count", "error_count"];

/** Whether `value` is the job's own result (its counts), not something else in its place. */
export function isTaskResult(value: unknown): value is TaskResult {
  if (typeof value !== "object" || value === null) return false;
  const counts = (value as { counts?: unknown }).counts;
  if (typeof counts !== "object" || counts === null) return false;
  return COUNT_FIELDS.every((k) => typeof (counts as Record<string, unknown>)[k] === "number");
}

/** The error_summary of a run whose task ended without reporting (its result is `value`). */
export function taskEndedUnreported(value: unknown): string {
  const task = ecsTaskOf(value);
  const arn = task ? (task.TaskArn ?? task.taskArn) : undefined;
  const reason = task ? (task.StoppedReason ?? task.stoppedReason) : undefined;
  const about = [
    typeof arn === "string" ? `task ${arn.split("/").pop()}` : null,
    typeof reason === "string" && reason ? `ECS: ${reason}` : null,
  ].filter(Boolean);
  return (
    "the task ended without reporting its result: its container exited 0 without SendTaskSuccess " +
    "(the process ended before runTaskAttempt reported, or the entry is not task-main)" +
    (about.length ? ` (${about.join("; ")})` : "")
  );
}
