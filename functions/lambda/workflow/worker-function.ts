// Lambda entry of a job's RunWorker Task (kind "worker"): one function per job,
// named by JOBDECK_JOB_NAME; the state machine passes the whole workflow state.
import type { Context } from "aws-lambda";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import { awsApp, once } from "#lambda/aws-host.ts";
import { withInvocation } from "#lambda/invocation.ts";
import { createRunWorker, type WorkerPayload } from "#workflow/worker-handler.ts";

const ready = once(async () => {
  const app = await awsApp("worker");
  return { app, run: createRunWorker({ ...app.deps, openStores: app.openStores, secrets: app.secrets }) };
});

/** A worker runs only its own job: a state of another job means the state machine is miswired. */
export function assertOwnJob(payload: WorkerPayload, jobName: string | null): void {
  const asked = payload?.run?.job_name;
  if (asked !== undefined && asked !== jobName) {
    throw new Error(
      `jobdeck: this worker runs job '${jobName}' (JOBDECK_JOB_NAME) and refuses a run of job '${asked}' ` +
        `(execution_uuid ${payload.run?.execution_uuid ?? "?"}); check the state machine's worker ARN`,
    );
  }
}

export async function handler(payload: WorkerPayload, context?: Context): Promise<WorkflowState> {
  const { app, run } = await ready();
  const keys = {
    execution_uuid: payload?.run?.execution_uuid,
    job_name: app.config.jobName,
    attempt: payload?.run?.attempt,
  };
  return withInvocation(app.logger, context, "worker", keys, async () => {
    assertOwnJob(payload, app.config.jobName);
    return run(payload);
  });
}
