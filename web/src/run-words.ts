// What a run's summary says, in the operator's words where the page knows them. A cancel is not an
// error (issue 14, problem 10): "cancelled by <who>" (functions/domain/runs/run-commands.ts writes
// it) is shown as who cancelled, never in the red error column.
import type { Run } from "#schemas/run.ts";

/** Who cancelled `run`, or undefined when it was not cancelled by someone. */
export function cancelledBy(run: Pick<Run, "status" | "error_summary">): string | undefined {
  return run.status === "CANCELLED" ? /^cancelled by (.+)$/.exec(run.error_summary ?? "")?.[1] : undefined;
}
