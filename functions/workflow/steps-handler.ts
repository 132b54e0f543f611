// Thin handler behind every non-worker Task state of statemachines/run-job.asl.json.
// The payload names the step; the logic lives in domain/runs/workflow-steps.ts. Each step also
// counts what the execution used (run-cost.ts: transitions, its own invocation and duration).
import type { CoreDeps } from "#domain/core-deps.ts";
import { regionOfArn } from "#domain/runs/prices.ts";
import { addStepTime, countRetryWait, countStep } from "#domain/runs/run-cost.ts";
import type { ExecutionRef, WorkflowState } from "#domain/runs/workflow-state.ts";
import { WorkflowSteps } from "#domain/runs/workflow-steps.ts";

export const STEP_NAMES = ["begin", "take_slot", "attempt_failed", "finish_run", "fail_run"] as const;
/**
 * Steps of earlier definitions still served: an execution keeps the definition it started with,
 * so one started just before a deploy may still call StartRun on the new steps Lambda.
 */
export const LEGACY_STEP_NAMES = ["start_run"] as const;
export type StepName = (typeof STEP_NAMES)[number] | (typeof LEGACY_STEP_NAMES)[number];

export type StepPayload = { step: StepName; state: WorkflowState; execution: ExecutionRef };

export function createStepsHandler(deps: CoreDeps) {
  const steps = new WorkflowSteps(deps);
  const run = async (payload: StepPayload): Promise<WorkflowState> => {
    const region = regionOfArn(payload.execution?.arn);
    switch (payload.step) {
      case "begin":
        return steps.begin(countStep(payload.state, "begin", region), payload.execution);
      case "start_run":
        // Kept for executions started before BeginRun replaced StartRun + TakeSlot (a deploy mid-run).
        return steps.startRun(payload.state, payload.execution);
      case "take_slot":
        return steps.takeSlot(countStep(payload.state, "take_slot", region));
      case "attempt_failed":
        return countRetryWait(await steps.attemptFailed(countStep(payload.state, "attempt_failed", region)));
      case "finish_run":
        return steps.finishRun(countStep(payload.state, "finish_run", region));
      case "fail_run":
        return steps.failRun(countStep(payload.state, "fail_run", region));
      default:
        throw new Error(`unknown workflow step ${String((payload as { step: unknown }).step)}`);
    }
  };
  return async (payload: StepPayload): Promise<WorkflowState> => {
    const started = deps.clock.now().getTime();
    const next = await run(payload);
    return addStepTime(next, deps.clock.now().getTime() - started);
  };
}
