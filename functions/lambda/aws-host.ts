// The AWS host: builds the same CoreDeps as bin/local/local-stack.ts, from AWS adapters, once per
// Lambda container (a memoised promise; a failed build is retried by the next invocation).
// Configuration comes only from the environment variables of lib/lambda-catalog.ts `ENV`, which the
// CDK app sets per function; a missing one fails the first invocation with its name.
// Nothing here may import local-only code (bin/local, test/): it is bundled into every function.

import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoAuditLog } from "#adapters/dynamo-audit-log.ts";
import { DynamoControlStore } from "#adapters/dynamo-control-store.ts";
import { DynamoRunStore } from "#adapters/dynamo-run-store.ts";
import { DynamoSchedulerStateStore, DynamoScheduleStore } from "#adapters/dynamo-schedule-store.ts";
import {
  createMetrics,
  createPowertoolsLogger,
  type PowertoolsJobLogger,
  runFinishedMetrics,
} from "#adapters/powertools-logger.ts";
import { SfnWorkflowStarter } from "#adapters/sfn-workflow-starter.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobLogger, JobServices } from "#domain/jobs/job-definition.ts";
import { JobRegistry } from "#domain/jobs/job-registry.ts";
import { alertOnFailure } from "#domain/runs/failure-alerts.ts";
import { SchedulerControl } from "#domain/schedules/scheduler-control.ts";
import { isValidTimeZone } from "#domain/time.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { DynamoCompanyStore } from "#jobs/listed-companies/dynamo-company-store.ts";
import { DynamoRecapStore } from "#jobs/recap/dynamo-recap-store.ts";
import type { AlertPublisher } from "#ports/alert-publisher.ts";
import { noSchedules, systemClock } from "#ports/clock.ts";
import type { ScheduleBackend } from "#ports/schedule-backend.ts";
import type { Run } from "#schemas/run.ts";
import { ENV } from "../../lib/lambda-catalog.ts";

type Env = Record<string, string | undefined>;

/** What a function needs beyond the common variables (tables, time zone, retention, log groups). */
export type AwsAppNeeds = {
  /** EventBridge Scheduler: STATE_MACHINE_ARNS, SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, SCHEDULE_DLQ_ARN. */
  scheduling?: boolean;
  /** The API cursor key: CURSOR_SECRET_ARN. */
  cursorSecret?: boolean;
  /** A job worker: COMPANIES_TABLE, RECAPS_TABLE, JOBDECK_JOB_NAME. */
  jobData?: boolean;
  /**
   * Functions that end runs pass the failure-alert publisher (sns-alerts.ts), used when
   * ALERT_TOPIC_ARN is set; the others never bundle an SNS client.
   */
  alerts?: (config: AwsConfig, wrap: ClientWrapper) => AlertPublisher;
};

export type AwsConfig = {
  region: string;
  tables: { runs: string; control: string; companies: string | null; recaps: string | null };
  /** job_name → state machine ARN ({} when the function has no STATE_MACHINE_ARNS). */
  stateMachineArns: Record<string, string>;
  scheduling: { groupName: string; roleArn: string; deadLetterArn: string } | null;
  cursorSecretArn: string | null;
  displayTimeZone: string;
  retentionDays: number;
  logsInsightsGroups: string[];
  /** Worker functions: the one job this function runs. */
  jobName: string | null;
  /** Failure alerts go to this topic when set (functions that end runs). */
  alertTopicArn: string | null;
  siteUrl: string | null;
  /** Powertools Tracer on (POWERTOOLS_TRACE_ENABLED not "false"). */
  tracing: boolean;
};

export const DEFAULT_DISPLAY_TIMEZONE = "Asia/Tokyo";
export const DEFAULT_RETENTION_DAYS = 90;

/** A configuration error of the function itself (CDK side), not of a request. */
export class AwsConfigError extends Error {
  override name = "AwsConfigError";
}

function parseJson(env: Env, name: string, what: string): unknown {
  const raw = env[name] ?? "";
  try {
    return JSON.parse(raw);
  } catch {
    throw new AwsConfigError(
      `jobdeck: environment variable ${name} must be ${what}; got '${raw.slice(0, 200)}'`,
    );
  }
}

function stringRecord(env: Env, name: string): Record<string, string> {
  const what = "a JSON object of job name → state machine ARN";
  const v = parseJson(env, name, what);
  if (
    !v ||
    typeof v !== "object" ||
    Array.isArray(v) ||
    Object.values(v).some((x) => typeof x !== "string")
  ) {
    throw new AwsConfigError(`jobdeck: environment variable ${name} must be ${what}`);
  }
  return { ...(v as Record<string, string>) };
}

function stringArray(env: Env, name: string): string[] {
  const what = "a JSON array of log group names";
  const v = parseJson(env, name, what);
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || !x)) {
    throw new AwsConfigError(`jobdeck: environment variable ${name} must be ${what}`);
  }
  return v as string[];
}

/** Reads and checks the function's configuration; names every missing or invalid variable. */
export function readAwsConfig(env: Env, needs: AwsAppNeeds = {}): AwsConfig {
  const required: string[] = ["AWS_REGION", ENV.RUNS_TABLE, ENV.CONTROL_TABLE];
  if (needs.scheduling) {
    required.push(
      ENV.STATE_MACHINE_ARNS,
      ENV.SCHEDULE_GROUP_NAME,
      ENV.SCHEDULER_ROLE_ARN,
      ENV.SCHEDULE_DLQ_ARN,
    );
  }
  if (needs.cursorSecret) required.push(ENV.CURSOR_SECRET_ARN);
  if (needs.jobData) required.push(ENV.COMPANIES_TABLE, ENV.RECAPS_TABLE, ENV.JOB_NAME);
  const missing = required.filter((name) => !env[name]);
  if (missing.length) {
    throw new AwsConfigError(
      `jobdeck: missing environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ` +
        "(set by the CDK app per function, see lib/lambda-catalog.ts)",
    );
  }
  const get = (name: string) => env[name] as string;

  const displayTimeZone = env[ENV.DISPLAY_TIMEZONE] || DEFAULT_DISPLAY_TIMEZONE;
  if (!isValidTimeZone(displayTimeZone)) {
    throw new AwsConfigError(
      `jobdeck: ${ENV.DISPLAY_TIMEZONE} '${displayTimeZone}' is not an IANA time zone (e.g. Asia/Tokyo)`,
    );
  }
  const rawRetention = env[ENV.RETENTION_DAYS] || String(DEFAULT_RETENTION_DAYS);
  const retentionDays = Number(rawRetention);
  if (!/^\d+$/.test(rawRetention.trim()) || !Number.isSafeInteger(retentionDays)) {
    throw new AwsConfigError(
      `jobdeck: ${ENV.RETENTION_DAYS} must be a whole number of days (0 keeps runs forever); got '${rawRetention}'`,
    );
  }

  return {
    region: get("AWS_REGION"),
    tables: {
      runs: get(ENV.RUNS_TABLE),
      control: get(ENV.CONTROL_TABLE),
      companies: env[ENV.COMPANIES_TABLE] || null,
      recaps: env[ENV.RECAPS_TABLE] || null,
    },
    stateMachineArns: env[ENV.STATE_MACHINE_ARNS] ? stringRecord(env, ENV.STATE_MACHINE_ARNS) : {},
    scheduling: needs.scheduling
      ? {
          groupName: get(ENV.SCHEDULE_GROUP_NAME),
          roleArn: get(ENV.SCHEDULER_ROLE_ARN),
          deadLetterArn: get(ENV.SCHEDULE_DLQ_ARN),
        }
      : null,
    cursorSecretArn: env[ENV.CURSOR_SECRET_ARN] || null,
    displayTimeZone,
    retentionDays,
    logsInsightsGroups: env[ENV.LOGS_INSIGHTS_GROUPS] ? stringArray(env, ENV.LOGS_INSIGHTS_GROUPS) : [],
    jobName: env[ENV.JOB_NAME] || null,
    alertTopicArn: env[ENV.ALERT_TOPIC_ARN] || null,
    siteUrl: env[ENV.SITE_URL] || null,
    tracing: (env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() !== "false",
  };
}

/** The schedule backend of a function without scheduling configuration: any use is a wiring bug. */
export function unavailableScheduleBackend(): ScheduleBackend {
  const fail = async (): Promise<never> => {
    throw new AwsConfigError(
      "jobdeck: this function has no EventBridge Scheduler configuration " +
        `(${ENV.SCHEDULE_GROUP_NAME}, ${ENV.SCHEDULER_ROLE_ARN}, ${ENV.SCHEDULE_DLQ_ARN}, ${ENV.STATE_MACHINE_ARNS}); ` +
        "schedules are written by the API and workflow-steps functions only",
    );
  };
  return { put: fail, remove: fail, reconcile: fail };
}

export type AwsApp = {
  config: AwsConfig;
  deps: CoreDeps;
  /** The Powertools logger behind deps.logger (addContext, appendKeys). */
  logger: PowertoolsJobLogger;
  /** Worker functions only (needs.jobData). */
  services: JobServices | null;
  /** The API cursor HMAC key, read once per container from Secrets Manager. */
  cursorSecret(): Promise<string>;
};

export type ClientWrapper = <T>(client: T) => T;

/**
 * Tracing is Lambda's and Step Functions' own active X-Ray tracing (set by CDK). Powertools Tracer
 * is not bundled: it brings aws-xray-sdk-core (~119 KB minified), which alone would put every
 * bundle over the 300 KB budget, to add per-SDK-call subsegments.
 */
async function clientWrapper(_config: AwsConfig): Promise<ClientWrapper> {
  return (c) => c;
}

/** Metrics for every finished run; failure alerts on the alarm topic where the function has one. */
function onRunFinishedFor(
  config: AwsConfig,
  env: Env,
  logger: JobLogger,
  wrap: ClientWrapper,
  alerts: AwsAppNeeds["alerts"],
) {
  const metrics = runFinishedMetrics(createMetrics(env), logger);
  if (!config.alertTopicArn || !alerts) return metrics;
  const alert = alertOnFailure(alerts(config, wrap), config.siteUrl, logger);
  return async (run: Run) => {
    metrics(run);
    await alert(run);
  };
}

/** Builds the AWS CoreDeps (no AWS call is made here; clients connect on first use). */
export async function buildAwsApp(env: Env, needs: AwsAppNeeds = {}): Promise<AwsApp> {
  const config = readAwsConfig(env, needs);
  const wrap = await clientWrapper(config);
  const logger = createPowertoolsLogger(env);
  const clock = systemClock;
  const now = () => clock.now();

  // Bounded waits: a call during a DynamoDB outage fails within seconds (the API answers 503 with
  // Retry-After) rather than holding the function until its own timeout.
  const dynamoClient = new DynamoDBClient({
    region: config.region,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000, throwOnRequestTimeout: true },
  });
  const doc = DynamoDBDocumentClient.from(wrap(dynamoClient), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const registry = new JobRegistry(JOBS);
  const workflow = new SfnWorkflowStarter(wrap(new SFNClient({ region: config.region })), {
    stateMachineArns: config.stateMachineArns,
    region: config.region,
    logsInsightsGroups: config.logsInsightsGroups,
  });

  let scheduleBackend = unavailableScheduleBackend();
  if (config.scheduling) {
    const missing = registry.list().filter((j) => !config.stateMachineArns[j.name]);
    if (missing.length) {
      logger.warn("jobs without a state machine in STATE_MACHINE_ARNS", {
        jobs: missing.map((j) => j.name),
      });
    }
    const [{ SchedulerClient }, { EventBridgeScheduleBackend }] = await Promise.all([
      import("@aws-sdk/client-scheduler"),
      import("#adapters/eventbridge-schedule-backend.ts"),
    ]);
    scheduleBackend = new EventBridgeScheduleBackend(wrap(new SchedulerClient({ region: config.region })), {
      groupName: config.scheduling.groupName,
      roleArn: config.scheduling.roleArn,
      deadLetterArn: config.scheduling.deadLetterArn,
      stateMachineArnFor: (jobName) => workflow.stateMachineArnFor(jobName),
    });
  }

  const deps: CoreDeps = {
    registry,
    runs: new DynamoRunStore(doc, config.tables.runs, now),
    control: new DynamoControlStore(doc, { control: config.tables.control, runs: config.tables.runs }, now),
    workflow,
    clock,
    nextFire: noSchedules, // set below: the scheduler service needs deps
    schedules: new DynamoScheduleStore(doc, config.tables.control),
    schedulerState: new DynamoSchedulerStateStore(doc, config.tables.control, now),
    scheduleBackend,
    settings: { displayTimeZone: config.displayTimeZone, retentionDays: config.retentionDays },
    logger,
    audit: new DynamoAuditLog(doc, config.tables.control),
    onRunFinished: onRunFinishedFor(config, env, logger, wrap, needs.alerts),
  };
  deps.nextFire = new SchedulerControl(deps);

  const services: JobServices | null =
    config.tables.companies && config.tables.recaps
      ? {
          companies: new DynamoCompanyStore(doc, config.tables.companies),
          recaps: new DynamoRecapStore(doc, config.tables.recaps),
        }
      : null;

  // once per container; a transient failure is not kept
  const cursorSecret = once(() => readCursorSecret(config, wrap));

  return { config, deps, logger, services, cursorSecret };
}

async function readCursorSecret(config: AwsConfig, wrap: ClientWrapper): Promise<string> {
  const arn = config.cursorSecretArn;
  if (!arn) throw new AwsConfigError(`jobdeck: missing environment variable ${ENV.CURSOR_SECRET_ARN}`);
  const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
  const client = wrap(new SecretsManagerClient({ region: config.region }));
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const value = out.SecretString?.trim();
    if (!value)
      throw new AwsConfigError(`jobdeck: secret ${arn} (${ENV.CURSOR_SECRET_ARN}) has no SecretString`);
    return value;
  } finally {
    client.destroy();
  }
}

/** A key of this container only, for functions whose routes never read cursors (meta). */
export function ephemeralCursorSecret(): string {
  return randomBytes(32).toString("base64");
}

/** `build` run on the first call and shared after; a rejection is not kept (the next call builds again). */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((e: unknown) => {
      value = undefined;
      throw e;
    });
    return value;
  };
}

const apps = new Map<string, () => Promise<AwsApp>>();

/**
 * The container's app: built on the first call, then shared. A failed build (e.g. a missing
 * variable) fails that invocation and is tried again by the next one.
 */
export function awsApp(needs: AwsAppNeeds = {}, env: Env = process.env): Promise<AwsApp> {
  const key = JSON.stringify([!!needs.scheduling, !!needs.cursorSecret, !!needs.jobData, !!needs.alerts]);
  let app = apps.get(key);
  if (!app) {
    app = once(() => buildAwsApp(env, needs));
    apps.set(key, app);
  }
  return app();
}
