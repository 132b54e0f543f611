// Lambda entry behind every non-worker Task state of statemachines/run-job.asl.json
// (kind "steps" of functions/config/env-contract.ts). The payload names the step.

import type { Context } from "aws-lambda";
import { runUuidFor } from "#domain/runs/execution-identity.ts";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import { awsApp, once } from "#lambda/aws-host.ts";
import { withInvocation } from "#lambda/invocation.ts";
import { snsAlerts } from "#lambda/sns-alerts.ts";
import { createStepsHandler, type StepPayload } from "#workflow/steps-handler.ts";

const ready = once(async () => {
  // The end of a run is retried while DynamoDB is down, within this Lambda's 60-s timeout
  // (Step Functions' own retries of FailRun take over after that).
  const app = await awsApp("steps", { alerts: snsAlerts, settings: { storeRetrySeconds: 45 } });
  return { app, run: createStepsHandler(app.deps) };
});

/** The run this payload is about (for the log lines), when it can tell. */
export function stepExecutionUuid(payload: StepPayload): string | undefined {
  try {
    return (
      payload.state?.run?.execution_uuid ??
      runUuidFor(payload.state?.input, payload.execution.name, payload.execution.arn)
    );
  } catch {
    return undefined;
  }
}

export async function handler(payload: StepPayload, context?: Context): Promise<WorkflowState> {
  const { app, run } = await ready();
  const keys = {
    execution_uuid: stepExecutionUuid(payload),
    job_name: payload.state?.run?.job_name ?? payload.state?.input?.job_name,
    step: payload.step,
  };
  return withInvocation(app.logger, context, "steps", keys, () => run(payload));
}
