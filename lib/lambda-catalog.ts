// Every Lambda function of jobdeck: the contract between the handler entries in
// functions/lambda/ (which read these environment variables) and the CDK constructs in lib/
// (which set them). The bench bundles the same entries with the same options.
import type { ApiLambda } from "#api/routes.ts";

/** Environment variables a handler may read. CDK sets exactly those its function lists. */
export const ENV = {
  RUNS_TABLE: "RUNS_TABLE",
  CONTROL_TABLE: "CONTROL_TABLE",
  COMPANIES_TABLE: "COMPANIES_TABLE",
  RECAPS_TABLE: "RECAPS_TABLE",
  /** JSON object job_name → state machine ARN (one state machine per job). */
  STATE_MACHINE_ARNS: "STATE_MACHINE_ARNS",
  SCHEDULE_GROUP_NAME: "SCHEDULE_GROUP_NAME",
  SCHEDULER_ROLE_ARN: "SCHEDULER_ROLE_ARN",
  SCHEDULE_DLQ_ARN: "SCHEDULE_DLQ_ARN",
  /** Secrets Manager secret holding the HMAC key of API cursors. */
  CURSOR_SECRET_ARN: "CURSOR_SECRET_ARN",
  DISPLAY_TIMEZONE: "DISPLAY_TIMEZONE",
  RETENTION_DAYS: "RETENTION_DAYS",
  /** JSON array of log group names searched by a run's logs_url (CloudWatch Logs Insights). */
  LOGS_INSIGHTS_GROUPS: "LOGS_INSIGHTS_GROUPS",
  /** Functions that end runs: the SNS topic failure alerts go to (the alarm topic). */
  ALERT_TOPIC_ARN: "ALERT_TOPIC_ARN",
  /** https://… of the admin page (links in failure alerts). */
  SITE_URL: "SITE_URL",
  /** Worker functions: the one job this function runs. */
  JOB_NAME: "JOBDECK_JOB_NAME",
} as const;
export type EnvName = (typeof ENV)[keyof typeof ENV];

const TABLES: EnvName[] = [ENV.RUNS_TABLE, ENV.CONTROL_TABLE];
const SCHEDULING: EnvName[] = [
  ENV.STATE_MACHINE_ARNS,
  ENV.SCHEDULE_GROUP_NAME,
  ENV.SCHEDULER_ROLE_ARN,
  ENV.SCHEDULE_DLQ_ARN,
];
const COMMON: EnvName[] = [...TABLES, ENV.DISPLAY_TIMEZONE, ENV.RETENTION_DAYS, ENV.LOGS_INSIGHTS_GROUPS];
/** Functions that end runs: failure alerts to the alarm topic, with a link to the admin page. */
const ALERTS: EnvName[] = [ENV.ALERT_TOPIC_ARN, ENV.SITE_URL];

export type LambdaSpec = {
  /** Construct id and function name suffix. */
  id: string;
  /** Entry file, relative to the project root; it exports `handler`. */
  entry: string;
  env: EnvName[];
  timeoutSeconds: number;
  memoryMb: number;
  description: string;
};

const api = (lambda: ApiLambda, env: EnvName[], description: string): LambdaSpec => ({
  id: `Api${lambda[0]!.toUpperCase()}${lambda.slice(1)}`,
  entry: `functions/lambda/api/${lambda}-function.ts`,
  env: [...COMMON, ENV.CURSOR_SECRET_ARN, ...env],
  timeoutSeconds: 29,
  memoryMb: 512,
  description,
});

/** One function per API area (spec/architecture.md); routes map to them by ROUTES[].lambda. */
export const API_LAMBDAS: Record<ApiLambda, LambdaSpec> = {
  runs: api("runs", SCHEDULING, "GET /v1/runs, /v1/runs/{id}"),
  trigger: api("trigger", SCHEDULING, "POST /v1/trigger"),
  jobs: api("jobs", SCHEDULING, "GET/PUT /v1/jobs…"),
  schedules: api("schedules", SCHEDULING, "/v1/schedules…"),
  scheduler: api("scheduler", SCHEDULING, "/v1/scheduler/…, GET /v1/audit"),
  dashboard: api("dashboard", SCHEDULING, "GET /v1/dashboard/job-stats, /v1/dashboard/job-progress"),
  meta: api("meta", [], "GET /healthz, /v1/openapi.json"),
};

export const WORKFLOW_STEPS_LAMBDA: LambdaSpec = {
  id: "WorkflowSteps",
  entry: "functions/lambda/workflow/steps-function.ts",
  env: [...COMMON, ...SCHEDULING, ...ALERTS],
  timeoutSeconds: 60,
  memoryMb: 512,
  description: "Task states of statemachines/run-job.asl.json (start run, take slot, finish, fail)",
};

/** One worker function per registered job (made by CDK from the registry). */
export function workerLambda(jobName: string, timeoutSeconds: number): LambdaSpec {
  return {
    id: `Worker${jobName.replace(/(^|[._-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
    entry: "functions/lambda/workflow/worker-function.ts",
    env: [...COMMON, ENV.COMPANIES_TABLE, ENV.RECAPS_TABLE, ENV.JOB_NAME],
    // the Lambda limit must not cut a run the state machine still allows
    timeoutSeconds: Math.min(900, timeoutSeconds + 30),
    memoryMb: 1024,
    description: `Worker of job ${jobName}`,
  };
}

export const RECONCILER_LAMBDA: LambdaSpec = {
  id: "ExecutionReconciler",
  entry: "functions/lambda/events/execution-reconciler-function.ts",
  env: [...COMMON, ...ALERTS],
  timeoutSeconds: 60,
  memoryMb: 256,
  description: "Step Functions status change (FAILED/TIMED_OUT/ABORTED) → end the run, free its slot",
};

export const RUN_SWEEPER_LAMBDA: LambdaSpec = {
  id: "RunSweeper",
  entry: "functions/lambda/events/run-sweeper-function.ts",
  env: [...COMMON, ...ALERTS],
  timeoutSeconds: 60,
  memoryMb: 256,
  description: "Every minute: end runs left active past their time budget, record missed schedule fires",
};

export const DEFAULT_SCHEDULES_LAMBDA: LambdaSpec = {
  id: "DefaultSchedules",
  entry: "functions/lambda/events/default-schedules-function.ts",
  env: [...COMMON, ...SCHEDULING],
  timeoutSeconds: 120,
  memoryMb: 256,
  description: "Custom resource: creates the jobs' default schedules through the schedules service",
};

/** esbuild options shared by CDK's NodejsFunction and the bench (same bundle, same numbers). */
export const BUNDLING = {
  format: "cjs" as const,
  platform: "node" as const,
  target: "node22",
  minify: true,
  sourcemap: false,
  /** The Lambda runtime ships AWS SDK v3; bundles leave it out. */
  external: ["@aws-sdk/*", "@smithy/*"],
};
