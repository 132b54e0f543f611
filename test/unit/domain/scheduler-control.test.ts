// SchedulerControl (pause-all, status, next fire) on in-memory fakes: spec/api.md "Scheduler".
import { describe, expect, it } from "vitest";
import { SchedulerControl } from "#domain/schedules/scheduler-control.ts";
import { demoJob, perParamsJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aRun, aSchedule } from "#test/helpers/builders.ts";

// 09:00 UTC = 18:00 in Tokyo
const NOW = "2026-03-10T09:00:00.000Z";

async function withSchedules() {
  const core = memoryCore({ now: NOW });
  // 02:30 Tokyo = 17:30 UTC today; 20:00 Tokyo = 11:00 UTC today; 19:00 Tokyo = 10:00 UTC (disabled)
  const daily = aSchedule({
    id: "daily",
    name: "daily",
    job_name: demoJob.name,
    schedule_expression: "cron(30 2 * * ? *)",
  });
  const evening = aSchedule({
    id: "evening",
    name: "evening",
    job_name: perParamsJob.name,
    schedule_expression: "cron(0 20 * * ? *)",
    params: { key: "a" },
  });
  const off = aSchedule({
    id: "off",
    name: "off",
    job_name: demoJob.name,
    schedule_expression: "cron(0 19 * * ? *)",
    enabled: false,
  });
  for (const s of [daily, evening, off]) await core.schedules.create(s);
  return { core, control: new SchedulerControl(core) };
}

describe("SchedulerControl.nextFire", () => {
  it("is the soonest fire among enabled schedules (a disabled one never counts)", async () => {
    const { control } = await withSchedules();
    expect(await control.nextFire()).toEqual({
      schedule_id: "evening",
      schedule_name: "evening",
      job_name: perParamsJob.name,
      at: "2026-03-10T11:00:00.000Z",
    });
    expect(await control.nextFor(demoJob.name)).toBe("2026-03-10T17:30:00.000Z");
  });

  it("skips the schedules of a disabled job", async () => {
    const { core, control } = await withSchedules();
    await core.control.setJobEnabled(perParamsJob.name, false, "ops");
    expect((await control.nextFire())?.schedule_id).toBe("daily");
    expect(await control.nextFor(perParamsJob.name)).toBeNull();
  });

  it("skips schedules of jobs this deployment does not know", async () => {
    const core = memoryCore({ now: NOW });
    await core.schedules.create(aSchedule({ job_name: "gone.job", schedule_expression: "rate(5 minutes)" }));
    expect(await new SchedulerControl(core).nextFire()).toBeNull();
  });

  it("is null for every job while the scheduler is paused, and back once resumed", async () => {
    const { control } = await withSchedules();
    await control.setPaused(true, "ops");
    expect(await control.nextFire()).toBeNull();
    expect(await control.nextFor(demoJob.name)).toBeNull();
    await control.setPaused(false, "ops");
    expect(await control.nextFor(demoJob.name)).toBe("2026-03-10T17:30:00.000Z");
  });

  it("moves on with the clock", async () => {
    const { core, control } = await withSchedules();
    core.clock.set("2026-03-10T11:00:01.000Z");
    expect((await control.nextFire())?.at).toBe("2026-03-10T17:30:00.000Z");
  });
});

describe("SchedulerControl.setPaused", () => {
  it("records who paused and when, audits the change, and answers the status", async () => {
    const { core, control } = await withSchedules();
    const status = await control.setPaused(true, "ops");
    expect(status).toMatchObject({ paused: true, paused_by: "ops", paused_at: NOW, next_fire: null });
    expect(core.audit.entries()).toEqual([
      expect.objectContaining({
        action: "scheduler.pause",
        actor: "ops",
        target: "scheduler",
        before: { paused: false },
        after: { paused: true },
      }),
    ]);
    core.clock.advance(1);
    const resumed = await control.setPaused(false, "lead");
    expect(resumed).toMatchObject({ paused: false, paused_by: null, paused_at: null });
    expect(core.audit.entries().map((e) => e.action)).toEqual(["scheduler.pause", "scheduler.resume"]);
  });

  it("pauses even when the audit entry cannot be written (the action is done; the failure is logged)", async () => {
    const { core, control } = await withSchedules();
    core.outage.failNext(1, (op) => op === "audit.record");
    expect((await control.setPaused(true, "ops")).paused).toBe(true);
    expect(core.logger.lines.some((l) => l.level === "error" && l.message.includes("audit"))).toBe(true);
  });

  it("fails with the store's error while the store is down, and stays unpaused", async () => {
    const { core, control } = await withSchedules();
    core.outage.begin();
    await expect(control.setPaused(true, "ops")).rejects.toMatchObject({ name: "ServiceUnavailable" });
    core.outage.end();
    expect((await core.schedulerState.getSettings()).paused).toBe(false);
  });
});

describe("SchedulerControl.status", () => {
  it("counts schedules, lists active runs, and flags long-running and stale runs", async () => {
    const { core, control } = await withSchedules();
    // demo.sync: 3 attempts × 300 s + 5 s + 10 s of backoff + 60 s grace → stale after 16 min 15 s
    const fresh = aRun({ job_name: demoJob.name, started_at: "2026-03-10T08:58:00.000Z" });
    const stale = aRun({
      job_name: demoJob.name,
      concurrency_key: "x",
      started_at: "2026-03-10T08:43:00.000Z",
    });
    // demo.per_params: default timeout 900 s; 2 h old → stale and long
    const long = aRun({ job_name: perParamsJob.name, started_at: "2026-03-10T07:00:00.000Z" });
    const queued = aRun({ job_name: demoJob.name, status: "QUEUED", started_at: "2026-03-10T06:00:00.000Z" });
    core.runs.seed(fresh, stale, long, queued);
    await core.schedulerState.recordMissed({
      schedule_id: "daily",
      schedule_name: "daily",
      job_name: demoJob.name,
      scheduled_time: "2026-03-09T17:30:00.000Z",
      reason: "stack down",
      recorded_at: NOW,
    });
    const status = await control.status();
    expect(status).toMatchObject({ paused: false, schedules_total: 3, schedules_enabled: 2 });
    expect(status.next_fire?.schedule_id).toBe("evening");
    const ids = (rs: { execution_uuid: string }[]) => rs.map((r) => r.execution_uuid).sort();
    expect(ids(status.running_runs)).toEqual(ids([fresh, stale, long, queued]));
    expect(ids(status.stale_runs)).toEqual(ids([stale, long]));
    expect(ids(status.long_running_runs)).toEqual(ids([long]));
    expect(status.missed_fires).toEqual([
      expect.objectContaining({ schedule_id: "daily", reason: "stack down" }),
    ]);
  });
});

describe("SchedulerControl.status: the stale line", () => {
  it("calls a RUNNING run stale only past its whole time budget plus the grace", async () => {
    const core = memoryCore({ now: NOW });
    // demo.sync's budget + grace: 975 s
    const justInside = aRun({
      job_name: demoJob.name,
      started_at: new Date(Date.parse(NOW) - 975_000).toISOString(),
    });
    const justPast = aRun({
      job_name: demoJob.name,
      concurrency_key: "y",
      started_at: new Date(Date.parse(NOW) - 976_000).toISOString(),
    });
    core.runs.seed(justInside, justPast);
    const status = await new SchedulerControl(core).status();
    expect(status.stale_runs.map((r) => r.execution_uuid)).toEqual([justPast.execution_uuid]);
  });
});
