// Reconciler on in-memory fakes: "a run never stays RUNNING after its workflow execution has
// ended" (spec/model.md), and what the local stack does after a crash.
import { describe, expect, it } from "vitest";
import { runUuidForFire } from "#domain/runs/execution-identity.ts";
import { Reconciler } from "#domain/runs/run-reconciler.ts";
import { demoJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { executionArn } from "#test/fakes/memory-workflow-starter.ts";
import { aFinishedRun, aRun, nextUuid } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
type Core = ReturnType<typeof memoryCore>;

function holding(core: Core, over: Parameters<typeof aRun>[0] = {}) {
  const id = over.execution_uuid ?? nextUuid();
  const run = aRun({
    execution_uuid: id,
    job_name: demoJob.name,
    concurrency_key: demoJob.name,
    started_at: "2026-03-10T08:58:00.000Z",
    workflow_execution_arn: executionArn(demoJob.name, id),
    ...over,
  });
  core.runs.seed(run);
  core.control.seedSlot(run.concurrency_key, {
    execution_uuid: id,
    job_name: run.job_name,
    acquired_at: run.started_at,
  });
  return run;
}

const ended = (
  run: { execution_uuid: string; workflow_execution_arn: string | null },
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED",
  more = {},
) => ({
  name: run.execution_uuid,
  arn: run.workflow_execution_arn as string,
  status,
  ...more,
});

describe("Reconciler.executionEnded", () => {
  it.each([
    ["ABORTED", "CANCELLED", "the workflow execution was stopped"],
    ["TIMED_OUT", "TIMED_OUT", "the workflow execution timed out"],
    ["FAILED", "FAILURE", "the workflow execution failed before the run was recorded as ended"],
    ["SUCCEEDED", "FAILURE", "the workflow execution ended without recording the run's end"],
  ] as const)(
    "ends a RUNNING run of a %s execution as %s, with the reason, and frees its slot",
    async (execStatus, runStatus, summary) => {
      const core = memoryCore({ now: NOW });
      const run = holding(core);
      const done = await new Reconciler(core).executionEnded(ended(run, execStatus));
      expect(done).toMatchObject({
        status: runStatus,
        error_summary: summary,
        finished_at: NOW,
        duration_seconds: 120,
      });
      expect((await core.runs.get(run.execution_uuid))?.status).toBe(runStatus);
      expect(await core.control.getSlot(demoJob.name)).toBeNull();
    },
  );

  it("adds the execution's cause to the reason", async () => {
    const core = memoryCore({ now: NOW });
    const run = holding(core);
    const done = await new Reconciler(core).executionEnded(ended(run, "FAILED", { cause: "Lambda.Unknown" }));
    expect(done?.error_summary).toBe(
      "the workflow execution failed before the run was recorded as ended: Lambda.Unknown",
    );
  });

  it("uses the host's true reason when it gives one (the stack stopping)", async () => {
    const core = memoryCore({ now: NOW });
    const run = holding(core);
    const done = await new Reconciler(core).executionEnded(
      ended(run, "ABORTED", { outcome: { status: "FAILURE", summary: "the local stack stopped" } }),
    );
    expect(done).toMatchObject({ status: "FAILURE", error_summary: "the local stack stopped" });
  });

  it("leaves a finished run as it is (a finished status never changes)", async () => {
    const core = memoryCore({ now: NOW });
    const run = aFinishedRun("SUCCESS", { job_name: demoJob.name, workflow_execution_arn: "arn:x:done" });
    core.runs.seed(run);
    expect(
      await new Reconciler(core).executionEnded({
        name: run.execution_uuid,
        arn: "arn:x:done",
        status: "FAILED",
      }),
    ).toBeNull();
    expect(await core.runs.get(run.execution_uuid)).toEqual(run);
  });

  it("frees the slot a finished run still holds (crash between finish and release), handing it to the queue", async () => {
    const core = memoryCore({ now: NOW });
    const run = aFinishedRun("SUCCESS", {
      job_name: demoJob.name,
      concurrency_key: demoJob.name,
      workflow_execution_arn: "arn:x:done",
    });
    const waiting = aRun({ job_name: demoJob.name, concurrency_key: demoJob.name, status: "QUEUED" });
    core.runs.seed(run, waiting);
    core.control.seedSlot(demoJob.name, {
      execution_uuid: run.execution_uuid,
      job_name: demoJob.name,
      acquired_at: run.started_at,
    });
    await new Reconciler(core).executionEnded({
      name: run.execution_uuid,
      arn: "arn:x:done",
      status: "SUCCEEDED",
    });
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({
      execution_uuid: waiting.execution_uuid,
    });
  });

  it("does not end a run owned by another execution (a duplicate delivery that ended)", async () => {
    const core = memoryCore({ now: NOW });
    const run = holding(core);
    const result = await new Reconciler(core).executionEnded({
      name: "duplicate",
      arn: "arn:aws:states:ap-northeast-1:123456789012:execution:jobdeck-demo-sync:duplicate",
      status: "FAILED",
      input: { execution_uuid: run.execution_uuid },
    });
    expect(result).toBeNull();
    expect((await core.runs.get(run.execution_uuid))?.status).toBe("RUNNING");
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: run.execution_uuid });
  });

  it("keeps a QUEUED run queued when asked (the stack stops; the next start resumes it)", async () => {
    const core = memoryCore({ now: NOW });
    const run = aRun({ job_name: demoJob.name, status: "QUEUED", workflow_execution_arn: "arn:x:q" });
    core.runs.seed(run);
    expect(
      await new Reconciler(core).executionEnded({
        name: run.execution_uuid,
        arn: "arn:x:q",
        status: "ABORTED",
        keepQueued: true,
      }),
    ).toBeNull();
    expect((await core.runs.get(run.execution_uuid))?.status).toBe("QUEUED");
    const done = await new Reconciler(core).executionEnded({
      name: run.execution_uuid,
      arn: "arn:x:q",
      status: "ABORTED",
    });
    expect(done?.status).toBe("CANCELLED");
  });

  it("finds a schedule fire's run from the fire (schedule id + scheduled time), not the execution name", async () => {
    const core = memoryCore({ now: NOW });
    const at = "2026-03-10T08:30:00.000Z";
    const id = runUuidForFire("sch-1", at);
    const run = holding(core, {
      execution_uuid: id,
      schedule_id: "sch-1",
      trigger_source: "schedule",
      workflow_execution_arn: "arn:x:fire",
    });
    const done = await new Reconciler(core).executionEnded({
      name: "some-generated-name",
      arn: "arn:x:fire",
      status: "TIMED_OUT",
      input: { schedule_id: "sch-1", scheduled_time: at },
    });
    expect(done?.execution_uuid).toBe(run.execution_uuid);
    expect(done?.status).toBe("TIMED_OUT");
  });

  it("is idempotent: a second delivery of the same end changes nothing", async () => {
    const core = memoryCore({ now: NOW });
    const run = holding(core);
    const first = await new Reconciler(core).executionEnded(ended(run, "ABORTED"));
    core.clock.advance(30);
    expect(await new Reconciler(core).executionEnded(ended(run, "FAILED"))).toBeNull();
    expect(await core.runs.get(run.execution_uuid)).toEqual(first);
  });
});

describe("Reconciler.afterRestart", () => {
  it("ends every active run as FAILURE with the reason, its duration up to its last sign of life, and frees the slots", async () => {
    const core = memoryCore({ now: NOW });
    const a = holding(core, { updated_at: "2026-03-10T08:58:30.000Z" });
    const b = aRun({
      job_name: "demo.per_params",
      concurrency_key: "demo.per_params#1",
      started_at: "2026-03-10T08:00:00.000Z",
      progress: {
        stage: null,
        stages: [],
        current: 1,
        total: 2,
        message: null,
        items: [],
        updated_at: "2026-03-10T08:10:00.000Z",
      },
    });
    core.runs.seed(b);
    core.control.seedSlot(b.concurrency_key, {
      execution_uuid: b.execution_uuid,
      job_name: b.job_name,
      acquired_at: b.started_at,
    });
    expect(await new Reconciler(core).afterRestart("the local stack stopped")).toBe(2);
    expect(await core.runs.get(a.execution_uuid)).toMatchObject({
      status: "FAILURE",
      error_summary: "the local stack stopped",
      finished_at: "2026-03-10T08:58:30.000Z",
      duration_seconds: 30,
    });
    expect(await core.runs.get(b.execution_uuid)).toMatchObject({
      status: "FAILURE",
      finished_at: "2026-03-10T08:10:00.000Z",
      duration_seconds: 600,
    });
    expect(await core.control.listSlots()).toEqual([]);
  });

  it("frees slots whose holders are finished or gone", async () => {
    const core = memoryCore({ now: NOW });
    const done = aFinishedRun("SUCCESS", { job_name: demoJob.name });
    core.runs.seed(done);
    core.control.seedSlot("k1", {
      execution_uuid: done.execution_uuid,
      job_name: demoJob.name,
      acquired_at: NOW,
    });
    core.control.seedSlot("k2", { execution_uuid: nextUuid(), job_name: demoJob.name, acquired_at: NOW });
    await new Reconciler(core).afterRestart("restart");
    expect(await core.control.listSlots()).toEqual([]);
  });

  it("with keepQueued, keeps queued schedule fires (they resume, first queued first) and ends the rest", async () => {
    const core = memoryCore({ now: NOW });
    const fire = (started_at: string) =>
      aRun({
        job_name: demoJob.name,
        status: "QUEUED",
        schedule_id: "sch-1",
        trigger_source: "schedule",
        workflow_execution_arn: executionArn(
          demoJob.name,
          `fire-${started_at.slice(11, 13)}${started_at.slice(14, 16)}`,
        ),
        started_at,
      });
    const late = fire("2026-03-10T08:50:00.000Z");
    const early = fire("2026-03-10T08:40:00.000Z");
    const noArn = aRun({
      job_name: demoJob.name,
      status: "QUEUED",
      schedule_id: "sch-1",
      started_at: "2026-03-10T08:55:00.000Z",
    });
    const running = holding(core);
    core.runs.seed(late, early, noArn);
    const reconciler = new Reconciler(core);
    expect(await reconciler.afterRestart("restart", { keepQueued: true })).toBe(2);
    expect((await core.runs.get(noArn.execution_uuid))?.status).toBe("FAILURE");
    expect((await core.runs.get(running.execution_uuid))?.status).toBe("FAILURE");
    const resume = await reconciler.queuedToResume();
    expect(resume.map((r) => r.run.execution_uuid)).toEqual([early.execution_uuid, late.execution_uuid]);
    expect(resume[0]).toMatchObject({
      name: "fire-0840",
      input: { execution_uuid: early.execution_uuid, schedule_id: "sch-1", trigger_source: "schedule" },
    });
  });

  it("lets a retried Idempotency-Key look for the work of a request that died with the process", async () => {
    const core = memoryCore({ now: NOW });
    await core.control.claimIdempotencyKey("k", "fp", 3600, { reservedId: "r", leaseSeconds: 35 });
    await new Reconciler(core).afterRestart("restart");
    expect(
      await core.control.claimIdempotencyKey("k", "fp", 3600, { reservedId: "x", leaseSeconds: 35 }),
    ).toMatchObject({
      state: "in_progress",
      lease_until: 0,
    });
  });
});
