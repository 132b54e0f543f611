// What the schedules service does after a write step fails: log it with the schedule id and, when it
// can help, make the executor's copy of that one schedule follow the table now (the top of
// schedule-service.ts says when); what it cannot repair, the sweeper's periodic reconcile does.
import type { CoreDeps } from "#domain/core-deps.ts";
import { DomainError } from "#domain/errors.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { followTable, SCHEDULE_RECONCILE_INTERVAL_MINUTES } from "./schedule-sync.ts";

export type WriteOp = "create" | "update" | "delete";

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Logs a failed step with the schedule id and, when it can help (see the top of schedule-service.ts), makes
 * the executor follow the table for this schedule now. Never throws: the caller answers with the
 * original error (or, when the table write went through, with success).
 */
export async function afterFailedWrite(
  deps: CoreDeps,
  op: WriteOp,
  scheduleId: string,
  step: "executor" | "table",
  error: unknown,
  failsRequest: boolean,
): Promise<void> {
  const { logger } = deps;
  const fields = { schedule_id: scheduleId, operation: op, step, error: messageOf(error) };
  if (step === "executor" && error instanceof DomainError && error.status < 500) {
    logger.info("schedule write refused by the executor; nothing was changed", fields);
    return;
  }
  const later = `left to the periodic reconcile (within ${SCHEDULE_RECONCILE_INTERVAL_MINUTES} minutes)`;
  if (step === "table" && isStoreUnavailable(error)) {
    logger.error("schedule write failed: the table is unavailable", { ...fields, repair: later });
    return;
  }
  try {
    const done = await followTable(deps, scheduleId);
    logger.error(
      failsRequest
        ? "schedule write failed; the executor now follows the table"
        : "schedule stored, but its executor copy was not updated; the executor now follows the table",
      { ...fields, repair: done },
    );
  } catch (repairError) {
    logger.error("schedule write failed and the executor could not be repaired at once", {
      ...fields,
      repair: later,
      repair_error: messageOf(repairError),
    });
  }
}

/** After a name conflict undid a write: the executor's copy follows the table again (logged if it cannot). */
export async function repairAfterConflict(deps: CoreDeps, op: WriteOp, scheduleId: string): Promise<void> {
  try {
    await followTable(deps, scheduleId);
  } catch (e) {
    deps.logger.error("schedule name conflict: the executor's copy could not be put back", {
      schedule_id: scheduleId,
      operation: op,
      error: messageOf(e),
      repair: `left to the periodic reconcile (within ${SCHEDULE_RECONCILE_INTERVAL_MINUTES} minutes)`,
    });
  }
}
