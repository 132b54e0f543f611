// Thin handler of the RunWorker Task: runs one attempt of the job and returns its counts.
import type { CoreDeps } from "../domain/deps.ts";
import type { JobServices } from "../domain/job.ts";
import { executeJob } from "../domain/job-runner.ts";
import { bindLogger } from "../domain/logging.ts";
import type { WorkflowState } from "../domain/workflow-steps.ts";

/** The worker is called with the whole workflow state (direct Lambda ARN resource, no Parameters). */
export type WorkerPayload = WorkflowState;

export function createRunWorker(deps: CoreDeps & { services: JobServices; minWriteIntervalMs?: number }) {
  return async (payload: WorkerPayload, signal?: AbortSignal): Promise<WorkflowState> => {
    const state = payload;
    const run = state.run;
    if (!run) throw new Error("worker called without a run context");
    const job = deps.registry.get(run.job_name);
    const logger = bindLogger(deps.logger, {
      execution_uuid: run.execution_uuid,
      job_name: run.job_name,
      attempt: run.attempt,
    });
    const previous = run.attempt > 1 ? ((await deps.runs.get(run.execution_uuid))?.progress ?? null) : null;
    logger.info("worker started");
    const result = await executeJob(
      {
        job,
        executionUuid: run.execution_uuid,
        attempt: run.attempt,
        params: run.params,
        timeoutSeconds: run.timeout_seconds,
        previous,
      },
      {
        sink: { write: (snap) => deps.runs.writeProgress(run.execution_uuid, snap) },
        services: deps.services,
        logger,
        signal,
        now: () => deps.clock.now(),
        minWriteIntervalMs: deps.minWriteIntervalMs,
      },
    );
    logger.info("worker finished", { ...result.counts });
    return { ...state, result };
  };
}
