// Drift between what EventBridge holds and what it should (the fields `reconcile` compares), read
// the way EventBridge answers them: whole seconds, JSON inputs in any key order, past StartDates,
// a rate()'s StartDate by its phase.
import { isDeepStrictEqual } from "node:util";
import type { CreateScheduleCommandInput, GetScheduleCommandOutput } from "@aws-sdk/client-scheduler";
import { parseScheduleExpression } from "#domain/schedules/schedule-expression.ts";

/** The fields of `actual` that differ from `desired` (empty when in line). */
export function scheduleDrift(
  desired: CreateScheduleCommandInput,
  actual: GetScheduleCommandOutput,
  now?: Date,
): string[] {
  const drift: string[] = [];
  const check = (field: string, same: boolean) => {
    if (!same) drift.push(field);
  };
  // A StartDate in the past restricts nothing (and cannot be written again): compare what is effective.
  const effectiveStart = (d: Date | undefined) =>
    d && !(now && d.getTime() <= now.getTime()) ? d : undefined;
  const dt = desired.Target;
  const at = actual.Target;
  check("ScheduleExpression", desired.ScheduleExpression === actual.ScheduleExpression);
  check(
    "ScheduleExpressionTimezone",
    desired.ScheduleExpressionTimezone === actual.ScheduleExpressionTimezone,
  );
  check("State", desired.State === actual.State);
  const rate = parseScheduleExpression(desired.ScheduleExpression ?? "");
  check(
    "StartDate",
    rate.ok && rate.value.kind === "rate"
      ? samePhase(desired.StartDate, actual.StartDate, rate.value.seconds)
      : sameSecond(effectiveStart(desired.StartDate), effectiveStart(actual.StartDate)),
  );
  check("EndDate", sameSecond(desired.EndDate, actual.EndDate));
  check("Description", (desired.Description ?? "") === (actual.Description ?? ""));
  check(
    "ActionAfterCompletion",
    (desired.ActionAfterCompletion ?? "NONE") === (actual.ActionAfterCompletion ?? "NONE"),
  );
  check(
    "FlexibleTimeWindow",
    desired.FlexibleTimeWindow?.Mode === actual.FlexibleTimeWindow?.Mode &&
      desired.FlexibleTimeWindow?.MaximumWindowInMinutes ===
        actual.FlexibleTimeWindow?.MaximumWindowInMinutes,
  );
  check("Target.Arn", dt?.Arn === at?.Arn);
  check("Target.RoleArn", dt?.RoleArn === at?.RoleArn);
  check("Target.Input", sameJson(dt?.Input, at?.Input));
  check(
    "Target.RetryPolicy",
    dt?.RetryPolicy?.MaximumEventAgeInSeconds === at?.RetryPolicy?.MaximumEventAgeInSeconds &&
      dt?.RetryPolicy?.MaximumRetryAttempts === at?.RetryPolicy?.MaximumRetryAttempts,
  );
  check(
    "Target.DeadLetterConfig",
    (dt?.DeadLetterConfig?.Arn ?? null) === (at?.DeadLetterConfig?.Arn ?? null),
  );
  return drift;
}

/**
 * A rate()'s StartDate only sets its phase, and the one desired moves on with time (the next fire
 * at the write, eventbridge-schedule-definition.ts): EventBridge is in line when the StartDate it
 * holds is on the same grid, no later than the desired one (a later one would skip fires).
 */
function samePhase(desired: Date | undefined, actual: Date | undefined, stepSeconds: number): boolean {
  if (!desired) return true; // no fire left: the phase no longer matters
  if (!actual) return false; // EventBridge counts from its own write: an unknown phase
  const d = Math.floor(desired.getTime() / 1000);
  const a = Math.floor(actual.getTime() / 1000);
  return a <= d && (d - a) % stepSeconds === 0;
}

function sameSecond(a: Date | undefined, b: Date | undefined): boolean {
  if (!a || !b) return !a && !b;
  return Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);
}

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Same JSON value, whatever the key order or spacing. */
function sameJson(a: string | undefined, b: string | undefined): boolean {
  const pa = parseJson(a);
  const pb = parseJson(b);
  return pa.ok && pb.ok ? isDeepStrictEqual(pa.value, pb.value) : a === b;
}
