// Issue 16 part 1, the calendar's pure computation. EventBridge's DST behaviour as the project
// documents it (test/unit/schedule-expression.test.ts, from the EventBridge Scheduler user guide):
// a local time that does not exist (spring forward) is skipped, a repeated one fires once, at its
// first occurrence.
import { describe, expect, it } from "vitest";
import {
  type CalendarInput,
  type CalendarJobFacts,
  computeCalendar,
  dstChanges,
} from "#domain/schedules/calendar.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { aSchedule } from "#test/helpers/builders.ts";

/** The builders' schedule, as this file's cases read it: s1 "nightly" of demo.job at 02:30 New York. */
const schedule = (over: Partial<Schedule> = {}): Schedule =>
  aSchedule({
    id: "s1",
    name: "nightly",
    job_name: "demo.job",
    timezone: "America/New_York",
    ...over,
  });

const facts = (over: Partial<CalendarJobFacts> = {}): CalendarJobFacts => ({
  job_name: "demo.job",
  enabled: true,
  p95_seconds: null,
  p95_sample_size: 0,
  manual_started_at: null,
  ...over,
});

const calendar = (over: Partial<CalendarInput> & Pick<CalendarInput, "from" | "to">) =>
  computeCalendar({
    job_name: null,
    schedules: [schedule()],
    jobs: new Map([["demo.job", facts()]]),
    pause: { paused: false, until: null },
    extraZones: [],
    maxFires: 2000,
    ...over,
  });

describe("calendar fires across DST (America/New_York, cron(30 2 * * ? *))", () => {
  it("March 2026: 02:30 does not exist on the 8th, so that day has no fire (EventBridge skips it)", () => {
    const c = calendar({ from: new Date("2026-03-06T00:00:00Z"), to: new Date("2026-03-11T00:00:00Z") });
    expect(c.fires.map((f) => f.fire_at)).toEqual([
      "2026-03-06T07:30:00.000Z", // 02:30 EST
      "2026-03-07T07:30:00.000Z",
      // 2026-03-08: clocks jump 02:00 → 03:00, no 02:30
      "2026-03-09T06:30:00.000Z", // 02:30 EDT
      "2026-03-10T06:30:00.000Z",
    ]);
    expect(c.fires.map((f) => f.fire_local)).toEqual([
      "2026-03-06T02:30:00-05:00",
      "2026-03-07T02:30:00-05:00",
      "2026-03-09T02:30:00-04:00",
      "2026-03-10T02:30:00-04:00",
    ]);
    expect(c.dst_changes).toEqual([
      {
        timezone: "America/New_York",
        at: "2026-03-08T07:00:00.000Z",
        kind: "gap",
        offset_before_minutes: -300,
        offset_after_minutes: -240,
        wall_before: "2026-03-08T02:00",
        wall_after: "2026-03-08T03:00",
      },
    ]);
  });

  it("November 2026: the repeated 01:30 fires once, at its first occurrence (EDT)", () => {
    const c = calendar({
      schedules: [schedule({ schedule_expression: "cron(30 1 * * ? *)" })],
      from: new Date("2026-10-31T00:00:00Z"),
      to: new Date("2026-11-03T00:00:00Z"),
    });
    expect(c.fires.map((f) => f.fire_local)).toEqual([
      "2026-10-31T01:30:00-04:00",
      "2026-11-01T01:30:00-04:00", // first occurrence; not again at 01:30 EST
      "2026-11-02T01:30:00-05:00",
    ]);
    expect(c.dst_changes).toEqual([
      expect.objectContaining({
        at: "2026-11-01T06:00:00.000Z",
        kind: "repeat",
        wall_before: "2026-11-01T02:00",
        wall_after: "2026-11-01T01:00",
      }),
    ]);
  });

  it("reports the display zone's changes too, and none for a zone without DST", () => {
    expect(
      dstChanges("Asia/Tokyo", new Date("2026-03-01T00:00:00Z"), new Date("2026-03-31T00:00:00Z")),
    ).toEqual([]);
    const c = calendar({
      from: new Date("2026-03-25T00:00:00Z"),
      to: new Date("2026-04-01T00:00:00Z"),
      extraZones: ["Europe/Berlin"],
    });
    expect(c.dst_changes.map((d) => [d.timezone, d.at, d.kind])).toEqual([
      ["Europe/Berlin", "2026-03-29T01:00:00.000Z", "gap"],
    ]);
  });
});

describe("calendar states", () => {
  const window = { from: new Date("2026-06-01T00:00:00Z"), to: new Date("2026-06-03T00:00:00Z") };

  it("a paused scheduler marks every fire paused; a pause with an end only until then", () => {
    expect(calendar({ ...window, pause: { paused: true, until: null } }).fires.map((f) => f.state)).toEqual([
      "paused",
      "paused",
    ]);
    const lifting = calendar({ ...window, pause: { paused: true, until: new Date("2026-06-02T00:00:00Z") } });
    expect(lifting.fires.map((f) => f.state)).toEqual(["paused", "scheduled"]);
    expect(lifting.scheduler_paused).toBe(true);
    expect(calendar(window).fires.map((f) => f.state)).toEqual(["scheduled", "scheduled"]);
  });

  it("a disabled schedule, then a disabled job, outrank the pause", () => {
    const paused = { paused: true, until: null };
    expect(
      calendar({ ...window, pause: paused, schedules: [schedule({ enabled: false })] }).fires[0]?.state,
    ).toBe("schedule_disabled");
    expect(
      calendar({ ...window, pause: paused, jobs: new Map([["demo.job", facts({ enabled: false })]]) })
        .fires[0]?.state,
    ).toBe("job_disabled");
  });

  it("a fire inside the cooldown after the latest manual run is cooldown; one at its end runs", () => {
    const c = calendar({
      ...window,
      schedules: [schedule({ schedule_expression: "rate(1 hour)", start_date: "2026-06-01T00:00:00.000Z" })],
      jobs: new Map([
        [
          "demo.job",
          facts({ cooldown_seconds_after_manual: 7200, manual_started_at: new Date("2026-06-01T09:30:00Z") }),
        ],
      ]),
    });
    const at = (iso: string) => c.fires.find((f) => f.fire_at === iso)?.state;
    expect(at("2026-06-01T09:00:00.000Z")).toBe("scheduled"); // before the manual run
    expect(at("2026-06-01T10:00:00.000Z")).toBe("cooldown");
    expect(at("2026-06-01T11:00:00.000Z")).toBe("cooldown");
    expect(at("2026-06-01T11:30:00.000Z")).toBeUndefined();
    expect(at("2026-06-01T12:00:00.000Z")).toBe("scheduled"); // 09:30 + 2 h has passed
    expect(c.jobs[0]?.cooldown_ends_at).toBe("2026-06-01T11:30:00.000Z");
  });
});

describe("calendar flags from the job's p95", () => {
  const window = { from: new Date("2026-06-01T00:00:00Z"), to: new Date("2026-06-01T03:00:00Z") };
  const hourly = schedule({ schedule_expression: "rate(1 hour)", start_date: "2026-06-01T00:00:00.000Z" });

  it("a job whose p95 outlasts its interval is flagged on every pair of fires", () => {
    const c = calendar({
      ...window,
      schedules: [hourly],
      jobs: new Map([["demo.job", facts({ p95_seconds: 5400, p95_sample_size: 20 })]]),
    });
    // The last one outlasts the first fire after the window (03:00) too.
    expect(c.fires.map((f) => f.flags)).toEqual([
      ["outlasts_interval"],
      ["outlasts_interval", "overlap"],
      ["outlasts_interval", "overlap"],
    ]);
    expect(c.fires[0]?.expected_end_at).toBe("2026-06-01T01:30:00.000Z");
    expect(c.jobs).toEqual([
      expect.objectContaining({
        job_name: "demo.job",
        p95_duration_seconds: 5400,
        overlaps: 2,
        outlasts_interval: true,
      }),
    ]);
  });

  it("the fire just before the window counts: the window's first fire overlaps its run", () => {
    const c = calendar({
      from: new Date("2026-06-01T01:00:00Z"),
      to: new Date("2026-06-01T02:00:00Z"),
      schedules: [hourly],
      jobs: new Map([["demo.job", facts({ p95_seconds: 5400 })]]),
    });
    expect(c.fires.map((f) => [f.fire_at, f.flags])).toEqual([
      ["2026-06-01T01:00:00.000Z", ["outlasts_interval", "overlap"]],
    ]);
    expect(c.jobs[0]).toMatchObject({ fires: 1, overlaps: 1 });
  });

  it("a p95 shorter than the interval, or no history, flags nothing", () => {
    for (const p95 of [3599, null]) {
      const c = calendar({
        ...window,
        schedules: [hourly],
        jobs: new Map([["demo.job", facts({ p95_seconds: p95 })]]),
      });
      expect(c.fires.every((f) => f.flags.length === 0)).toBe(true);
      expect(c.jobs[0]?.outlasts_interval).toBe(false);
    }
  });

  it("two schedules of one job collide; a disabled schedule's fires do not count", () => {
    const other = schedule({
      id: "s2",
      name: "other",
      schedule_expression: "rate(1 hour)",
      start_date: "2026-06-01T00:10:00.000Z",
    });
    const jobs = new Map([["demo.job", facts({ p95_seconds: 1200 })]]);
    const both = calendar({ ...window, schedules: [hourly, other], jobs });
    expect(both.fires.filter((f) => f.flags.includes("overlap")).map((f) => f.schedule_name)).toEqual([
      "other",
      "other",
      "other",
    ]);
    const off = calendar({ ...window, schedules: [hourly, { ...other, enabled: false }], jobs });
    expect(off.fires.some((f) => f.flags.length > 0)).toBe(false);
  });
});

describe("calendar cap", () => {
  it("a rate(1 minute) over 31 days is cut at the cap, at an instant, and says so", () => {
    const c = calendar({
      schedules: [
        schedule({ schedule_expression: "rate(1 minute)", start_date: "2026-06-01T00:00:00.000Z" }),
      ],
      from: new Date("2026-06-01T00:00:00Z"),
      to: new Date("2026-07-02T00:00:00Z"),
      maxFires: 2000,
    });
    expect(c.truncated).toBe(true);
    expect(c.count).toBe(2000);
    expect(c.fires[1999]?.fire_at).toBe("2026-06-02T09:19:00.000Z");
    expect(c.complete_before_at).toBe("2026-06-02T09:20:00.000Z");
  });

  it("an answer under the cap is complete", () => {
    const c = calendar({ from: new Date("2026-06-01T00:00:00Z"), to: new Date("2026-07-02T00:00:00Z") });
    expect([c.truncated, c.complete_before_at, c.count]).toEqual([false, null, 31]);
  });

  it("a schedule that cannot be evaluated is reported, not fatal", () => {
    const c = calendar({
      schedules: [schedule(), schedule({ id: "bad", name: "bad", timezone: "Mars/Olympus" })],
      from: new Date("2026-06-01T00:00:00Z"),
      to: new Date("2026-06-02T00:00:00Z"),
    });
    expect(c.count).toBe(1);
    expect(c.unevaluable).toEqual([expect.objectContaining({ schedule_id: "bad" })]);
  });
});
