// The HTTP contract of every route: what it reads (path, query, headers, body) and every answer
// it can give (status, body schema, headers). `routes.ts` says who serves a route and who may call
// it; this file says what the route means. The OpenAPI document is generated from here, the
// handlers' answers are typed from here, and the tests check every live answer against the
// document. A route missing here, or one listed here that does not exist, fails the type check.
//
// Statuses every route shares (auth, validation, caching, outages) are added by `responsesOf`
// (contract-responses.ts), so each entry lists only what is its own; the types derived from the
// contract (handlers' answers, the typed client) are in contract-types.ts.

import * as z from "zod/mini";
import {
  AuditPageSchema,
  HealthSchema,
  JobProgressAnswerSchema,
  JobStatsAnswerSchema,
  JobsListSchema,
  JobViewSchema,
  PreviewResultSchema,
  RunLogsPageSchema,
  RunsPageSchema,
  SchedulerStatusSchema,
  SchedulesChangedSchema,
  SchedulesPageSchema,
  ScheduleViewSchema,
  TriggerResponseSchema,
} from "#schemas/answers.ts";
import { ListRunsQuerySchema, SetEnabledRequestSchema, TriggerRequestSchema } from "#schemas/api.ts";
import { ListAuditQuerySchema } from "#schemas/audit.ts";
import {
  BackfillIdSchema,
  BackfillPreviewSchema,
  BackfillRequestSchema,
  BackfillsPageSchema,
  BackfillViewSchema,
  CancelBackfillRequestSchema,
  ListBackfillsQuerySchema,
} from "#schemas/backfill.ts";
import { CALENDAR_MAX_FIRES, CalendarAnswerSchema, CalendarQuerySchema } from "#schemas/calendar.ts";
import { JobNameSchema, UuidSchema } from "#schemas/common.ts";
import { StatsQuerySchema } from "#schemas/dashboard.ts";
import { PauseSchedulesRequestSchema, ResumeSchedulesRequestSchema } from "#schemas/pause.ts";
import { RunSchema } from "#schemas/run.ts";
import { RunLogsQuerySchema } from "#schemas/run-logs.ts";
import {
  CreateScheduleRequestSchema,
  ListSchedulesQuerySchema,
  PatchScheduleRequestSchema,
  PreviewRequestSchema,
  ScheduleIdSchema,
  SetPausedRequestSchema,
} from "#schemas/schedule.ts";
import { ROUTES, type RouteDef, type RouteKey, routeKey } from "./routes.ts";

export type Tag =
  | "Runs"
  | "Trigger"
  | "Jobs"
  | "Schedules"
  | "Scheduler"
  | "Audit"
  | "Dashboard"
  | "Meta"
  | "Backfills";

/** Headers a client may send beyond Authorization and Content-Type (CORS allows exactly these). */
export const REQUEST_HEADERS = ["Idempotency-Key", "If-Match", "If-None-Match"] as const;
export type RequestHeader = (typeof REQUEST_HEADERS)[number];
/** Headers the API sets that a page may read (CORS exposes exactly these). */
export const RESPONSE_HEADERS = [
  "ETag",
  "Retry-After",
  "Location",
  "Idempotent-Replayed",
  "WWW-Authenticate",
] as const;
export type ResponseHeader = (typeof RESPONSE_HEADERS)[number];

export type ResponseSpec = {
  description: string;
  /** JSON body; absent = no body (204, 304). */
  schema?: z.ZodMiniType;
  /** Headers always present on this answer. */
  headers?: readonly ResponseHeader[];
  /** Headers present on some of these answers. */
  optionalHeaders?: readonly ResponseHeader[];
  /** A status other than a success that the route's handler answers itself, with `schema`. */
  answered?: true;
};

export type OperationContract = {
  operationId: string;
  tag: Tag;
  description?: string;
  path?: Record<string, z.ZodMiniType>;
  query?: z.ZodMiniObject;
  headers?: readonly RequestHeader[];
  body?: z.ZodMiniType;
  /** The route's own answers (success and conflicts); shared ones are added by `responsesOf`. */
  responses: Readonly<Record<number, ResponseSpec>>;
};

const RUN_ID = { execution_uuid: UuidSchema };
const JOB = { job_name: JobNameSchema };
const SCHEDULE_ID = { id: ScheduleIdSchema };
const BACKFILL_ID = { id: BackfillIdSchema };

const notFound = (what: string): ResponseSpec => ({ description: `unknown ${what}` });
const precondition: ResponseSpec = {
  description: "If-Match names a version that is no longer current: read it again and retry",
};

/** PUT and PATCH of a schedule answer alike. */
const SCHEDULE_WRITE_RESPONSES = {
  200: { description: "The schedule", schema: ScheduleViewSchema, headers: ["ETag"] },
  404: notFound("schedule"),
  409: { description: "name_taken" },
  412: precondition,
} as const;

export const CONTRACT = {
  "GET /healthz": {
    operationId: "getHealth",
    tag: "Meta",
    description:
      "Health of the service and of each dependency (a cheap read of the store with a short timeout); needs no token.",
    responses: {
      200: { description: "The service and every dependency answer", schema: HealthSchema },
      503: {
        description: "A dependency is down; the body says which",
        schema: HealthSchema,
        headers: ["Retry-After"],
        answered: true,
      },
    },
  },
  "GET /v1/openapi.json": {
    operationId: "getOpenApi",
    tag: "Meta",
    responses: {
      200: {
        description: "This document",
        schema: z.record(z.string(), z.unknown()),
      },
    },
  },
  "GET /v1/runs": {
    operationId: "listRuns",
    tag: "Runs",
    description:
      "Newest first (by started_at). Without job_name, runs of all jobs. Items are list rows (RunListItem: no per-item progress, stage timings or deep links); GET /v1/runs/{execution_uuid} has the whole run. execution_id finds runs by the start of their id within the other filters (a whole id: that run, whatever the other filters). The first page (no cursor) carries `total`, the runs matching the whole filter: a COUNT query over the list's key range that stops at 1,000 (`capped`: the page shows “1,000+”), since DynamoDB reads every item it counts.",
    query: ListRunsQuerySchema,
    responses: { 200: { description: "A page of runs", schema: RunsPageSchema } },
  },
  "GET /v1/runs/{execution_uuid}": {
    operationId: "getRun",
    tag: "Runs",
    path: RUN_ID,
    responses: { 200: { description: "The run", schema: RunSchema }, 404: notFound("run") },
  },
  // Issue 14 (part A): a run's own log lines.
  "GET /v1/runs/{execution_uuid}/logs": {
    operationId: "getRunLogs",
    tag: "Runs",
    description:
      "The run's own log lines (every line carrying its execution_uuid), oldest first: locally from the local stack's log, in AWS from CloudWatch Logs (the workflow-steps function's and the job worker's log groups). logs_url opens the same lines in the console.",
    path: RUN_ID,
    query: RunLogsQuerySchema,
    responses: {
      200: { description: "A page of log lines", schema: RunLogsPageSchema },
      404: notFound("run"),
    },
  },
  "POST /v1/runs/{execution_uuid}/cancel": {
    operationId: "cancelRun",
    tag: "Runs",
    description: "Stops the run's workflow execution; the run ends CANCELLED.",
    path: RUN_ID,
    responses: {
      202: { description: "Cancel accepted; the run as it is now", schema: RunSchema },
      404: notFound("run"),
      409: { description: "already_finished: the run has ended" },
    },
  },
  "POST /v1/runs/{execution_uuid}/rerun": {
    operationId: "rerunRun",
    tag: "Runs",
    description: "Starts a new run of the same job with the same parameters.",
    path: RUN_ID,
    responses: {
      202: { description: "Started", schema: TriggerResponseSchema },
      404: notFound("run"),
      409: { description: "already_running (details name the running run) or job_disabled" },
      429: { description: "too many manual starts by this user", headers: ["Retry-After"] },
    },
  },
  "POST /v1/trigger": {
    operationId: "triggerJob",
    tag: "Trigger",
    description:
      "Runs a job now. The run record exists (RUNNING) before the answer is sent; its execution_uuid names the workflow execution.",
    headers: ["Idempotency-Key"],
    body: TriggerRequestSchema,
    responses: {
      202: {
        description: "Started (or, with a repeated Idempotency-Key, the first answer again)",
        schema: TriggerResponseSchema,
        optionalHeaders: ["Idempotent-Replayed"],
      },
      404: notFound("job"),
      409: {
        description:
          "already_running (details.execution_uuid names the running run), job_disabled, or idempotency_in_progress",
      },
      429: { description: "too many manual starts by this user", headers: ["Retry-After"] },
    },
  },
  "GET /v1/jobs": {
    operationId: "listJobs",
    tag: "Jobs",
    responses: { 200: { description: "Every registered job", schema: JobsListSchema } },
  },
  "GET /v1/jobs/{job_name}": {
    operationId: "getJob",
    tag: "Jobs",
    path: JOB,
    responses: { 200: { description: "The job", schema: JobViewSchema }, 404: notFound("job") },
  },
  "PUT /v1/jobs/{job_name}/enabled": {
    operationId: "setJobEnabled",
    tag: "Jobs",
    description:
      "A disabled (paused) job fires no schedule and refuses trigger. Disabling takes a reason (required) and an optional until (future, at most 90 days ahead): at until the job is enabled again within a minute, audited by actor `system`; enabling by hand drops the expiry. If-Match takes the ETag of GET /v1/jobs/{job_name} (or of this answer): the write happens only if the flag is still what that answer showed.",
    path: JOB,
    headers: ["If-Match"],
    body: SetEnabledRequestSchema,
    responses: {
      200: { description: "The job", schema: JobViewSchema, headers: ["ETag"] },
      404: notFound("job"),
      412: precondition,
    },
  },
  "GET /v1/schedules": {
    operationId: "listSchedules",
    tag: "Schedules",
    description: "Sorted by name.",
    query: ListSchedulesQuerySchema,
    responses: { 200: { description: "A page of schedules", schema: SchedulesPageSchema } },
  },
  "POST /v1/schedules": {
    operationId: "createSchedule",
    tag: "Schedules",
    body: CreateScheduleRequestSchema,
    responses: {
      201: {
        description: "Created",
        schema: ScheduleViewSchema,
        headers: ["Location", "ETag"],
      },
      409: { description: "name_taken: a schedule with this name exists" },
    },
  },
  "POST /v1/schedules/preview": {
    operationId: "previewSchedule",
    tag: "Schedules",
    description: "An invalid expression is not an error: valid is false and message says what is wrong.",
    body: PreviewRequestSchema,
    responses: { 200: { description: "The verdict and the next fire times", schema: PreviewResultSchema } },
  },
  "GET /v1/schedules/{id}": {
    operationId: "getSchedule",
    tag: "Schedules",
    description:
      "Send the ETag back as If-Match on PUT, PATCH or DELETE: the write happens only if the schedule was not changed since (a next fire time passing in between does not count).",
    path: SCHEDULE_ID,
    responses: {
      200: { description: "The schedule", schema: ScheduleViewSchema },
      404: notFound("schedule"),
    },
  },
  "PUT /v1/schedules/{id}": {
    operationId: "replaceSchedule",
    tag: "Schedules",
    path: SCHEDULE_ID,
    headers: ["If-Match"],
    body: CreateScheduleRequestSchema,
    responses: SCHEDULE_WRITE_RESPONSES,
  },
  "PATCH /v1/schedules/{id}": {
    operationId: "patchSchedule",
    tag: "Schedules",
    path: SCHEDULE_ID,
    headers: ["If-Match"],
    body: PatchScheduleRequestSchema,
    responses: SCHEDULE_WRITE_RESPONSES,
  },
  "DELETE /v1/schedules/{id}": {
    operationId: "deleteSchedule",
    tag: "Schedules",
    path: SCHEDULE_ID,
    headers: ["If-Match"],
    responses: { 204: { description: "Deleted" }, 404: notFound("schedule"), 412: precondition },
  },
  "GET /v1/scheduler/status": {
    operationId: "getSchedulerStatus",
    tag: "Scheduler",
    responses: { 200: { description: "Scheduler state", schema: SchedulerStatusSchema } },
  },
  "PUT /v1/scheduler/paused": {
    operationId: "setSchedulerPaused",
    tag: "Scheduler",
    description:
      "No schedule fires while paused; manual trigger still works. Pausing takes a reason (required) and an optional until (future, at most 90 days ahead): at until the scheduler resumes by itself within a minute, audited by actor `system`; resuming by hand drops the expiry.",
    body: SetPausedRequestSchema,
    responses: { 200: { description: "Scheduler state", schema: SchedulerStatusSchema } },
  },
  "GET /v1/audit": {
    operationId: "listAudit",
    tag: "Audit",
    description: "Operator actions, newest first.",
    query: ListAuditQuerySchema,
    responses: { 200: { description: "A page of audit entries", schema: AuditPageSchema } },
  },
  "GET /v1/dashboard/job-stats": {
    operationId: "getJobStats",
    tag: "Dashboard",
    description:
      "Per-job and overall figures over the runs started in the window. The ETag ignores generated_at and since, so an unchanged dashboard answers 304.",
    query: StatsQuerySchema,
    responses: { 200: { description: "Statistics", schema: JobStatsAnswerSchema } },
  },
  "GET /v1/dashboard/job-progress": {
    operationId: "getJobProgress",
    tag: "Dashboard",
    description: "The ETag ignores generated_at, so an idle dashboard answers 304.",
    responses: {
      200: { description: "Active runs and the last 10 finished", schema: JobProgressAnswerSchema },
    },
  },
  "POST /v1/schedules/pause": {
    operationId: "pauseSchedules",
    tag: "Schedules",
    description:
      "Pauses each schedule (EventBridge: DISABLED) with a reason (required) and an optional until (future, at most 90 days ahead): at until they resume by themselves within a minute, audited by actor `system`. Every id must exist (404 before any is paused).",
    body: PauseSchedulesRequestSchema,
    responses: {
      200: { description: "The schedules as they now are", schema: SchedulesChangedSchema },
      404: notFound("schedule"),
    },
  },
  "POST /v1/schedules/resume": {
    operationId: "resumeSchedules",
    tag: "Schedules",
    description: "Resumes each schedule (EventBridge: ENABLED) and drops its pause's reason and expiry.",
    body: ResumeSchedulesRequestSchema,
    responses: {
      200: { description: "The schedules as they now are", schema: SchedulesChangedSchema },
      404: notFound("schedule"),
    },
  },
  // Issue 16 part 2: backfills.
  "POST /v1/jobs/{job_name}/backfill": {
    operationId: "backfillJob",
    tag: "Backfills",
    description:
      'Runs the job once for each fire time of a schedule (schedule_id) or of an expression in a time zone (schedule_expression, timezone) within from..to (both included), oldest first, at most `concurrency` started and not ended at once, trigger_source "backfill", each run\'s scheduled_for = its fire time (the job\'s ctx.scheduledFor). A job of concurrency "job" runs one at a time, so its backfill\'s concurrency is 1; a "params" job\'s runs of different times run side by side. Fire times are EventBridge\'s (DST gaps skipped, repeated local times once). dry_run answers the times only. Posting the same job, source, window and params again starts nothing new and answers the existing backfill (200).',
    path: JOB,
    body: BackfillRequestSchema,
    responses: {
      200: {
        description:
          "A dry run's times; else the backfill, created with its first runs started (Location names it), or the one this same request already created (Idempotent-Replayed: true)",
        schema: z.union([BackfillPreviewSchema, BackfillViewSchema]),
        optionalHeaders: ["Location", "Idempotent-Replayed"],
      },
      404: notFound("job or schedule"),
    },
  },
  "GET /v1/backfills": {
    operationId: "listBackfills",
    tag: "Backfills",
    query: ListBackfillsQuerySchema,
    responses: { 200: { description: "Backfills, newest first", schema: BackfillsPageSchema } },
  },
  "GET /v1/backfills/{id}": {
    operationId: "getBackfill",
    tag: "Backfills",
    path: BACKFILL_ID,
    responses: {
      200: { description: "The backfill and its runs", schema: BackfillViewSchema },
      404: notFound("backfill"),
    },
  },
  "POST /v1/backfills/{id}/cancel": {
    operationId: "cancelBackfill",
    tag: "Backfills",
    description:
      "Pending times never start. Runs already started keep running (each is one whole period, possibly half-way through its writes) unless cancel_running is true.",
    path: BACKFILL_ID,
    body: CancelBackfillRequestSchema,
    responses: {
      200: { description: "The backfill, cancelled", schema: BackfillViewSchema },
      404: notFound("backfill"),
      409: { description: "already_finished: the backfill has ended" },
    },
  },
  "GET /v1/calendar": {
    operationId: "getCalendar",
    tag: "Schedules",
    description:
      "Every fire of every schedule (or one job's) in [from, to), at most 31 days, computed as EventBridge fires: a local time skipped by a DST change does not fire, a repeated one fires once. " +
      "Each fire has its state and flags from the job's p95 duration over its latest successful runs. " +
      `At most ${CALENDAR_MAX_FIRES} fires: past that, truncated is true and every fire before complete_before_at is listed (ask again from there). ` +
      "dst_changes lists the offset changes in the window of each schedule's zone and the display zone. A window over 31 days, to not after from, or a bad time is a 400 naming the field.",
    query: CalendarQuerySchema,
    responses: {
      200: { description: "The fires in the window", schema: CalendarAnswerSchema },
      404: notFound("job"),
    },
  },
} as const satisfies Record<RouteKey, OperationContract>;

export type Contract = typeof CONTRACT;

/** The route table joined with the contract, in table order. */
export const OPERATIONS = ROUTES.map((route) => ({
  route: route as RouteDef,
  key: routeKey(route) as RouteKey,
  op: CONTRACT[routeKey(route) as RouteKey] as OperationContract,
}));
