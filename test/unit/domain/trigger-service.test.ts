// TriggerService (manual trigger and the start behind rerun) on in-memory fakes: spec/api.md "Trigger".
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  DomainError,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
  ValidationError,
} from "#domain/errors.ts";
import { concurrencyKey } from "#domain/runs/concurrency-key.ts";
import { TriggerService } from "#domain/runs/trigger-service.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { demoJob, perParamsJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aFinishedRun, aRun, aSchedule, nextUuid } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:20.000Z";
const setup = (settings = {}) => {
  const core = memoryCore({ now: NOW, settings });
  return { core, service: new TriggerService(core) };
};
const trigger = (service: TriggerService, over: Partial<Parameters<TriggerService["trigger"]>[0]> = {}) =>
  service.trigger({ job_name: demoJob.name, options: {}, actor: "alice", trigger_source: "manual", ...over });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("TriggerService.trigger", () => {
  it("creates a RUNNING run holding the job's slot, starts its workflow, and records who did it", async () => {
    const { core, service } = setup();
    const result = await trigger(service, { options: { limit: 3 } });
    expect(result.status).toBe("RUNNING");
    const run = await core.runs.get(result.execution_uuid);
    expect(run).toMatchObject({
      job_name: demoJob.name,
      status: "RUNNING",
      params: { limit: 3 },
      trigger_source: "manual",
      triggered_by: "alice",
      started_at: NOW,
      concurrency_key: demoJob.name,
      data_source: ["demo_api"],
    });
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: result.execution_uuid });
    expect(core.workflow.started()).toEqual([
      expect.objectContaining({
        name: result.execution_uuid,
        jobName: demoJob.name,
        input: expect.objectContaining({ execution_uuid: result.execution_uuid, params: { limit: 3 } }),
      }),
    ]);
    expect(core.audit.entries()).toEqual([
      expect.objectContaining({ action: "run.trigger", actor: "alice", target: result.execution_uuid }),
    ]);
  });

  it("applies the parameters' defaults before storing them", async () => {
    const { core, service } = setup();
    const { execution_uuid } = await trigger(service, { options: undefined });
    expect((await core.runs.get(execution_uuid))?.params).toEqual({ limit: 10 });
  });

  it("uses the execution_uuid reserved by the caller (an Idempotency-Key's claim)", async () => {
    const { core, service } = setup();
    const id = nextUuid();
    expect((await trigger(service, { execution_uuid: id })).execution_uuid).toBe(id);
    expect(await core.runs.get(id)).not.toBeNull();
  });

  it("answers the job's next fire time", async () => {
    const { core, service } = setup();
    // every day 02:30 in Tokyo = 17:30 UTC
    await core.schedules.create(
      aSchedule({ job_name: demoJob.name, schedule_expression: "cron(30 2 * * ? *)" }),
    );
    expect((await trigger(service)).next_scheduled_for).toBe("2026-03-10T17:30:00.000Z");
  });

  it("refuses an unknown job with 404 and writes nothing", async () => {
    const { core, service } = setup();
    const e = await rejection(trigger(service, { job_name: "no.such_job" }));
    expect(e).toBeInstanceOf(NotFoundError);
    expect((e as DomainError).status).toBe(404);
    expect(core.runs.all()).toEqual([]);
  });

  it("refuses options that do not fit the job with 400 naming each field", async () => {
    const { core, service } = setup();
    const e = await rejection(trigger(service, { options: { limit: 0, extra: true } }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as DomainError).status).toBe(400);
    const fields = ((e as DomainError).details as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(["options.extra", "options.limit"]);
    expect(core.runs.all()).toEqual([]);
    expect(core.workflow.started()).toEqual([]);
  });

  it("refuses a disabled job with 409 job_disabled: no run, no slot, no workflow", async () => {
    const { core, service } = setup();
    await core.control.setJobEnabled(demoJob.name, false, "ops");
    const e = await rejection(trigger(service));
    expect(e).toBeInstanceOf(ConflictError);
    expect(e).toMatchObject({ status: 409, code: "job_disabled" });
    expect(core.runs.all()).toEqual([]);
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
    expect(core.workflow.started()).toEqual([]);
  });

  it("refuses with 409 already_running, naming the active run, while a run of the same key is active", async () => {
    const { core, service } = setup();
    const first = await trigger(service);
    const e = await rejection(trigger(service, { actor: "bob" }));
    expect(e).toMatchObject({
      status: 409,
      code: "already_running",
      details: { execution_uuid: first.execution_uuid },
    });
    expect(core.runs.all()).toHaveLength(1);
    expect(core.workflow.started()).toHaveLength(1);
  });

  it("of two simultaneous triggers, exactly one starts", async () => {
    const { core, service } = setup();
    const results = await Promise.allSettled([trigger(service), trigger(service, { actor: "bob" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "already_running" });
    expect(core.runs.all()).toHaveLength(1);
  });

  it("with per-params concurrency, other params start beside a run and the same params are refused", async () => {
    const { core, service } = setup();
    await trigger(service, { job_name: perParamsJob.name, options: { key: "a" } });
    await trigger(service, { job_name: perParamsJob.name, options: { key: "b" } });
    const e = await rejection(trigger(service, { job_name: perParamsJob.name, options: { key: "a" } }));
    expect(e).toMatchObject({ code: "already_running" });
    expect((await core.runs.listActive(perParamsJob.name)).map((r) => r.params.key).sort()).toEqual([
      "a",
      "b",
    ]);
  });

  it("frees a slot left behind by a finished run (a crash between finish and release) and starts", async () => {
    const { core, service } = setup();
    const old = aFinishedRun("SUCCESS", { job_name: demoJob.name, concurrency_key: demoJob.name });
    core.runs.seed(old);
    core.control.seedSlot(demoJob.name, {
      execution_uuid: old.execution_uuid,
      job_name: demoJob.name,
      acquired_at: old.started_at,
    });
    const result = await trigger(service);
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: result.execution_uuid });
  });

  it("frees a slot whose holder's run does not exist and starts", async () => {
    const { core, service } = setup();
    core.control.seedSlot(demoJob.name, {
      execution_uuid: nextUuid(),
      job_name: demoJob.name,
      acquired_at: NOW,
    });
    const result = await trigger(service);
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: result.execution_uuid });
  });

  it("does not free the slot of a QUEUED holder", async () => {
    const { core, service } = setup();
    const queued = aRun({ job_name: demoJob.name, status: "QUEUED", concurrency_key: demoJob.name });
    core.runs.seed(queued);
    core.control.seedSlot(demoJob.name, {
      execution_uuid: queued.execution_uuid,
      job_name: demoJob.name,
      acquired_at: NOW,
    });
    expect(await rejection(trigger(service))).toMatchObject({ code: "already_running" });
    expect(await core.control.getSlot(demoJob.name)).toMatchObject({ execution_uuid: queued.execution_uuid });
  });

  describe("rate limit (manual starts per user per minute)", () => {
    it("refuses the start past the limit with 429 and the seconds to the window's end, writing nothing", async () => {
      const { core, service } = setup({ triggersPerMinute: 2 });
      await trigger(service, { job_name: perParamsJob.name, options: { key: "1" } });
      await trigger(service, { job_name: perParamsJob.name, options: { key: "2" } });
      const e = await rejection(trigger(service, { job_name: perParamsJob.name, options: { key: "3" } }));
      expect(e).toBeInstanceOf(RateLimitedError);
      // 09:00:20 → the window ends at 09:01:00
      expect(e).toMatchObject({ status: 429, retryAfterSeconds: 40 });
      expect(core.runs.all()).toHaveLength(2);
    });

    it("counts each user apart and starts afresh in the next minute", async () => {
      const { core, service } = setup({ triggersPerMinute: 1 });
      await trigger(service, { job_name: perParamsJob.name, options: { key: "1" } });
      await trigger(service, { job_name: perParamsJob.name, options: { key: "2" }, actor: "bob" });
      await expect(
        trigger(service, { job_name: perParamsJob.name, options: { key: "3" } }),
      ).rejects.toBeInstanceOf(RateLimitedError);
      core.clock.advance(40);
      await trigger(service, { job_name: perParamsJob.name, options: { key: "3" } });
      expect(core.runs.all()).toHaveLength(3);
    });

    it("does not count a start refused for another reason", async () => {
      const { core, service } = setup({ triggersPerMinute: 1 });
      await core.control.setJobEnabled(demoJob.name, false, "ops");
      await expect(trigger(service)).rejects.toMatchObject({ code: "job_disabled" });
      await core.control.setJobEnabled(demoJob.name, true, "ops");
      await trigger(service);
      expect(core.runs.all()).toHaveLength(1);
    });
  });

  describe("when the workflow does not start", () => {
    it("ends the run as FAILURE, frees the slot, and answers 503 so the operator can try again", async () => {
      const { core, service } = setup();
      core.workflow.failNextStart(new Error("states unreachable"));
      const e = await rejection(trigger(service));
      expect(e).toBeInstanceOf(UnavailableError);
      expect((e as DomainError).status).toBe(503);
      const [run] = core.runs.all();
      expect(run).toMatchObject({ status: "FAILURE", finished_at: NOW });
      expect(run?.error_summary).toContain("could not start the workflow");
      expect(run?.error_summary).toContain("states unreachable");
      expect(await core.control.getSlot(demoJob.name)).toBeNull();
      await trigger(service);
      expect((await core.runs.listActive()).length).toBe(1);
    });

    it("passes the workflow service's own refusal of the input on as 400", async () => {
      const { core, service } = setup();
      core.workflow.failNextStart(
        new ValidationError("input too large", [{ field: "options", message: "too large" }]),
      );
      await expect(trigger(service)).rejects.toBeInstanceOf(ValidationError);
      expect(await core.control.getSlot(demoJob.name)).toBeNull();
    });
  });

  it("claims again when another write touched the same items, and gives up with 503 after five tries", async () => {
    const { core, service } = setup();
    core.control.contendNext(2);
    await trigger(service);
    expect(core.runs.all()).toHaveLength(1);

    const other = setup();
    other.core.control.contendNext(5);
    const e = await rejection(trigger(other.service));
    expect(e).toMatchObject({ status: 503 });
    expect(other.core.runs.all()).toEqual([]);
  });

  it("lets a store outage through as the store's error (the API's 503), with nothing started", async () => {
    const { core, service } = setup();
    core.outage.begin();
    const e = await rejection(trigger(service));
    expect(e).not.toBeInstanceOf(DomainError);
    expect(isStoreUnavailable(e)).toBe(true);
    core.outage.end();
    expect(core.runs.all()).toEqual([]);
    expect(await core.control.getSlot(demoJob.name)).toBeNull();
    expect(core.workflow.started()).toEqual([]);
  });

  // Was a bug: after the claim had written the RUNNING run and taken the slot, a failure of the feed
  // bookkeeping (runs.noteCreated) escaped before the workflow started and nothing ended the run:
  // the client was told to retry, and the retry was refused already_running until the sweeper came.
  it("a failed bookkeeping write after the claim ends the run and frees the slot: the retry starts the job", async () => {
    const { core, service } = setup();
    core.outage.failNext(1, (op) => op === "runs.noteCreated");
    const e = await rejection(trigger(service));
    expect(isStoreUnavailable(e)).toBe(true);
    expect(core.workflow.started()).toEqual([]);
    // the client retries as told: the job must start
    await expect(trigger(service)).resolves.toMatchObject({ status: "RUNNING" });
  });

  it("starts the run even when the next fire time cannot be read", async () => {
    const { core, service } = setup();
    core.outage.failNext(1, (op) => op === "schedulerState.getSettings");
    const result = await trigger(service);
    expect(result.next_scheduled_for).toBeNull();
    expect((await core.runs.get(result.execution_uuid))?.status).toBe("RUNNING");
  });

  it("keys a per-params run by its params", async () => {
    const { core, service } = setup();
    const { execution_uuid } = await trigger(service, { job_name: perParamsJob.name, options: { key: "x" } });
    expect((await core.runs.get(execution_uuid))?.concurrency_key).toBe(
      concurrencyKey(perParamsJob.name, "params", { key: "x" }),
    );
  });
});
