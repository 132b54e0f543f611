// "A run never stays RUNNING after its workflow execution has ended" (spec/model.md).
// Called when an execution ends (Step Functions status-change rule in AWS, the interpreter's end
// locally) and when the local stack starts after a crash.

import type { CoreDeps } from "#domain/core-deps.ts";
import type { WorkflowInput } from "#ports/workflow-starter.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import { runUuidFor } from "./execution-identity.ts";
import { SlotQueue } from "./slot-queue.ts";
import { WorkflowSteps } from "./workflow-steps.ts";

export type ExecutionEndStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

const OUTCOME: Record<ExecutionEndStatus, { status: RunStatus; summary: string }> = {
  ABORTED: { status: "CANCELLED", summary: "the workflow execution was stopped" },
  TIMED_OUT: { status: "TIMED_OUT", summary: "the workflow execution timed out" },
  FAILED: {
    status: "FAILURE",
    summary: "the workflow execution failed before the run was recorded as ended",
  },
  SUCCEEDED: { status: "FAILURE", summary: "the workflow execution ended without recording the run's end" },
};

export class Reconciler {
  private readonly steps: WorkflowSteps;

  constructor(private readonly deps: CoreDeps) {
    this.steps = new WorkflowSteps(deps);
  }

  /** Ends the run of a finished execution if it is still active, and frees its slot. Idempotent. */
  async executionEnded(e: {
    name: string;
    arn: string;
    status: ExecutionEndStatus;
    cause?: string;
    input?: Partial<WorkflowInput>;
    /** The true reason when the host knows better than the execution status (the stack stopping). */
    outcome?: { status: RunStatus; summary: string };
    /** Leave a QUEUED run queued (the stack stops; the next start resumes it). */
    keepQueued?: boolean;
  }) {
    const uuid = runUuidFor(e.input, e.name, e.arn);
    const run = await this.deps.runs.get(uuid);
    // A run owned by another execution (a duplicate delivery that ended) is not this one's to end.
    if (!run || (run.workflow_execution_arn && run.workflow_execution_arn !== e.arn)) return null;
    if (run.status !== "RUNNING" && run.status !== "QUEUED") {
      // Finished already; make sure a crash between "finish" and "release" left no slot behind
      // (and that a queue waiting for it is not left waiting).
      await new SlotQueue(this.deps).release(run);
      return null;
    }
    if (run.status === "QUEUED" && e.keepQueued) return null;
    const outcome = e.outcome ?? OUTCOME[e.status];
    const summary = e.cause ? `${outcome.summary}: ${e.cause}` : outcome.summary;
    this.deps.logger.warn("reconciling run of an ended execution", {
      execution_uuid: uuid,
      execution_status: e.status,
      run_status: outcome.status,
    });
    return this.steps.finish(run, ["RUNNING", "QUEUED"], outcome.status, summary);
  }

  /**
   * After the local stack restarts, nothing is running: every RUNNING run is ended (FAILURE,
   * `reason`) and every slot it held is freed (handed to the head of its queue). With
   * `keepQueued`, queued runs keep their place (their executions are started again by the host,
   * see queuedToResume); otherwise they end as well.
   */
  async afterRestart(reason: string, opts: { keepQueued?: boolean } = {}): Promise<number> {
    // Requests that held an Idempotency-Key died with the process: a retry may look for their work now.
    await this.deps.control.expireIdempotencyLeases();
    const active = await this.deps.runs.listActive();
    const ended = active.filter((r) => !(opts.keepQueued && resumable(r)));
    for (const run of ended) {
      // It ended when the process died, not now: its last sign of life is its end, so the
      // duration does not count the time the stack was down.
      await this.steps.finish(run, ["RUNNING", "QUEUED"], "FAILURE", reason, undefined, undefined, {
        endedAt: lastSignOfLife(run),
      });
    }
    for (const slot of await this.deps.control.listSlots()) {
      const holder = await this.deps.runs.get(slot.execution_uuid);
      if (!holder || (holder.status !== "RUNNING" && holder.status !== "QUEUED")) {
        await this.deps.control.releaseSlot(slot.key, slot.execution_uuid);
      }
    }
    return ended.length;
  }

  /**
   * The queued runs to resume after a restart, first queued first: each with the execution to
   * start again (same name, so the same ARN owns the run) and its input (the run's own
   * execution_uuid, so the queued time and place are kept).
   */
  async queuedToResume(): Promise<{ run: Run; name: string; input: WorkflowInput }[]> {
    const queued = (await this.deps.runs.listActive()).filter(resumable);
    queued.sort((a, b) =>
      a.started_at === b.started_at
        ? a.execution_uuid.localeCompare(b.execution_uuid)
        : a.started_at.localeCompare(b.started_at),
    );
    return queued.map((run) => ({
      run,
      name: (run.workflow_execution_arn as string).split(":").pop() as string,
      input: {
        job_name: run.job_name,
        execution_uuid: run.execution_uuid,
        params: run.params,
        trigger_source: run.trigger_source,
        triggered_by: run.triggered_by,
        schedule_id: run.schedule_id,
        schedule_name: run.schedule_name,
      },
    }));
  }
}

/** A queued schedule fire whose execution is known: it can be started again where it waited. */
const resumable = (r: Run) =>
  r.status === "QUEUED" && Boolean(r.workflow_execution_arn) && Boolean(r.schedule_id);

/** The latest time a run was seen alive: its last progress or record write (never before its start). */
export function lastSignOfLife(run: Run): string {
  const times = [run.started_at, run.updated_at, run.progress?.updated_at]
    .filter((t): t is string => typeof t === "string" && !Number.isNaN(Date.parse(t)))
    .map((t) => Date.parse(t));
  return new Date(Math.max(...times)).toISOString();
}
