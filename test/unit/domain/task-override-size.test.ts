// Issue 15: a fargate job's run reaches its task in ECS's container override (8192 characters for
// all overrides of a RunTask). Params that would not fit are a 400 naming them at trigger, rerun and
// schedule writes; the step before RunWorker fails such a run with the reason, as the safety net.
import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/errors.ts";
import { RunCommands } from "#domain/runs/run-commands.ts";
import {
  ECS_OVERRIDES_LIMIT,
  largestRunContext,
  overrideSize,
  TASK_TOKEN_MAX,
} from "#domain/runs/task-override-size.ts";
import { TriggerService } from "#domain/runs/trigger-service.ts";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import { WorkflowSteps } from "#domain/runs/workflow-steps.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { fargateJob } from "#test/fakes/fake-fargate-job.ts";
import { demoJob, FAKE_JOBS } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aFinishedRun } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:20.000Z";
const setup = () => memoryCore({ now: NOW, jobs: [...FAKE_JOBS, fargateJob] });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** The override exactly as the RunWorker state sends it, for the largest run and token. */
function realOverride(params: Record<string, unknown>): string {
  const run = largestRunContext(fargateJob, params, fargateJob.name);
  return JSON.stringify({
    containerOverrides: [
      {
        name: "job",
        environment: [
          { name: "JOBDECK_RUN", value: JSON.stringify(run) },
          { name: "JOBDECK_TASK_TOKEN", value: "t".repeat(TASK_TOKEN_MAX) },
        ],
      },
    ],
  });
}

describe("the container override's size", () => {
  it("counts the run's JSON as escaped inside the override, the longest token and the headroom", () => {
    const small = overrideSize(largestRunContext(fargateJob, { note: "x" }, fargateJob.name));
    expect(small.fits).toBe(true);
    expect(small.size).toBeGreaterThan(realOverride({ note: "x" }).length);
    // a note of quotes costs twice its length inside the override (each " becomes \")
    const quoted = overrideSize(largestRunContext(fargateJob, { note: '"'.repeat(100) }, fargateJob.name));
    expect(quoted.size - small.size).toBeGreaterThanOrEqual(2 * 99 + 2 * 99);
  });

  it("never accepts what ECS would refuse: every accepted size is under 8192 with the real override", () => {
    for (let n = 3000; n < 8000; n += 250) {
      const params = { note: "あ".repeat(Math.floor(n / 6)) + "a".repeat(n % 6) };
      if (overrideSize(largestRunContext(fargateJob, params, fargateJob.name)).fits)
        expect(Buffer.byteLength(realOverride(params))).toBeLessThanOrEqual(ECS_OVERRIDES_LIMIT);
    }
  });
});

describe("params too large for the task: 400 naming them", () => {
  const big = { note: "x".repeat(7000) };

  it("POST /v1/trigger of a fargate job answers 400 on options, with a code and the limit", async () => {
    const core = setup();
    const e = await rejection(
      new TriggerService(core).trigger({
        job_name: fargateJob.name,
        options: big,
        actor: "alice",
        trigger_source: "manual",
      }),
    );
    expect(e).toBeInstanceOf(ValidationError);
    const [issue] = (e as ValidationError).details as { field: string; code: string; message: string }[];
    expect(issue).toMatchObject({ field: "options", code: "params_too_large" });
    expect(issue?.message).toMatch(/container override, limited to 8192 characters/);
    expect(await core.runs.listActive()).toEqual([]);
    expect(core.workflow.started()).toEqual([]);
  });

  it("the same params are fine for a Lambda job (no override there)", async () => {
    const core = setup();
    const job = FAKE_JOBS.find((j) => j.name === "demo.per_params");
    const r = await new TriggerService(core).trigger({
      job_name: job?.name ?? "",
      options: { key: "x".repeat(7000) },
      actor: "alice",
      trigger_source: "manual",
    });
    expect(r.status).toBe("RUNNING");
  });

  it("a rerun of such a run answers 400 on params", async () => {
    const core = setup();
    const old = aFinishedRun("FAILURE", {
      job_name: fargateJob.name,
      params: big,
      concurrency_key: fargateJob.name,
    });
    core.runs.seed(old);
    const e = await rejection(new RunCommands(core).rerun(old.execution_uuid, "alice"));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).details).toEqual([
      expect.objectContaining({ field: "params", code: "params_too_large" }),
    ]);
  });

  it("a schedule of a fargate job with such params is refused on create and on update", async () => {
    const core = setup();
    const service = new ScheduleService(core);
    const e = await rejection(
      service.create({ job_name: fargateJob.name, schedule_expression: "rate(1 hour)", params: big }, "ops"),
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).details).toEqual([
      expect.objectContaining({ field: "params", code: "params_too_large" }),
    ]);
    const ok = await service.create(
      { job_name: fargateJob.name, schedule_expression: "rate(1 hour)" },
      "ops",
    );
    const e2 = await rejection(service.patch(ok.id, { params: big }, "ops"));
    expect(e2).toBeInstanceOf(ValidationError);
  });

  it("a Lambda job's schedule takes them", async () => {
    const core = setup();
    const s = await new ScheduleService(core).create(
      { job_name: demoJob.name, schedule_expression: "rate(1 hour)", params: { limit: 5 } },
      "ops",
    );
    expect(s.params).toEqual({ limit: 5 });
  });
});

describe("the safety net before RunWorker", () => {
  it("TakeSlot fails a fargate run whose params would not fit, and FailRun says why", async () => {
    const core = setup();
    const steps = new WorkflowSteps(core);
    const run = aFinishedRun("FAILURE", {
      job_name: fargateJob.name,
      concurrency_key: fargateJob.name,
      params: { note: "x".repeat(7000) },
    });
    core.runs.seed({ ...run, status: "QUEUED", finished_at: null, duration_seconds: null });
    const state: WorkflowState = {
      input: { job_name: fargateJob.name, params: run.params, trigger_source: "manual" },
      run: {
        ...largestRunContext(fargateJob, run.params, fargateJob.name),
        execution_uuid: run.execution_uuid,
        attempt: 1,
        execution_policy: "skip",
      },
    };
    const e = await rejection(steps.takeSlot(state));
    expect(e).toMatchObject({ name: "ParamsTooLarge" });
    expect(await core.control.getSlot(fargateJob.name)).toBeNull();
    // As Step Functions hands the Lambda error to the Catch: {Error: errorType, Cause: JSON}.
    const err = e as Error;
    await steps.failRun({
      ...state,
      error: { Error: err.name, Cause: JSON.stringify({ errorType: err.name, errorMessage: err.message }) },
    });
    const ended = await core.runs.get(run.execution_uuid);
    expect(ended?.status).toBe("FAILURE");
    expect(ended?.error_summary).toMatch(
      /^ParamsTooLarge: the run's params are \d+ characters once passed to the task/,
    );
  });
});

describe("the safety net inside BeginRun (start run + take slot in one step)", () => {
  it("BeginRun hands take_slot's error to FailRun with the run context, and FailRun says why", async () => {
    const core = setup();
    const steps = new WorkflowSteps(core);
    const params = { note: "x".repeat(7000) };
    const input = { job_name: fargateJob.name, params, trigger_source: "schedule" as const };
    const execution = { name: "e-big", arn: "arn:aws:states:local:000000000000:execution:jobdeck-x:e-big" };
    const state = await steps.begin({ input }, execution);
    // SlotOutcome sends "failed" to FailRun; the error has the shape Step Functions gives a Lambda error.
    expect(state.slot).toEqual({ outcome: "failed" });
    expect(state.error?.Error).toBe("ParamsTooLarge");
    expect(state.run?.execution_uuid).toBeTruthy();
    await steps.failRun(state);
    const ended = await core.runs.get(state.run!.execution_uuid);
    expect(ended?.status).toBe("FAILURE");
    expect(ended?.error_summary).toMatch(/^ParamsTooLarge: the run's params are \d+ characters/);
    expect(await core.control.getSlot(fargateJob.name)).toBeNull();
  });
});
