// Thin handler behind every non-worker Task state of statemachines/run-job.asl.json.
// The payload names the step; the logic lives in domain/runs/workflow-steps.ts.
import type { CoreDeps } from "#domain/core-deps.ts";
import type { ExecutionRef, WorkflowState } from "#domain/runs/workflow-state.ts";
import { WorkflowSteps } from "#domain/runs/workflow-steps.ts";

export const STEP_NAMES = ["start_run", "take_slot", "attempt_failed", "finish_run", "fail_run"] as const;
export type StepName = (typeof STEP_NAMES)[number];

export type StepPayload = { step: StepName; state: WorkflowState; execution: ExecutionRef };

export function createStepsHandler(deps: CoreDeps) {
  const steps = new WorkflowSteps(deps);
  return async (payload: StepPayload): Promise<WorkflowState> => {
    switch (payload.step) {
      case "start_run":
        return steps.startRun(payload.state, payload.execution);
      case "take_slot":
        return steps.takeSlot(payload.state);
      case "attempt_failed":
        return steps.attemptFailed(payload.state);
      case "finish_run":
        return steps.finishRun(payload.state);
      case "fail_run":
        return steps.failRun(payload.state);
      default:
        throw new Error(`unknown workflow step ${String((payload as { step: unknown }).step)}`);
    }
  };
}
