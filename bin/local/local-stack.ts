// The local host: wires the same handlers, job modules and ASL file as AWS to local stand-ins
// (DynamoDB Local, the ASL interpreter, an HTTP server in place of API Gateway + Cognito).

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { BufferedRunLog } from "#adapters/buffered-run-log.ts";
import { dynamoCoreStores, jobStoreOpener } from "#adapters/dynamo-stores.ts";
import { EnvSecretReader } from "#adapters/env-secret-reader.ts";
import { type TableNames, tableNames } from "#adapters/table-definitions.ts";
import { type ApiApp, createApiApp } from "#api/app.ts";
import type { ApiArea } from "#api/areas.ts";
import { createDashboardApi } from "#api/dashboard-api.ts";
import { createJobsApi } from "#api/jobs-api.ts";
import { createMetaApi } from "#api/meta-api.ts";
import { createRunsApi } from "#api/runs-api.ts";
import { createSchedulerApi } from "#api/scheduler-api.ts";
import { createSchedulesApi } from "#api/schedules-api.ts";
import { createTriggerApi } from "#api/trigger-api.ts";
import { type HostEnv, hostEnv } from "#config/env-contract.ts";
import { composeCore } from "#domain/compose-core.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition, JobLogger } from "#domain/jobs/job-definition.ts";
import { alertOnFailure, logAlertPublisher } from "#domain/runs/failure-alerts.ts";
import { RunSweeper } from "#domain/runs/run-sweeper.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { type Clock, systemClock } from "#ports/clock.ts";
import type { MissedFire } from "#ports/schedule-store.ts";
import type { TaskFleet } from "#ports/task-fleet.ts";
import type { WorkflowStarter } from "#ports/workflow-starter.ts";
import type { WebConfig } from "#schemas/web-config.ts";
import type { LocalAslWorkflow } from "./asl-workflow.ts";
import { type DynamoDbLocal, LOCAL_AWS, startDynamoDbLocal } from "./dynamodb-local.ts";
import { ensureTable, ensureTables } from "./dynamodb-tables.ts";
import { type LocalFargateOptions, LocalFargateRunner } from "./fargate-runner.ts";
import { type LocalHttpOptions, LocalHttpServer } from "./http-server.ts";
import { readLocalEnv } from "./local-env.ts";
import { createLocalLogger } from "./local-logger.ts";
import { LocalScheduler, localScheduleBackend } from "./local-scheduler.ts";
import { wireLocalWorkflow } from "./local-workflow.ts";
import { PROJECT_ROOT } from "./project-root.ts";
import { keepRunLogIn } from "./run-log-file.ts";
import { LocalTokens, loadOrCreateSecret } from "./tokens.ts";

export const LOCAL_STOP_SUMMARY =
  "the local stack stopped during the run (it was restarted; the run did not finish)";

/** One handler per API area of functions/api/areas.ts (what a Lambda function serves in AWS). */
const AREA_HANDLERS = {
  runs: createRunsApi,
  trigger: createTriggerApi,
  jobs: createJobsApi,
  schedules: createSchedulesApi,
  scheduler: createSchedulerApi,
  dashboard: createDashboardApi,
  meta: createMetaApi,
} satisfies Record<ApiArea, (app: ApiApp) => unknown>;

export type LocalStackOptions = {
  /**
   * Issue 17: where jobs' declared secrets are read (each secret's `env` variable); the process
   * environment unless a test passes its own (JQUANTS_API_KEY without touching process.env).
   */
  secretEnv?: HostEnv;
  host?: string;
  port?: number;
  dataDir?: string;
  /** keep DynamoDB in memory (tests); default: on disk under dataDir */
  inMemory?: boolean;
  /** An already running DynamoDB Local to use instead of starting one (tests share one). */
  dynamoEndpoint?: string;
  tablePrefix?: string;
  displayTimeZone?: string;
  retentionDays?: number;
  jobs?: readonly JobDefinition[];
  logger?: JobLogger;
  clock?: Clock;
  /** Progress write spacing; the spec's 1 s unless a test needs it faster. */
  minProgressWriteMs?: number;
  /** Called with one human line per run start / finish. */
  print?: (line: string) => void;
  staticDir?: string | null;
  /** Fire schedules in real time (env JOBDECK_SCHEDULER, default on). */
  scheduler?: boolean;
  /** Create each job's default schedules at the first start (default true). */
  defaultSchedules?: boolean;
  /** Manual starts per user per minute (env JOBDECK_TRIGGER_RATE_LIMIT, default 30; 0 = no limit). */
  triggersPerMinute?: number;
  /** Seconds between sweeps (env JOBDECK_SWEEP_SECONDS, default 30; 0 = only when called). */
  sweepSeconds?: number;
  /** Overrides of the admin page's /config.json (tests point the Cognito login at a stand-in). */
  webConfig?: Partial<WebConfig>;
  /** Sees every API answer (the tests' OpenAPI conformance check). */
  onAnswer?: LocalHttpOptions["onAnswer"];
  /**
   * Fargate jobs' child processes: test knobs so a test need not wait minutes (heartbeat spacing in
   * the child, the watchdog's HeartbeatSeconds, the SIGTERM → SIGKILL stop timeout).
   */
  fargate?: Pick<LocalFargateOptions, "heartbeatEveryMs" | "heartbeatSeconds" | "stopTimeoutSeconds">;
};

export type LocalStack = {
  url: string;
  deps: CoreDeps;
  tables: TableNames;
  /** The tables of the stores the jobs declare, by store name. */
  storeTables: Readonly<Record<string, string>>;
  doc: DynamoDBDocumentClient;
  workflow: LocalAslWorkflow;
  /** The supervised DynamoDB Local this stack started (null with `dynamoEndpoint`). */
  dynamodb: DynamoDbLocal | null;
  tokens: LocalTokens;
  scheduler: LocalScheduler;
  /** The periodic sweep (overdue runs, missed fires); tests call sweep() themselves. */
  sweeper: RunSweeper;
  /** Where fargate jobs' tasks run: one child process each (also the local TaskFleet). */
  fargate: LocalFargateRunner;
  reconciledAtStart: number;
  /** Queued runs of the previous process resumed at this start. */
  resumedAtStart: number;
  stop(opts?: { graceMs?: number }): Promise<void>;
};

function loadOrCreateText(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const v = make();
  writeFileSync(file, v, { mode: 0o600 });
  return v;
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const env = readLocalEnv();
  const dataDir = resolve(opts.dataDir ?? env.JOBDECK_DATA_DIR ?? join(PROJECT_ROOT, ".jobdeck"));
  mkdirSync(dataDir, { recursive: true });
  // The run log keeps every line of a run (GET /v1/runs/{id}/logs), whatever reaches stderr.
  const runLogs = new BufferedRunLog();
  const logger = runLogs.tee(opts.logger ?? createLocalLogger());
  if (!opts.inMemory)
    keepRunLogIn(runLogs, join(dataDir, "run-log.jsonl"), (m) => logger.warn(m, { what: "run log" }));
  const print = opts.print ?? (() => {});
  const clock = opts.clock ?? systemClock;

  let dynamo: DynamoDbLocal | null = null;
  let endpoint = opts.dynamoEndpoint;
  if (!endpoint) {
    dynamo = await startDynamoDbLocal({ dataDir: opts.inMemory ? null : join(dataDir, "dynamodb") });
    endpoint = dynamo.endpoint;
  }
  const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
  // Short timeouts: during an outage of the store a call fails within seconds (the API answers
  // 503, the scheduler retries its tick) instead of waiting on a dead or stalled socket.
  const client = new DynamoDBClient({
    ...LOCAL_AWS,
    endpoint,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
  });
  const prefix = opts.tablePrefix ?? "jobdeck";
  const tables = tableNames(prefix);
  const jobs = opts.jobs ?? JOBS;
  // The core's tables, then one per store the jobs declare (`<prefix>-<store name>`).
  const stores = [
    ...new Map(jobs.flatMap((j) => Object.values(j.stores ?? {})).map((s) => [s.name, s])).values(),
  ];
  const storeTables = Object.fromEntries(stores.map((s) => [s.name, `${prefix}-${s.name}`]));
  const ensureAllTables = async () => {
    await ensureTables(client, tables);
    for (const store of stores) await ensureTable(client, store.table, storeTables[store.name]!);
  };
  await ensureAllTables();
  // A JVM restarted in memory comes back empty: the "up" after a restart re-creates the tables
  // (on disk the restarted JVM finds its data where it was).
  let restarted = false;
  dynamo?.onStatus((status) => {
    if (status !== "up") {
      restarted = true;
      return;
    }
    if (!restarted || !opts.inMemory) return;
    restarted = false;
    ensureAllTables().catch((e) =>
      logger.warn("re-creating the tables after a DynamoDB Local restart failed", {
        error: e instanceof Error ? e.message : String(e),
      }),
    );
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  let scheduler: LocalScheduler | null = null;
  const deps = composeCore({
    ...dynamoCoreStores(doc, tables, () => clock.now()),
    jobs,
    // set below: the workflow's handlers need deps, and deps needs the workflow
    workflow: null as unknown as WorkflowStarter,
    clock,
    scheduleBackend: localScheduleBackend(() => scheduler),
    settings: {
      displayTimeZone: opts.displayTimeZone ?? env.JOBDECK_TIMEZONE,
      retentionDays: opts.retentionDays ?? env.JOBDECK_RETENTION_DAYS,
      triggersPerMinute: opts.triggersPerMinute ?? env.JOBDECK_TRIGGER_RATE_LIMIT,
    },
    logger,
    runLogs,
  });
  const { registry, runs } = deps;
  const openStores = jobStoreOpener(doc, (_job, _key, store) => storeTables[store.name]!);
  const secretEnv = opts.secretEnv ?? hostEnv();
  const secrets = new EnvSecretReader(secretEnv);
  // A fargate job's task: a child process that reaches the same DynamoDB Local and tables.
  const fargate = new LocalFargateRunner({
    ...opts.fargate,
    job: (name) => registry.get(name),
    hostEnv: (job) => ({
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      RUNS_TABLE: tables.runs,
      CONTROL_TABLE: tables.control,
      DISPLAY_TIMEZONE: deps.settings.displayTimeZone,
      RETENTION_DAYS: String(deps.settings.retentionDays),
      JOBDECK_JOB_TABLES: JSON.stringify(
        Object.fromEntries(Object.values(job.stores ?? {}).map((st) => [st.name, storeTables[st.name]!])),
      ),
      JOBDECK_LOCAL_DYNAMODB_ENDPOINT: endpoint,
      // the task reads its job's secrets from its own environment, as the in-process worker does
      ...Object.fromEntries(
        Object.values(job.secrets ?? {}).flatMap((s) =>
          secretEnv[s.env] ? [[s.env, secretEnv[s.env] as string]] : [],
        ),
      ),
    }),
    logger,
    minProgressWriteMs: opts.minProgressWriteMs,
  });
  const { workflow, reconciler, shutdown, resumed } = wireLocalWorkflow(deps, {
    openStores,
    secrets,
    minProgressWriteMs: opts.minProgressWriteMs,
    print,
    fargate,
  });

  // Nothing survives a restart: runs left RUNNING/QUEUED end as FAILURE and free their slots.
  // Failure alerts: one log line locally (the alarm topic in AWS), with a link to the run's page.
  let siteUrl: string | null = null;
  const alerts = logAlertPublisher(logger);
  deps.onRunFinished = (run) => alertOnFailure(alerts, siteUrl, logger)(run);

  // Running runs died with the previous process: they end FAILURE. Queued runs keep their place.
  const reconciledAtStart = await reconciler.afterRestart(LOCAL_STOP_SUMMARY, { keepQueued: true });
  const toResume = await reconciler.queuedToResume();

  const scheduleService = new ScheduleService(deps);
  if (opts.defaultSchedules ?? true) await scheduleService.ensureDefaults(registry.list());
  scheduler = new LocalScheduler(
    deps,
    (jobName, name, input) => deps.workflow.start(jobName, name, input),
    print,
  );
  // Queued runs resume where they waited, first queued first (before any new fire can queue):
  // the same execution name owns the run again, its execution_uuid and queued time are kept.
  for (const q of toResume) {
    try {
      const started = await workflow.start(q.run.job_name, q.name, q.input);
      resumed.add(started.executionArn);
      print(`[run] RESUMED   ${q.run.job_name} ${q.run.execution_uuid} (queued since ${q.run.started_at})`);
    } catch (e) {
      logger.warn("resuming a queued run failed", {
        execution_uuid: q.run.execution_uuid,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  if (opts.scheduler ?? env.JOBDECK_SCHEDULER !== "off") await scheduler.start();

  // AWS sweeps every minute from an EventBridge rule; locally a timer does the same.
  const sweepHooks = {
    onMissed: (missed: MissedFire[]) => {
      for (const m of missed)
        print(`[scheduler] MISSED    ${m.schedule_name} ${m.scheduled_time} (${m.job_name}): ${m.reason}`);
    },
    // Issue 15: the sweeper stops tasks whose run is no longer active (the runner's children here,
    // ECS in AWS) — read by a sweeper that knows the TaskFleet step.
    fleet: fargate as TaskFleet,
  };
  const sweeper = new RunSweeper(deps, sweepHooks);
  const sweepSeconds = opts.sweepSeconds ?? env.JOBDECK_SWEEP_SECONDS;
  const sweepTimer =
    sweepSeconds > 0
      ? setInterval(() => {
          sweeper
            .sweep()
            .catch((e) => logger.warn("sweep failed", { error: e instanceof Error ? e.message : String(e) }));
        }, sweepSeconds * 1000)
      : null;
  sweepTimer?.unref();

  const tokens = new LocalTokens(loadOrCreateSecret(join(dataDir, "token-secret")));
  const cursorSecret = loadOrCreateText(join(dataDir, "cursor-secret"), () =>
    randomBytes(32).toString("base64"),
  );
  const app = createApiApp(deps, { cursorSecret });
  const host = opts.host ?? env.HOST;
  const server = new LocalHttpServer({
    host,
    port: opts.port ?? env.PORT,
    handlers: Object.fromEntries(
      Object.entries(AREA_HANDLERS).map(([area, create]) => [area, create(app)]),
    ) as Record<ApiArea, ReturnType<(typeof AREA_HANDLERS)[ApiArea]>>,
    tokens,
    staticDir: opts.staticDir === undefined ? join(PROJECT_ROOT, "web", "dist") : opts.staticDir,
    webConfig: {
      auth: "local",
      apiUrl: "",
      displayTimeZone: deps.settings.displayTimeZone,
      localTokenUrl: "/local/token",
      ...opts.webConfig,
    } satisfies WebConfig,
    onAnswer: opts.onAnswer,
  });
  const url = await server.listen();
  siteUrl = url;
  // Off the start's path: the first Run now then waits for nothing that could be done now — each
  // job's state machine, and DynamoDB Local's transaction path (its JVM compiles it on first use;
  // a condition check on a run that does not exist writes nothing).
  void workflow
    .prepare(registry.list().map((j) => j.name))
    .then(() =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tables.runs,
                Key: { execution_uuid: "warm-up" },
                ConditionExpression: "attribute_exists(execution_uuid)",
              },
            },
          ],
        }),
      ),
    )
    .catch(() => {
      // Cancelled as intended (or the store is not up yet): either way nothing to do.
    });

  return {
    url,
    deps,
    tables,
    storeTables,
    doc,
    workflow,
    dynamodb: dynamo,
    tokens,
    scheduler,
    sweeper,
    fargate,
    reconciledAtStart,
    resumedAtStart: resumed.size,
    async stop({ graceMs = 5000 } = {}) {
      // 1. Stop taking work: no fire, no sweep, and a trigger answers 503 with Retry-After.
      shutdown.graceMs = graceMs;
      scheduler?.stop();
      if (sweepTimer) clearInterval(sweepTimer);
      server.refuseNewRuns(
        Math.max(1, Math.ceil(graceMs / 1000)),
        "the local stack is shutting down; retry once it is back",
      );
      // 2. Queued runs keep their place: their executions end now, the runs stay QUEUED and the
      // next start resumes them in queue order.
      const queuedArns = new Set(
        (await runs.listActive().catch(() => []))
          .filter((r) => r.status === "QUEUED" && r.workflow_execution_arn)
          .map((r) => r.workflow_execution_arn as string),
      );
      const queuedNow = workflow.runningArns().filter((arn) => queuedArns.has(arn));
      for (const arn of queuedNow) shutdown.aborted.add(arn);
      await Promise.allSettled(queuedNow.map((arn) => workflow.stop(arn)));
      // 3. Running runs get the grace to finish and write their outcome; those it runs out on are
      // ended FAILURE with the stop as the reason (by this stack, while its store is still up).
      await workflow.drain(graceMs, (arns) => {
        for (const arn of arns) shutdown.aborted.add(arn);
      });
      // Fargate tasks are processes of their own: the aborted executions sent them SIGTERM; none
      // outlives the stack (SIGKILL after their stop timeout, or the grace if shorter).
      await fargate.stopAll("the local stack stopped", Math.max(1000, graceMs));
      // 4. Only then the listener, the store client and, last, DynamoDB Local.
      await server.close();
      client.destroy();
      if (dynamo) await dynamo.stop();
    },
  };
}
