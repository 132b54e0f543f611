// Issue 16 part 5: the expiry logic of pauses on in-memory fakes and a manual clock — the check of
// a pause request, when a pause has expired, and the sweep that resumes it as "system".
import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/errors.ts";
import { checkPause, isExpired, PauseService } from "#domain/pauses/pause-service.ts";
import { RunSweeper } from "#domain/runs/run-sweeper.ts";
import { SchedulerControl } from "#domain/schedules/scheduler-control.ts";
import { demoJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aSchedule } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
const at = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();

const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return ((e as ValidationError).details as { field: string }[])[0]?.field;
  }
  return null;
};

describe("checkPause", () => {
  const now = new Date(NOW);
  it("requires a reason (blank is none)", () => {
    expect(fieldOf(() => checkPause({}, now))).toBe("reason");
    expect(fieldOf(() => checkPause({ reason: "  " }, now))).toBe("reason");
  });
  it("takes until in the future, at most 90 days ahead, as UTC", () => {
    expect(checkPause({ reason: "r", until: "2026-03-10T18:00:05+09:00" }, now)).toEqual({
      reason: "r",
      until: at(5),
    });
    expect(checkPause({ reason: "r", until: at(90 * 86400) }, now).until).toBe(at(90 * 86400));
    expect(checkPause({ reason: "r", until: null }, now).until).toBeNull();
  });
  it("refuses until now, in the past or beyond 90 days, naming until", () => {
    expect(fieldOf(() => checkPause({ reason: "r", until: at(0) }, now))).toBe("until");
    expect(fieldOf(() => checkPause({ reason: "r", until: at(-1) }, now))).toBe("until");
    expect(fieldOf(() => checkPause({ reason: "r", until: at(90 * 86400 + 1) }, now))).toBe("until");
    expect(fieldOf(() => checkPause({ reason: "r", until: "tomorrow" }, now))).toBe("until");
  });
});

describe("isExpired", () => {
  it("is true from until on, never without until", () => {
    const now = new Date(NOW);
    expect(isExpired({ until: at(1) }, now)).toBe(false);
    expect(isExpired({ until: at(0) }, now)).toBe(true);
    expect(isExpired({ until: at(-1) }, now)).toBe(true);
    expect(isExpired({ until: null }, now)).toBe(false);
  });
});

describe("resumeExpired (the sweep)", () => {
  async function setup() {
    const core = memoryCore({ now: NOW });
    const pauses = new PauseService(core);
    const control = new SchedulerControl(core);
    const setPaused = (p: boolean, a: string, n: Record<string, unknown>) => control.setPaused(p, a, n);
    const s1 = aSchedule({ id: "s1", name: "s1", job_name: demoJob.name });
    const s2 = aSchedule({ id: "s2", name: "s2", job_name: demoJob.name });
    for (const s of [s1, s2]) {
      await core.schedules.create(s);
      await core.scheduleBackend.put(s);
    }
    return { core, pauses, setPaused };
  }

  it("resumes the scheduler, a job and schedules when until comes, not a second before, as system", async () => {
    const { core, pauses, setPaused } = await setup();
    await pauses.setSchedulerPaused(true, { reason: "why", until: at(5) }, "ops", setPaused);
    await pauses.setJobEnabled(demoJob.name, false, { reason: "why", until: at(5) }, "ops");
    await pauses.pauseSchedules(["s1", "s2"], { reason: "why", until: at(5) }, "ops");
    // EventBridge follows: the backend holds the schedules disabled.
    expect(core.scheduleBackend.schedules.get("s1")?.enabled).toBe(false);

    core.clock.advance(4.999);
    expect(await new RunSweeper(core).sweep()).toMatchObject({ resumed: [] });
    expect((await core.schedulerState.getSettings()).paused).toBe(true);

    core.clock.advance(0.001);
    const swept = await new RunSweeper(core).sweep();
    expect(swept.resumed.sort()).toEqual(
      [`job:${demoJob.name}`, "schedule:s1", "schedule:s2", "scheduler"].sort(),
    );
    expect((await core.schedulerState.getSettings()).paused).toBe(false);
    expect(await core.control.getJobEnabled(demoJob.name)).toBe(true);
    expect((await core.schedules.get("s1"))?.enabled).toBe(true);
    expect(core.scheduleBackend.schedules.get("s2")?.enabled).toBe(true);
    expect(await core.pauses.list()).toEqual([]);

    const byTarget = (target: string) =>
      core.audit
        .entries()
        .filter((e) => e.target === target)
        .map((e) => [e.action, e.actor]);
    expect(byTarget("scheduler")).toEqual(
      expect.arrayContaining([
        ["scheduler.pause", "ops"],
        ["scheduler.resume", "system"],
      ]),
    );
    expect(byTarget("s1")).toEqual(
      expect.arrayContaining([
        ["schedule.pause", "ops"],
        ["schedule.resume", "system"],
      ]),
    );
    expect(byTarget("s1")).toHaveLength(2);
    // A second sweep finds nothing left to do.
    expect((await new RunSweeper(core).sweep()).resumed).toEqual([]);
  });

  it("a manual resume drops the expiry; a later pause without until never expires", async () => {
    const { core, pauses } = await setup();
    await pauses.setJobEnabled(demoJob.name, false, { reason: "why", until: at(5) }, "ops");
    await pauses.setJobEnabled(demoJob.name, true, {}, "ops");
    expect(await core.pauses.list()).toEqual([]);
    await pauses.setJobEnabled(demoJob.name, false, { reason: "for good" }, "ops");
    core.clock.advance(86400 * 365);
    expect(await pauses.resumeExpired()).toEqual([]);
    expect(await core.control.getJobEnabled(demoJob.name)).toBe(false);
  });

  it("a note whose thing was resumed by another path is dropped without a system entry", async () => {
    const { core, pauses } = await setup();
    await pauses.pauseSchedules(["s1"], { reason: "why", until: at(5) }, "ops");
    const s1 = await core.schedules.get("s1");
    if (s1) await core.schedules.replace(s1, { ...s1, enabled: true });
    core.clock.advance(5);
    expect(await pauses.resumeExpired()).toEqual([]);
    expect(await core.pauses.list()).toEqual([]);
    expect(core.audit.entries().some((e) => e.actor === "system")).toBe(false);
  });

  it("a bad until pauses nothing, and an unknown schedule in a selection pauses none", async () => {
    const { core, pauses, setPaused } = await setup();
    await expect(
      pauses.setSchedulerPaused(true, { reason: "r", until: at(-1) }, "ops", setPaused),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await core.schedulerState.getSettings()).paused).toBe(false);
    await expect(pauses.pauseSchedules(["s1", "nope"], { reason: "r" }, "ops")).rejects.toMatchObject({
      status: 404,
    });
    expect((await core.schedules.get("s1"))?.enabled).toBe(true);
    expect(await core.pauses.list()).toEqual([]);
  });

  it("a store outage during the sweep is left for the next sweep", async () => {
    const { core, pauses, setPaused } = await setup();
    await pauses.setSchedulerPaused(true, { reason: "r", until: at(5) }, "ops", setPaused);
    core.clock.advance(5);
    core.outage.begin();
    const first = await new RunSweeper(core).sweep().catch(() => null);
    expect(first?.resumed ?? []).toEqual([]);
    core.outage.end();
    expect((await new RunSweeper(core).sweep()).resumed).toEqual(["scheduler"]);
  });
});
