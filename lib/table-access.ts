// What each function may do on the core tables: exactly the DynamoDB actions (and runs-table indexes)
// that the code paths reachable from its entry perform, read from the code, not from a CDK read /
// read-write set. Every function names both tables (the hosts compose one core, env-contract.ts), so
// a table a function never touches is "name-only". The deploy suite (test/deploy) checks both ways:
// a call outside these lists is refused there as IAM would, and a listed action no scenario used
// must carry its reason in test/deploy/unused-grants.ts. Paths are under functions/.

import { RUNS_INDEX, type TableDefinition } from "#adapters/table-definitions.ts";
import type { ApiArea } from "#api/areas.ts";
import type { FunctionKind } from "#config/env-contract.ts";

export type TableId = TableDefinition["id"];
/**
 * What a function may do on a table: the actions on its items, plus Query on the named indexes; a
 * job store's full read-write set; or nothing at all ("name-only": the hosts compose one core for
 * every function and name every core table, but this function never touches it). The core tables'
 * grants per function are below (CORE_TABLE_ACCESS).
 */
export type TableAccess =
  | "readwrite"
  | "name-only"
  | { actions: readonly TableAction[]; indexes?: readonly string[] };
export type TableAction = (typeof TABLE_READ_ACTIONS)[number] | (typeof TABLE_WRITE_ACTIONS)[number];

/** Data-plane actions only; no table management, no streams, no wildcard action. */
export const TABLE_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:ConditionCheckItem",
] as const;
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
] as const;

export type CoreTableAccess = Record<TableId, TableAccess>;
/** API functions by area; the others by kind (one worker grant serves every job's worker). */
export type AccessHolder = ApiArea | Exclude<FunctionKind, "api" | "api-runs" | "api-meta">;

const { active, byJob, feed } = RUNS_INDEX;
const NAME_ONLY = "name-only" as const;
/**
 * What ending or starting a run does on the control table: job items and next fires read (Get,
 * BatchGet, Query), the slot taken, released or handed over (Put, Delete), audit entries (Put).
 * The start claim adds its rate-limit Update and job-enabled ConditionCheck.
 */
const SLOT_ACTIONS: readonly TableAction[] = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:DeleteItem",
];

/**
 * Issue 16 part 2: ending a run of a backfill moves the backfill on (backfill-advancer.ts, from the
 * run finisher every function that ends runs shares): its cursor and end are control-table Updates,
 * and the next time's run is created (runs Put) and its execution started (StartJobExecutions).
 */
const ADVANCES_BACKFILLS: readonly TableAction[] = ["dynamodb:UpdateItem"];

export const CORE_TABLE_ACCESS: Record<AccessHolder, CoreTableAccess> = {
  // healthz probes one control item; the OpenAPI document reads nothing
  meta: { runs: NAME_ONLY, control: { actions: ["dynamodb:GetItem"] } },
  // runs.list (the feed's marker item, the three indexes) and listActive; nothing on control
  dashboard: { runs: { actions: ["dynamodb:GetItem"], indexes: [active, feed, byJob] }, control: NAME_ONLY },
  // job list and detail: every runs.list names the job (by_job_started), active runs; enabling a job
  // puts its item and an audit entry; next fires are one BatchGet; issue 16 part 5: enabling drops
  // the job's pause note (Delete)
  jobs: {
    runs: { actions: [], indexes: [active, byJob] },
    control: {
      actions: [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
      ],
    },
  },
  // history, detail, cancel (ends the run, frees or hands over its slot) and rerun (the start claim:
  // a transaction of slot Put, run Put, rate-limit Update and job-enabled ConditionCheck)
  runs: {
    runs: {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      indexes: [active, feed, byJob],
    },
    control: { actions: [...SLOT_ACTIONS, "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"] },
  },
  // the start claim (as rerun) plus: runs.get of a taken slot's holder and of the feed marker,
  // idempotency keys (Put, Get, Update on take-over, Delete when the trigger failed), the slot
  // released when StartExecution fails; one run query: the job's latest manual run for the next
  // fire of a job with a cooldown (issue 16 part 6, by_job_started); issue 16 part 2: a backfill's
  // cancel with cancel_running cancels its runs as the runs area does (a slot's next queued run, by
  // by_active_started)
  trigger: {
    runs: {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      indexes: [active, byJob],
    },
    control: { actions: [...SLOT_ACTIONS, "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"] },
  },
  // schedule items are written by transactions of Put and Delete, plus the audit Put; no run is read
  schedules: {
    runs: NAME_ONLY,
    control: { actions: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"] },
  },
  // pause / resume (settings Put, audit, the pause note Put / Delete), missed fires and next fires
  // (Query, BatchGet), active runs
  scheduler: {
    // by_job_started: a job's latest manual run, for its cooldown (issue 16 part 6)
    runs: { actions: [], indexes: [active, byJob] },
    control: {
      actions: [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
      ],
    },
  },
  // the Task states: start and finish runs, take, release and hand over slots (plain Put and Delete)
  // by_job_started: a fire's cooldown after the job's latest manual run, and next fires (issue 16 part 6)
  steps: {
    runs: {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      indexes: [active, byJob],
    },
    control: { actions: [...SLOT_ACTIONS, ...ADVANCES_BACKFILLS] },
  },
  // progress writes, and reads of its own run (cancel watch, an earlier attempt); job stores apart
  worker: { runs: { actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"] }, control: NAME_ONLY },
  // issue 15: a fargate job's task runs the same worker code (run read, progress writes, its task link)
  task: { runs: { actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"] }, control: NAME_ONLY },
  // ends a run (Update) and frees or hands over its slot; never creates a run
  reconciler: {
    // by_job_started: the ended run's next fire accounts for a cooldown (issue 16 part 6); Put: the
    // next run of the ended run's backfill
    runs: {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      indexes: [active, byJob],
    },
    control: { actions: [...SLOT_ACTIONS, ...ADVANCES_BACKFILLS] },
  },
  // ends overdue runs as the reconciler does; records missed fires and reconcile markers (Put)
  sweeper: {
    // by_job_started: the ended run's next fire accounts for a cooldown (issue 16 part 6); Put: a
    // backfill's next run (its every-minute pass, and after an overdue run of one it ended)
    runs: {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      indexes: [active, byJob],
    },
    control: { actions: [...SLOT_ACTIONS, ...ADVANCES_BACKFILLS] },
  },
  // ensureDefaults: the marker (Get, Put), the schedules (Query, a create transaction of Puts), audit
  "default-schedules": {
    runs: NAME_ONLY,
    control: { actions: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"] },
  },
};
