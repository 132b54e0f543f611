// Lambda entry of the EventBridge rule on "Step Functions Execution Status Change"
// (kind "reconciler"): the run record and its slot follow the execution's end.
import type { Context } from "aws-lambda";
import { runUuidFor } from "#domain/runs/execution-identity.ts";
import type { ExecutionEndStatus } from "#domain/runs/run-reconciler.ts";
import { Reconciler } from "#domain/runs/run-reconciler.ts";
import { awsApp, once } from "#lambda/aws-host.ts";
import { withInvocation } from "#lambda/invocation.ts";
import { snsAlerts } from "#lambda/sns-alerts.ts";
import type { WorkflowInput } from "#ports/workflow-starter.ts";

export const STATUS_CHANGE = "Step Functions Execution Status Change";
const ENDED: readonly string[] = ["FAILED", "TIMED_OUT", "ABORTED", "SUCCEEDED"];

export type ExecutionStatusChangeEvent = {
  "detail-type": string;
  source?: string;
  detail: {
    executionArn: string;
    stateMachineArn?: string;
    name: string;
    status: string;
    /** The execution's input as a JSON string (null when too large to include). */
    input?: string | null;
    error?: string | null;
    cause?: string | null;
  };
};

export type ExecutionEnd = {
  name: string;
  arn: string;
  status: ExecutionEndStatus;
  cause?: string;
  input?: Partial<WorkflowInput>;
};

function parseInput(raw: string | null | undefined): Partial<WorkflowInput> | undefined {
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Partial<WorkflowInput>) : undefined;
  } catch {
    return undefined;
  }
}

/** The execution end an event reports, or null for anything else (a start, a redrive, another event). */
export function executionEndOf(event: ExecutionStatusChangeEvent): ExecutionEnd | null {
  if (event?.["detail-type"] !== STATUS_CHANGE) return null;
  const d = event.detail;
  if (!d || !ENDED.includes(d.status) || !d.executionArn || !d.name) return null;
  const cause = [d.error, d.cause].filter(Boolean).join(": ");
  return {
    name: d.name,
    arn: d.executionArn,
    status: d.status as ExecutionEndStatus,
    cause: cause || undefined,
    input: parseInput(d.input),
  };
}

const ready = once(async () => {
  const app = await awsApp("reconciler", { alerts: snsAlerts });
  return { app, reconciler: new Reconciler(app.deps) };
});

export async function handler(event: ExecutionStatusChangeEvent, context?: Context): Promise<void> {
  const end = executionEndOf(event);
  const { app, reconciler: r } = await ready();
  if (!end) {
    app.logger.debug("ignored event", {
      detail_type: event?.["detail-type"],
      status: event?.detail?.status,
      execution_arn: event?.detail?.executionArn,
    });
    return;
  }
  const keys = {
    execution_uuid: runUuidFor(end.input, end.name, end.arn),
    job_name: end.input?.job_name,
    execution_status: end.status,
  };
  await withInvocation(app.logger, context, "reconciler", keys, async () => {
    await r.executionEnded(end);
  });
}
