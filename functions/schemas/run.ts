import * as z from "zod/mini";
import { JobNameSchema, TimeSchema, UuidSchema } from "./common.ts";
import { MessageParamsSchema } from "./job.ts";

export const RUN_STATUSES = [
  "QUEUED",
  "RUNNING",
  "SUCCESS",
  "FAILURE",
  "CANCELLED",
  "TIMED_OUT",
  "SKIPPED",
] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const FINISHED_STATUSES: readonly RunStatus[] = [
  "SUCCESS",
  "FAILURE",
  "CANCELLED",
  "TIMED_OUT",
  "SKIPPED",
];
export const ACTIVE_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING"];

export const TRIGGER_SOURCES = ["schedule", "manual", "api", "rerun", "backfill"] as const;
export const TriggerSourceSchema = z.enum(TRIGGER_SOURCES);
export type TriggerSource = z.infer<typeof TriggerSourceSchema>;

export const STAGE_STATUSES = ["pending", "running", "done", "failed", "skipped"] as const;
export const StageStatusSchema = z.enum(STAGE_STATUSES);
export type StageStatus = z.infer<typeof StageStatusSchema>;

export const StageSchema = z.object({
  name: z.string(),
  status: StageStatusSchema,
  started_at: z.nullable(TimeSchema),
  finished_at: z.nullable(TimeSchema),
});
export type Stage = z.infer<typeof StageSchema>;

export const ProgressItemSchema = z.object({
  name: z.string(),
  status: StageStatusSchema,
  current: z.number(),
  total: z.nullable(z.number()),
});
export type ProgressItem = z.infer<typeof ProgressItemSchema>;

export const ProgressSchema = z.object({
  stage: z.nullable(z.string()),
  stages: z.array(StageSchema),
  current: z.nullable(z.number()),
  total: z.nullable(z.number()),
  message: z.nullable(z.string().check(z.describe("in English (rendered from message_key when set)"))),
  // Issue 14 part C: the message as a key of the job's catalog (GET /v1/jobs `messages`) and its
  // values, for pages that render it in their language. Absent on runs written before they existed.
  message_key: z.optional(z.nullable(z.string())),
  message_params: z.optional(z.nullable(MessageParamsSchema)),
  items: z.array(ProgressItemSchema),
  updated_at: TimeSchema,
});
export type Progress = z.infer<typeof ProgressSchema>;

const Count = z.number().check(z.int(), z.minimum(0));

/** Bounds of one recorded attempt: the run item stays well under DynamoDB's 400 KB. */
export const ATTEMPTS_MAX = 10;
export const ATTEMPT_MESSAGE_MAX = 1000;
export const ATTEMPT_FRAMES_MAX = 5;
export const ATTEMPT_FRAME_MAX = 300;

/** One finished attempt of the job's worker (failed: the workflow records each before a retry). */
export const AttemptSchema = z.object({
  attempt: z.number().check(z.int(), z.minimum(1)),
  started_at: z.nullable(TimeSchema),
  finished_at: TimeSchema,
  /** The error's name ("Error", "TypeError", "States.Timeout", "JobCancelled"). */
  error_type: z.string().check(z.maxLength(200)),
  message: z.string().check(z.maxLength(ATTEMPT_MESSAGE_MAX)),
  /** The first stack frames ("at fn (file:line:col)"), paths shortened and secrets masked. */
  stack: z.array(z.string().check(z.maxLength(ATTEMPT_FRAME_MAX))).check(z.maxLength(ATTEMPT_FRAMES_MAX)),
});
export type Attempt = z.infer<typeof AttemptSchema>;

/** Where a fargate attempt runs: its ECS task (AWS) or its child process (local stack). */
export const RunTaskSchema = z.object({
  /** The ECS task ARN, or `local:pid:<pid>` locally. */
  id: z.string(),
  /** The process id locally; null on ECS. */
  pid: z.nullable(z.number().check(z.int())),
  attempt: z.number().check(z.int(), z.minimum(1)),
  started_at: TimeSchema,
  /** The ECS console page of the task; null locally. */
  console_url: z.nullable(z.string()),
  /** The task's log stream in the CloudWatch console; null locally. */
  log_stream_url: z.nullable(z.string()),
});
export type RunTask = z.infer<typeof RunTaskSchema>;

// ---- Issue 16: what a finished run is measured by.

/** A counter of a run far from its job's recent normal (anomaly flags). */
export const AnomalySchema = z.object({
  /** The run's field: input_count, inserted_count, … */
  counter: z.string(),
  value: z.number(),
  /** The median of the job's recent successful runs. */
  baseline: z.number(),
  /** value ÷ baseline (0 when the baseline is 0 and the value is not). */
  ratio: z.number(),
  /** Which rule flagged it, e.g. "drop>=90%" or "rise>=10x". */
  rule: z.string(),
});
export type Anomaly = z.infer<typeof AnomalySchema>;

/** What a finished run used and what that cost, from one price table. */
export const RunCostSchema = z.object({
  state_transitions: z.number().check(z.int(), z.minimum(0)),
  lambda_gb_seconds: z.number().check(z.minimum(0)),
  fargate_vcpu_seconds: z.number().check(z.minimum(0)),
  fargate_gb_seconds: z.number().check(z.minimum(0)),
  usd: z.number().check(z.minimum(0)),
  /** The date of the price table the figure comes from. */
  prices_as_of: z.string(),
  region: z.string(),
  /**
   * counted: from the workflow's own usage counter, written as it ended the run; estimated: the run
   * was ended outside its workflow (cancel, reconciler, sweeper), so its transitions are inferred
   * from its attempts and the worker is billed up to the end. Absent on costs recorded before.
   */
  basis: z.optional(z.enum(["counted", "estimated"])),
});
export type RunCost = z.infer<typeof RunCostSchema>;

/** One execution of a job: every field of spec/model.md. Times are ISO strings (UTC in store, display offset in API). */

export const RunSchema = z.object({
  execution_uuid: UuidSchema,
  job_name: JobNameSchema,
  schedule_id: z.nullable(z.string()),
  schedule_name: z.nullable(z.string()),
  trigger_source: TriggerSourceSchema,
  triggered_by: z.nullable(z.string()),
  data_source: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
  status: RunStatusSchema,
  started_at: TimeSchema,
  finished_at: z.nullable(TimeSchema),
  duration_seconds: z.nullable(z.number()),
  input_count: Count,
  inserted_count: Count,
  updated_count: Count,
  skipped_count: Count,
  error_count: Count,
  skip_breakdown: z.nullable(z.record(z.string(), Count)),
  error_summary: z.nullable(z.string().check(z.maxLength(512))),
  progress: z.nullable(ProgressSchema),
  attempt: z.number().check(z.int(), z.minimum(1)),
  /** The failed attempts so far, oldest first (at most ATTEMPTS_MAX, the latest kept). */
  attempts: z.array(AttemptSchema).check(z.maxLength(ATTEMPTS_MAX)),
  /** While the workflow waits before a retry: when attempt `attempt` starts; null otherwise. */
  retry_at: z.nullable(TimeSchema),
  /** The job's retry policy's attempts, recorded with the first retry ("Retry 2/3"); null before. */
  max_attempts: z.nullable(z.number().check(z.int(), z.minimum(1))),
  next_scheduled_for: z.nullable(TimeSchema),
  workflow_execution_arn: z.nullable(z.string()),
  /** Issue 15: the task a fargate job's current attempt runs in (null for lambda jobs, and before it starts). */
  task: z.nullable(RunTaskSchema),
  // ---- Issue 16
  /** The logical time the run is for (ctx.scheduledFor): the fire time, a backfill's time, else the trigger time. */
  scheduled_for: z.nullable(TimeSchema),
  /** The backfill that started this run (trigger_source "backfill"). */
  backfill_id: z.nullable(z.string()),
  /** Counters far from the job's recent normal; null before the run finished or when nothing is watched. */
  anomalies: z.nullable(z.array(AnomalySchema)),
  /** What the run used and cost; null until it finished. */
  cost: z.nullable(RunCostSchema),
  console_url: z.nullable(z.string()),
  logs_url: z.nullable(z.string()),
  concurrency_key: z.string(),
  created_at: TimeSchema,
  updated_at: TimeSchema,
});
export type Run = z.infer<typeof RunSchema>;

export const RunCountsSchema = z.object({
  input_count: Count,
  inserted_count: Count,
  updated_count: Count,
  skipped_count: Count,
  error_count: Count,
  skip_breakdown: z.nullable(z.record(z.string(), Count)),
});
export type RunCounts = z.infer<typeof RunCountsSchema>;
