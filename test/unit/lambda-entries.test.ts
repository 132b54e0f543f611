// The Lambda entries' own parts: configuration from the environment (functions/config/env-contract.ts),
// the per-container app, the reconciler's event mapping, the custom resource, the worker's job guard
// and the API entries, with the AWS clients mocked (aws-sdk-client-mock).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { build } from "esbuild";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ApiEvent } from "#api/http.ts";
import {
  API_LAMBDAS,
  BUNDLING,
  DEFAULT_SCHEDULES_LAMBDA,
  RECONCILER_LAMBDA,
  RUN_SWEEPER_LAMBDA,
  WORKFLOW_STEPS_LAMBDA,
  workerLambda,
} from "#cdk/lambda-catalog.ts";
import { JOB_DATA_FILES } from "#jobs/data-files.ts";
import { readAwsConfig, unavailableScheduleBackend } from "#lambda/aws-host.ts";
import {
  type ExecutionStatusChangeEvent,
  executionEndOf,
} from "#lambda/events/execution-reconciler-function.ts";
import { stepExecutionUuid } from "#lambda/workflow/steps-function.ts";
import { assertOwnJob } from "#lambda/workflow/worker-function.ts";
import { PROJECT_ROOT } from "#local/project-root.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { BASE_ENV, SCHEDULING_ENV, SM_ARNS } from "#test/helpers/lambda-env.ts";

const ddb = mockClient(DynamoDBDocumentClient);
const rawDdb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const scheduler = mockClient(SchedulerClient);
const secrets = mockClient(SecretsManagerClient);

const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const EXEC = `arn:aws:states:ap-northeast-1:123456789012:execution:jobdeck-listed_companies_sync:${UUID}`;
const COMMON = {
  ...BASE_ENV,
  LOGS_INSIGHTS_GROUPS: JSON.stringify(["/aws/lambda/jobdeck-steps"]),
  POWERTOOLS_METRICS_DISABLED: "true",
};
const SCHEDULING = SCHEDULING_ENV;
/** The runs area's log groups per job (GET /v1/runs/{id}/logs). */
const RUN_LOGS = {
  RUN_LOG_GROUPS: JSON.stringify({ "listed_companies.sync": ["/aws/lambda/steps", "/aws/lambda/listed"] }),
};
const CURSOR = { CURSOR_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:cursor" };
const WORKER = {
  JOBDECK_JOB_TABLES: JSON.stringify({ companies: "t-companies" }),
  JOBDECK_JOB_NAME: "listed_companies.sync",
};

function stubEnv(vars: Record<string, string>) {
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
}

beforeEach(() => {
  for (const m of [ddb, rawDdb, sfn, scheduler, secrets]) m.reset();
  // every entry module (and its per-container app) afresh
  vi.resetModules();
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => {
  for (const m of [ddb, rawDdb, sfn, scheduler, secrets]) m.restore();
});

describe("readAwsConfig", () => {
  it("names every missing variable the function's kind reads", () => {
    expect(() => readAwsConfig("api-meta", {})).toThrow(
      "jobdeck: api-meta function environment: AWS_REGION is missing; RUNS_TABLE is missing; CONTROL_TABLE is missing (set by the CDK app",
    );
    expect(() => readAwsConfig("api", { ...COMMON })).toThrow(
      /STATE_MACHINE_ARNS is missing; SCHEDULE_GROUP_NAME is missing; SCHEDULER_ROLE_ARN is missing; SCHEDULE_DLQ_ARN is missing; CURSOR_SECRET_ARN is missing \(/,
    );
    expect(() => readAwsConfig("worker", { ...COMMON })).toThrow(/: JOBDECK_JOB_NAME is missing \(/);
    // an empty value is how a template leaves a variable out
    expect(() => readAwsConfig("worker", { ...COMMON, ...WORKER, JOBDECK_JOB_NAME: "" })).toThrow(
      /: JOBDECK_JOB_NAME is missing \(/,
    );
  });

  it("reads a complete configuration", () => {
    expect(
      readAwsConfig("steps", {
        ...COMMON,
        ...SCHEDULING,
        ...CURSOR,
        ALERT_TOPIC_ARN: "arn:aws:sns:ap-northeast-1:123456789012:alarms",
        SITE_URL: "https://d111.cloudfront.net",
      }),
    ).toEqual({
      kind: "steps",
      region: "ap-northeast-1",
      tables: { runs: "t-runs", control: "t-control" },
      jobTables: {},
      jobSecrets: {},
      stateMachineArns: SM_ARNS,
      scheduling: {
        groupName: "jobdeck",
        roleArn: SCHEDULING.SCHEDULER_ROLE_ARN,
        deadLetterArn: SCHEDULING.SCHEDULE_DLQ_ARN,
      },
      // a steps function does not read the cursor key even when the variable is there
      cursorSecretArn: null,
      displayTimeZone: "Asia/Tokyo",
      retentionDays: 30,
      logsInsightsGroups: ["/aws/lambda/jobdeck-steps"],
      runLogGroups: {},
      jobName: null,
      alertTopicArn: "arn:aws:sns:ap-northeast-1:123456789012:alarms",
      siteUrl: "https://d111.cloudfront.net",
      // issue 15: the sweeper's cluster and a fargate task's run are other kinds' variables
      clusterArn: null,
      task: null,
    });
    // The runs area alone reads the log groups of its runs' lines.
    expect(
      readAwsConfig("api-runs", { ...COMMON, ...SCHEDULING, ...CURSOR, ...RUN_LOGS }).runLogGroups,
    ).toEqual({
      "listed_companies.sync": ["/aws/lambda/steps", "/aws/lambda/listed"],
    });
    expect(readAwsConfig("worker", { ...COMMON, ...WORKER })).toMatchObject({
      jobName: "listed_companies.sync",
      jobTables: { companies: "t-companies" },
      jobSecrets: {},
      scheduling: null,
    });
    // issue 17: a worker learns its job's secret names (never their values) from JOBDECK_JOB_SECRETS
    expect(
      readAwsConfig("worker", { ...COMMON, ...WORKER, JOBDECK_JOB_SECRETS: '{"api_key":"jobdeck/k"}' })
        .jobSecrets,
    ).toEqual({ api_key: "jobdeck/k" });
  });

  it("defaults the time zone, the retention and the log groups", () => {
    const c = readAwsConfig("api-meta", { AWS_REGION: "us-east-1", RUNS_TABLE: "r", CONTROL_TABLE: "c" });
    expect(c).toMatchObject({
      displayTimeZone: "Asia/Tokyo",
      retentionDays: 90,
      logsInsightsGroups: [],
      stateMachineArns: {},
      scheduling: null,
      alertTopicArn: null,
      siteUrl: null,
    });
    expect(readAwsConfig("api-meta", { ...COMMON, RETENTION_DAYS: "0" }).retentionDays).toBe(0);
  });

  it.each([
    [
      { STATE_MACHINE_ARNS: "{not json" },
      /STATE_MACHINE_ARNS must be a JSON object of job name → state machine ARN/,
    ],
    [{ STATE_MACHINE_ARNS: '["arn"]' }, /STATE_MACHINE_ARNS must be a JSON object/],
    [{ STATE_MACHINE_ARNS: '{"a":1}' }, /STATE_MACHINE_ARNS must be a JSON object/],
    [
      { LOGS_INSIGHTS_GROUPS: '"/aws/lambda/x"' },
      /LOGS_INSIGHTS_GROUPS must be a JSON array of log group names/,
    ],
    [{ DISPLAY_TIMEZONE: "Mars/Olympus" }, /DISPLAY_TIMEZONE must be an IANA time zone/],
    [{ RETENTION_DAYS: "-1" }, /RETENTION_DAYS must be a whole number of days/],
    [{ RETENTION_DAYS: "1.5" }, /RETENTION_DAYS must be a whole number of days/],
    [{ RETENTION_DAYS: "ninety" }, /RETENTION_DAYS must be a whole number of days/],
    [{ JOBDECK_JOB_TABLES: '{"companies":""}' }, /JOBDECK_JOB_TABLES must be a JSON object of store name/],
  ])("refuses %o", (bad, message) => {
    const kind = "JOBDECK_JOB_TABLES" in bad ? "worker" : "api";
    expect(() => readAwsConfig(kind, { ...COMMON, ...SCHEDULING, ...CURSOR, ...WORKER, ...bad })).toThrow(
      message,
    );
  });

  it("gives functions without scheduling a backend that says why it cannot be used", async () => {
    await expect(unavailableScheduleBackend("reconciler").put({} as Schedule)).rejects.toThrow(
      /this reconciler function has no EventBridge Scheduler configuration \(SCHEDULE_GROUP_NAME/,
    );
  });
});

describe("awsApp", () => {
  it("is built once per container, and a failed build is tried again", async () => {
    const { awsApp } = await import("#lambda/aws-host.ts");
    await expect(awsApp("default-schedules")).rejects.toThrow(/RUNS_TABLE is missing/);
    stubEnv({ ...COMMON, ...SCHEDULING });
    const first = awsApp("default-schedules");
    expect(awsApp("default-schedules")).toBe(first);
    const app = await first;
    expect(app.deps.settings).toEqual({ displayTimeZone: "Asia/Tokyo", retentionDays: 30 });
    expect(app.deps.registry.list().map((j) => j.name)).toEqual([
      "clone.ai_stub",
      "clone.corporate_number",
      "clone.facebook_sync",
      "clone.opendata",
      "jquants.daily_bars",
      "listed_companies.sync",
      "opendata.bulk_ingest",
      "recap.pipeline",
    ]);
    // the four Clone batches share one store, each reading it as ctx.stores.candidates
    expect(app.deps.registry.list().flatMap((j) => Object.keys(j.stores ?? {}))).toEqual([
      "candidates",
      "candidates",
      "candidates",
      "candidates",
      "bars",
      "companies",
      "recaps",
    ]);
    expect(app.deps.workflow.links(EXEC, UUID).console_url).toContain(
      "ap-northeast-1.console.aws.amazon.com",
    );
  });

  it("reads the cursor secret once, and again after a failure", async () => {
    stubEnv({ ...COMMON, ...SCHEDULING, ...CURSOR });
    const { awsApp } = await import("#lambda/aws-host.ts");
    const app = await awsApp("api");
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "  " })
      .resolves({ SecretString: "k3y\n" });
    await expect(app.cursorSecret()).rejects.toThrow(
      /secret .*:cursor \(CURSOR_SECRET_ARN\) has no SecretString/,
    );
    await expect(app.cursorSecret()).resolves.toBe("k3y");
    await expect(app.cursorSecret()).resolves.toBe("k3y");
    const calls = secrets.commandCalls(GetSecretValueCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0].input).toEqual({ SecretId: CURSOR.CURSOR_SECRET_ARN });
  });
});

describe("execution reconciler", () => {
  const event = (detail: Partial<ExecutionStatusChangeEvent["detail"]>): ExecutionStatusChangeEvent => ({
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    detail: {
      executionArn: EXEC,
      name: UUID,
      status: "FAILED",
      input: JSON.stringify({ job_name: "listed_companies.sync", execution_uuid: UUID, params: {} }),
      ...detail,
    },
  });

  it("maps an execution end to the reconciler's call", () => {
    expect(executionEndOf(event({ error: "States.TaskFailed", cause: "boom" }))).toEqual({
      name: UUID,
      arn: EXEC,
      status: "FAILED",
      cause: "States.TaskFailed: boom",
      input: { job_name: "listed_companies.sync", execution_uuid: UUID, params: {} },
    });
    expect(
      executionEndOf(event({ status: "TIMED_OUT", error: "States.Timeout", cause: null })),
    ).toMatchObject({
      status: "TIMED_OUT",
      cause: "States.Timeout",
    });
    expect(executionEndOf(event({ status: "ABORTED" }))).toMatchObject({
      status: "ABORTED",
      cause: undefined,
    });
    expect(executionEndOf(event({ status: "SUCCEEDED" }))).toMatchObject({ status: "SUCCEEDED" });
  });

  it("leaves the input out when it is absent or not a JSON object", () => {
    expect(executionEndOf(event({ input: null }))?.input).toBeUndefined();
    expect(executionEndOf(event({ input: "{oops" }))?.input).toBeUndefined();
    expect(executionEndOf(event({ input: "[1]" }))?.input).toBeUndefined();
  });

  it("ignores other statuses and other events", () => {
    expect(executionEndOf(event({ status: "RUNNING" }))).toBeNull();
    expect(executionEndOf(event({ status: "PENDING_REDRIVE" }))).toBeNull();
    expect(executionEndOf({ ...event({}), "detail-type": "Scheduled Event" })).toBeNull();
  });

  it("looks the run up by the execution's UUID and leaves an unknown run alone", async () => {
    stubEnv(COMMON);
    ddb.on(GetCommand).resolves({});
    const { handler } = await import("#lambda/events/execution-reconciler-function.ts");
    await handler(event({ error: "Lambda.Unknown" }));
    const gets = ddb.commandCalls(GetCommand);
    expect(gets).toHaveLength(1);
    expect(gets[0]!.args[0].input).toMatchObject({ TableName: "t-runs", Key: { execution_uuid: UUID } });
  });

  it("does nothing for a status it ignores", async () => {
    stubEnv(COMMON);
    const { handler } = await import("#lambda/events/execution-reconciler-function.ts");
    await handler(event({ status: "RUNNING" }));
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe("default schedules custom resource", () => {
  const cfn = (RequestType: "Create" | "Update" | "Delete") =>
    ({
      RequestType,
      ServiceToken: "arn:aws:lambda:ap-northeast-1:123456789012:function:provider",
      ResponseURL: "https://example.test",
      StackId: "stack",
      RequestId: "req",
      LogicalResourceId: "DefaultSchedules",
      ResourceType: "Custom::DefaultSchedules",
      ResourceProperties: { ServiceToken: "x" },
      ...(RequestType === "Create" ? {} : { PhysicalResourceId: "jobdeck-default-schedules" }),
      ...(RequestType === "Update" ? { OldResourceProperties: {} } : {}),
    }) as CloudFormationCustomResourceEvent;

  it("does nothing on Delete: schedules are data, not CloudFormation's (no configuration needed)", async () => {
    const { handler } = await import("#lambda/events/default-schedules-function.ts");
    await expect(handler(cfn("Delete"))).resolves.toEqual({
      PhysicalResourceId: "jobdeck-default-schedules",
    });
    expect(ddb.calls()).toHaveLength(0);
    expect(scheduler.calls()).toHaveLength(0);
  });

  it("creates the jobs' default schedules on Create, EventBridge first", async () => {
    stubEnv({ ...COMMON, ...SCHEDULING });
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: "not found", Message: "not found", $metadata: {} }));
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:aws:scheduler:::schedule/jobdeck/x" });
    const { handler } = await import("#lambda/events/default-schedules-function.ts");
    await expect(handler(cfn("Create"))).resolves.toEqual({
      PhysicalResourceId: "jobdeck-default-schedules",
      // listed_companies.sync, recap.pipeline, jquants.daily_bars and clone.facebook_sync (issue 17)
      Data: { created: 4 },
    });
    const targets = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Target?.Arn);
    expect(targets.sort()).toEqual(Object.values(SM_ARNS).sort());
    // one marker per job with defaults, so a job a later deploy adds gets its own then
    const markers = ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item)
      .filter((i) => i?.pk === "MARKER")
      .map((i) => i?.sk)
      .sort();
    expect(markers).toEqual(
      ["clone.facebook_sync", "jquants.daily_bars", "listed_companies.sync", "recap.pipeline"].map(
        (j) => `default_schedules_v1#${j}`,
      ),
    );
  });

  it("is a no-op on Update once the defaults exist", async () => {
    stubEnv({ ...COMMON, ...SCHEDULING });
    ddb.on(GetCommand).resolves({ Item: { pk: "MARKER", sk: "default_schedules_v1", value: "2025-01-01" } });
    const { handler } = await import("#lambda/events/default-schedules-function.ts");
    await expect(handler(cfn("Update"))).resolves.toEqual({
      PhysicalResourceId: "jobdeck-default-schedules",
      Data: { created: 0 },
    });
    expect(scheduler.calls()).toHaveLength(0);
  });

  it("fails Create with the missing variables named", async () => {
    stubEnv(COMMON);
    const { handler } = await import("#lambda/events/default-schedules-function.ts");
    await expect(handler(cfn("Create"))).rejects.toThrow(
      /default-schedules function environment: STATE_MACHINE_ARNS is missing/,
    );
  });
});

describe("workflow worker", () => {
  const state = (jobName: string) => ({
    input: { job_name: jobName, params: {}, trigger_source: "manual" },
    run: {
      execution_uuid: UUID,
      job_name: jobName,
      concurrency_key: jobName,
      params: {},
      attempt: 1,
      max_attempts: 1,
      timeout_seconds: 60,
      proceed: true,
      execution_policy: "skip" as const,
      queue_timeout_seconds: 60,
      queued_at: "2025-07-15T00:00:00.000Z",
    },
  });

  it("runs only its own job", () => {
    expect(() => assertOwnJob(state("listed_companies.sync"), "listed_companies.sync")).not.toThrow();
    expect(() => assertOwnJob(state("recap.pipeline"), "listed_companies.sync")).toThrow(
      `jobdeck: this worker runs job 'listed_companies.sync' (JOBDECK_JOB_NAME) and refuses a run of job 'recap.pipeline' (execution_uuid ${UUID})`,
    );
  });

  it("refuses another job's state before touching any data", async () => {
    stubEnv({ ...COMMON, ...WORKER });
    const { handler } = await import("#lambda/workflow/worker-function.ts");
    await expect(handler(state("recap.pipeline"))).rejects.toThrow(/refuses a run of job 'recap.pipeline'/);
    expect(ddb.calls()).toHaveLength(0);
  });

  it("names the store table it lacks when the job opens its stores", async () => {
    stubEnv({ ...COMMON, JOBDECK_JOB_NAME: "listed_companies.sync" });
    const { handler } = await import("#lambda/workflow/worker-function.ts");
    await expect(handler(state("listed_companies.sync"))).rejects.toThrow(
      /JOBDECK_JOB_TABLES has no table for store 'companies' of job listed_companies.sync/,
    );
  });
});

describe("workflow steps", () => {
  it("finds the run's UUID from the state, else from the input and execution", () => {
    const execution = { name: UUID, arn: EXEC };
    const input = { job_name: "recap.pipeline", params: {}, trigger_source: "manual" };
    expect(stepExecutionUuid({ step: "start_run", state: { input }, execution })).toBe(UUID);
    const fire = { ...input, schedule_id: "s1", scheduled_time: "2025-07-15T00:00:00Z" };
    const viaFire = stepExecutionUuid({
      step: "start_run",
      state: { input: fire },
      execution: { name: "x", arn: EXEC },
    });
    expect(viaFire).toMatch(/^[0-9a-f-]{36}$/);
    expect(viaFire).not.toBe(UUID);
  });

  it("passes the payload to the steps handler", async () => {
    stubEnv({ ...COMMON, ...SCHEDULING });
    const { handler } = await import("#lambda/workflow/steps-function.ts");
    await expect(
      handler({ step: "nope" as never, state: { input: {} as never }, execution: { name: UUID, arn: EXEC } }),
    ).rejects.toThrow("unknown workflow step nope");
  });
});

describe("API entries", () => {
  const apiEvent = (routeKey: string): ApiEvent =>
    ({
      routeKey,
      rawPath: routeKey.split(" ")[1],
      headers: {},
      requestContext: {
        http: { method: routeKey.split(" ")[0] },
        authorizer: { jwt: { claims: { sub: "u1", "cognito:groups": "[admin]" }, scopes: [] } },
      },
    }) as unknown as ApiEvent;

  it("serves /healthz without reading the cursor secret", async () => {
    stubEnv({ ...COMMON, ...CURSOR });
    const { handler } = await import("#lambda/api/meta-function.ts");
    const res = await handler(apiEvent("GET /healthz"), {} as never);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(String(res.body))).toEqual({ ok: true, dynamodb: "up" });
    expect(secrets.calls()).toHaveLength(0);
    // the probe is one read of the control table, through the store port
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.TableName)).toEqual(["t-control"]);
    ddb.on(GetCommand).rejects(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    const down = await handler(apiEvent("GET /healthz"), {} as never);
    expect(down.statusCode).toBe(503);
    expect(JSON.parse(String(down.body))).toEqual({ ok: false, dynamodb: "down" });
  });

  it("reads the cursor secret once per container", async () => {
    stubEnv({ ...COMMON, ...SCHEDULING, ...CURSOR, ...RUN_LOGS });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "k3y" });
    const { handler } = await import("#lambda/api/runs-function.ts");
    for (let i = 0; i < 2; i++) {
      const res = await handler(apiEvent("GET /v1/elsewhere"), {} as never);
      expect(res.statusCode).toBe(404);
    }
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("fails the invocation, naming what is missing, and tries again on the next one", async () => {
    stubEnv(COMMON);
    const { handler } = await import("#lambda/api/trigger-function.ts");
    await expect(handler(apiEvent("POST /v1/trigger"), {} as never)).rejects.toThrow(
      /api function environment: STATE_MACHINE_ARNS is missing; .*CURSOR_SECRET_ARN is missing/,
    );
    stubEnv({ ...SCHEDULING, ...CURSOR });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "k3y" });
    const res = await handler(apiEvent("GET /v1/elsewhere"), {} as never);
    expect(res.statusCode).toBe(404);
  });
});

/** Code that runs only on the local host or in tests: no Lambda bundle may carry it. */
const LOCAL_ONLY_DIRS = ["bin/local", "test"];

describe("bundles", () => {
  it("carry no local-only code and no job data file", async () => {
    const entries = [
      ...Object.values(API_LAMBDAS),
      WORKFLOW_STEPS_LAMBDA,
      workerLambda("listed_companies.sync", 300),
      RECONCILER_LAMBDA,
      RUN_SWEEPER_LAMBDA,
      DEFAULT_SCHEDULES_LAMBDA,
    ].map((l) => l.entry);
    // The folders below hold only local or test code; they exist (a move would make this vacuous).
    for (const dir of LOCAL_ONLY_DIRS) expect(existsSync(join(PROJECT_ROOT, dir)), dir).toBe(true);
    const out = await build({
      entryPoints: [...new Set(entries)],
      outdir: "/nonexistent",
      write: false,
      bundle: true,
      metafile: true,
      logLevel: "silent",
      ...BUNDLING,
      minify: false,
      external: [...BUNDLING.external],
      mainFields: [...BUNDLING.mainFields],
    });
    expect(out.warnings).toEqual([]);
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((i) => LOCAL_ONLY_DIRS.some((d) => i.startsWith(`${d}/`)))).toEqual([]);
    expect(inputs.filter((i) => JOB_DATA_FILES.some((f) => i.endsWith(f.source)))).toEqual([]);
    expect(Object.keys(out.metafile.outputs).filter((o) => o.endsWith(".js"))).toHaveLength(
      new Set(entries).size,
    );
  }, 60_000); // esbuild bundles ten entries with the AWS SDK inside: seconds, more on a loaded machine
});
