// RunCommands (cancel, rerun) on in-memory fakes: spec/api.md "POST /v1/runs/{id}/cancel|rerun".
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "#domain/errors.ts";
import { RunCommands } from "#domain/runs/run-commands.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { demoJob, perParamsJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { executionArn } from "#test/fakes/memory-workflow-starter.ts";
import { aFinishedRun, aRun, nextUuid } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";

/** A RUNNING run of demo.sync holding its slot, with a running execution. */
async function running(core: ReturnType<typeof memoryCore>, over = {}) {
  const id = nextUuid();
  const arn = executionArn(demoJob.name, id);
  const run = aRun({
    execution_uuid: id,
    job_name: demoJob.name,
    concurrency_key: demoJob.name,
    started_at: "2026-03-10T08:59:00.000Z",
    workflow_execution_arn: arn,
    ...over,
  });
  core.runs.seed(run);
  core.control.seedSlot(run.concurrency_key, {
    execution_uuid: id,
    job_name: run.job_name,
    acquired_at: run.started_at,
  });
  await core.workflow.start(demoJob.name, id, {
    job_name: demoJob.name,
    execution_uuid: id,
    params: {},
    trigger_source: "manual",
  });
  return run;
}

describe("RunCommands.cancel", () => {
  it("stops a manual run's execution even before the workflow recorded its ARN (the deploy suite's window)", async () => {
    const core = memoryCore({ now: NOW });
    // Triggered: the run and its execution exist, the first step has not written the ARN yet.
    const run = await running(core, { workflow_execution_arn: null });
    await new RunCommands(core).cancel(run.execution_uuid, "bob");
    expect(await core.workflow.describe(executionArn(demoJob.name, run.execution_uuid))).toBe("ABORTED");
  });

  it("ends the run CANCELLED, frees its slot, stops its execution and records the action", async () => {
    const core = memoryCore({ now: NOW });
    const run = await running(core);
    const ended = await new RunCommands(core).cancel(run.execution_uuid, "bob");
    expect(ended).toMatchObject({
      status: "CANCELLED",
      error_summary: "cancelled by bob",
      finished_at: NOW,
      duration_seconds: 60,
    });
    expect(await core.runs.get(run.execution_uuid)).toEqual(ended);
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
    expect(await core.workflow.describe(run.workflow_execution_arn as string)).toBe("ABORTED");
    expect(core.audit.entries()).toEqual([
      expect.objectContaining({
        action: "run.cancel",
        actor: "bob",
        target: run.execution_uuid,
        before: { status: "RUNNING" },
        after: { status: "CANCELLED" },
      }),
    ]);
    expect(core.finished.map((r) => r.execution_uuid)).toEqual([run.execution_uuid]);
  });

  it("finds the run whatever the case of its id", async () => {
    const core = memoryCore({ now: NOW });
    const run = await running(core);
    const ended = await new RunCommands(core).cancel(run.execution_uuid.toUpperCase(), "bob");
    expect(ended.status).toBe("CANCELLED");
  });

  it("refuses a finished run with 409 already_finished and changes nothing", async () => {
    const core = memoryCore({ now: NOW });
    const done = aFinishedRun("SUCCESS", { job_name: demoJob.name });
    core.runs.seed(done);
    await expect(new RunCommands(core).cancel(done.execution_uuid, "bob")).rejects.toMatchObject({
      status: 409,
      code: "already_finished",
      details: { execution_uuid: done.execution_uuid, status: "SUCCESS" },
    });
    expect(await core.runs.get(done.execution_uuid)).toEqual(done);
    expect(core.audit.entries()).toEqual([]);
  });

  it("refuses an unknown run with 404", async () => {
    const core = memoryCore({ now: NOW });
    await expect(new RunCommands(core).cancel(nextUuid(), "bob")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("cancels even when the execution cannot be stopped (its late writes are refused)", async () => {
    const core = memoryCore({ now: NOW });
    const run = await running(core);
    core.workflow.failNextStop();
    const ended = await new RunCommands(core).cancel(run.execution_uuid, "bob");
    expect(ended.status).toBe("CANCELLED");
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
  });

  it("hands the slot of a cancelled holder to the first queued run", async () => {
    const core = memoryCore({ now: NOW });
    const holder = await running(core);
    const later = aRun({
      job_name: demoJob.name,
      status: "QUEUED",
      concurrency_key: demoJob.name,
      started_at: "2026-03-10T08:59:40.000Z",
    });
    const first = aRun({
      job_name: demoJob.name,
      status: "QUEUED",
      concurrency_key: demoJob.name,
      started_at: "2026-03-10T08:59:30.000Z",
    });
    core.runs.seed(later, first);
    await new RunCommands(core).cancel(holder.execution_uuid, "bob");
    expect(await core.control.getSlot(demoJob.name)).toEqual({
      execution_uuid: first.execution_uuid,
      job_name: demoJob.name,
      acquired_at: NOW,
    });
  });

  it("cancelling a QUEUED run leaves the holder's slot alone", async () => {
    const core = memoryCore({ now: NOW });
    const holder = await running(core);
    const queued = aRun({ job_name: demoJob.name, status: "QUEUED", concurrency_key: demoJob.name });
    core.runs.seed(queued);
    const ended = await new RunCommands(core).cancel(queued.execution_uuid, "bob");
    expect(ended.status).toBe("CANCELLED");
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: holder.execution_uuid });
    expect((await core.runs.get(holder.execution_uuid))?.status).toBe("RUNNING");
  });

  it("answers the store's error while the store is down, and the run stays as it was", async () => {
    const core = memoryCore({ now: NOW });
    const run = await running(core);
    core.outage.failNext(1, (op) => op === "runs.finish");
    const e = await new RunCommands(core).cancel(run.execution_uuid, "bob").catch((x: unknown) => x);
    expect(isStoreUnavailable(e)).toBe(true);
    expect((await core.runs.get(run.execution_uuid))?.status).toBe("RUNNING");
    expect(await core.workflow.describe(run.workflow_execution_arn as string)).toBe("RUNNING");
  });
});

describe("RunCommands.rerun", () => {
  it("starts a new run of the same job and params, trigger_source rerun, and records which run it repeats", async () => {
    const core = memoryCore({ now: NOW });
    const old = aFinishedRun("FAILURE", { job_name: perParamsJob.name, params: { key: "k" } });
    core.runs.seed(old);
    const result = await new RunCommands(core).rerun(old.execution_uuid, "carol");
    expect(result.execution_uuid).not.toBe(old.execution_uuid);
    expect(await core.runs.get(result.execution_uuid)).toMatchObject({
      job_name: perParamsJob.name,
      params: { key: "k" },
      status: "RUNNING",
      trigger_source: "rerun",
      triggered_by: "carol",
    });
    expect(core.audit.entries()).toEqual([
      expect.objectContaining({
        action: "run.rerun",
        actor: "carol",
        target: result.execution_uuid,
        after: expect.objectContaining({ rerun_of: old.execution_uuid }),
      }),
    ]);
  });

  it("is refused with 409 already_running while a run of the same key is active", async () => {
    const core = memoryCore({ now: NOW });
    const run = await running(core);
    const e = await new RunCommands(core).rerun(run.execution_uuid, "carol").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect(e).toMatchObject({ code: "already_running", details: { execution_uuid: run.execution_uuid } });
    expect(core.runs.all()).toHaveLength(1);
  });

  it("is refused with 409 job_disabled for a disabled job", async () => {
    const core = memoryCore({ now: NOW });
    const old = aFinishedRun("SUCCESS", { job_name: demoJob.name, params: { limit: 2 } });
    core.runs.seed(old);
    await core.control.setJobEnabled(demoJob.name, false, "ops");
    await expect(new RunCommands(core).rerun(old.execution_uuid, "carol")).rejects.toMatchObject({
      code: "job_disabled",
    });
  });

  it("refuses an unknown run with 404", async () => {
    const core = memoryCore({ now: NOW });
    await expect(new RunCommands(core).rerun(nextUuid(), "carol")).rejects.toBeInstanceOf(NotFoundError);
  });
});
