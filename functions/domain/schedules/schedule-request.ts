// A schedule request checked against its job, the expression rules and EventBridge's years, and
// turned into the item to store (defaults filled in). Validation only; the service does the writes.
import { DEFAULTS } from "#config/defaults.ts";
import type { FieldIssue } from "#domain/errors.ts";
import { codedIssue, issuesToFields, ValidationError } from "#domain/errors.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { JobRegistry } from "#domain/jobs/job-registry.ts";
import { concurrencyKey } from "#domain/runs/concurrency-key.ts";
import { taskParamsIssue } from "#domain/runs/task-override-size.ts";
import { canonicalTimeZone, isValidTimeZone } from "#domain/time.ts";
import type { CreateScheduleRequest, ExecutionPolicy, Schedule } from "#schemas/schedule.ts";
import { YEAR_MAX, YEAR_MIN } from "./expression-bounds.ts";
import { type ParsedExpression, parseScheduleExpression } from "./schedule-expression.ts";
import { autoScheduleName } from "./schedule-naming.ts";
import { evaluateSchedule, pinnedRateStart } from "./schedule-times.ts";

export const DEFAULT_TIMEZONE = DEFAULTS.displayTimeZone;
/** Temporal's default overlap policy; seed 002 used `allow`, which lets slow runs pile up. */
export const DEFAULT_POLICY: ExecutionPolicy = "skip";
export const DEFAULT_QUEUE_TIMEOUT_SECONDS = 3600;

export type Resolved = { schedule: Schedule; parsed: ParsedExpression };

/**
 * Validates a request against the job and the expression rules; builds the item to store.
 * `previous` is the stored item a PUT / PATCH replaces (its rate() phase is kept, see rateStartOf).
 */
export function resolveSchedule(
  registry: JobRegistry,
  req: CreateScheduleRequest,
  audit: Pick<Schedule, "id" | "created_at" | "updated_at" | "created_by" | "updated_by">,
  previous?: Schedule | null,
): Resolved {
  const issues: FieldIssue[] = [];
  const job = registry.find(req.job_name);
  if (!job)
    issues.push(
      codedIssue("job_name", `'${req.job_name}' is not a registered job`, {
        code: "unknown_job",
        params: { job: req.job_name },
      }),
    );
  const timezone = canonicalTimeZone(req.timezone ?? DEFAULT_TIMEZONE);
  if (!isValidTimeZone(timezone)) {
    issues.push(
      codedIssue("timezone", `unknown time zone '${timezone}' (use an IANA name such as Asia/Tokyo)`, {
        code: "unknown_time_zone",
        params: { zone: timezone },
      }),
    );
  }
  const parsed = parseScheduleExpression(req.schedule_expression);
  if (!parsed.ok)
    issues.push(
      codedIssue("schedule_expression", parsed.message, { code: parsed.code, params: parsed.params }),
    );
  let params: Record<string, unknown> = req.params ?? {};
  if (job) {
    const r = job.parameters.safeParse(params);
    if (r.success) {
      params = r.data as Record<string, unknown>;
      // A fargate job's fires carry these params in ECS's 8 KiB container override.
      const key = concurrencyKey(job.name, job.concurrency, params);
      const tooLarge = taskParamsIssue(job, params, key, "params");
      if (tooLarge) issues.push(tooLarge);
    } else issues.push(...issuesToFields(r.error.issues, "params", params));
  }
  // A PATCH merges the stored dates, which a hand edit may have broken: checked here, not only
  // by the request schema.
  const dates = checkDates(req.start_date, req.end_date);
  issues.push(...dates.issues);
  const { end } = dates;
  if (issues.length || !job || !parsed.ok) throw new ValidationError("invalid schedule", issues);
  const start =
    parsed.value.kind === "rate"
      ? rateStartOf(dates.start, end, req.start_date, new Date(audit.updated_at), previous)
      : dates.start;
  const name = req.name ?? autoScheduleName(job.name, nameParams(job, params), parsed.value);
  return {
    parsed: parsed.value,
    schedule: {
      ...audit,
      name,
      auto_generated_name: !req.name,
      job_name: job.name,
      schedule_expression: parsed.value.expression,
      timezone,
      start_date: start,
      end_date: end,
      description: req.description ?? null,
      category: req.category ?? job.category,
      tags: [...new Set(req.tags ?? [])],
      params,
      enabled: req.enabled ?? true,
      execution_policy: req.execution_policy ?? DEFAULT_POLICY,
      queue_timeout_seconds: req.queue_timeout_seconds ?? DEFAULT_QUEUE_TIMEOUT_SECONDS,
    },
  };
}

/** The name a save of `req` without a name would generate; null without a (valid) job and params. */
export function previewName(
  registry: JobRegistry,
  req: { job_name?: string | undefined; params?: Record<string, unknown> | undefined },
  expr: ParsedExpression,
): string | null {
  const job = req.job_name ? registry.find(req.job_name) : undefined;
  if (!job) return null;
  const r = job.parameters.safeParse(req.params ?? {});
  return r.success
    ? autoScheduleName(job.name, nameParams(job, r.data as Record<string, unknown>), expr)
    : null;
}

/**
 * The params an auto name encodes: those that differ from the job's defaults. A stored schedule
 * holds its params with the defaults filled in, so an edit (PATCH merges them) names it as its
 * creation did.
 */
function nameParams(job: JobDefinition, params: Record<string, unknown>): Record<string, unknown> {
  const d = job.parameters.safeParse({});
  if (!d.success) return params;
  const defaults = d.data as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(params).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k])),
  );
}

/** The first and last instants a schedule's start_date / end_date may name: EventBridge's years. */
const DATE_MIN = Date.UTC(YEAR_MIN, 0, 1);
const DATE_MAX = Date.UTC(YEAR_MAX + 1, 0, 1) - 1;

/** start_date / end_date as stored (UTC ISO), with an issue for each that is unusable. */
export function checkDates(
  startDate: string | null | undefined,
  endDate: string | null | undefined,
): { start: string | null; end: string | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const one = (field: string, value: string | null | undefined): string | null => {
    if (value == null || value === "") return null;
    const t = typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(t)) {
      issues.push(codedIssue(field, `'${String(value)}' is not a valid date/time`, { code: "invalid_date" }));
      return null;
    }
    if (t < DATE_MIN || t > DATE_MAX) {
      issues.push(
        codedIssue(field, `must be within the years ${YEAR_MIN}-${YEAR_MAX} (EventBridge's years)`, {
          code: "date_range",
          params: { min: YEAR_MIN, max: YEAR_MAX },
        }),
      );
      return null;
    }
    return new Date(t).toISOString();
  };
  const start = one("start_date", startDate);
  const end = one("end_date", endDate);
  if (start && end && start >= end)
    issues.push(codedIssue("end_date", "must be later than start_date", { code: "end_before_start" }));
  return { start, end, issues };
}

/**
 * The start_date a rate() is stored with: its phase, pinned (schedule-times.ts). The one asked for;
 * else, when the write replaces a rate() and does not clear its start_date (a PUT that leaves it
 * out, as the edit page does), the phase that rate() already had — an edit does not move its fires;
 * else (creation, becoming a rate(), an explicit null) the first whole minute at least
 * RATE_START_MARGIN_MS after the write. None when that is not before end_date: it never fires.
 */
function rateStartOf(
  asked: string | null,
  end: string | null,
  sent: string | null | undefined,
  writtenAt: Date,
  previous: Schedule | null | undefined,
): string | null {
  if (asked) return asked;
  const usable = (t: string) => (end && t >= end ? null : t);
  if (previous && sent === undefined) {
    const before = evaluateSchedule(previous);
    const kept = before.ok && before.parsed.kind === "rate" ? usable(before.anchor.toISOString()) : null;
    if (kept) return kept;
  }
  if (Number.isNaN(writtenAt.getTime())) return null;
  return usable(pinnedRateStart(writtenAt).toISOString());
}
