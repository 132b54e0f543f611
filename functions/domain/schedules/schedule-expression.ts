// EventBridge Scheduler schedule expressions (spec/model.md "Schedule", spec/api.md
// `POST /v1/schedules/preview`): parse and validate `cron(...)`, `rate(...)`, `at(...)` (and a
// 5-field Unix cron, normalized). The cron() grammar is in cron-fields.ts and cron-compiler.ts,
// fire instants in next-fire-times.ts, the name token in frequency-token.ts.
//
// Semantics follow the EventBridge Scheduler user guide ("Schedule types", "Cron expressions
// reference"), not croner: croner only evaluates a translated pattern (spec/toolchain.md "Schedule
// expressions"). Domain code: no AWS SDK here.

import type { IssueParams } from "#schemas/issue-codes.ts";
import { type CompiledCron, cronFromFields } from "./cron-compiler.ts";
import type { CronFields } from "./cron-fields.ts";
import { RATE_MAX_SECONDS, YEAR_MAX, YEAR_MIN } from "./expression-bounds.ts";
import { ExpressionError, fail } from "./expression-error.ts";
import { fromUnixCron } from "./unix-cron.ts";

export type RateUnit = "minute" | "minutes" | "hour" | "hours" | "day" | "days";

export type ParsedExpression =
  /** `expression` is normalized, e.g. "cron(0 11 * * ? *)"; names are upper case. */
  | { kind: "cron"; expression: string; fields: CronFields }
  /** `seconds` is one step in real seconds (`rate(n days)` is n × 24 hours, not calendar days). */
  | { kind: "rate"; expression: string; value: number; unit: RateUnit; seconds: number }
  /** `local` is the wall-clock time in the schedule's time zone, e.g. "2025-11-02T01:30:00". */
  | { kind: "at"; expression: string; local: string };

/**
 * `normalizedFrom` is the (trimmed) input when it differs from `value.expression`, e.g. a 5-field
 * Unix cron converted to `cron(...)`, or `CRON(0 18 ? * mon-fri *)` → `cron(0 18 ? * MON-FRI *)`.
 */
export type ParseResult =
  | { ok: true; value: ParsedExpression; normalizedFrom?: string }
  | { ok: false; message: string; code: string; params: IssueParams };

// ---------------------------------------------------------------------------------------------
// rate() and at()

const UNIT_SECONDS: Record<RateUnit, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

function parseRate(inner: string): ParsedExpression {
  const m = /^(\S+)\s+(\S+)$/.exec(inner.trim());
  if (!m)
    return fail(
      `rate() needs a value and a unit, e.g. rate(5 minutes); got 'rate(${inner})'`,
      "rate_invalid",
      {
        suggestion: "rate(5 minutes)",
      },
    );
  const [, valueText = "", unitText = ""] = m;
  if (!/^\d+$/.test(valueText))
    fail(`rate value must be a positive integer; got '${valueText}'`, "rate_invalid");
  const value = Number(valueText);
  if (value < 1) fail(`rate value must be at least 1; got ${value}`, "rate_invalid");
  const unit = unitText.toLowerCase();
  if (!(unit in UNIT_SECONDS)) {
    fail(`rate unit must be minute(s), hour(s) or day(s); got '${unitText}'`, "rate_invalid");
  }
  const unitSeconds = UNIT_SECONDS[unit as RateUnit];
  const max = Math.floor(RATE_MAX_SECONDS / unitSeconds);
  if (value > max) {
    const plural = unit.endsWith("s") ? unit : `${unit}s`;
    fail(
      `rate value ${valueText} is too large: a rate() step may be at most ${max} ${plural} ` +
        `(EventBridge's whole range of years, ${YEAR_MIN}-${YEAR_MAX})`,
    );
  }
  const singular = !unit.endsWith("s");
  if (value === 1 && !singular)
    fail(`rate(1 ${unit}): use the singular unit with 1, e.g. rate(1 ${unit.slice(0, -1)})`, "rate_invalid", {
      suggestion: `rate(1 ${unit.slice(0, -1)})`,
    });
  if (value !== 1 && singular)
    fail(`rate(${value} ${unit}): use the plural unit, e.g. rate(${value} ${unit}s)`, "rate_invalid", {
      suggestion: `rate(${value} ${unit}s)`,
    });
  const u = unit as RateUnit;
  return {
    kind: "rate",
    expression: `rate(${value} ${u})`,
    value,
    unit: u,
    seconds: value * UNIT_SECONDS[u],
  };
}

function parseAt(inner: string): ParsedExpression {
  const text = inner.trim().toUpperCase();
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return fail(`at() needs a local date and time yyyy-mm-ddThh:mm:ss; got 'at(${inner.trim()})'`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < YEAR_MIN || year > YEAR_MAX)
    fail(`at(): year ${m[1]} is out of range ${YEAR_MIN}-${YEAR_MAX} (EventBridge's years)`);
  if (month < 1 || month > 12) fail(`at(): month ${month} is out of range 1-12`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) fail(`at(): day ${day} is out of range 1-${days} for ${m[1]}-${m[2]}`);
  if (hour > 23) fail(`at(): hour ${hour} is out of range 0-23`);
  if (minute > 59) fail(`at(): minute ${minute} is out of range 0-59`);
  if (second > 59) fail(`at(): second ${second} is out of range 0-59`);
  return { kind: "at", expression: `at(${text})`, local: text };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------------------------
// parse

/** Parse and validate an EventBridge Scheduler expression (or a 5-field Unix cron, normalized). */
export function parseScheduleExpression(input: string): ParseResult {
  try {
    const { value, converted } = parse(input);
    const trimmed = typeof input === "string" ? input.trim() : "";
    return converted || value.expression !== trimmed
      ? { ok: true, value, normalizedFrom: trimmed }
      : { ok: true, value };
  } catch (err) {
    if (err instanceof ExpressionError)
      return { ok: false, message: err.message, code: err.code, params: err.params };
    throw err;
  }
}

function parse(input: string): { value: ParsedExpression; converted: boolean } {
  if (typeof input !== "string") return fail("schedule expression must be a string");
  const text = input.trim();
  if (text === "") fail("schedule expression is empty", "expr_empty");
  const wrapped = /^([a-z]+)\s*\(([\s\S]*)\)$/i.exec(text);
  if (wrapped) {
    const kind = (wrapped[1] ?? "").toLowerCase();
    const inner = (wrapped[2] ?? "").trim();
    if (kind === "cron") {
      const c = cronFromFields(inner === "" ? [] : inner.split(/\s+/));
      return { value: { kind: "cron", expression: c.expression, fields: c.fields }, converted: false };
    }
    if (kind === "rate") return { value: parseRate(inner), converted: false };
    if (kind === "at") {
      try {
        return { value: parseAt(inner), converted: false };
      } catch (e) {
        // every at() problem reads the same to an operator: the date and time are not right
        if (e instanceof ExpressionError) throw new ExpressionError(e.message, "at_invalid");
        throw e;
      }
    }
    return fail(
      `unknown schedule type '${wrapped[1]}(...)': use cron(...), rate(...) or at(...)`,
      "expr_unknown_type",
      { type: wrapped[1] ?? "" },
    );
  }
  const parts = text.split(/\s+/);
  if (parts.length === 5 && parts.every((p) => /^[A-Za-z0-9*?,/#-]+$/.test(p))) {
    const c = cronFromFields(fromUnixCron(parts));
    return { value: { kind: "cron", expression: c.expression, fields: c.fields }, converted: true };
  }
  if (parts.length === 6 && parts.every((p) => /^[A-Za-z0-9*?,/#-]+$/.test(p))) {
    fail(
      "a bare 6-field cron is ambiguous (seconds first, or EventBridge fields?): write " +
        "cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 10 * * ? *)",
      "expr_bare_six",
      { suggestion: "cron(0 10 * * ? *)" },
    );
  }
  if (parts.length === 7 && parts.every((p) => /^[A-Za-z0-9*?,/#-]+$/.test(p))) {
    fail(
      "a 7-field cron with seconds is not supported: EventBridge has no seconds field; write " +
        "cron(minutes hours day-of-month month day-of-week year)",
      "expr_seconds",
    );
  }
  return fail(
    `'${text}' is not a schedule expression: use cron(minutes hours day-of-month month day-of-week year), ` +
      "rate(value unit), at(yyyy-mm-ddThh:mm:ss) or a 5-field Unix cron",
    "expr_not_expression",
  );
}

export function compiledOf(expr: Extract<ParsedExpression, { kind: "cron" }>): CompiledCron {
  const f = expr.fields;
  return cronFromFields([f.minutes, f.hours, f.dayOfMonth, f.month, f.dayOfWeek, f.year]);
}
