// What the API answers, beyond the model itself: views, pages, statuses, dashboard figures. The
// handlers' answers are typed by these, the OpenAPI document is generated from them (through
// functions/api/contract.ts) and the tests validate live answers against that document.
//
// They live apart from the request and model schemas on purpose: building a zod schema costs time
// at load, and a Lambda needs these only as types (`import type`), so no handler bundle carries them.
import * as z from "zod/mini";
import { AuditEntrySchema } from "./audit.ts";
import { JobNameSchema, TimeSchema, UuidSchema } from "./common.ts";
import { StatsWindowSchema } from "./dashboard.ts";
import {
  ConcurrencyModeSchema,
  FargateSettingsSchema,
  JobRuntimeSchema,
  LocalizedTextSchema,
  MessageParamsSchema,
  RetryPolicySchema,
} from "./job.ts";
import { PauseNoteSchema } from "./pause.ts";
import { AnomalySchema, RunSchema, RunStatusSchema } from "./run.ts";
import { RunLogLineSchema } from "./run-logs.ts";
import { ExecutionPolicySchema, ScheduleSchema } from "./schedule.ts";

/** One page of a cursor-paged list (spec/api.md "Pagination"). */
export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    count: z.number().check(z.int(), z.minimum(0), z.describe("number of results on this page")),
    results: z.array(item),
    next_cursor: z.nullable(
      z.string().check(z.describe("opaque; pass as `cursor` for the next page, null on the last")),
    ),
  });

/** /healthz: the service answers, and whether each dependency it needs does. */
export const HealthSchema = z.object({
  ok: z.boolean().check(z.describe("true when every dependency answers")),
  dynamodb: z
    .enum(["up", "down"])
    .check(z.describe("the store (DynamoDB): up when a read answered within a short timeout")),
});

// ---- Runs ----

const Count = z.number().check(z.int(), z.minimum(0));

/** The short form used inside other answers (last_run, active_runs, recent, stale runs). */
export const RunSummarySchema = z.pick(RunSchema, {
  execution_uuid: true,
  job_name: true,
  status: true,
  trigger_source: true,
  started_at: true,
  finished_at: true,
  duration_seconds: true,
  input_count: true,
  inserted_count: true,
  skipped_count: true,
  error_count: true,
  error_summary: true,
  progress: true,
  // Issue 14 (part A): the attempt and the retry wait, so a card says "Retry 2/3 — starts at …".
  attempt: true,
  retry_at: true,
  max_attempts: true,
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** The progress a history row shows: where the run is, without per-item details or stage times. */
export const RunListProgressSchema = z.object({
  stage: z.nullable(z.string()),
  /** position of `stage` among the run's stages (0-based); null when it is not one of them */
  stage_index: z.nullable(z.number().check(z.int(), z.minimum(0))),
  stage_count: Count,
  current: z.nullable(z.number()),
  total: z.nullable(z.number()),
  message: z.nullable(z.string()),
  // Issue 14 part C: as in the run's progress (ProgressSchema).
  message_key: z.optional(z.nullable(z.string())),
  message_params: z.optional(z.nullable(MessageParamsSchema)),
  updated_at: TimeSchema,
});
export type RunListProgress = z.infer<typeof RunListProgressSchema>;

/**
 * One run in GET /v1/runs: what the history table needs, at a tenth of the full record's weight.
 * Every field of the run except its heavy and ops-only parts, which GET /v1/runs/{execution_uuid}
 * keeps: the full progress (per-item details, stage list with times), the deep links for ops
 * (workflow_execution_arn, console_url, logs_url; a logs_url alone is ~1 KB in AWS) and the
 * internal concurrency_key.
 */
export const RunListItemSchema = z.extend(
  z.omit(RunSchema, {
    progress: true,
    workflow_execution_arn: true,
    console_url: true,
    logs_url: true,
    concurrency_key: true,
  }),
  { progress: z.nullable(RunListProgressSchema) },
);
export type RunListItem = z.infer<typeof RunListItemSchema>;

// ---- Trigger and run pages ----

export const TriggerResponseSchema = z.object({
  execution_uuid: UuidSchema,
  status: z.literal("RUNNING"),
  next_scheduled_for: z.nullable(TimeSchema),
});

export const RunsPageSchema = z.object({
  next_scheduled_for: z.nullable(
    TimeSchema.check(z.describe("soonest upcoming fire among enabled schedules of the filtered job(s)")),
  ),
  ...pageOf(RunListItemSchema).def.shape,
  // issue 14 (B): the history's "1,234 件"
  total: z.nullable(
    z
      .object({
        count: Count,
        capped: z
          .boolean()
          .check(z.describe("true when counting stopped at the cap: at least `count` runs match")),
      })
      .check(
        z.describe(
          "runs matching the whole filter (not this page), on the first page only (null with a cursor): counted by a COUNT query over the list's key range, stopping at 1,000 (capped), since DynamoDB reads every item it counts",
        ),
      ),
  ),
});
export type RunsPage = z.infer<typeof RunsPageSchema>;

// Issue 14 (part A): a page of a run's log lines, with the console's view of them.
export const RunLogsPageSchema = z.object({
  ...pageOf(RunLogLineSchema).def.shape,
  logs_url: z.nullable(
    z.string().check(z.describe("CloudWatch Logs Insights over the same lines (AWS); null locally")),
  ),
});
export type RunLogsPage = z.infer<typeof RunLogsPageSchema>;

// ---- Statistics and dashboard ----

const Seconds = z.nullable(z.number().check(z.minimum(0)));

/** Figures over the runs started in a window (skips are policy, not outcomes: not in success_rate). */
export const RunStatsSchema = z.object({
  total: Count,
  succeeded: Count,
  failed: z.number().check(z.int(), z.minimum(0), z.describe("FAILURE and TIMED_OUT")),
  skipped: Count,
  cancelled: Count,
  success_rate: z.nullable(
    z.number().check(z.minimum(0), z.maximum(1), z.describe("null while no run has finished")),
  ),
  avg_duration_seconds: Seconds,
  p95_duration_seconds: Seconds,
  inserted_total: Count,
  /** Issue 16: what the window's runs cost (run-cost.ts), in USD; runs without a cost add nothing. */
  cost_usd: z
    .number()
    .check(
      z.minimum(0),
      z.describe(
        "sum of the runs' cost.usd (runs ended by cancel, the reconciler or the sweeper carry none)",
      ),
    ),
  /** How many of the window's runs carry a cost (the rest are not in cost_usd). */
  costed_runs: Count,
  last_failure: z.nullable(
    z.object({
      execution_uuid: UuidSchema,
      started_at: TimeSchema,
      error_summary: z.nullable(z.string()),
    }),
  ),
});
export type RunStats = z.infer<typeof RunStatsSchema>;

export const JobStatsAnswerSchema = z.object({
  window: StatsWindowSchema,
  since: TimeSchema,
  generated_at: TimeSchema,
  overall: RunStatsSchema,
  jobs: z.array(
    z.object({
      job_name: JobNameSchema,
      ...RunStatsSchema.def.shape,
      truncated: z.boolean().check(z.describe("true when the window held more runs than were read")),
    }),
  ),
  durations: z.record(
    z.string(),
    z.array(
      z.object({
        started_at: TimeSchema,
        duration_seconds: z.number().check(z.minimum(0)),
        status: RunStatusSchema,
      }),
    ),
  ),
  // issue 16 part 3: the window's flagged runs
  flagged: z.object({
    count: Count.check(z.describe("runs of the window (as read) flagged with anomalies")),
    runs: z
      .array(
        z.object({
          execution_uuid: UuidSchema,
          job_name: JobNameSchema,
          started_at: TimeSchema,
          anomalies: z.array(AnomalySchema),
        }),
      )
      .check(z.describe("the newest 10 of them")),
  }),
});
export type JobStatsAnswer = z.infer<typeof JobStatsAnswerSchema>;

export const JobProgressAnswerSchema = z.object({
  active: z.array(RunSchema),
  recent: z.array(RunSummarySchema),
  generated_at: TimeSchema,
});
export type JobProgressAnswer = z.infer<typeof JobProgressAnswerSchema>;

// ---- Schedules and the scheduler ----

const DescriptionSchema = z.object({
  ja: z.string(),
  en: z.string(),
});

/** A schedule as answered: the stored fields plus what jobdeck computes from its expression. */
export const ScheduleViewSchema = z.object({
  ...ScheduleSchema.def.shape,
  start_date: z.nullable(
    TimeSchema.check(
      z.describe(
        "ISO 8601 instant with the display time zone's offset. A rate() counts from it (its first fire): one saved without it is given the first whole minute at least 30 s after the write, which an edit that leaves it out keeps",
      ),
    ),
  ),
  end_date: z.nullable(TimeSchema),
  created_at: TimeSchema,
  updated_at: TimeSchema,
  normalized_expression: z.string(),
  expression_description: DescriptionSchema,
  next_fire_times: z.array(TimeSchema).check(z.describe("the next 5 fire instants (fewer near end_date)")),
  expression_error: z.nullable(
    z
      .string()
      .check(
        z.describe(
          "set when the stored expression can no longer be evaluated (older version, hand edit): the schedule does not fire until it is fixed",
        ),
      ),
  ),
  pause: z.nullable(
    PauseNoteSchema.check(
      z.describe(
        "issue 16: who paused it, when, why, until when; null when not paused (or paused before notes existed)",
      ),
    ),
  ),
});
export type ScheduleView = z.infer<typeof ScheduleViewSchema>;

export const SchedulesPageSchema = pageOf(ScheduleViewSchema);

export const PreviewResultSchema = z.object({
  valid: z.boolean(),
  normalized_expression: z.nullable(z.string()),
  description: z.nullable(z.string().check(z.describe("in Japanese"))),
  description_en: z.nullable(z.string()),
  next_fire_times: z.array(TimeSchema),
  message: z.nullable(z.string().check(z.describe("what is wrong when valid is false"))),
  // Issue 14 part C: the message as a code with values, for pages that say it in their language.
  message_code: z.nullable(
    z
      .string()
      .check(z.describe("machine code of `message` (e.g. cron_day_fields, never_fires, normalized_from)")),
  ),
  message_params: z.nullable(
    z
      .record(z.string(), z.union([z.string(), z.number()]))
      .check(z.describe("values the code's wording names; a `suggestion` is always a valid expression")),
  ),
  // Issue 14 part C (schedule editing): the generated name, so the page shows what a save stores.
  auto_name: z.nullable(
    z
      .string()
      .check(
        z.describe(
          "the name a save without a name would generate (job short name + key param + frequency), when job_name was given and valid; a create may add a _2 suffix if it is taken",
        ),
      ),
  ),
});
export type PreviewResult = z.infer<typeof PreviewResultSchema>;

export const MissedFireSchema = z.object({
  schedule_id: z.string(),
  schedule_name: z.string(),
  job_name: JobNameSchema,
  scheduled_time: TimeSchema,
  reason: z.string(),
  recorded_at: TimeSchema,
});
export type MissedFire = z.infer<typeof MissedFireSchema>;

export const NextFireSchema = z.object({
  schedule_id: z.string(),
  schedule_name: z.string(),
  job_name: JobNameSchema,
  at: TimeSchema,
});
export type NextFire = z.infer<typeof NextFireSchema>;

export const SchedulerStatusSchema = z.object({
  paused: z.boolean(),
  paused_by: z.nullable(z.string()),
  paused_at: z.nullable(TimeSchema),
  pause: z.nullable(
    PauseNoteSchema.check(
      z.describe(
        "issue 16: who paused it, when, why, until when; null when not paused (or paused before notes existed)",
      ),
    ),
  ),
  schedules_total: z.number().check(z.int(), z.minimum(0)),
  schedules_enabled: z.number().check(z.int(), z.minimum(0)),
  next_fire: z.nullable(NextFireSchema),
  running_runs: z.array(RunSummarySchema),
  stale_runs: z.array(RunSummarySchema),
  long_running_runs: z.array(RunSummarySchema),
  missed_fires: z.array(MissedFireSchema),
});
export type SchedulerStatus = z.infer<typeof SchedulerStatusSchema>;

// ---- Jobs ----

/** A schedule as listed inside a job answer. */
export const ScheduleSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  schedule_expression: z.string().check(z.describe("normalized")),
  timezone: z.string(),
  enabled: z.boolean(),
  execution_policy: ExecutionPolicySchema,
  params: z.record(z.string(), z.unknown()),
  description: z.object({ ja: z.string(), en: z.string() }),
  next_fire_at: z.nullable(TimeSchema),
  expression_error: z.nullable(z.string()),
  pause: z.nullable(
    PauseNoteSchema.check(
      z.describe(
        "issue 16: who paused it, when, why, until when; null when not paused (or paused before notes existed)",
      ),
    ),
  ),
});
export type ScheduleSummary = z.infer<typeof ScheduleSummarySchema>;

export const JobViewSchema = z.object({
  name: JobNameSchema,
  description: z.string().check(z.describe("in English; description_i18n has both languages")),
  category: z.string(),
  data_sources: z.array(z.string()),
  enabled: z.boolean(),
  pause: z.nullable(
    PauseNoteSchema.check(
      z.describe(
        "issue 16: who paused it, when, why, until when; null when not paused (or paused before notes existed)",
      ),
    ),
  ),
  parameter_schema: z
    .record(z.string(), z.unknown())
    .check(z.describe("JSON Schema (draft 2020-12) of the options a trigger or schedule may pass")),
  concurrency: ConcurrencyModeSchema,
  timeout_seconds: z.number().check(z.int(), z.minimum(1)),
  retry: RetryPolicySchema,
  stages: z.array(z.string()),
  // ---- Issue 15: where the job's worker runs.
  runtime: JobRuntimeSchema,
  fargate: z
    .nullable(FargateSettingsSchema)
    .check(z.describe("the task's size and liveness; null for lambda jobs")),
  // ---- Issue 14 part C: the job's words in each language of the admin page.
  description_i18n: LocalizedTextSchema,
  stage_labels: z
    .record(z.string(), LocalizedTextSchema)
    .check(z.describe("words of each stage, by the stage name runs record")),
  messages: z
    .record(z.string(), LocalizedTextSchema)
    .check(
      z.describe(
        "progress message templates by key (a run's progress.message_key); `{name}` is filled from progress.message_params, numbers grouped per language",
      ),
    ),
  skip_reasons: z
    .record(z.string(), LocalizedTextSchema)
    .check(z.describe("words of each skip reason (a run's skip_breakdown keys)")),
  item_labels: z
    .record(z.string(), LocalizedTextSchema)
    .check(z.describe("words of each progress item name (a run's progress.items[].name)")),
  schedules: z.array(ScheduleSummarySchema),
  next_scheduled_for: z.nullable(TimeSchema),
  last_run: z.nullable(RunSummarySchema),
  active_runs: z.array(RunSummarySchema),
  stats_24h: RunStatsSchema,
  // ---- Issue 16 part 6: cooldown after a manual run.
  cooldown: z
    .nullable(
      z.object({
        seconds_after_manual: z
          .number()
          .check(
            z.int(),
            z.minimum(1),
            z.maximum(86400),
            z.describe("scheduled fires this many seconds after the start of a manual run are skipped"),
          ),
        manual_started_at: z.nullable(
          TimeSchema.check(
            z.describe("start of the manual run whose cooldown is in force now; null when none"),
          ),
        ),
        until: z.nullable(
          TimeSchema.check(
            z.describe("when the cooldown in force now ends (a fire at this instant runs); null when none"),
          ),
        ),
      }),
    )
    .check(z.describe("the job's cooldown after a manual run; null when it declares none")),
});
export type JobView = z.infer<typeof JobViewSchema>;

export const JobsListSchema = z.object({
  count: z.number().check(z.int(), z.minimum(0)),
  results: z.array(JobViewSchema),
});

/** Issue 16 part 5: the schedules a bulk pause / resume changed, as they now are. */
export const SchedulesChangedSchema = z.object({
  count: z.number().check(z.int(), z.minimum(0)),
  results: z.array(ScheduleViewSchema),
});

// ---- Audit ----

export const AuditPageSchema = pageOf(AuditEntrySchema);
