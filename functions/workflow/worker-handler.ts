// Thin handler of the RunWorker Task: runs one attempt of the job and returns its counts.

import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition, JobStoresOf } from "#domain/jobs/job-definition.ts";
import { bindLogger } from "#domain/logging.ts";
import { executeJob } from "#domain/runs/job-attempt.ts";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import type { Progress } from "#schemas/run.ts";

/** The worker is called with the whole workflow state (direct Lambda ARN resource, no Parameters). */
export type WorkerPayload = WorkflowState;

/** Opens the stores `job` declares (the host knows their tables and its DynamoDB client). */
export type StoreOpener = (job: JobDefinition) => JobStoresOf;

export function createRunWorker(deps: CoreDeps & { openStores: StoreOpener; minWriteIntervalMs?: number }) {
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
    let previous: Progress | null = null;
    if (run.attempt > 1) {
      try {
        previous = (await deps.runs.get(run.execution_uuid))?.progress ?? null;
      } catch (e) {
        // The earlier attempt's stages are a nicety: a store that is down does not stop the attempt.
        if (!isStoreUnavailable(e)) throw e;
        logger.warn("could not read the earlier attempt's progress", { error: String(e) });
      }
    }
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
        stores: deps.openStores(job),
        logger,
        signal,
        now: () => deps.clock.now(),
        minWriteIntervalMs: deps.minWriteIntervalMs,
      },
    );
    // The run's real end: the final record may land later if the store is slow or down.
    const ended_at = deps.clock.now().toISOString();
    logger.info("worker finished", { ...result.counts });
    return { ...state, result: { ...result, ended_at } };
  };
}
