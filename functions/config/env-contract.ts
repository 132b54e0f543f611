// The one statement of what each kind of Lambda function reads from its environment. The CDK app
// derives the variables it sets from FUNCTION_ENV (lib/functions.ts refuses to synthesize a function
// that lacks one), and at cold start `readEnv` parses the same names with the same schemas: a
// missing or malformed variable fails with its name. This is the only module of functions/ that
// touches `process.env`.
import * as z from "zod/mini";
import { isValidTimeZone } from "#domain/time.ts";
import { DEFAULTS } from "./defaults.ts";

export { DEFAULTS };

const text = z.string().check(z.minLength(1, "must not be empty"));

/** A JSON value in a variable, checked by `inner` (CDK writes these with Stack.toJsonString). */
function json<T extends z.ZodMiniType>(inner: T, what: string) {
  return z.pipe(
    text,
    z.transform((raw, ctx): z.output<T> => {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined;
      }
      const checked = value === undefined ? null : inner.safeParse(value);
      if (checked?.success) return checked.data;
      ctx.issues.push({ code: "custom", message: `must be ${what}`, input: raw });
      return z.NEVER;
    }),
  );
}

const stringRecord = z.record(z.string(), text);

/**
 * Every variable any function reads. `set: "cdk"` ones are written by the CDK app; `runtime` ones
 * by Lambda itself (or left to Powertools' own defaults).
 */
const VARS = {
  AWS_REGION: { set: "runtime", schema: text },
  /** Lambda's folder of the unpacked bundle (job data files sit next to the handler). */
  LAMBDA_TASK_ROOT: { set: "runtime", schema: z.optional(z.string()) },
  POWERTOOLS_TRACE_ENABLED: { set: "runtime", schema: z.optional(z.string()) },
  /** Lambda's advanced logging controls; when set they win over POWERTOOLS_LOG_LEVEL. */
  AWS_LAMBDA_LOG_LEVEL: { set: "runtime", schema: z.optional(z.string()) },
  /** Local runs of a handler (tests): the log level when Powertools' variables are absent. */
  JOBDECK_LOG_LEVEL: { set: "runtime", schema: z.optional(z.string()) },

  POWERTOOLS_SERVICE_NAME: { set: "cdk", schema: z._default(text, DEFAULTS.serviceName) },
  POWERTOOLS_METRICS_NAMESPACE: { set: "cdk", schema: z._default(text, DEFAULTS.serviceName) },
  POWERTOOLS_LOG_LEVEL: { set: "cdk", schema: z.optional(z.string()) },
  RUNS_TABLE: { set: "cdk", schema: text },
  CONTROL_TABLE: { set: "cdk", schema: text },
  DISPLAY_TIMEZONE: {
    set: "cdk",
    schema: z._default(
      text.check(
        z.refine(isValidTimeZone, { message: "must be an IANA time zone (e.g. Asia/Tokyo)", abort: true }),
      ),
      DEFAULTS.displayTimeZone,
    ),
  },
  RETENTION_DAYS: {
    set: "cdk",
    schema: z.pipe(
      z._default(
        z.string().check(z.regex(/^\s*\d+\s*$/, "must be a whole number of days (0 keeps runs forever)")),
        String(DEFAULTS.retentionDays),
      ),
      z.transform((s) => Number(s.trim())),
    ),
  },
  /** JSON array of log group names a run's logs_url searches (CloudWatch Logs Insights). */
  LOGS_INSIGHTS_GROUPS: {
    set: "cdk",
    schema: z._default(json(z.array(text), "a JSON array of log group names"), []),
  },
  /**
   * The runs area: JSON object job_name → the log groups a run's lines are in (the workflow-steps
   * function's and the job's worker's), read by GET /v1/runs/{id}/logs (FilterLogEvents).
   */
  RUN_LOG_GROUPS: {
    set: "cdk",
    schema: json(z.record(z.string(), z.array(text)), "a JSON object of job name → log group names"),
  },
  /** JSON object job_name → state machine ARN (one state machine per job). */
  STATE_MACHINE_ARNS: {
    set: "cdk",
    schema: json(stringRecord, "a JSON object of job name → state machine ARN"),
  },
  SCHEDULE_GROUP_NAME: { set: "cdk", schema: text },
  SCHEDULER_ROLE_ARN: { set: "cdk", schema: text },
  SCHEDULE_DLQ_ARN: { set: "cdk", schema: text },
  /** Secrets Manager secret holding the HMAC key of API cursors. */
  CURSOR_SECRET_ARN: { set: "cdk", schema: text },
  /** The SNS topic failure alerts go to (functions that end runs). */
  ALERT_TOPIC_ARN: { set: "cdk", schema: z.optional(text) },
  /** https://… of the admin page (links in failure alerts). */
  SITE_URL: { set: "cdk", schema: z.optional(text) },
  /** Worker functions: the one job this function runs. */
  JOBDECK_JOB_NAME: { set: "cdk", schema: text },
  /** Issue 15, the sweeper: the ECS cluster of fargate jobs' tasks (it stops orphaned ones); unset when no job runs on fargate. */
  JOBDECK_CLUSTER_ARN: { set: "cdk", schema: z.optional(text) },
  /** Issue 15, a fargate job's task: the run it runs (JSON of the workflow's `$.run`), set by the RunWorker state's container override. */
  JOBDECK_RUN: { set: "runtime", schema: text },
  /** Issue 15, a fargate job's task: the RunWorker state's task token (SendTaskHeartbeat / Success / Failure). */
  JOBDECK_TASK_TOKEN: { set: "runtime", schema: text },
  /** Issue 15, ECS: the task metadata endpoint (the task's ARN and log stream for the run page). */
  ECS_CONTAINER_METADATA_URI_V4: { set: "runtime", schema: z.optional(z.string()) },
  /** Worker functions: JSON object store name → table name of the stores the job declares. */
  JOBDECK_JOB_TABLES: {
    set: "cdk",
    schema: z._default(json(stringRecord, "a JSON object of store name → table name"), {}),
  },
  // issue 17 JQ
  /**
   * Worker functions and fargate tasks: JSON object secret key → Secrets Manager secret name of the
   * secrets the job declares (its role may read exactly these). Values are never in the environment.
   */
  JOBDECK_JOB_SECRETS: {
    set: "cdk",
    schema: z._default(json(stringRecord, "a JSON object of secret key → secret name"), {}),
  },
} as const satisfies Record<string, { set: "cdk" | "runtime"; schema: z.ZodMiniType }>;

export type EnvName = keyof typeof VARS;

const COMMON = [
  "AWS_REGION",
  "POWERTOOLS_SERVICE_NAME",
  "POWERTOOLS_METRICS_NAMESPACE",
  "POWERTOOLS_LOG_LEVEL",
  "POWERTOOLS_TRACE_ENABLED",
  "AWS_LAMBDA_LOG_LEVEL",
  "JOBDECK_LOG_LEVEL",
  "RUNS_TABLE",
  "CONTROL_TABLE",
  "DISPLAY_TIMEZONE",
  "RETENTION_DAYS",
  "LOGS_INSIGHTS_GROUPS",
] as const satisfies readonly EnvName[];
/** EventBridge Scheduler and the state machines (trigger, cancel, schedule writes). */
const SCHEDULING = [
  "STATE_MACHINE_ARNS",
  "SCHEDULE_GROUP_NAME",
  "SCHEDULER_ROLE_ARN",
  "SCHEDULE_DLQ_ARN",
] as const satisfies readonly EnvName[];
/** Functions that end runs: failure alerts to the alarm topic, with a link to the admin page. */
const ALERTS = ["ALERT_TOPIC_ARN", "SITE_URL"] as const satisfies readonly EnvName[];

/** What each kind of function reads. lib/ builds every function from one of these kinds. */
export const FUNCTION_ENV = {
  /** An API area that pages through runs and starts / stops executions or writes schedules. */
  api: [...COMMON, ...SCHEDULING, "CURSOR_SECRET_ARN"],
  /** The runs area: an "api" function that also reads runs' log lines (GET /v1/runs/{id}/logs). */
  "api-runs": [...COMMON, ...SCHEDULING, "CURSOR_SECRET_ARN", "RUN_LOG_GROUPS"],
  /** GET /healthz and the OpenAPI document: no scheduling, no cursor key. */
  "api-meta": [...COMMON],
  /** The Task states of statemachines/run-job.asl.json other than the worker. */
  steps: [...COMMON, ...SCHEDULING, ...ALERTS],
  /** One job's RunWorker Task. */
  worker: [...COMMON, "JOBDECK_JOB_NAME", "JOBDECK_JOB_TABLES", "JOBDECK_JOB_SECRETS", "LAMBDA_TASK_ROOT"],
  /**
   * Issue 15: one job's Fargate task (its container runs functions/lambda/workflow/task-main.ts):
   * the worker's variables, the run and task token from the container override, and SCHEDULING's
   * state machine ARNs are not needed (the task ends its state through the token).
   */
  task: [
    ...COMMON,
    "JOBDECK_JOB_NAME",
    "JOBDECK_JOB_TABLES",
    "JOBDECK_JOB_SECRETS",
    "JOBDECK_RUN",
    "JOBDECK_TASK_TOKEN",
    "ECS_CONTAINER_METADATA_URI_V4",
  ],
  reconciler: [...COMMON, ...ALERTS],
  /** Every minute; every 10 minutes it also reconciles EventBridge Scheduler with the table (SCHEDULING). */
  sweeper: [...COMMON, ...SCHEDULING, ...ALERTS, "JOBDECK_CLUSTER_ARN"],
  "default-schedules": [...COMMON, ...SCHEDULING],
} as const satisfies Record<string, readonly EnvName[]>;

export type FunctionKind = keyof typeof FUNCTION_ENV;
type NamesOf<K extends FunctionKind> = (typeof FUNCTION_ENV)[K][number];
/** The parsed environment of a function of kind K: each variable it reads, typed. */
export type EnvOf<K extends FunctionKind> = {
  [N in NamesOf<K>]: z.output<(typeof VARS)[N]["schema"]>;
};

/** Variables the CDK app sets for a function of `kind`, and whether each must have a value. */
export function cdkVariables(kind: FunctionKind): { name: EnvName; required: boolean }[] {
  return FUNCTION_ENV[kind]
    .filter((name) => VARS[name].set === "cdk")
    .map((name) => ({ name, required: !VARS[name].schema.safeParse(undefined).success }));
}

/** A configuration error of the function itself (the CDK side), not of a request. */
export class EnvError extends Error {
  override name = "EnvError";
}

// issue 17 JQ
/**
 * Job knobs: variables a job module reads from the host's raw environment (`hostEnv()`), beside its
 * function kind's contract. Locally they come from the shell of `npm start`; the AWS workers carry
 * none of them (each has its default there) and secrets come from Secrets Manager instead.
 */
export const JOB_ENV = {
  /** J-Quants API v2 base URL (default https://api.jquants.com/v2; `npm run stand-ins` prints the stand-in's). */
  JOBDECK_JQUANTS_BASE_URL: "listed_companies.sync, jquants.daily_bars",
  /** The J-Quants plan: free | light | standard | premium (5 / 60 / 120 / 500 requests per minute). */
  JOBDECK_JQUANTS_PLAN: "listed_companies.sync, jquants.daily_bars",
  /** Requests per minute to J-Quants, overriding the plan's (default: the Free plan's 5). */
  JOBDECK_JQUANTS_RPM: "listed_companies.sync, jquants.daily_bars",
  /** The J-Quants API key locally (a job secret: in AWS the secret jobdeck/jquants-api-key). */
  JQUANTS_API_KEY: "listed_companies.sync, jquants.daily_bars",
} as const;

/** An environment as a plain record (process.env, or a test's own). */
export type HostEnv = Readonly<Record<string, string | undefined>>;
type RawEnv = HostEnv;

/** Parses the variables a function of `kind` reads; every missing or bad one is named. */
export function readEnv<K extends FunctionKind>(kind: K, env: RawEnv = hostEnv()): EnvOf<K> {
  const shape = Object.fromEntries(FUNCTION_ENV[kind].map((name) => [name, VARS[name].schema]));
  // An empty string is how a template leaves a value out: treat it as unset.
  const input = Object.fromEntries(FUNCTION_ENV[kind].map((name) => [name, env[name] || undefined]));
  const parsed = z.object(shape).safeParse(input);
  if (parsed.success) return parsed.data as EnvOf<K>;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return input[name] === undefined ? `${name} is missing` : `${name} ${issue.message}`;
  });
  throw new EnvError(
    `jobdeck: ${kind} function environment: ${[...new Set(problems)].join("; ")} ` +
      "(set by the CDK app per function kind, see functions/config/env-contract.ts)",
  );
}

/**
 * The raw environment, for code that takes optional overrides beside its kind's contract (a job's
 * own JOBDECK_* knob, Powertools' variables). Everything else goes through `readEnv`.
 */
export function hostEnv(): RawEnv {
  return process.env;
}

// issue 17 CLONE
/**
 * Where the Clone batches' sources are. Unset (as in AWS, where the CDK app sets none of them): each
 * job's real public URL. Set (the stand-ins of `npm run stand-ins`, the tests): that server instead.
 */
export const CLONE_SOURCE_VARS = {
  /** 国税庁 法人番号システム Web-API v4 (default https://api.houjin-bangou.nta.go.jp/4). */
  JOBDECK_HOUJIN_BANGOU_BASE_URL: "https://api.houjin-bangou.nta.go.jp/4",
  /**
   * Municipal open-data CSVs: `{base}/{source_key}/{file}` instead of each municipality's own URL
   * (functions/jobs/clone/opendata-sources.ts), so one stand-in serves them all.
   */
  JOBDECK_OPENDATA_BASE_URL: "",
  /** Facebook Graph API (default https://graph.facebook.com/v21.0). */
  JOBDECK_FACEBOOK_GRAPH_BASE_URL: "https://graph.facebook.com/v21.0",
} as const;
export type CloneSourceVar = keyof typeof CLONE_SOURCE_VARS;

/** The base URL `name` sets, or undefined when unset; anything but an http(s) URL is refused by name. */
export function cloneSourceBaseUrl(name: CloneSourceVar, env: HostEnv = hostEnv()): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!/^https?:\/\/[^/\s]+/.test(value)) {
    throw new EnvError(
      `${name} must be an http(s) URL (the source's base), got ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return value;
}
