// Issue 14, problem 7 (server side): validation issues carry a machine code and values the page
// translates, and every expression the server suggests is itself valid.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { issuesToFields } from "#domain/errors.ts";
import { JobRegistry } from "#domain/jobs/job-registry.ts";
import { parseScheduleExpression } from "#domain/schedules/schedule-expression.ts";
import { resolveSchedule } from "#domain/schedules/schedule-request.ts";
import { JOBS } from "#jobs/all-jobs.ts";

const BAD = [
  "cron(0 9 * * * *)",
  "cron(0 9 1 * * *)",
  "cron(0 9 * * MON *)",
  "cron(0 9 1 * MON *)",
  "cron(0 9 ? * ? *)",
  "cron(0 9 * * *)",
  "cron(30 11 * * 1-5)",
  "cron(0 9 1 * *)",
  "cron(0 0 9 * * ? *)",
  "cron(0 0 9 * * * *)",
  "cron(0 9 * *)",
  "cron(61 9 * * ? *)",
  "rate(1 minutes)",
  "rate(5 minute)",
  "rate()",
  "rate(x minutes)",
  "at(2025-02-30T10:00:00)",
  "at(tomorrow)",
  "every(5 minutes)",
  "0 9 * * * *",
  "0 0 9 * * ? *",
  "",
  "nonsense",
];

describe("problem 7: every suggested expression is valid", () => {
  it.each(BAD)("%s: refused with a code, and its suggestion (if any) parses", (expr) => {
    const r = parseScheduleExpression(expr);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toMatch(/^[a-z_]+$/);
    const suggestion = r.params.suggestion;
    if (suggestion !== undefined) {
      const again = parseScheduleExpression(String(suggestion));
      expect(again.ok, `${expr} → ${suggestion}`).toBe(true);
    }
    // every "e.g." in the English text is a valid expression too
    for (const m of r.message.matchAll(/(?:e\.g\.|seconds:) ((?:cron|rate|at)\([^)]*\))/g)) {
      expect(parseScheduleExpression(m[1] ?? "").ok, `${expr}: ${m[1]}`).toBe(true);
    }
  });

  it("a 6-field cron with both day fields '*' suggests cron(0 9 * * ? *)", () => {
    const r = parseScheduleExpression("cron(0 9 * * * *)");
    expect(r).toMatchObject({
      ok: false,
      code: "cron_day_fields",
      params: { suggestion: "cron(0 9 * * ? *)" },
    });
    expect(r.ok ? "" : r.message).not.toContain("cron(0 9 * * * *)");
  });

  it("five fields inside cron() suggest their EventBridge form, not an invalid one with a year added", () => {
    expect(parseScheduleExpression("cron(0 9 * * *)")).toMatchObject({
      ok: false,
      code: "cron_five_fields",
      params: { suggestion: "cron(0 9 * * ? *)" },
    });
    expect(parseScheduleExpression("cron(30 11 * * 1-5)")).toMatchObject({
      params: { suggestion: "cron(30 11 ? * 2-6 *)" },
    });
  });
});

describe("problem 7: 400 details name each issue by code", () => {
  it("zod issues become codes with values", () => {
    const schema = z.strictObject({
      n: z.number().check(z.maximum(20)),
      s: z.string().check(z.minLength(2)),
      e: z.enum(["a", "b"]),
      r: z.string(),
    });
    const r = schema.safeParse({ n: 99, s: "x", e: "c", extra: 1 });
    expect(r.success).toBe(false);
    const fields = issuesToFields(r.error?.issues ?? [], "params", { n: 99, s: "x", e: "c", extra: 1 });
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "params.n", code: "maximum", params: { n: 20 } }),
        expect.objectContaining({ field: "params.s", code: "min_length", params: { n: 2 } }),
        expect.objectContaining({ field: "params.e", code: "enum" }),
        expect.objectContaining({ field: "params.r", code: "required" }),
        expect.objectContaining({ field: "params.extra", code: "unknown_field" }),
      ]),
    );
  });

  it("a schedule's own checks carry codes: job, time zone, expression, dates", () => {
    const audit = {
      id: "s1",
      created_at: "2025-10-01T00:00:00Z",
      updated_at: "2025-10-01T00:00:00Z",
      created_by: "t",
      updated_by: "t",
    };
    let details: unknown;
    try {
      resolveSchedule(
        new JobRegistry(JOBS),
        {
          job_name: "nope.job",
          schedule_expression: "cron(0 9 * * * *)",
          timezone: "Mars/Olympus",
          start_date: "2030-01-02T00:00:00Z",
          end_date: "2030-01-01T00:00:00Z",
        },
        audit,
      );
    } catch (e) {
      details = (e as { details?: unknown }).details;
    }
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "job_name", code: "unknown_job", params: { job: "nope.job" } }),
        expect.objectContaining({ field: "timezone", code: "unknown_time_zone" }),
        expect.objectContaining({
          field: "schedule_expression",
          code: "cron_day_fields",
          params: { suggestion: "cron(0 9 * * ? *)" },
        }),
        expect.objectContaining({ field: "end_date", code: "end_before_start" }),
      ]),
    );
  });
});
