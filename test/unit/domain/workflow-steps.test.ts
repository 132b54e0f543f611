// WorkflowSteps (the Task states of statemachines/run-job.asl.json) on in-memory fakes: schedule
// fires, execution policies skip / queue / allow (spec/model.md), retries, and a run's end.
import { describe, expect, it } from "vitest";
import { runUuidForFire } from "#domain/runs/execution-identity.ts";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import { WorkflowSteps } from "#domain/runs/workflow-steps.ts";
import type { WorkflowInput } from "#ports/workflow-starter.ts";
import type { ExecutionPolicy } from "#schemas/schedule.ts";
import { demoJob, perParamsJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { executionArn } from "#test/fakes/memory-workflow-starter.ts";
import { aRun, aSchedule } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
const FIRE = "2026-03-10T09:00:00.000Z";
type Core = ReturnType<typeof memoryCore>;

async function withSchedule(policy: ExecutionPolicy = "skip", over = {}) {
  const core = memoryCore({ now: NOW });
  const schedule = aSchedule({
    id: "sch-1",
    name: "every-5",
    job_name: demoJob.name,
    schedule_expression: "rate(5 minutes)",
    params: { limit: 7 },
    execution_policy: policy,
    queue_timeout_seconds: 120,
    ...over,
  });
  await core.schedules.create(schedule);
  return { core, schedule, steps: new WorkflowSteps(core) };
}

const fireInput = (scheduledTime = FIRE): WorkflowInput => ({
  job_name: demoJob.name,
  schedule_id: "sch-1",
  schedule_name: "every-5",
  params: { limit: 999 },
  trigger_source: "schedule",
  scheduled_time: scheduledTime,
});
let n = 0;
const execution = () => {
  n++;
  return { name: `exec-${n}`, arn: executionArn(demoJob.name, `exec-${n}`) };
};

/** A RUNNING run holding demo.sync's slot. */
function holder(core: Core) {
  const run = aRun({
    job_name: demoJob.name,
    concurrency_key: demoJob.name,
    started_at: "2026-03-10T08:59:00.000Z",
  });
  core.runs.seed(run);
  core.control.seedSlot(demoJob.name, {
    execution_uuid: run.execution_uuid,
    job_name: demoJob.name,
    acquired_at: run.started_at,
  });
  return run;
}

describe("WorkflowSteps.startRun (a schedule fire)", () => {
  it("creates the fire's run QUEUED with the schedule's stored params, owned by this execution", async () => {
    const { core, steps } = await withSchedule("queue");
    const ex = execution();
    const state = await steps.startRun({ input: fireInput() }, ex);
    const id = runUuidForFire("sch-1", FIRE);
    expect(state.run).toMatchObject({
      execution_uuid: id,
      proceed: true,
      params: { limit: 7 },
      execution_policy: "queue",
      queue_timeout_seconds: 120,
      max_attempts: 3,
      timeout_seconds: 300,
    });
    expect(await core.runs.get(id)).toMatchObject({
      status: "QUEUED",
      trigger_source: "schedule",
      schedule_id: "sch-1",
      schedule_name: "every-5",
      params: { limit: 7 },
      workflow_execution_arn: ex.arn,
      console_url: expect.stringContaining(ex.arn),
    });
  });

  it.each([
    [
      "the schedule was deleted",
      async (core: Core) => core.schedules.delete((await core.schedules.get("sch-1"))!),
    ],
    [
      "the schedule is disabled",
      async (core: Core) => {
        const s = (await core.schedules.get("sch-1"))!;
        await core.schedules.replace(s, { ...s, enabled: false });
      },
    ],
    [
      "the scheduler is paused",
      async (core: Core) => void (await core.schedulerState.setPaused(true, "ops")),
    ],
    ["the job is disabled", async (core: Core) => core.control.setJobEnabled(demoJob.name, false, "ops")],
  ])("starts nothing when %s", async (_why, change) => {
    const { core, steps } = await withSchedule();
    await change(core);
    const state = await steps.startRun({ input: fireInput() }, execution());
    expect(state.run?.proceed).toBe(false);
    expect(core.runs.all()).toEqual([]);
  });

  it("runs a fire delivered twice only once (the second execution stops)", async () => {
    const { core, steps } = await withSchedule();
    const first = await steps.startRun({ input: fireInput() }, execution());
    const second = await steps.startRun({ input: fireInput() }, execution());
    expect(first.run?.proceed).toBe(true);
    expect(second.run?.proceed).toBe(false);
    expect(core.runs.all()).toHaveLength(1);
  });

  it("does not proceed with a run that has already ended (a redelivered start)", async () => {
    const { steps } = await withSchedule();
    const ex = execution();
    const state = await steps.startRun({ input: fireInput() }, ex);
    await steps.finish(state.run!, ["QUEUED"], "CANCELLED", "cancelled by ops");
    expect((await steps.startRun({ input: fireInput() }, ex)).run?.proceed).toBe(false);
  });

  it("records a run whose stored params no longer fit the job, and fails it with the reason", async () => {
    const { core, steps } = await withSchedule("skip", { params: { limit: "many" } });
    await expect(steps.startRun({ input: fireInput() }, execution())).rejects.toMatchObject({
      name: "InvalidParams",
      message: expect.stringContaining("params.limit"),
    });
    expect(core.runs.all()).toHaveLength(1);
  });

  it("adopts an API-started run (RUNNING, slot held) and stamps its execution", async () => {
    const core = memoryCore({ now: NOW });
    const run = holder(core);
    const ex = { name: run.execution_uuid, arn: executionArn(demoJob.name, run.execution_uuid) };
    const state = await new WorkflowSteps(core).startRun(
      {
        input: {
          job_name: demoJob.name,
          execution_uuid: run.execution_uuid,
          params: {},
          trigger_source: "manual",
        },
      },
      ex,
    );
    expect(state.run).toMatchObject({ proceed: true, execution_policy: "skip" });
    expect((await core.runs.get(run.execution_uuid))?.workflow_execution_arn).toBe(ex.arn);
  });
});

describe("WorkflowSteps.takeSlot (execution policies)", () => {
  async function fired(policy: ExecutionPolicy) {
    const ctx = await withSchedule(policy);
    const busy = holder(ctx.core);
    const state = await ctx.steps.startRun({ input: fireInput() }, execution());
    return { ...ctx, busy, state };
  }

  it("takes a free slot and makes the run RUNNING", async () => {
    const { core, steps } = await withSchedule("skip");
    const state = await steps.startRun({ input: fireInput() }, execution());
    expect((await steps.takeSlot(state)).slot).toEqual({ outcome: "acquired" });
    const id = state.run!.execution_uuid;
    expect((await core.runs.get(id))?.status).toBe("RUNNING");
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: id });
  });

  it("skip: a held slot ends the run SKIPPED (already_running), and the holder keeps its slot", async () => {
    const { core, steps, busy, state } = await fired("skip");
    const next = await steps.takeSlot(state);
    expect(next.slot).toEqual({ outcome: "skipped", holder: busy.execution_uuid });
    const run = await core.runs.get(state.run!.execution_uuid);
    expect(run?.status).toBe("SKIPPED");
    expect(run?.error_summary).toBe(
      `already_running: run ${busy.execution_uuid} of ${demoJob.name} is still active`,
    );
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: busy.execution_uuid });
  });

  it("allow: runs beside the holder without taking its slot", async () => {
    const { core, steps, busy, state } = await fired("allow");
    expect((await steps.takeSlot(state)).slot).toEqual({ outcome: "acquired" });
    expect((await core.runs.get(state.run!.execution_uuid))?.status).toBe("RUNNING");
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: busy.execution_uuid });
  });

  it("queue: waits QUEUED while the slot is held, then runs once the holder ends", async () => {
    const { core, steps, busy, state } = await fired("queue");
    const waiting = await steps.takeSlot(state);
    expect(waiting.slot).toMatchObject({ outcome: "wait", holder: busy.execution_uuid });
    expect(waiting.slot?.wait_seconds).toBeGreaterThanOrEqual(1);
    expect((await core.runs.get(state.run!.execution_uuid))?.status).toBe("QUEUED");
    core.clock.advance(30);
    await steps.finish(busy, ["RUNNING"], "SUCCESS", null);
    // the ending holder handed the slot to the queued run
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({
      execution_uuid: state.run!.execution_uuid,
    });
    expect((await steps.takeSlot(state)).slot).toEqual({ outcome: "acquired" });
    expect((await core.runs.get(state.run!.execution_uuid))?.status).toBe("RUNNING");
  });

  it("queue: gives up after queue_timeout_seconds, SKIPPED with queue_timeout", async () => {
    const { core, steps, state } = await fired("queue");
    core.clock.advance(121);
    expect((await steps.takeSlot(state)).slot?.outcome).toBe("skipped");
    const run = await core.runs.get(state.run!.execution_uuid);
    expect(run?.status).toBe("SKIPPED");
    expect(run?.error_summary).toMatch(/^queue_timeout: /);
  });

  it("queue: first queued, first served — a free slot is not taken while an earlier run waits", async () => {
    const { core, steps } = await withSchedule("queue");
    const busy = holder(core);
    const early = await steps.startRun({ input: fireInput("2026-03-10T09:00:00.000Z") }, execution());
    core.clock.advance(5);
    const late = await steps.startRun({ input: fireInput("2026-03-10T09:00:05.000Z") }, execution());
    // the slot frees without a hand-over (e.g. released by the reconciler of a run with no queue view)
    await core.control.releaseSlot(demoJob.name, busy.execution_uuid);
    expect((await steps.takeSlot(late)).slot?.outcome).toBe("wait");
    expect((await steps.takeSlot(early)).slot?.outcome).toBe("acquired");
  });
});

describe("WorkflowSteps.attemptFailed (the job's retry policy)", () => {
  async function runningState(core: Core, attempt = 1): Promise<WorkflowState> {
    const run = holder(core);
    await core.runs.patchActive(run.execution_uuid, { attempt });
    const steps = new WorkflowSteps(core);
    const state = await steps.startRun(
      {
        input: {
          job_name: demoJob.name,
          execution_uuid: run.execution_uuid,
          params: {},
          trigger_source: "manual",
        },
      },
      { name: run.execution_uuid, arn: executionArn(demoJob.name, run.execution_uuid) },
    );
    return { ...state, error: { Error: "Error", Cause: "upstream 503" } };
  }

  it("retries while attempts remain, counting the attempt and backing off (5 s, then 10 s)", async () => {
    const core = memoryCore({ now: NOW });
    const steps = new WorkflowSteps(core);
    const first = await steps.attemptFailed(await runningState(core, 1));
    expect(first.retry).toEqual({ again: true, wait_seconds: 5 });
    expect(first.run?.attempt).toBe(2);
    expect(first.error).toBeUndefined();
    expect((await core.runs.get(first.run!.execution_uuid))?.attempt).toBe(2);
    const second = await steps.attemptFailed({ ...first, error: { Error: "Error" } });
    expect(second.retry).toEqual({ again: true, wait_seconds: 10 });
    const third = await steps.attemptFailed({ ...second, error: { Error: "Error" } });
    expect(third.retry).toEqual({ again: false, wait_seconds: 0 });
  });

  it("an error the job declares non-retryable ends the run at the first attempt; any other error is retried", async () => {
    const strict = { ...demoJob, retry: { ...demoJob.retry, non_retryable_errors: ["AuthError"] } };
    const core = memoryCore({ now: NOW, jobs: [strict, perParamsJob] });
    const steps = new WorkflowSteps(core);
    const state = await runningState(core, 1);
    const refused = await steps.attemptFailed({
      ...state,
      error: { Error: "AuthError", Cause: "key rejected" },
    });
    expect(refused.retry).toEqual({ again: false, wait_seconds: 0 });
    // the attempt is still recorded, as the last one
    expect((await core.runs.get(state.run!.execution_uuid))?.attempts.map((a) => a.error_type)).toEqual([
      "AuthError",
    ]);
    const core2 = memoryCoreWith(strict);
    const other = await new WorkflowSteps(core2).attemptFailed(await runningState(core2, 1));
    expect(other.retry?.again).toBe(true);
  });

  it("records each failed attempt (type, message, stack) and when the retry starts (problem 3)", async () => {
    const core = memoryCore({ now: NOW });
    const steps = new WorkflowSteps(core);
    const cause = JSON.stringify({
      errorType: "FetchError",
      errorMessage: "FetchError: upstream 503 token=abc123",
      trace: [
        "FetchError: upstream 503",
        "    at fetchAll (/var/task/index.mjs:10:5)",
        "    at run (/var/task/index.mjs:20:3)",
      ],
    });
    const state = await runningState(core, 1);
    const first = await steps.attemptFailed({
      ...state,
      run: { ...state.run!, attempt_started_at: "2026-03-10T08:59:30.000Z" },
      error: { Error: "FetchError", Cause: cause },
    });
    const uuid = first.run!.execution_uuid;
    let run = await core.runs.get(uuid);
    expect(run?.retry_at).toBe("2026-03-10T09:00:05.000Z");
    expect(first.run?.attempt_started_at).toBe("2026-03-10T09:00:05.000Z");
    expect(run?.attempts).toEqual([
      {
        attempt: 1,
        started_at: "2026-03-10T08:59:30.000Z",
        finished_at: NOW,
        error_type: "FetchError",
        message: "upstream 503 token=***",
        stack: ["at fetchAll (index.mjs:10:5)", "at run (index.mjs:20:3)"],
      },
    ]);
    const second = await steps.attemptFailed({ ...first, error: { Error: "Error", Cause: "second" } });
    const third = await steps.attemptFailed({ ...second, error: { Error: "Error", Cause: "Error: third" } });
    expect(third.retry?.again).toBe(false);
    run = await core.runs.get(uuid);
    expect(run?.attempts.map((a) => [a.attempt, a.message])).toEqual([
      [1, "upstream 503 token=***"],
      [2, "second"],
      [3, "third"],
    ]);
  });

  it.each(["States.Timeout", "JobCancelled"])("does not retry after %s", async (error) => {
    const core = memoryCore({ now: NOW });
    const state = await runningState(core);
    const next = await new WorkflowSteps(core).attemptFailed({ ...state, error: { Error: error } });
    expect(next.retry?.again).toBe(false);
  });

  it("does not retry a run that was cancelled meanwhile", async () => {
    const core = memoryCore({ now: NOW });
    const state = await runningState(core);
    await new WorkflowSteps(core).finish(state.run!, ["RUNNING"], "CANCELLED", "cancelled by ops");
    expect((await new WorkflowSteps(core).attemptFailed(state)).retry?.again).toBe(false);
  });

  it("does not retry while the store is down (the retry could not be recorded)", async () => {
    const core = memoryCore({ now: NOW });
    const state = await runningState(core);
    core.outage.begin();
    expect((await new WorkflowSteps(core).attemptFailed(state)).retry?.again).toBe(false);
  });
});

describe("WorkflowSteps: a run's end", () => {
  async function started(core: Core) {
    const run = holder(core);
    return new WorkflowSteps(core).startRun(
      {
        input: {
          job_name: demoJob.name,
          execution_uuid: run.execution_uuid,
          params: {},
          trigger_source: "manual",
        },
      },
      { name: run.execution_uuid, arn: executionArn(demoJob.name, run.execution_uuid) },
    );
  }
  const counts = {
    input_count: 4,
    inserted_count: 4,
    updated_count: 0,
    skipped_count: 0,
    error_count: 0,
    skip_breakdown: null,
  };
  const progress = {
    stage: null,
    stages: [],
    current: 4,
    total: 4,
    message: null,
    items: [],
    updated_at: NOW,
  };

  it("finishRun: SUCCESS with the worker's counts, ended when the worker ended, slot freed", async () => {
    const core = memoryCore({ now: NOW });
    const state = await started(core);
    core.clock.advance(20);
    await new WorkflowSteps(core).finishRun({
      ...state,
      result: { counts, progress, ended_at: "2026-03-10T09:00:05.000Z" },
    });
    expect(await core.runs.get(state.run!.execution_uuid)).toMatchObject({
      status: "SUCCESS",
      inserted_count: 4,
      finished_at: "2026-03-10T09:00:05.000Z",
      duration_seconds: 65,
    });
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
    expect(core.finished.map((r) => r.status)).toEqual(["SUCCESS"]);
  });

  it("finishRun: a job's ctx.skip ends the run SKIPPED with its reason first, counts kept, slot freed", async () => {
    const core = memoryCore({ now: NOW });
    const state = await started(core);
    const zero = { ...counts, input_count: 0, inserted_count: 0 };
    await new WorkflowSteps(core).finishRun({
      ...state,
      result: {
        counts: zero,
        progress,
        ended_at: "2026-03-10T09:00:05.000Z",
        skip: { reason: "market_holiday", detail: "2026-03-20 is not a trading day" },
      },
    });
    expect(await core.runs.get(state.run!.execution_uuid)).toMatchObject({
      status: "SKIPPED",
      error_summary: "market_holiday: 2026-03-20 is not a trading day",
      inserted_count: 0,
      finished_at: "2026-03-10T09:00:05.000Z",
    });
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
    expect(core.finished.map((r) => r.status)).toEqual(["SKIPPED"]);
  });

  it("finishRun: does not overwrite a run cancelled meanwhile", async () => {
    const core = memoryCore({ now: NOW });
    const state = await started(core);
    const steps = new WorkflowSteps(core);
    await steps.finish(state.run!, ["RUNNING"], "CANCELLED", "cancelled by ops");
    await steps.finishRun({ ...state, result: { counts, progress } });
    expect((await core.runs.get(state.run!.execution_uuid))?.status).toBe("CANCELLED");
  });

  it("finishRun: retries the final write while the store is down, so the run does not stay RUNNING", async () => {
    const core = memoryCore({ now: NOW });
    const state = await started(core);
    core.outage.failNext(1, (op) => op === "runs.finish");
    await new WorkflowSteps(core).finishRun({ ...state, result: { counts, progress } });
    expect((await core.runs.get(state.run!.execution_uuid))?.status).toBe("SUCCESS");
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
  });

  it("finishRun: gives up with the store's error once the retry budget is spent", async () => {
    const core = memoryCore({ now: NOW, settings: { storeRetrySeconds: 0.3 } });
    const state = await started(core);
    core.outage.begin((op) => op === "runs.finish");
    await expect(
      new WorkflowSteps(core).finishRun({ ...state, result: { counts, progress } }),
    ).rejects.toMatchObject({
      name: "ServiceUnavailable",
    });
    core.outage.end();
    expect((await core.runs.get(state.run!.execution_uuid))?.status).toBe("RUNNING");
  });

  it("failRun: FAILURE with the job's own error; TIMED_OUT on States.Timeout", async () => {
    const core = memoryCore({ now: NOW });
    const state = await started(core);
    await new WorkflowSteps(core).failRun({
      ...state,
      error: { Error: "Error", Cause: JSON.stringify({ errorMessage: "upstream answered 503" }) },
    });
    expect(await core.runs.get(state.run!.execution_uuid)).toMatchObject({
      status: "FAILURE",
      error_summary: "Error: upstream answered 503",
    });

    const other = memoryCore({ now: NOW });
    const timed = await started(other);
    await new WorkflowSteps(other).failRun({ ...timed, error: { Error: "States.Timeout", Cause: "" } });
    const run = await other.runs.get(timed.run!.execution_uuid);
    expect(run?.status).toBe("TIMED_OUT");
    expect(run?.error_summary).toMatch(/^States\.Timeout/);
  });

  it("failRun: says when it was the store that failed, not the job", async () => {
    const core = memoryCore({ now: NOW });
    const state = await started(core);
    await new WorkflowSteps(core).failRun({
      ...state,
      slot: { outcome: "acquired" },
      error: {
        Error: "ServiceUnavailable",
        Cause: JSON.stringify({ errorType: "ServiceUnavailable", errorMessage: "down" }),
      },
    });
    expect((await core.runs.get(state.run!.execution_uuid))?.error_summary).toMatch(
      /^the store failed while the run was recording its progress: /,
    );
  });

  it("failRun: ends the run named by the input when the run context was never built", async () => {
    const core = memoryCore({ now: NOW });
    const run = holder(core);
    await new WorkflowSteps(core).failRun({
      input: {
        job_name: demoJob.name,
        execution_uuid: run.execution_uuid,
        params: {},
        trigger_source: "manual",
      },
      error: { Error: "Error", Cause: "boom" },
    });
    expect((await core.runs.get(run.execution_uuid))?.status).toBe("FAILURE");
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
  });
});

/** A core whose registry has `job` in place of the demo job. */
function memoryCoreWith(job: typeof demoJob) {
  return memoryCore({ now: NOW, jobs: [job, perParamsJob] });
}
