// Drift between what EventBridge holds and what it should (the fields `reconcile` compares), read
// the way EventBridge answers them: whole seconds, JSON inputs in any key order, past StartDates.
import { isDeepStrictEqual } from "node:util";
import type { CreateScheduleCommandInput, GetScheduleCommandOutput } from "@aws-sdk/client-scheduler";

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
  check("StartDate", sameSecond(effectiveStart(desired.StartDate), effectiveStart(actual.StartDate)));
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
