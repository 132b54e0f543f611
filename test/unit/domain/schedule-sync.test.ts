// The executor of schedules follows the table (functions/domain/schedules/schedule-sync.ts), on
// in-memory fakes: the periodic reconcile the sweeper runs, and the schedules service's handling of
// a write that fails halfway (logged with the schedule id, repaired at once when that can help).
import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/errors.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import {
  SCHEDULE_RECONCILE_INTERVAL_MINUTES,
  SCHEDULE_RECONCILE_MARKER,
  ScheduleSync,
} from "#domain/schedules/schedule-sync.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { demoJob } from "#test/fakes/fake-jobs.ts";
import { type MemoryCore, memoryCore } from "#test/fakes/memory-core.ts";
import { aSchedule } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
const schedule = (over: Partial<Schedule> = {}) => aSchedule({ job_name: demoJob.name, ...over });

/** An executor call that takes effect, then fails on the service's side (a lost answer, a 5xx). */
function appliedThenFails(core: MemoryCore, op: "put" | "remove"): void {
  const backend = core.scheduleBackend;
  const original = backend[op].bind(backend) as (arg: never) => Promise<void>;
  let armed = true;
  backend[op] = (async (arg: never) => {
    await original(arg);
    if (!armed) return;
    armed = false;
    throw Object.assign(new Error("InternalServerException: try again"), {
      name: "InternalServerException",
      $fault: "server",
      $metadata: { httpStatusCode: 500 },
    });
  }) as never;
}

const linesAbout = (core: MemoryCore, id: string) =>
  core.logger.lines.filter((l) => l.extra?.schedule_id === id);

describe("ScheduleSync (the sweeper's periodic reconcile)", () => {
  it("creates what the executor lacks, deletes what the table lacks, and says so", async () => {
    const core = memoryCore({ now: NOW });
    const kept = schedule({ id: "kept" });
    await core.schedules.create(kept);
    core.scheduleBackend.schedules.set("orphan", schedule({ id: "orphan", name: "orphan" }));

    const result = await new ScheduleSync(core).reconcileIfDue();

    expect(result).toEqual({ created: ["kept"], updated: [], deleted: ["orphan"], unchanged: 0, failed: 0 });
    expect([...core.scheduleBackend.schedules.keys()]).toEqual(["kept"]);
    expect(core.logger.lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: "schedule drift repaired",
        extra: { created: ["kept"], updated: [], deleted: ["orphan"] },
      }),
    );
    expect(await core.schedulerState.getMarker(SCHEDULE_RECONCILE_MARKER)).toBe(NOW);
  });

  it("runs once per interval", async () => {
    const core = memoryCore({ now: NOW });
    await core.schedules.create(schedule({ id: "a" }));
    const sync = new ScheduleSync(core);
    expect(await sync.reconcileIfDue()).not.toBeNull();
    core.clock.advance(SCHEDULE_RECONCILE_INTERVAL_MINUTES * 60 - 1);
    expect(await sync.reconcileIfDue()).toBeNull();
    core.clock.advance(1);
    expect(await sync.reconcileIfDue()).toMatchObject({ created: [], unchanged: 1, failed: 0 });
  });

  it("does not let a marker in the future hold the pass off", async () => {
    const core = memoryCore({ now: NOW });
    await core.schedulerState.putMarker(SCHEDULE_RECONCILE_MARKER, "2026-03-11T00:00:00.000Z");
    expect(await new ScheduleSync(core).reconcileIfDue()).not.toBeNull();
    expect(await core.schedulerState.getMarker(SCHEDULE_RECONCILE_MARKER)).toBe(NOW);
  });

  it("never throws: a pass that cannot run is counted and tried again at the next sweep", async () => {
    const core = memoryCore({ now: NOW });
    core.scheduleBackend.failNext(new Error("AccessDeniedException"));
    const sync = new ScheduleSync(core);
    expect(await sync.reconcileIfDue()).toEqual({
      created: [],
      updated: [],
      deleted: [],
      unchanged: 0,
      failed: 1,
    });
    expect(await core.schedulerState.getMarker(SCHEDULE_RECONCILE_MARKER)).toBeNull();
    core.outage.begin();
    expect(await sync.reconcileIfDue()).toMatchObject({ failed: 1 });
    core.outage.end();
    expect(await sync.reconcileIfDue()).toMatchObject({ failed: 0 });
  });

  it("keeps what a partly failed pass did, and counts the schedules it could not repair", async () => {
    const core = memoryCore({ now: NOW });
    core.scheduleBackend.reconcile = async () => {
      throw Object.assign(new AggregateError([new Error("schedule b: ThrottlingException")], "1 failed"), {
        report: { created: ["a"], updated: [], deleted: [], unchanged: 3 },
      });
    };
    expect(await new ScheduleSync(core).reconcile()).toEqual({
      created: ["a"],
      updated: [],
      deleted: [],
      unchanged: 3,
      failed: 1,
    });
    // The pass ran through: the failed schedule waits for the next interval, not the next minute.
    expect(await core.schedulerState.getMarker(SCHEDULE_RECONCILE_MARKER)).toBe(NOW);
  });
});

describe("ScheduleSync and API writes during a pass", () => {
  const request = { job_name: demoJob.name, schedule_expression: "cron(0 3 * * ? *)" };

  /** The API writes `during` after the pass took its snapshot of the table, before the executor is read. */
  function writeDuringPass(core: MemoryCore, during: () => Promise<unknown>): void {
    const backend = core.scheduleBackend;
    const reconcile = backend.reconcile.bind(backend);
    backend.reconcile = async (snapshot) => {
      await during();
      return reconcile(snapshot);
    };
  }

  it("a schedule created meanwhile is not deleted as an orphan (nor counted as drift)", async () => {
    const core = memoryCore({ now: NOW });
    const service = new ScheduleService(core);
    let created = "";
    writeDuringPass(core, async () => {
      created = (await service.create(request, "ops")).id;
    });
    const result = await new ScheduleSync(core).reconcile();
    expect(result).toMatchObject({ created: [], updated: [], deleted: [], failed: 0 });
    expect(core.scheduleBackend.schedules.has(created)).toBe(true);
  });

  it("a schedule deleted meanwhile is not re-created; one updated meanwhile keeps the update", async () => {
    const core = memoryCore({ now: NOW });
    const service = new ScheduleService(core);
    const gone = await service.create(request, "ops");
    const changed = await service.create({ ...request, name: "changed" }, "ops");
    core.clock.advance(60);
    writeDuringPass(core, async () => {
      await service.delete(gone.id, "ops");
      await service.patch(changed.id, { enabled: false }, "ops");
    });
    const result = await new ScheduleSync(core).reconcile();
    expect(result).toMatchObject({ created: [], updated: [], deleted: [], failed: 0 });
    expect(core.scheduleBackend.schedules.has(gone.id)).toBe(false);
    expect(core.scheduleBackend.schedules.get(changed.id)?.enabled).toBe(false);
  });
});

describe("ScheduleService after a failed write", () => {
  const request = { job_name: demoJob.name, schedule_expression: "cron(0 3 * * ? *)" };

  it("create: an executor call that was applied but failed is undone at once (the table has no item)", async () => {
    const core = memoryCore({ now: NOW });
    appliedThenFails(core, "put");
    await expect(new ScheduleService(core).create(request, "ops")).rejects.toThrow(/InternalServer/);
    expect(core.scheduleBackend.schedules.size).toBe(0);
    const [line] = core.logger.lines.filter((l) => l.level === "error");
    expect(line?.extra).toMatchObject({ operation: "create", step: "executor", repair: "removed" });
    expect(line?.extra?.schedule_id).toEqual(expect.any(String));
  });

  it("update: the executor is put back to what the table holds", async () => {
    const core = memoryCore({ now: NOW });
    const service = new ScheduleService(core);
    const s = await service.create(request, "ops");
    appliedThenFails(core, "put");
    await expect(service.patch(s.id, { enabled: false }, "ops")).rejects.toThrow();
    expect(core.scheduleBackend.schedules.get(s.id)?.enabled).toBe(true);
    expect((await core.schedules.get(s.id))?.enabled).toBe(true);
    expect(linesAbout(core, s.id)).toContainEqual(
      expect.objectContaining({ level: "error", extra: expect.objectContaining({ repair: "put" }) }),
    );
  });

  it("delete: a table delete that fails (not an outage) puts the executor's copy back", async () => {
    const core = memoryCore({ now: NOW });
    const service = new ScheduleService(core);
    const s = await service.create(request, "ops");
    core.schedules.delete = async () => {
      throw new Error("TransactionCanceledException: unexpected");
    };
    await expect(service.delete(s.id, "ops")).rejects.toThrow(/unexpected/);
    expect(core.scheduleBackend.schedules.has(s.id)).toBe(true);
    expect(linesAbout(core, s.id)).toContainEqual(
      expect.objectContaining({
        level: "error",
        extra: expect.objectContaining({ operation: "delete", step: "table", repair: "put" }),
      }),
    );
  });

  it("a table outage: no read-back (it would fail too); logged, and the periodic reconcile repairs it", async () => {
    const core = memoryCore({ now: NOW });
    core.outage.failNext(1, (op) => op === "schedules.create");
    await expect(new ScheduleService(core).create(request, "ops")).rejects.toThrow(/store is down/);
    expect(core.scheduleBackend.schedules.size).toBe(1); // the orphan
    const [orphan] = [...core.scheduleBackend.schedules.keys()];
    expect(linesAbout(core, orphan!)).toContainEqual(
      expect.objectContaining({
        level: "error",
        extra: expect.objectContaining({
          step: "table",
          repair: expect.stringMatching(/periodic reconcile/),
        }),
      }),
    );
    expect(core.outage.refused).toEqual(["schedules.create"]); // no schedules.get after it
    const result = await new ScheduleSync(core).reconcileIfDue();
    expect(result?.deleted).toEqual([orphan]);
    expect(core.scheduleBackend.schedules.size).toBe(0);
  });

  it("a refusal by the executor (400) changed nothing: no repair, one info line with the id", async () => {
    const core = memoryCore({ now: NOW });
    const service = new ScheduleService(core);
    const s = await service.create(request, "ops");
    core.scheduleBackend.failNext(new ValidationError("EventBridge Scheduler refused the schedule", []));
    let gets = 0;
    const get = core.schedules.get.bind(core.schedules);
    core.schedules.get = async (id) => {
      gets++;
      return get(id);
    };
    await expect(service.patch(s.id, { schedule_expression: "cron(0 4 * * ? *)" }, "ops")).rejects.toThrow(
      ValidationError,
    );
    expect(gets).toBe(1); // the patch's own read, no read-back
    expect(linesAbout(core, s.id).filter((l) => l.level === "error")).toEqual([]);
    expect(linesAbout(core, s.id)).toContainEqual(
      expect.objectContaining({ level: "info", message: expect.stringMatching(/refused/) }),
    );
  });

  it("a repair that fails too is logged with the id and left to the periodic reconcile", async () => {
    const core = memoryCore({ now: NOW });
    core.scheduleBackend.failNext(Object.assign(new Error("ServiceUnavailable"), { $fault: "server" }));
    core.scheduleBackend.failNext(Object.assign(new Error("ServiceUnavailable"), { $fault: "server" }));
    await expect(new ScheduleService(core).create(request, "ops")).rejects.toThrow();
    const [line] = core.logger.lines.filter((l) => l.level === "error");
    expect(line?.extra).toMatchObject({
      operation: "create",
      step: "executor",
      repair: expect.stringMatching(/periodic reconcile/),
      repair_error: "ServiceUnavailable",
    });
    expect(line?.extra?.schedule_id).toEqual(expect.any(String));
  });

  it("an auto name that needed a suffix reaches the executor's copy too (no drift for reconcile to find)", async () => {
    const core = memoryCore({ now: NOW });
    const service = new ScheduleService(core);
    const first = await service.create(request, "ops");
    const second = await service.create(request, "ops");
    expect(second.name).toBe(`${first.name}_2`);
    expect(core.scheduleBackend.schedules.get(second.id)?.name).toBe(second.name);
    const result = await new ScheduleSync(core).reconcile();
    expect(result).toMatchObject({ created: [], updated: [], deleted: [], unchanged: 2 });
  });
});
