// Issue 16 part 2: which times a backfill runs (EventBridge's fire times within the window, oldest
// first, capped), and the ids that make a repeated request or start a no-op.
import { describe, expect, it } from "vitest";
import { backfillIdFor, backfillRunUuid, planBackfill } from "#domain/backfills/backfill-plan.ts";

const iso = (ts: Date[]) => ts.map((t) => t.toISOString());
const plan = (expr: string, tz: string, from: string, to: string, max = 500, extra = {}) => {
  const p = planBackfill(
    { schedule_expression: expr, timezone: tz, ...extra },
    new Date(from),
    new Date(to),
    max,
  );
  if ("error" in p) throw new Error(p.error);
  return p;
};

describe("planBackfill", () => {
  it("lists the 10 daily fire times of cron(30 11 * * ? *) over 10 days, oldest first, in the schedule's zone", () => {
    const p = plan(
      "cron(30 11 * * ? *)",
      "Asia/Tokyo",
      "2025-10-01T00:00:00+09:00",
      "2025-10-10T23:59:59+09:00",
    );
    expect(p.capped).toBe(false);
    expect(iso(p.times)).toEqual(
      Array.from({ length: 10 }, (_, i) => `2025-10-${String(i + 1).padStart(2, "0")}T02:30:00.000Z`),
    );
  });

  it("includes both ends of the window when they are fire times", () => {
    const p = plan(
      "cron(30 11 * * ? *)",
      "Asia/Tokyo",
      "2025-10-01T11:30:00+09:00",
      "2025-10-03T11:30:00+09:00",
    );
    expect(iso(p.times)).toEqual([
      "2025-10-01T02:30:00.000Z",
      "2025-10-02T02:30:00.000Z",
      "2025-10-03T02:30:00.000Z",
    ]);
  });

  it("keeps the oldest max_runs and says it was capped", () => {
    const p = plan(
      "cron(30 11 * * ? *)",
      "Asia/Tokyo",
      "2025-10-01T00:00:00+09:00",
      "2025-10-10T23:59:59+09:00",
      3,
    );
    expect(p.capped).toBe(true);
    expect(iso(p.times)).toEqual([
      "2025-10-01T02:30:00.000Z",
      "2025-10-02T02:30:00.000Z",
      "2025-10-03T02:30:00.000Z",
    ]);
    // Exactly as many as the cap: not capped.
    const exact = plan(
      "cron(30 11 * * ? *)",
      "Asia/Tokyo",
      "2025-10-01T00:00:00+09:00",
      "2025-10-03T23:00:00+09:00",
      3,
    );
    expect(exact.capped).toBe(false);
  });

  it("skips a local time that DST removes, as EventBridge does", () => {
    // 2025-03-09 02:30 does not exist in New York (clocks jump from 02:00 to 03:00).
    const p = plan(
      "cron(30 2 * * ? *)",
      "America/New_York",
      "2025-03-08T00:00:00-05:00",
      "2025-03-10T23:00:00-04:00",
    );
    expect(iso(p.times)).toEqual(["2025-03-08T07:30:00.000Z", "2025-03-10T06:30:00.000Z"]);
  });

  it("counts a rate() of an expression from the window's start, and of a schedule from its start_date", () => {
    expect(iso(plan("rate(6 hours)", "UTC", "2025-10-01T00:00:00Z", "2025-10-01T18:00:00Z").times)).toEqual([
      "2025-10-01T00:00:00.000Z",
      "2025-10-01T06:00:00.000Z",
      "2025-10-01T12:00:00.000Z",
      "2025-10-01T18:00:00.000Z",
    ]);
    const fromSchedule = plan("rate(6 hours)", "UTC", "2025-10-01T00:00:00Z", "2025-10-01T12:00:00Z", 500, {
      start_date: "2025-09-01T03:00:00Z",
    });
    expect(iso(fromSchedule.times)).toEqual(["2025-10-01T03:00:00.000Z", "2025-10-01T09:00:00.000Z"]);
  });

  it("refuses a window that ends before it starts, and an expression that is not one", () => {
    expect(
      planBackfill(
        { schedule_expression: "cron(0 1 * * ? *)", timezone: "UTC" },
        new Date("2025-10-02T00:00:00Z"),
        new Date("2025-10-01T00:00:00Z"),
        5,
      ),
    ).toEqual({
      error: "to must not be before from",
    });
    expect(
      "error" in
        planBackfill({ schedule_expression: "every day", timezone: "UTC" }, new Date(0), new Date(1), 5),
    ).toBe(true);
  });
});

describe("backfill ids", () => {
  const req = {
    job_name: "demo.sync",
    source: "cron(0 1 * * ? *)@UTC",
    since: "a",
    until: "b",
    params: { a: 1, b: { c: 2, d: 3 } },
  };

  it("names the same request (whatever the params' key order) by the same id, and another by another", () => {
    const id = backfillIdFor(req);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(backfillIdFor({ ...req, params: { b: { d: 3, c: 2 }, a: 1 } })).toBe(id);
    expect(backfillIdFor({ ...req, until: "c" })).not.toBe(id);
    expect(backfillIdFor({ ...req, params: { a: 2, b: { c: 2, d: 3 } } })).not.toBe(id);
  });

  it("gives each (backfill, time) one run id, the same however the time is written", () => {
    const a = backfillRunUuid("f".repeat(32), "2025-10-01T02:30:00.000Z");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(backfillRunUuid("f".repeat(32), "2025-10-01T11:30:00+09:00")).toBe(a);
    expect(backfillRunUuid("f".repeat(32), "2025-10-02T02:30:00.000Z")).not.toBe(a);
    expect(backfillRunUuid("e".repeat(32), "2025-10-01T02:30:00.000Z")).not.toBe(a);
  });
});
