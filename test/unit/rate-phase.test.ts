// Issue 13, "rate() phase": AWS documents that a rate schedule without a StartDate "starts invoking
// the target immediately" — at the write — while jobdeck predicted fires from the creation minute;
// when the two disagree, every rate() fire is judged missed. The phase is pinned now: a rate() is
// stored with a start_date, EventBridge is always sent a StartDate on that grid, and the local
// scheduler fires on it too.
import type { CreateScheduleCommandInput, GetScheduleCommandOutput } from "@aws-sdk/client-scheduler";
import { afterEach, describe, expect, it } from "vitest";
import { desiredSchedule, type EventBridgeBackendConfig } from "#adapters/eventbridge-schedule-definition.ts";
import { scheduleDrift } from "#adapters/eventbridge-schedule-drift.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { scheduleFireTimes } from "#domain/schedules/schedule-times.ts";
import { LocalScheduler } from "#local/local-scheduler.ts";
import type { ScheduleFireInput } from "#ports/schedule-backend.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { type MemoryCore, memoryCore } from "#test/fakes/memory-core.ts";
import { aSchedule } from "#test/helpers/builders.ts";

const CONFIG: EventBridgeBackendConfig = {
  groupName: "jobdeck",
  roleArn: "arn:aws:iam::123456789012:role/scheduler",
  stateMachineArnFor: (job) => `arn:aws:states:ap-northeast-1:123456789012:stateMachine:${job}`,
};
const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/**
 * What EventBridge Scheduler does with a rate() it was sent at `writtenAt`: the first invocation at
 * StartDate ("you use the StartDate property to set the first occurrence"), at the write without
 * one ("starts invoking the target immediately"), then every step until EndDate.
 */
function eventBridgeFires(
  desired: CreateScheduleCommandInput,
  writtenAt: Date,
  after: Date,
  count: number,
): string[] {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(desired.ScheduleExpression ?? "");
  if (!m) throw new Error(`not a rate: ${desired.ScheduleExpression}`);
  const step = Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number) * 1000;
  const first = (desired.StartDate ?? writtenAt).getTime();
  const out: string[] = [];
  for (let t = first; out.length < count; t += step) {
    if (desired.EndDate && t > desired.EndDate.getTime()) break;
    if (t > after.getTime()) out.push(new Date(t).toISOString());
  }
  return out;
}

const predicted = (s: Schedule, from: Date, count = 5) =>
  scheduleFireTimes(s, from, count).map((t) => t.toISOString());

function service(now: string) {
  const core = memoryCore({ now });
  return { core, schedules: new ScheduleService(core) };
}
const stored = async (core: MemoryCore, id: string) => {
  const s = await core.schedules.get(id);
  if (!s) throw new Error(`no schedule ${id}`);
  return s;
};

describe("a rate() is stored with its phase pinned", () => {
  it("created without start_date: the first whole minute at least 30 s after the write", async () => {
    const { schedules } = service("2026-03-10T09:00:37.250Z");
    const s = await schedules.create(
      { job_name: "demo.sync", schedule_expression: "rate(5 minutes)" },
      "ops",
    );
    expect(s.start_date).toBe("2026-03-10T09:02:00.000Z");
    expect(s.next_fire_times.slice(0, 2)).toEqual(["2026-03-10T09:02:00.000Z", "2026-03-10T09:07:00.000Z"]);
  });

  it("a start_date the client gives is kept as given; a cron() gets none; a rate() always one", async () => {
    const { schedules } = service("2026-03-10T09:00:37.250Z");
    const r = await schedules.create(
      { job_name: "demo.sync", schedule_expression: "rate(1 hour)", start_date: "2026-03-11T00:00:10Z" },
      "ops",
    );
    expect(r.start_date).toBe("2026-03-11T00:00:10.000Z");
    const c = await schedules.create(
      { job_name: "demo.sync", schedule_expression: "cron(0 9 * * ? *)" },
      "ops",
    );
    expect(c.start_date).toBeNull();
    const d = await schedules.create({ job_name: "demo.sync", schedule_expression: "rate(1 day)" }, "ops");
    expect(d.start_date).toBe("2026-03-10T09:02:00.000Z");
  });

  it("an edit keeps the phase; becoming a rate() or clearing start_date pins it at that write", async () => {
    const { core, schedules } = service("2026-03-10T09:00:37.250Z");
    const s = await schedules.create(
      { job_name: "demo.sync", schedule_expression: "rate(5 minutes)" },
      "ops",
    );
    core.clock.set("2026-03-12T17:43:10Z");
    // a PUT that leaves start_date out (the edit page does) does not move the fires
    const put = await schedules.replace(
      s.id,
      { job_name: "demo.sync", schedule_expression: "rate(10 minutes)", description: "slower" },
      "ops",
    );
    expect(put.start_date).toBe("2026-03-10T09:02:00.000Z");
    expect(put.next_fire_times[0]).toBe("2026-03-12T17:52:00.000Z");
    // an explicit null: pinned again, at this write
    const cleared = await schedules.patch(s.id, { start_date: null }, "ops");
    expect(cleared.start_date).toBe("2026-03-12T17:44:00.000Z");
    // cron → rate: pinned at the change, not at the creation long ago
    await schedules.patch(s.id, { schedule_expression: "cron(0 9 * * ? *)", start_date: null }, "ops");
    core.clock.set("2026-03-20T06:15:45Z");
    const back = await schedules.patch(s.id, { schedule_expression: "rate(1 day)" }, "ops");
    expect(back.start_date).toBe("2026-03-20T06:17:00.000Z");
    expect(back.next_fire_times.slice(0, 2)).toEqual([
      "2026-03-20T06:17:00.000Z",
      "2026-03-21T06:17:00.000Z",
    ]);
  });

  it("preview shows the fires a rate() saved now would have", async () => {
    const { schedules } = service("2026-03-10T09:00:37.250Z");
    const p = await schedules.preview({ schedule_expression: "rate(5 minutes)", count: 2 });
    const s = await schedules.create(
      { job_name: "demo.sync", schedule_expression: "rate(5 minutes)" },
      "ops",
    );
    expect(p.next_fire_times).toEqual(["2026-03-10T09:02:00.000Z", "2026-03-10T09:07:00.000Z"]);
    expect(p.next_fire_times).toEqual(s.next_fire_times.slice(0, 2));
  });
});

describe("EventBridge fires a rate() where jobdeck predicts it (the StartDate sent pins the grid)", () => {
  const cases = ["rate(1 minute)", "rate(7 minutes)", "rate(2 hours)", "rate(1 day)"];
  for (const expression of cases) {
    it(`${expression}: at creation, and at later writes once start_date has passed`, async () => {
      const { core, schedules } = service("2026-03-10T09:00:37.250Z");
      const created = await schedules.create(
        { job_name: "demo.sync", schedule_expression: expression },
        "ops",
      );
      let s = await stored(core, created.id);
      let at = core.clock.now();
      expect(eventBridgeFires(desiredSchedule(s, CONFIG, at), at, at, 5)).toEqual(predicted(s, at));
      // later writes (an edit, a reconcile), at instants between fires and exactly on one
      for (const later of ["2026-03-13T21:19:59.999Z", "2026-03-14T00:00:00.000Z", "2026-04-02T11:11:11Z"]) {
        core.clock.set(later);
        await schedules.patch(s.id, { description: `edited at ${later}` }, "ops");
        s = await stored(core, created.id);
        at = core.clock.now();
        const desired = desiredSchedule(s, CONFIG, at);
        // never more than 5 minutes in the past, which EventBridge would refuse
        expect(desired.StartDate?.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(eventBridgeFires(desired, at, at, 5)).toEqual(predicted(s, at));
      }
    });
  }

  it("an item stored before the phase was pinned (no start_date) is put on its predicted grid", () => {
    const legacy = aSchedule({
      schedule_expression: "rate(15 minutes)",
      created_at: "2025-07-01T03:04:05.678Z",
      updated_at: "2025-07-01T03:04:05.678Z",
    });
    const at = new Date("2025-07-15T12:34:56.789Z");
    expect(eventBridgeFires(desiredSchedule(legacy, CONFIG, at), at, at, 5)).toEqual(predicted(legacy, at));
  });

  it("a rate() is sent the StartDate of its next fire until end_date, none once nothing is left", () => {
    const bounded = aSchedule({
      schedule_expression: "rate(1 hour)",
      start_date: "2025-07-01T00:00:00.000Z",
      end_date: "2025-07-02T00:00:00.000Z",
    });
    const during = desiredSchedule(bounded, CONFIG, new Date("2025-07-01T10:20:00Z"));
    expect(during.StartDate).toEqual(new Date("2025-07-01T11:00:00Z"));
    expect(desiredSchedule(bounded, CONFIG, new Date("2025-07-15T00:00:00Z")).StartDate).toBeUndefined();
  });
});

describe("reconcile reads a rate()'s StartDate by its phase", () => {
  const s = aSchedule({ schedule_expression: "rate(5 minutes)", start_date: "2026-03-10T09:02:00.000Z" });
  const later = new Date("2026-03-12T17:43:10Z");
  const held = (startDate: Date | undefined): GetScheduleCommandOutput => {
    const { ClientToken: _t, ...rest } = desiredSchedule(s, CONFIG, later);
    return { ...rest, StartDate: startDate, $metadata: {} };
  };

  it("the StartDate sent at an earlier write is in line (same grid); another phase, or none, is drift", () => {
    const desired = desiredSchedule(s, CONFIG, later);
    const earlier = desiredSchedule(s, CONFIG, new Date("2026-03-10T09:00:40Z")).StartDate;
    expect(scheduleDrift(desired, held(earlier), later)).toEqual([]);
    expect(scheduleDrift(desired, held(new Date("2026-03-10T09:03:00Z")), later)).toEqual(["StartDate"]);
    // EventBridge counts from its own write: an unknown phase
    expect(scheduleDrift(desired, held(undefined), later)).toEqual(["StartDate"]);
    // a later StartDate on the same grid would skip the fires before it
    const skipping = new Date((desired.StartDate as Date).getTime() + 5 * 60_000);
    expect(scheduleDrift(desired, held(skipping), later)).toEqual(["StartDate"]);
  });
});

describe("the local scheduler fires a rate() at the predicted instants", () => {
  let scheduler: LocalScheduler | null = null;
  afterEach(() => scheduler?.stop());

  it("the instants the API answers, which are the ones EventBridge would fire", async () => {
    const { core, schedules } = service("2026-03-10T09:00:37.250Z");
    const created = await schedules.create(
      { job_name: "demo.sync", schedule_expression: "rate(2 minutes)" },
      "ops",
    );
    const writtenAt = core.clock.now();
    const ebFires = eventBridgeFires(
      desiredSchedule(await stored(core, created.id), CONFIG, writtenAt),
      writtenAt,
      writtenAt,
      3,
    );
    expect(created.next_fire_times.slice(0, 3)).toEqual(ebFires);
    const fired: string[] = [];
    scheduler = new LocalScheduler(core, async (_job, _name, input: ScheduleFireInput) => {
      fired.push(input.scheduled_time);
    });
    await scheduler.start();
    for (const t of created.next_fire_times.slice(0, 3)) {
      core.clock.set(new Date(Date.parse(t) - 1));
      await scheduler.tick();
      expect(fired).not.toContain(t); // not early
      core.clock.set(t);
      await scheduler.tick();
    }
    expect(fired).toEqual(ebFires);
  });
});
