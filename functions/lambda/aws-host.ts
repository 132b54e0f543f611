// The AWS host: reads the function's environment through its kind's contract
// (functions/config/env-contract.ts), builds the AWS adapters and hands them to the one composition
// root (composeCore), once per Lambda container (a memoised promise; a failed build is retried by
// the next invocation). Nothing here may import local-only code (bin/, test/): it is bundled into
// every function.

import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoCoreStores, jobStoreOpener } from "#adapters/dynamo-stores.ts";
import {
  createMetrics,
  createPowertoolsLogger,
  type PowertoolsJobLogger,
  runFinishedMetrics,
} from "#adapters/powertools-logger.ts";
import { SfnWorkflowStarter } from "#adapters/sfn-workflow-starter.ts";
import { EnvError, type EnvOf, type FunctionKind, hostEnv, readEnv } from "#config/env-contract.ts";
import { composeCore } from "#domain/compose-core.ts";
import type { CoreDeps, Settings } from "#domain/core-deps.ts";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { alertOnFailure } from "#domain/runs/failure-alerts.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import type { AlertPublisher } from "#ports/alert-publisher.ts";
import { systemClock } from "#ports/clock.ts";
import type { RunLogReader } from "#ports/run-log-reader.ts";
import type { ScheduleBackend } from "#ports/schedule-backend.ts";
import type { SecretReader } from "#ports/secret-reader.ts";
import type { TaskFleet } from "#ports/task-fleet.ts";
import type { Run } from "#schemas/run.ts";
import type { StoreOpener } from "#workflow/worker-handler.ts";

type RawEnv = Readonly<Record<string, string | undefined>>;
/** Every variable any kind reads, each possibly absent: the union view the host works from. */
type AnyEnv = Partial<
  EnvOf<"api-runs"> & EnvOf<"steps"> & EnvOf<"worker"> & EnvOf<"task"> & EnvOf<"sweeper">
>;

export type AwsConfig = {
  kind: FunctionKind;
  region: string;
  tables: { runs: string; control: string };
  /** Worker functions: store name → table of the stores its job declares ({} elsewhere). */
  jobTables: Record<string, string>;
  /** Worker functions and tasks: the Secrets Manager names of the job's declared secrets, by key. */
  jobSecrets: Record<string, string>;
  /** job_name → state machine ARN ({} when the function has no STATE_MACHINE_ARNS). */
  stateMachineArns: Record<string, string>;
  scheduling: { groupName: string; roleArn: string; deadLetterArn: string } | null;
  cursorSecretArn: string | null;
  displayTimeZone: string;
  retentionDays: number;
  logsInsightsGroups: string[];
  /** The runs area: job_name → the log groups of its runs' lines ({} elsewhere). */
  runLogGroups: Record<string, string[]>;
  /** Worker functions: the one job this function runs. */
  jobName: string | null;
  /** Failure alerts go to this topic when set (functions that end runs). */
  alertTopicArn: string | null;
  siteUrl: string | null;
  /** The sweeper: the ECS cluster of fargate jobs' tasks (null when no job runs on fargate). */
  clusterArn: string | null;
  /**
   * A fargate job's task (kind "task"): the run and the task token its container override carries,
   * and ECS's task metadata endpoint (absent outside ECS).
   */
  task: { run: string; token: string; metadataUri: string | null } | null;
};

/** The function's configuration: its kind's variables, parsed (a missing or bad one is named). */
export function readAwsConfig(kind: FunctionKind, env: RawEnv = hostEnv()): AwsConfig {
  const e = readEnv(kind, env) as AnyEnv & EnvOf<"api-meta">;
  return {
    kind,
    region: e.AWS_REGION,
    tables: { runs: e.RUNS_TABLE, control: e.CONTROL_TABLE },
    jobTables: e.JOBDECK_JOB_TABLES ?? {},
    jobSecrets: e.JOBDECK_JOB_SECRETS ?? {},
    stateMachineArns: e.STATE_MACHINE_ARNS ?? {},
    scheduling:
      e.SCHEDULE_GROUP_NAME && e.SCHEDULER_ROLE_ARN && e.SCHEDULE_DLQ_ARN
        ? {
            groupName: e.SCHEDULE_GROUP_NAME,
            roleArn: e.SCHEDULER_ROLE_ARN,
            deadLetterArn: e.SCHEDULE_DLQ_ARN,
          }
        : null,
    cursorSecretArn: e.CURSOR_SECRET_ARN ?? null,
    displayTimeZone: e.DISPLAY_TIMEZONE,
    retentionDays: e.RETENTION_DAYS,
    logsInsightsGroups: e.LOGS_INSIGHTS_GROUPS,
    runLogGroups: e.RUN_LOG_GROUPS ?? {},
    jobName: e.JOBDECK_JOB_NAME ?? null,
    alertTopicArn: e.ALERT_TOPIC_ARN ?? null,
    siteUrl: e.SITE_URL ?? null,
    clusterArn: e.JOBDECK_CLUSTER_ARN ?? null,
    task:
      e.JOBDECK_RUN && e.JOBDECK_TASK_TOKEN
        ? {
            run: e.JOBDECK_RUN,
            token: e.JOBDECK_TASK_TOKEN,
            metadataUri: e.ECS_CONTAINER_METADATA_URI_V4 || null,
          }
        : null,
  };
}

/** The run log of a function other than the runs area: any use is a wiring bug. */
export function unavailableRunLogs(kind: FunctionKind): RunLogReader {
  return {
    read: async () => {
      throw new EnvError(`jobdeck: this ${kind} function does not read run logs (the runs area does)`);
    },
  };
}

/** The schedule backend of a function without scheduling configuration: any use is a wiring bug. */
export function unavailableScheduleBackend(kind: FunctionKind): ScheduleBackend {
  const fail = async (): Promise<never> => {
    throw new EnvError(
      `jobdeck: this ${kind} function has no EventBridge Scheduler configuration ` +
        "(SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, SCHEDULE_DLQ_ARN, STATE_MACHINE_ARNS); " +
        "schedules are written by the API, workflow-steps, default-schedules and sweeper functions only",
    );
  };
  return { put: fail, remove: fail, reconcile: fail };
}

export type AwsHostOptions = {
  /**
   * Functions that end runs pass the failure-alert publisher (sns-alerts.ts), used when
   * ALERT_TOPIC_ARN is set; the others never bundle an SNS client.
   */
  alerts?: (config: AwsConfig) => AlertPublisher;
  /** The runs area reads runs' log lines (CloudWatch Logs); no other bundle carries that client. */
  runLogs?: (config: AwsConfig) => RunLogReader;
  /**
   * The sweeper stops orphaned fargate tasks (ecs-fleet.ts), used when JOBDECK_CLUSTER_ARN is set;
   * no other bundle carries the ECS client.
   */
  taskFleet?: (config: AwsConfig) => TaskFleet;
  /** Settings this kind of function needs beyond its environment (e.g. its retry window). */
  settings?: Partial<Settings>;
};

export type AwsApp = {
  config: AwsConfig;
  deps: CoreDeps;
  /** The Powertools logger behind deps.logger (addContext, appendKeys). */
  logger: PowertoolsJobLogger;
  /** Opens the stores the function's job declares (workers, a fargate job's task). */
  openStores: StoreOpener;
  /** The sweeper's view of fargate tasks; null without a cluster (or without the option). */
  taskFleet: TaskFleet | null;
  /** The API cursor HMAC key, read once per container from Secrets Manager. */
  cursorSecret(): Promise<string>;
  /** The job's declared secrets (workers, tasks), cached per container; the client is made on first use. */
  secrets: SecretReader;
};

/** Metrics for every finished run; failure alerts on the alarm topic where the function has one. */
function onRunFinishedFor(config: AwsConfig, env: RawEnv, logger: JobLogger, opts: AwsHostOptions) {
  const metrics = runFinishedMetrics(createMetrics(env), logger);
  if (!config.alertTopicArn || !opts.alerts) return metrics;
  const alert = alertOnFailure(opts.alerts(config), config.siteUrl, logger);
  return async (run: Run) => {
    metrics(run);
    await alert(run);
  };
}

/**
 * Builds the AWS CoreDeps (no AWS call is made here; clients connect on first use). Tracing is
 * Lambda's and Step Functions' own active X-Ray tracing (set by CDK): Powertools Tracer would bring
 * aws-xray-sdk-core (~119 KB minified) into every bundle for per-SDK-call subsegments.
 */
export async function buildAwsApp(
  kind: FunctionKind,
  opts: AwsHostOptions = {},
  env: RawEnv = hostEnv(),
): Promise<AwsApp> {
  const config = readAwsConfig(kind, env);
  const logger = createPowertoolsLogger(env);
  const clock = systemClock;

  // Bounded waits: a call during a DynamoDB outage fails within seconds (the API answers 503 with
  // Retry-After) rather than holding the function until its own timeout.
  const dynamoClient = new DynamoDBClient({
    region: config.region,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000, throwOnRequestTimeout: true },
  });
  const doc = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });
  const workflow = new SfnWorkflowStarter(new SFNClient({ region: config.region }), {
    stateMachineArns: config.stateMachineArns,
    region: config.region,
    logsInsightsGroups: config.logsInsightsGroups,
  });

  let scheduleBackend = unavailableScheduleBackend(kind);
  if (config.scheduling) {
    const missing = JOBS.filter((j) => !config.stateMachineArns[j.name]);
    if (missing.length) {
      logger.warn("jobs without a state machine in STATE_MACHINE_ARNS", { jobs: missing.map((j) => j.name) });
    }
    const [{ SchedulerClient }, { EventBridgeScheduleBackend }] = await Promise.all([
      import("@aws-sdk/client-scheduler"),
      import("#adapters/eventbridge-schedule-backend.ts"),
    ]);
    scheduleBackend = new EventBridgeScheduleBackend(new SchedulerClient({ region: config.region }), {
      groupName: config.scheduling.groupName,
      roleArn: config.scheduling.roleArn,
      deadLetterArn: config.scheduling.deadLetterArn,
      stateMachineArnFor: (jobName) => workflow.stateMachineArnFor(jobName),
    });
  }

  const deps = composeCore({
    ...dynamoCoreStores(doc, config.tables, () => clock.now()),
    jobs: JOBS,
    workflow,
    clock,
    scheduleBackend,
    settings: {
      displayTimeZone: config.displayTimeZone,
      retentionDays: config.retentionDays,
      ...opts.settings,
    },
    logger,
    runLogs: opts.runLogs?.(config) ?? unavailableRunLogs(kind),
    onRunFinished: onRunFinishedFor(config, env, logger, opts),
  });

  const openStores = jobStoreOpener(doc, (job, key) => {
    const table = config.jobTables[key];
    if (!table) {
      throw new EnvError(
        `jobdeck: JOBDECK_JOB_TABLES has no table for store '${key}' of job ${job.name} ` +
          "(the CDK app sets one per store the job declares)",
      );
    }
    return table;
  });

  // once per container; a transient failure is not kept
  const cursorSecret = once(() => readCursorSecret(config));

  const taskFleet = config.clusterArn && opts.taskFleet ? opts.taskFleet(config) : null;

  return { config, deps, logger, openStores, taskFleet, cursorSecret, secrets: jobSecretReader(config) };
}

/** Secrets Manager for the job's secrets; the SDK client is loaded only when a job reads one. */
function jobSecretReader(config: AwsConfig): SecretReader {
  const reader = once(async () => {
    const [{ SecretsManagerClient }, { SecretsManagerSecretReader }] = await Promise.all([
      import("@aws-sdk/client-secrets-manager"),
      import("#adapters/secrets-manager-secret-reader.ts"),
    ]);
    return new SecretsManagerSecretReader(
      new SecretsManagerClient({ region: config.region }),
      config.jobSecrets,
    );
  });
  return { read: async (key, secret) => (await reader()).read(key, secret) };
}

async function readCursorSecret(config: AwsConfig): Promise<string> {
  const arn = config.cursorSecretArn;
  if (!arn) throw new EnvError(`jobdeck: this ${config.kind} function has no CURSOR_SECRET_ARN`);
  const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient({ region: config.region });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const value = out.SecretString?.trim();
    if (!value) throw new EnvError(`jobdeck: secret ${arn} (CURSOR_SECRET_ARN) has no SecretString`);
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
 * The container's app for a function of `kind`: built on the first call, then shared. A failed
 * build (e.g. a missing variable) fails that invocation and is tried again by the next one.
 */
export function awsApp(kind: FunctionKind, opts: AwsHostOptions = {}): Promise<AwsApp> {
  const key = `${kind}:${opts.alerts ? "alerts" : ""}:${opts.runLogs ? "logs" : ""}:${opts.taskFleet ? "fleet" : ""}`;
  let app = apps.get(key);
  if (!app) {
    app = once(() => buildAwsApp(kind, opts));
    apps.set(key, app);
  }
  return app();
}
