// Vectors derive from the EventBridge Scheduler user guide ("Schedule types", "Cron expressions
// reference": 1 = SUN, `?`, L, W, #, year 1970-2199; DST: a non-existent local time is skipped and a
// repeated one fires once; rate(n days) is n × 24 hours) and from the calendar, not from croner.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { frequencyToken } from "#domain/schedules/frequency-token.ts";
import { type FireOptions, nextFireTimes } from "#domain/schedules/next-fire-times.ts";
import { describeExpression, loadCronstrue, needsCronstrue } from "#domain/schedules/schedule-description.ts";
import { type ParsedExpression, parseScheduleExpression } from "#domain/schedules/schedule-expression.ts";

// cronstrue loads on demand in the app; the description tests below use it directly.
beforeAll(async () => {
  await loadCronstrue();
});

function parsed(input: string): ParsedExpression {
  const r = parseScheduleExpression(input);
  if (!r.ok) throw new Error(`expected ${input} to parse: ${r.message}`);
  return r.value;
}

function fires(input: string, from: string, count: number, opts: Partial<FireOptions> = {}): string[] {
  return nextFireTimes(parsed(input), { timezone: "UTC", from: new Date(from), count, ...opts }).map((d) =>
    d.toISOString().replace(".000Z", "Z"),
  );
}

function invalid(input: string): string {
  const r = parseScheduleExpression(input);
  if (r.ok) throw new Error(`expected ${input} to be rejected, got ${r.value.expression}`);
  return r.message;
}

const FROM = "2025-01-01T00:00:00Z"; // a Wednesday

describe("AWS documentation examples (UTC)", () => {
  it("cron(0 10 * * ? *): 10:00 every day", () => {
    expect(fires("cron(0 10 * * ? *)", FROM, 3)).toEqual([
      "2025-01-01T10:00:00Z",
      "2025-01-02T10:00:00Z",
      "2025-01-03T10:00:00Z",
    ]);
  });

  it("cron(15 12 * * ? *): 12:15 every day", () => {
    expect(fires("cron(15 12 * * ? *)", FROM, 2)).toEqual(["2025-01-01T12:15:00Z", "2025-01-02T12:15:00Z"]);
  });

  it("cron(0 18 ? * MON-FRI *): 18:00 Monday to Friday", () => {
    expect(fires("cron(0 18 ? * MON-FRI *)", FROM, 4)).toEqual([
      "2025-01-01T18:00:00Z", // Wed
      "2025-01-02T18:00:00Z",
      "2025-01-03T18:00:00Z", // Fri
      "2025-01-06T18:00:00Z", // Mon
    ]);
  });

  it("cron(0 8 1 * ? *): 08:00 on the first day of the month", () => {
    expect(fires("cron(0 8 1 * ? *)", FROM, 3)).toEqual([
      "2025-01-01T08:00:00Z",
      "2025-02-01T08:00:00Z",
      "2025-03-01T08:00:00Z",
    ]);
  });

  it("cron(0/15 * * * ? *): every 15 minutes, strictly after from", () => {
    expect(fires("cron(0/15 * * * ? *)", FROM, 4)).toEqual([
      "2025-01-01T00:15:00Z",
      "2025-01-01T00:30:00Z",
      "2025-01-01T00:45:00Z",
      "2025-01-01T01:00:00Z",
    ]);
  });

  it("cron(0/10 * ? * MON-FRI *): every 10 minutes on weekdays, over a weekend", () => {
    expect(fires("cron(0/10 * ? * MON-FRI *)", "2025-01-03T23:30:00Z", 4)).toEqual([
      "2025-01-03T23:40:00Z",
      "2025-01-03T23:50:00Z",
      "2025-01-06T00:00:00Z",
      "2025-01-06T00:10:00Z",
    ]);
  });

  it("cron(0/5 8-17 ? * MON-FRI *): every 5 minutes 08:00-17:55 on weekdays", () => {
    expect(fires("cron(0/5 8-17 ? * MON-FRI *)", "2025-01-03T17:50:00Z", 3)).toEqual([
      "2025-01-03T17:55:00Z",
      "2025-01-06T08:00:00Z",
      "2025-01-06T08:05:00Z",
    ]);
  });

  it("cron(0 9 ? * 2#1 *): 09:00 on the first Monday of every month (2 = MON)", () => {
    expect(fires("cron(0 9 ? * 2#1 *)", FROM, 4)).toEqual([
      "2025-01-06T09:00:00Z",
      "2025-02-03T09:00:00Z",
      "2025-03-03T09:00:00Z",
      "2025-04-07T09:00:00Z",
    ]);
  });

  it("rate(5 minutes) counts from the anchor", () => {
    expect(fires("rate(5 minutes)", "2025-01-01T00:07:00Z", 3, { anchor: new Date(FROM) })).toEqual([
      "2025-01-01T00:10:00Z",
      "2025-01-01T00:15:00Z",
      "2025-01-01T00:20:00Z",
    ]);
  });

  it("rate(1 hour)", () => {
    const anchor = new Date("2025-01-01T00:30:00Z");
    expect(fires("rate(1 hour)", "2025-01-01T02:00:00Z", 2, { anchor })).toEqual([
      "2025-01-01T02:30:00Z",
      "2025-01-01T03:30:00Z",
    ]);
  });

  it("rate(7 days) counts from start_date", () => {
    const startDate = new Date("2025-01-01T09:00:00Z");
    expect(fires("rate(7 days)", "2025-01-10T00:00:00Z", 3, { startDate })).toEqual([
      "2025-01-15T09:00:00Z",
      "2025-01-22T09:00:00Z",
      "2025-01-29T09:00:00Z",
    ]);
  });
});

describe("day-of-month and day-of-week specials", () => {
  it("L in day-of-month is the last day, Feb 29 in a leap year", () => {
    expect(fires("cron(0 9 L * ? *)", "2024-01-15T00:00:00Z", 4)).toEqual([
      "2024-01-31T09:00:00Z",
      "2024-02-29T09:00:00Z",
      "2024-03-31T09:00:00Z",
      "2024-04-30T09:00:00Z",
    ]);
  });

  it("nW is the weekday nearest day n, within the month", () => {
    // 2025-02-15 and 2025-03-15 are Saturdays (→ Friday), 2025-06-15 is a Sunday (→ Monday).
    expect(fires("cron(0 9 15W * ? *)", FROM, 3)).toEqual([
      "2025-01-15T09:00:00Z",
      "2025-02-14T09:00:00Z",
      "2025-03-14T09:00:00Z",
    ]);
    expect(fires("cron(0 9 15W * ? *)", "2025-05-31T00:00:00Z", 1)).toEqual(["2025-06-16T09:00:00Z"]);
    // 2025-02-01 is a Saturday: 1W does not go back into January, it is Monday the 3rd.
    expect(fires("cron(0 9 1W * ? *)", "2025-01-15T00:00:00Z", 3)).toEqual([
      "2025-02-03T09:00:00Z",
      "2025-03-03T09:00:00Z",
      "2025-04-01T09:00:00Z",
    ]);
  });

  it("LW is the last weekday of the month", () => {
    // 2025-08-31 is a Sunday → Friday 29th; 2025-09-30 is a Tuesday; 2025-10-31 is a Friday.
    expect(fires("cron(0 9 LW * ? *)", "2025-08-01T00:00:00Z", 3)).toEqual([
      "2025-08-29T09:00:00Z",
      "2025-09-30T09:00:00Z",
      "2025-10-31T09:00:00Z",
    ]);
  });

  it("6L is the last Friday of the month (6 = FRI)", () => {
    expect(fires("cron(0 9 ? * 6L *)", FROM, 4)).toEqual([
      "2025-01-31T09:00:00Z",
      "2025-02-28T09:00:00Z",
      "2025-03-28T09:00:00Z",
      "2025-04-25T09:00:00Z",
    ]);
    expect(fires("cron(0 9 ? * FRIL *)", FROM, 1)).toEqual(["2025-01-31T09:00:00Z"]);
  });

  it("L alone in day-of-week is the last day of the week, Saturday", () => {
    expect(fires("cron(0 9 ? * L *)", FROM, 2)).toEqual(["2025-01-04T09:00:00Z", "2025-01-11T09:00:00Z"]);
  });

  it("day-of-week numbers are 1 = SUN … 7 = SAT", () => {
    expect(fires("cron(0 9 ? * 1 *)", FROM, 1)).toEqual(["2025-01-05T09:00:00Z"]); // Sunday
    expect(fires("cron(0 9 ? * 7 *)", FROM, 1)).toEqual(["2025-01-04T09:00:00Z"]); // Saturday
    expect(fires("cron(0 9 ? * 2-6 *)", FROM, 3)).toEqual(fires("cron(0 9 ? * MON-FRI *)", FROM, 3));
  });

  it("2#5 (fifth Monday) skips months that have only four", () => {
    expect(fires("cron(0 9 ? * 2#5 *)", FROM, 4)).toEqual([
      "2025-03-31T09:00:00Z",
      "2025-06-30T09:00:00Z",
      "2025-09-29T09:00:00Z",
      "2025-12-29T09:00:00Z",
    ]);
  });

  it("month names and lists", () => {
    expect(fires("cron(0 0 1 JAN,JUL ? *)", FROM, 3)).toEqual([
      "2025-07-01T00:00:00Z",
      "2026-01-01T00:00:00Z",
      "2026-07-01T00:00:00Z",
    ]);
  });
});

describe("leap years and the year field", () => {
  it("cron(0 0 29 2 ? *) from 2025 fires on leap days only, not in 2100", () => {
    const all = fires("cron(0 0 29 2 ? *)", FROM, 50);
    expect(all.slice(0, 3)).toEqual(["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]);
    expect(all).toContain("2096-02-29T00:00:00Z");
    expect(all).not.toContain("2100-02-29T00:00:00Z");
    expect(all).toContain("2104-02-29T00:00:00Z");
    // Nothing after EventBridge's last year, 2199: 2028…2196 without 2100.
    expect(all.at(-1)).toBe("2196-02-29T00:00:00Z");
    expect(all).toHaveLength(42);
  });

  it("a year range ends the schedule", () => {
    expect(fires("cron(0 0 1 1 ? 2026-2028)", FROM, 5)).toEqual([
      "2026-01-01T00:00:00Z",
      "2027-01-01T00:00:00Z",
      "2028-01-01T00:00:00Z",
    ]);
    expect(fires("cron(0 12 ? * MON 2025)", "2025-12-20T00:00:00Z", 5)).toEqual([
      "2025-12-22T12:00:00Z",
      "2025-12-29T12:00:00Z",
    ]);
  });

  it("a/b in the year field counts from a", () => {
    expect(fires("cron(0 0 1 1 ? 2025/3)", "2024-06-01T00:00:00Z", 3)).toEqual([
      "2025-01-01T00:00:00Z",
      "2028-01-01T00:00:00Z",
      "2031-01-01T00:00:00Z",
    ]);
  });

  it("*/n in the year field counts from the field's minimum, 1970", () => {
    // 1970 + 3k (croner alone counts from year 0: 2028, 2031).
    expect(fires("cron(0 0 1 1 ? */3)", FROM, 2)).toEqual(["2027-01-01T00:00:00Z", "2030-01-01T00:00:00Z"]);
  });

  it("a date that never exists is valid but never fires", () => {
    expect(parseScheduleExpression("cron(0 0 31 2 ? *)").ok).toBe(true);
    expect(fires("cron(0 0 31 2 ? *)", FROM, 5)).toEqual([]);
    expect(fires("cron(0 0 29 2 ? 2100)", FROM, 5, { timezone: "Asia/Tokyo" })).toEqual([]);
  });

  // How fast (≤ 20 ms for both) is the bench's: `npm run bench -- --only queries`.
  it("answers sparse and impossible patterns (leap days, 31 February)", () => {
    const expr = parsed("cron(0 0 29 2 ? *)");
    const never = parsed("cron(0 0 31 2 ? *)");
    const opts = { timezone: "America/New_York", from: new Date(FROM), count: 50 };
    const leapDays = nextFireTimes(expr, opts).map((d) => d.toISOString());
    expect(leapDays[0]).toBe("2028-02-29T05:00:00.000Z");
    expect(leapDays.length).toBeGreaterThan(10);
    for (const d of leapDays) expect(d).toMatch(/^\d{4}-02-29T05:00:00\.000Z$/);
    expect(nextFireTimes(never, { ...opts, timezone: "Asia/Tokyo" })).toEqual([]);
  });
});

describe("time zones and daylight saving time", () => {
  it("Asia/Tokyo (no DST): daily 11:30 is 02:30Z", () => {
    expect(fires("cron(30 11 * * ? *)", FROM, 2, { timezone: "Asia/Tokyo" })).toEqual([
      "2025-01-01T02:30:00Z",
      "2025-01-02T02:30:00Z",
    ]);
  });

  it("America/New_York spring forward (2025-03-09): 02:30 does not exist and is skipped", () => {
    expect(fires("cron(30 2 * * ? *)", "2025-03-08T00:00:00Z", 2, { timezone: "America/New_York" })).toEqual([
      "2025-03-08T07:30:00Z", // 02:30 EST
      "2025-03-10T06:30:00Z", // 02:30 EDT
    ]);
    // Interval patterns too.
    expect(
      fires("cron(0/30 2 * * ? *)", "2025-03-08T12:00:00Z", 2, { timezone: "America/New_York" }),
    ).toEqual(["2025-03-10T06:00:00Z", "2025-03-10T06:30:00Z"]);
  });

  it("America/New_York fall back (2025-11-02): 01:30 fires once, at the first occurrence", () => {
    const got = fires("cron(30 1 * * ? *)", "2025-11-01T12:00:00Z", 2, { timezone: "America/New_York" });
    expect(got).toEqual(["2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"]);
    // From between the two occurrences: the repeated 01:30 EST (06:30Z) does not fire.
    expect(fires("cron(30 1 * * ? *)", "2025-11-02T06:00:00Z", 1, { timezone: "America/New_York" })).toEqual([
      "2025-11-03T06:30:00Z",
    ]);
    // Interval patterns do not repeat the hour either.
    expect(
      fires("cron(0/30 1 * * ? *)", "2025-11-02T04:00:00Z", 4, { timezone: "America/New_York" }),
    ).toEqual([
      "2025-11-02T05:00:00Z",
      "2025-11-02T05:30:00Z",
      "2025-11-03T06:00:00Z",
      "2025-11-03T06:30:00Z",
    ]);
  });

  it("Europe/Berlin spring forward (2025-03-30) and fall back (2025-10-26)", () => {
    expect(fires("cron(30 2 * * ? *)", "2025-03-29T00:00:00Z", 2, { timezone: "Europe/Berlin" })).toEqual([
      "2025-03-29T01:30:00Z", // 02:30 CET
      "2025-03-31T00:30:00Z", // 02:30 CEST
    ]);
    expect(fires("cron(30 2 * * ? *)", "2025-10-25T12:00:00Z", 2, { timezone: "Europe/Berlin" })).toEqual([
      "2025-10-26T00:30:00Z", // 02:30 CEST, first occurrence
      "2025-10-27T01:30:00Z", // 02:30 CET
    ]);
  });

  it("rate(1 day) steps 24 hours across a DST change, not calendar days", () => {
    const anchor = new Date("2025-03-08T17:00:00Z"); // 12:00 EST
    expect(fires("rate(1 day)", "2025-03-08T17:00:00Z", 2, { timezone: "America/New_York", anchor })).toEqual(
      [
        "2025-03-09T17:00:00Z", // 13:00 EDT
        "2025-03-10T17:00:00Z",
      ],
    );
  });

  it("rejects an unknown time zone", () => {
    expect(() =>
      nextFireTimes(parsed("cron(0 10 * * ? *)"), { timezone: "Mars/Base", from: new Date(), count: 1 }),
    ).toThrow(/Mars\/Base/);
  });
});

describe("rate() anchoring and start/end bounds", () => {
  it("the first fire of a rate is start_date itself", () => {
    const startDate = new Date("2025-01-01T00:10:00Z");
    expect(fires("rate(2 hours)", "2024-12-31T00:00:00Z", 3, { startDate })).toEqual([
      "2025-01-01T00:10:00Z",
      "2025-01-01T02:10:00Z",
      "2025-01-01T04:10:00Z",
    ]);
    expect(fires("rate(2 hours)", "2025-01-01T03:00:00Z", 2, { startDate })).toEqual([
      "2025-01-01T04:10:00Z",
      "2025-01-01T06:10:00Z",
    ]);
  });

  it("without start_date a rate counts from the anchor (creation time)", () => {
    const anchor = new Date("2025-01-01T00:00:00Z");
    expect(fires("rate(30 minutes)", "2025-01-01T00:45:00Z", 2, { anchor })).toEqual([
      "2025-01-01T01:00:00Z",
      "2025-01-01T01:30:00Z",
    ]);
    // A fire exactly at `from` is not "after" it.
    expect(fires("rate(30 minutes)", "2025-01-01T01:00:00Z", 1, { anchor })).toEqual([
      "2025-01-01T01:30:00Z",
    ]);
  });

  it("end_date stops a rate (a fire at end_date still happens)", () => {
    const anchor = new Date(FROM);
    const endDate = new Date("2025-01-01T03:00:00Z");
    expect(fires("rate(1 hour)", FROM, 10, { anchor, endDate })).toEqual([
      "2025-01-01T01:00:00Z",
      "2025-01-01T02:00:00Z",
      "2025-01-01T03:00:00Z",
    ]);
  });

  it("start_date and end_date bound a cron", () => {
    const startDate = new Date("2025-01-05T10:00:00Z");
    const endDate = new Date("2025-01-06T10:00:00Z");
    expect(fires("cron(0 10 * * ? *)", FROM, 5, { startDate, endDate })).toEqual([
      "2025-01-05T10:00:00Z",
      "2025-01-06T10:00:00Z",
    ]);
  });

  it("a cron fire exactly at from is excluded", () => {
    expect(fires("cron(0 10 * * ? *)", "2025-01-01T10:00:00Z", 1)).toEqual(["2025-01-02T10:00:00Z"]);
  });
});

describe("at()", () => {
  it("fires once at the local time in the zone", () => {
    expect(fires("at(2025-11-02T01:30:00)", FROM, 5, { timezone: "Asia/Tokyo" })).toEqual([
      "2025-11-01T16:30:00Z",
    ]);
    expect(fires("at(2025-11-02T01:30:00)", "2025-11-01T16:30:00Z", 5, { timezone: "Asia/Tokyo" })).toEqual(
      [],
    );
  });

  it("a repeated local time (fall back) fires at its first occurrence", () => {
    expect(fires("at(2025-11-02T01:30:00)", FROM, 1, { timezone: "America/New_York" })).toEqual([
      "2025-11-02T05:30:00Z",
    ]);
  });

  it("a local time that does not exist (spring forward) is skipped", () => {
    expect(fires("at(2025-03-09T02:30:00)", FROM, 1, { timezone: "America/New_York" })).toEqual([]);
  });

  it("ignores start_date and end_date, as EventBridge does for one-time schedules", () => {
    const startDate = new Date("2026-01-01T00:00:00Z");
    const endDate = new Date("2025-02-01T00:00:00Z");
    expect(fires("at(2025-11-02T01:30:00)", FROM, 1, { startDate, endDate })).toEqual([
      "2025-11-02T01:30:00Z",
    ]);
  });
});

describe("parse: normalization", () => {
  it("keeps an EventBridge expression as it is, without normalizedFrom", () => {
    const r = parseScheduleExpression("cron(0 11 * * ? *)");
    expect(r).toEqual({
      ok: true,
      value: {
        kind: "cron",
        expression: "cron(0 11 * * ? *)",
        fields: { minutes: "0", hours: "11", dayOfMonth: "*", month: "*", dayOfWeek: "?", year: "*" },
      },
    });
  });

  it("trims, is case-insensitive and upper-cases names", () => {
    const r = parseScheduleExpression("  CRON( 0 18 ? * mon-fri * ) ");
    expect(r.ok && r.value.expression).toBe("cron(0 18 ? * MON-FRI *)");
    expect(r.ok && r.normalizedFrom).toBe("CRON( 0 18 ? * mon-fri * )");
    expect(parsed("RATE(5 Minutes)")).toEqual({
      kind: "rate",
      expression: "rate(5 minutes)",
      value: 5,
      unit: "minutes",
      seconds: 300,
    });
    expect(parsed("at(2025-11-02t01:30:00)")).toEqual({
      kind: "at",
      expression: "at(2025-11-02T01:30:00)",
      local: "2025-11-02T01:30:00",
    });
    expect(parsed("rate(7 days)")).toMatchObject({ seconds: 7 * 86400 });
  });

  it.each([
    ["0 9 * * 1-5", "cron(0 9 ? * 2-6 *)"],
    ["30 11 * * *", "cron(30 11 * * ? *)"],
    ["*/15 * * * *", "cron(0/15 * * * ? *)"],
    ["0 0 1 * *", "cron(0 0 1 * ? *)"],
    ["0 0 1,15 * *", "cron(0 0 1,15 * ? *)"],
    ["0 0 * * 0", "cron(0 0 ? * 1 *)"],
    ["0 0 * * 7", "cron(0 0 ? * 1 *)"],
    ["0 0 * * sun", "cron(0 0 ? * SUN *)"],
    ["0 0 * * 5-7", "cron(0 0 ? * 6-7,1 *)"],
    ["0 6 * jan mon", "cron(0 6 ? JAN MON *)"],
  ])("5-field %s → %s", (input, expected) => {
    const r = parseScheduleExpression(input);
    expect(r).toMatchObject({ ok: true, value: { expression: expected }, normalizedFrom: input });
  });

  it("a normalized 5-field cron fires like the Unix one", () => {
    expect(fires("0 9 * * 1-5", "2025-01-03T12:00:00Z", 2)).toEqual([
      "2025-01-06T09:00:00Z",
      "2025-01-07T09:00:00Z",
    ]);
    // 5-7 = Fri, Sat, Sun
    expect(fires("0 0 * * 5-7", FROM, 4)).toEqual([
      "2025-01-03T00:00:00Z",
      "2025-01-04T00:00:00Z",
      "2025-01-05T00:00:00Z",
      "2025-01-10T00:00:00Z",
    ]);
  });

  it("a 5-field cron restricting both day fields cannot be expressed", () => {
    expect(invalid("0 0 1 * 1")).toMatch(/EventBridge cannot combine day-of-month and day-of-week/);
    expect(invalid("0 0 1-7 * MON")).toMatch(/cannot combine/);
  });
});

describe("parse: invalid expressions name the problem", () => {
  it.each([
    ["cron(0 10 * * * *)", /exactly one of day-of-month and day-of-week must be '\?'/],
    ["cron(0 10 ? * ? *)", /cannot both be '\?'/],
    ["cron(60 10 * * ? *)", /^minutes: 60 is out of range 0-59$/],
    ["cron(0 24 * * ? *)", /^hours: 24 is out of range 0-23$/],
    ["cron(0 0 32 * ? *)", /^day-of-month: 32 is out of range 1-31$/],
    ["cron(0 0 1 13 ? *)", /^month: 13 is out of range 1-12$/],
    ["cron(0 0 ? * 8 *)", /^day-of-week: 8 is out of range 1-7$/],
    ["cron(0 0 ? * 0 *)", /^day-of-week: 0 is out of range 1-7$/],
    ["cron(0 0 1 1 ? 1969)", /^year: 1969 is out of range 1970-2199$/],
    ["cron(0 0 1 1 ? 2200)", /^year: 2200 is out of range 1970-2199$/],
    ["cron(0 0 1 FOO ? *)", /month: 'FOO'/],
    ["cron(0 9 ? * 2#6 *)", /day-of-week: occurrence 6/],
    ["cron(0 9 ? * 2#1,4#3 *)", /day-of-week: '2#1' must be used alone/],
    ["cron(0 9 L,15 * ? *)", /day-of-month: 'L' must be used alone/],
    ["cron(0 9 ? * 2-6/2 *)", /day-of-week: '\/'/],
    ["cron(0 9 ? * FRI-MON *)", /day-of-week: range 'FRI-MON'/],
    ["cron(0/0 * * * ? *)", /minutes: step 0/],
    ["cron(0 ? * * ? *)", /hours: '\?' is only allowed/],
    ["cron(0 10 * * ?)", /needs 6 fields.*got 5/],
    ["cron(0 0 10 * * ? *)", /7 fields.*no seconds/],
    ["0 0 10 * * ? *", /seconds is not supported/],
    ["0 0 10 * * ?", /bare 6-field cron is ambiguous/],
    ["rate(0 minutes)", /rate value must be at least 1/],
    ["rate(1 minutes)", /singular unit.*rate\(1 minute\)/],
    ["rate(5 minute)", /plural unit.*rate\(5 minutes\)/],
    ["rate(5 weeks)", /rate unit must be minute\(s\), hour\(s\) or day\(s\); got 'weeks'/],
    ["rate(1.5 hours)", /positive integer/],
    ["rate(-5 minutes)", /positive integer/],
    ["rate(1e10 days)", /positive integer/],
    ["rate(9999999999 days)", /^rate value 9999999999 is too large: .* at most 84006 days \(.*1970-2199\)$/],
    ["rate(84007 days)", /at most 84006 days/],
    ["rate(2016145 hours)", /at most 2016144 hours/],
    ["rate(120968641 minutes)", /at most 120968640 minutes/],
    ["rate(99999999999999999999999 minutes)", /too large/],
    ["at(0000-01-01T00:00:00)", /^at\(\): year 0000 is out of range 1970-2199/],
    ["at(1969-12-31T23:59:59)", /year 1969 is out of range 1970-2199/],
    ["at(2200-01-01T00:00:00)", /year 2200 is out of range 1970-2199/],
    ["at(9999-12-31T23:59:59)", /year 9999 is out of range 1970-2199/],
    ["cron(0 0 1 1 ? 9999)", /^year: 9999 is out of range 1970-2199$/],
    ["cron(0 0 1 1 ? 2025-99999)", /year: 99999 is out of range/],
    ["rate(minutes)", /value and a unit/],
    ["at(2025-13-01T00:00:00)", /at\(\): month 13 is out of range 1-12/],
    ["at(2025-02-29T00:00:00)", /at\(\): day 29 is out of range 1-28/],
    ["at(2025-01-01T24:00:00)", /hour 24/],
    ["at(2025-01-01 10:00)", /yyyy-mm-ddThh:mm:ss/],
    ["every day", /'every day' is not a schedule expression/],
    ["weekly(1)", /unknown schedule type/],
    ["", /empty/],
  ])("%s", (input, message) => {
    expect(invalid(input)).toMatch(message);
  });
});

describe("describeExpression", () => {
  it("a daily schedule reads 毎日 11:30 JST", () => {
    const e = parsed("cron(30 11 * * ? *)");
    expect(describeExpression(e, "Asia/Tokyo", "ja")).toBe("毎日 11:30 JST");
    expect(describeExpression(e, "Asia/Tokyo", "en")).toBe("Every day at 11:30 JST");
    expect(describeExpression(e, "America/New_York", "ja")).toBe("毎日 11:30 (America/New_York)");
  });

  it("weekdays", () => {
    const e = parsed("cron(0 18 ? * MON-FRI *)");
    expect(describeExpression(e, "Asia/Tokyo", "ja")).toBe("平日 (月〜金) 18:00 JST");
    expect(describeExpression(e, "Asia/Tokyo", "en")).toBe("Every weekday (Monday to Friday) at 18:00 JST");
  });

  it("monthly forms in Japanese", () => {
    expect(describeExpression(parsed("cron(0 9 ? * 2#1 *)"), "Asia/Tokyo", "ja")).toBe(
      "毎月第 1 月曜日 09:00 JST",
    );
    expect(describeExpression(parsed("cron(0 9 L * ? *)"), "Asia/Tokyo", "ja")).toBe("毎月末日 09:00 JST");
    expect(describeExpression(parsed("cron(0 6 1 * ? *)"), "UTC", "ja")).toBe("毎月 1 日 06:00 UTC");
  });

  it("rate", () => {
    expect(describeExpression(parsed("rate(30 minutes)"), "Asia/Tokyo", "ja")).toBe("30 分ごと");
    expect(describeExpression(parsed("rate(30 minutes)"), "Asia/Tokyo", "en")).toBe("Every 30 minutes");
    expect(describeExpression(parsed("rate(1 hour)"), "UTC", "en")).toBe("Every hour");
    expect(describeExpression(parsed("rate(2 days)"), "UTC", "ja")).toBe("2 日ごと");
  });

  it("at", () => {
    const e = parsed("at(2025-11-02T01:30:00)");
    expect(describeExpression(e, "America/New_York", "ja")).toBe(
      "2025-11-02 01:30 に 1 回 (America/New_York)",
    );
    expect(describeExpression(e, "America/New_York", "en")).toBe(
      "Once at 2025-11-02 01:30 (America/New_York)",
    );
  });

  it("every-N-minutes is hand-written; other patterns go through cronstrue with 1 = Sunday", () => {
    const e = parsed("cron(0/15 * * * ? *)");
    expect(describeExpression(e, "UTC", "en")).toBe("Every 15 minutes UTC");
    expect(describeExpression(e, "UTC", "ja")).toBe("15 分ごと UTC");
    expect(describeExpression(parsed("cron(0/10 * ? * 1 *)"), "UTC", "en")).toContain("Sunday");
  });
});

describe("frequencyToken", () => {
  it.each([
    ["cron(30 11 * * ? *)", "daily_1130"],
    ["rate(30 minutes)", "every_30min"],
    ["cron(0/15 * * * ? *)", "every_15min"],
    ["cron(15 * * * ? *)", "hourly_15"],
    ["cron(0 0/2 * * ? *)", "every_2h"],
    ["cron(0 9 ? * MON *)", "weekly_mon_0900"],
    ["cron(0 9 ? * 2,4 *)", "weekly_mon_wed_0900"],
    ["cron(0 9 ? * MON-FRI *)", "weekdays_0900"],
    ["cron(0 6 1 * ? *)", "monthly_1_0600"],
    ["cron(0 6 L * ? *)", "monthly_last_0600"],
    ["cron(0 9 ? * 2#1 *)", "monthly_1st_mon_0900"],
    ["cron(0 0 29 2 ? *)", "yearly_0229_0000"],
    ["at(2025-11-02T01:30:00)", "once_20251102"],
    ["rate(1 hour)", "every_1h"],
    ["rate(7 days)", "every_7d"],
    ["cron(0/5 8-17 ? * MON-FRI *)", "cron"],
    ["cron(0 0 1 1 ? 2026)", "cron"],
  ])("%s → %s", (input, token) => {
    expect(frequencyToken(parsed(input))).toBe(token);
  });
});

describe("descriptions without cronstrue", () => {
  it("daily, weekday and every-N-minutes/hours schedules have hand-written wording (cronstrue is not loaded for them)", () => {
    const parsed = (e: string) => {
      const p = parseScheduleExpression(e);
      if (!p.ok) throw new Error(p.message);
      return p.value;
    };
    expect(needsCronstrue(parsed("cron(30 11 * * ? *)"), "Asia/Tokyo")).toBe(false);
    expect(needsCronstrue(parsed("cron(0 18 ? * MON-FRI *)"), "Asia/Tokyo")).toBe(false);
    expect(needsCronstrue(parsed("cron(0/30 * * * ? *)"), "Asia/Tokyo")).toBe(false);
    expect(needsCronstrue(parsed("cron(15 0/6 * * ? *)"), "UTC")).toBe(false);
    expect(needsCronstrue(parsed("rate(5 minutes)"), "UTC")).toBe(false);
    expect(needsCronstrue(parsed("cron(0/10 * ? * MON-FRI *)"), "UTC")).toBe(true);
    expect(describeExpression(parsed("cron(0/30 * * * ? *)"), "Asia/Tokyo", "ja")).toBe("30 分ごと JST");
    expect(describeExpression(parsed("cron(15 0/6 * * ? *)"), "UTC", "en")).toBe(
      "Every 6 hours at minute 15 UTC",
    );
  });
});

describe("bounds: an accepted expression never gives an invalid time", () => {
  const valid = (d: Date) => !Number.isNaN(d.getTime());
  const inYears = (d: Date) => d.getTime() >= Date.UTC(1969, 11, 31) && d.getTime() <= Date.UTC(2200, 0, 2);

  it("the largest rate() of each unit is accepted and fires within 1970-2199", () => {
    for (const expr of ["rate(84006 days)", "rate(2016144 hours)", "rate(120968640 minutes)"]) {
      const at = fires(expr, FROM, 3, { startDate: new Date("1970-01-01T00:00:00Z") });
      // The first step after 1970 is past 2199: no fire after FROM, and no invalid time either.
      expect(at).toEqual([]);
      expect(fires(expr, "1969-01-01T00:00:00Z", 3, { startDate: new Date("1970-01-01T00:00:00Z") })).toEqual(
        ["1970-01-01T00:00:00Z"],
      );
    }
  });

  it("rate(1 minute) with a start_date far in the past counts on to now", () => {
    expect(
      fires("rate(1 minute)", "2025-01-01T00:00:30Z", 2, { startDate: new Date("1970-01-01T00:00:00Z") }),
    ).toEqual(["2025-01-01T00:01:00Z", "2025-01-01T00:02:00Z"]);
  });

  it("cron with year 2199 and at() at the very end of 2199 fire in every time zone, then nothing", () => {
    for (const timezone of ["Pacific/Kiritimati", "Etc/GMT+12", "UTC"]) {
      const cron = nextFireTimes(parsed("cron(59 23 31 12 ? 2199)"), {
        timezone,
        from: new Date(FROM),
        count: 3,
      });
      const once = nextFireTimes(parsed("at(2199-12-31T23:59:59)"), {
        timezone,
        from: new Date(FROM),
        count: 3,
      });
      for (const t of [...cron, ...once]) expect(valid(t) && inYears(t)).toBe(true);
      expect(cron).toHaveLength(1);
      expect(once).toHaveLength(1);
    }
  });

  it("a cron from a `from` in year 0001 starts in 1970, not in year 1 (croner alone would)", () => {
    expect(fires("cron(0 0 1 1 ? *)", "0001-06-01T00:00:00Z", 2)).toEqual([
      "1970-01-01T00:00:00Z",
      "1971-01-01T00:00:00Z",
    ]);
    expect(
      fires("rate(1 day)", "0001-06-01T00:00:00Z", 1, { anchor: new Date("0001-01-01T00:00:00Z") }),
    ).toEqual(["1970-01-01T00:00:00Z"]);
  });

  it("a `from` or start_date in year 9999 gives no fire, not an invalid one", () => {
    for (const expr of ["rate(1 minute)", "cron(* * * * ? *)", "at(2199-01-01T00:00:00)"]) {
      expect(fires(expr, "9999-12-31T23:59:59Z", 3)).toEqual([]);
      expect(
        fires(expr, FROM, 3, { startDate: new Date("9999-01-01T00:00:00Z") }).length,
      ).toBeLessThanOrEqual(1);
    }
  });

  it("invalid input dates give no fire rather than invalid ones", () => {
    const bad = new Date(Number.NaN);
    for (const opts of [{ startDate: bad }, { endDate: bad }, { anchor: bad }])
      expect(fires("rate(5 minutes)", FROM, 3, opts)).toEqual([]);
    expect(fires("rate(5 minutes)", "not a date", 3)).toEqual([]);
  });

  it("property: any accepted rate(), cron year or at() with any start, end and from in 0000-9999 gives only valid times within 1970-2199", () => {
    // Up to the largest value of each unit (1970-01-01 to the end of 2199).
    const maxOf = { minute: 120_968_640, hour: 2_016_144, day: 84_006 };
    const rate = fc
      .constantFrom("minute", "hour", "day" as const)
      .chain((u) => fc.tuple(fc.integer({ min: 1, max: maxOf[u as keyof typeof maxOf] }), fc.constant(u)))
      .map(([v, u]) => `rate(${v} ${u}${v === 1 ? "" : "s"})`);
    const year = fc.integer({ min: 1970, max: 2199 });
    const cron = fc
      .tuple(year, fc.option(year, { nil: undefined }))
      .map(([a, b]) => `cron(0 0 1 1 ? ${b === undefined ? a : `${Math.min(a, b)}-${Math.max(a, b)}`})`);
    const at = fc
      .tuple(year, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
      .map(([y, m, d]) => `at(${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T23:59:59)`);
    const instant = fc.date({
      min: new Date("0000-01-01T00:00:00Z"),
      max: new Date("9999-12-31T23:59:59Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        fc.oneof(rate, cron, at),
        instant,
        fc.option(instant, { nil: null }),
        fc.option(instant, { nil: null }),
        fc.constantFrom("UTC", "Asia/Tokyo", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"),
        (expr, from, startDate, endDate, timezone) => {
          const r = parseScheduleExpression(expr);
          if (!r.ok) return false; // every generated expression is within the bounds
          const times = nextFireTimes(r.value, {
            timezone,
            from,
            count: 5,
            startDate,
            endDate,
            anchor: startDate,
          });
          return times.every((t) => valid(t) && inYears(t) && t > from);
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
  });
});
