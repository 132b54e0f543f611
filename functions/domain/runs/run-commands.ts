// Operator actions on one run: cancel (stop its execution; the job's signal fires) and rerun
// (same job and params, trigger_source "rerun", subject to the same 409 rules as a trigger).

import { AuditTrail } from "#domain/audit.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { ConflictError, NotFoundError } from "#domain/errors.ts";
import type { Run } from "#schemas/run.ts";
import { isFinished } from "./run-lifecycle.ts";
import { type TriggerResult, TriggerService } from "./trigger-service.ts";
import { WorkflowSteps } from "./workflow-steps.ts";

export class RunCommands {
  private readonly steps: WorkflowSteps;
  private readonly triggers: TriggerService;

  constructor(private readonly deps: CoreDeps) {
    this.steps = new WorkflowSteps(deps);
    this.triggers = new TriggerService(deps);
  }

  private async require(id: string): Promise<Run> {
    const run = await this.deps.runs.get(id.toLowerCase());
    if (!run) throw new NotFoundError("run", id);
    return run;
  }

  /**
   * The run is CANCELLED before the answer is sent, then its execution is stopped. A worker that is
   * still running learns it at its next progress write (the run is no longer RUNNING) and its
   * cancellation signal fires, so a job can stop cleanly.
   */
  async cancel(id: string, actor: string): Promise<Run> {
    const run = await this.require(id);
    if (isFinished(run.status)) {
      throw new ConflictError(
        "already_finished",
        `run ${run.execution_uuid} already ended with ${run.status}`,
        {
          execution_uuid: run.execution_uuid,
          status: run.status,
        },
      );
    }
    const ended = await this.steps.finish(run, ["RUNNING", "QUEUED"], "CANCELLED", `cancelled by ${actor}`);
    if (!ended) {
      const now = await this.require(id);
      throw new ConflictError(
        "already_finished",
        `run ${run.execution_uuid} already ended with ${now.status}`,
        {
          execution_uuid: run.execution_uuid,
          status: now.status,
        },
      );
    }
    // A fargate job's attempt waits in an ecs:runTask.sync Task state: stopping the execution makes
    // Step Functions stop the ECS task it started (the .sync integration's IAM policy grants it
    // ecs:StopTask for exactly that — "You can only stop Amazon ECS tasks that were started by Step
    // Functions": Step Functions developer guide, IAM policies for Amazon ECS/AWS Fargate), which is
    // ECS's SIGTERM to the container (task-host.ts aborts the job, the final flush has the task's
    // stop timeout), SIGKILL after it. Not relied on alone: the task's own status watch sees the
    // run CANCELLED within CANCEL_POLL_MS, its heartbeat is answered TaskTimedOut, and the sweeper
    // stops a task whose run has ended (run-sweeper.ts).
    // A manual run is named by its execution_uuid and created before its execution records its ARN
    // (the first step does): a cancel in between stops it by the ARN that name has.
    const executionArn =
      run.workflow_execution_arn ?? this.deps.workflow.executionArnFor(run.job_name, run.execution_uuid);
    try {
      await this.deps.workflow.stop(executionArn, `cancelled by ${actor}`);
    } catch (e) {
      // The run is already CANCELLED and its slot free; an execution that cannot be stopped ends
      // on its own and its late writes are refused (the run is no longer RUNNING).
      this.deps.logger.warn("stop execution failed", {
        execution_uuid: run.execution_uuid,
        error: String(e),
      });
    }
    this.deps.logger.info("run cancelled", { execution_uuid: run.execution_uuid, actor });
    await new AuditTrail(this.deps).record("run.cancel", actor, {
      target: run.execution_uuid,
      target_name: run.job_name,
      before: { status: run.status },
      after: { status: "CANCELLED" },
    });
    return ended;
  }

  async rerun(id: string, actor: string): Promise<TriggerResult> {
    const run = await this.require(id);
    // Same 409 rules as a trigger; the "run.rerun" audit entry is written with the new run.
    return this.triggers.trigger({
      job_name: run.job_name,
      options: run.params,
      actor,
      trigger_source: "rerun",
      rerun_of: run.execution_uuid,
    });
  }
}
