// What `cdk deploy` would run, run offline: the bundles of one real `npx cdk synth` (globalSetup
// deploy-synth.ts), each in its own process with the template's environment, the rendered state
// machines on the ASL interpreter, the template's API routes, EventBridge rules and invoke
// permissions, DynamoDB Local behind a recording proxy and recording fakes for Step Functions,
// Scheduler, SNS and Secrets Manager. Every AWS call is authorized against the caller's role as it
// happens (a refused call fails the suite), and at the end every grant nobody used must be in the
// allow-list (unused-grants.ts). One file, one stack: the least-privilege verdict needs every call.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ROUTES } from "#api/routes.ts";
import { PROJECT_ROOT } from "#cdk/functions.ts";
import { jstDate } from "#jobs/daily-bars/logical-date.ts";
import { isTradingDay } from "#jobs/jquants/jquants-schemas.ts";
import { type CloneStandIns, startCloneStandIns } from "#local/clone-stand-ins.ts";
import { fixtureCalendar, startJQuantsStandIn } from "#local/jquants-stand-in.ts";
import { observedSummary, unusedGrants } from "#test/helpers/deploy-iam.ts";
import { DeployedStack, statusChangeEvent } from "#test/helpers/deploy-stack.ts";
import { ACCOUNT } from "#test/helpers/deploy-template.ts";
import type { StandIn } from "#test/helpers/source-stand-in.ts";
import { until } from "#test/helpers/wait.ts";
import { UNUSED_GRANTS_ALLOWED } from "./unused-grants.ts";

const ADMIN = ["admin"];
const VIEWER = ["viewer"];

let stack: DeployedStack;
/** A finished run of listed_companies.sync (rerun by the route test). */
let listedRun = "";
let dynamo: DynamoDBClient;
/** Issue 17: J-Quants for listed_companies.sync, its key in the secret made by hand before the deploy. */
let jquants: StandIn;
const JQUANTS_KEY = "deploy-suite-jquants-key-3e8f";
/** Issue 17 CLONE: the Clone batches' sources, their credentials in secrets made by hand. */
let clone: CloneStandIns;
const CLONE_JOBS = ["clone.corporate_number", "clone.opendata", "clone.facebook_sync", "clone.ai_stub"];

beforeAll(async () => {
  jquants = await startJQuantsStandIn({ apiKey: JQUANTS_KEY });
  clone = await startCloneStandIns();
  const cloneUrls = Object.fromEntries(Object.entries(clone.env).filter(([k]) => k.startsWith("JOBDECK_")));
  stack = new DeployedStack(join(PROJECT_ROOT, inject("deployAssembly")), inject("dynamoEndpoint"), {
    secrets: {
      "jobdeck/jquants-api-key": JQUANTS_KEY,
      "jobdeck/houjin-bangou-app-id": clone.env.HOUJIN_BANGOU_APP_ID as string,
      "jobdeck/facebook-graph-access-token": clone.env.FACEBOOK_GRAPH_ACCESS_TOKEN as string,
    },
    extraEnv: {
      "listed_companies.sync": { JOBDECK_JQUANTS_BASE_URL: jquants.url, JOBDECK_JQUANTS_RPM: "6000" },
      "jquants.daily_bars": { JOBDECK_JQUANTS_BASE_URL: jquants.url, JOBDECK_JQUANTS_RPM: "6000" },
      ...Object.fromEntries(CLONE_JOBS.map((j) => [j, cloneUrls])),
    },
  });
  await stack.start();
  dynamo = new DynamoDBClient({
    endpoint: inject("dynamoEndpoint"),
    region: stack.template.region,
    credentials: { accessKeyId: "deploysuite", secretAccessKey: "x" },
  });
});
afterAll(async () => {
  dynamo?.destroy();
  await stack?.stop();
  await jquants?.close();
  await clone?.close();
});

const run = async (uuid: string) => (await stack.api("GET", `/v1/runs/${uuid}`, { groups: VIEWER })).body;
const runEnds = (uuid: string, ms = 40_000) =>
  until(
    () => run(uuid),
    (r) => !["QUEUED", "RUNNING"].includes(r?.status),
    ms,
    200,
  );
const executionOf = async (uuid: string) => {
  const r = await until(
    () => run(uuid),
    (x) => Boolean(x?.workflow_execution_arn),
    10_000,
  );
  return r.workflow_execution_arn as string;
};
async function trigger(jobName: string, options?: Record<string, unknown>): Promise<string> {
  const r = await stack.api("POST", "/v1/trigger", { groups: ADMIN, body: { job_name: jobName, options } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.execution_uuid;
}
/** A recap.pipeline run with slow stages, once its record says RUNNING. */
async function runningRecap(): Promise<string> {
  const uuid = await trigger("recap.pipeline", { stage_delay_ms: 1500 });
  await until(
    () => run(uuid),
    (r) => r?.status === "RUNNING",
    15_000,
    100,
  );
  return uuid;
}
const reconciler = () => stack.lambda(stack.fnId("WorkflowsExecutionReconciler"));

describe("the deployed functions", () => {
  it("every project function of the template runs from its cdk.out bundle with its template environment", () => {
    const fns = stack.template.functions();
    // 7 API areas, the workflow steps, one worker per job, reconciler, sweeper, default schedules.
    expect(fns.length).toBeGreaterThanOrEqual(13);
    for (const fn of fns) {
      expect(fn.assetDir, fn.id).toMatch(/asset\.[0-9a-f]{64}$/);
      for (const [k, v] of Object.entries(fn.env)) expect(typeof v, `${fn.id} ${k}`).toBe("string");
    }
  });

  it("the custom resource creates the default schedules on Create, keeps them on Update and Delete", async () => {
    const t = stack.template;
    const [[crId, cr]] = t.ofType("Custom::JobdeckDefaultSchedules") as [[string, any]];
    // The provider framework's onEvent function invokes the user function with its own role.
    const userFn = t.functionIdOf(
      t.resolve(
        t.resource(t.resolve(cr.Properties.ServiceToken).split(":")[6]).Properties.Environment.Variables
          .USER_ON_EVENT_FUNCTION_ARN,
      ),
    )!;
    const providerFn = t.resolve(cr.Properties.ServiceToken).split(":")[6];
    const providerRole = t.resource(providerFn).Properties.Role["Fn::GetAtt"][0];
    const event = (RequestType: string, extra = {}) => ({
      RequestType,
      ServiceToken: t.resolve(cr.Properties.ServiceToken),
      ResponseURL: "https://cloudformation-custom-resource-response.example/",
      StackId: `arn:aws:cloudformation:${t.region}:${ACCOUNT}:stack/Jobdeck/1`,
      RequestId: crypto.randomUUID(),
      LogicalResourceId: crId,
      ResourceType: cr.Type,
      ResourceProperties: t.resolve(cr.Properties),
      ...extra,
    });
    const created = (await stack.invokeAs(providerRole, userFn, event("Create"))) as any;
    expect(created.PhysicalResourceId).toBeTruthy();
    expect(created.Data.created).toBeGreaterThan(0);
    const names = [...stack.aws.schedules.values()].map((s) => s.Name);
    expect(names).toHaveLength(created.Data.created);
    const listed = await stack.api("GET", "/v1/schedules", { groups: VIEWER });
    expect(listed.status).toBe(200);
    expect(listed.body.results ?? listed.body.schedules ?? listed.body).toHaveLength(names.length);

    const updated = (await stack.invokeAs(
      providerRole,
      userFn,
      event("Update", { PhysicalResourceId: created.PhysicalResourceId, OldResourceProperties: {} }),
    )) as any;
    expect(updated).toEqual({ PhysicalResourceId: created.PhysicalResourceId, Data: { created: 0 } });
    const deleted = (await stack.invokeAs(
      providerRole,
      userFn,
      event("Delete", { PhysicalResourceId: created.PhysicalResourceId }),
    )) as any;
    expect(deleted.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect([...stack.aws.schedules.values()].map((s) => s.Name)).toEqual(names);
  });
});

describe("scenarios", () => {
  it("manual trigger through the API bundle → the rendered state machine → SUCCESS", async () => {
    const uuid = await trigger("listed_companies.sync");
    const r = await runEnds(uuid);
    expect(r.status, JSON.stringify(r)).toBe("SUCCESS");
    expect(r.trigger_source).toBe("manual");
    listedRun = uuid;
    const e = await stack.settled(await executionOf(uuid));
    expect(e.status).toBe("SUCCEEDED");
    // Issue 17: the worker read the J-Quants key as its own role (by name) and pulled every page
    const listedWorker = stack.template
      .functions()
      .find((f) => f.env.JOBDECK_JOB_NAME === "listed_companies.sync")!;
    const reads = stack.aws.calls.filter(
      (c) =>
        c.action === "secretsmanager:GetSecretValue" &&
        c.resource.includes(":secret:jobdeck/jquants-api-key"),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const c of reads) {
      expect(stack.roleOf(c.caller)).toBe(listedWorker.roleId);
      expect(c.resource).toMatch(/:secret:jobdeck\/jquants-api-key-\w{6}$/);
    }
    expect(r.input_count).toBe(4411);
    const pages = jquants.requests.filter((q) => q.path === "/equities/master" && q.status === 200);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(jquants.requests.every((q) => q.headers["x-api-key"] === JQUANTS_KEY)).toBe(true);
    // The other job too (its worker writes its own table).
    const recap = await trigger("recap.pipeline", { stage_delay_ms: 0 });
    expect((await runEnds(recap)).status).toBe("SUCCESS");
  });

  it("schedules fire: Scheduler starts each execution with the target input the schedules service wrote", async () => {
    const schedules = [...stack.aws.schedules.values()];
    expect(schedules.length).toBeGreaterThanOrEqual(2);
    for (const schedule of schedules) {
      const { executionArn } = stack.fireSchedule(schedule.Name);
      const e = await stack.settled(executionArn);
      expect(e.status, `${schedule.Name} ${e.error}: ${e.cause}`).toBe("SUCCEEDED");
    }
    const runs = await stack.api("GET", "/v1/runs", {
      groups: VIEWER,
      query: { trigger_source: "schedule" },
    });
    expect(runs.status).toBe(200);
    // Issue 16 part 6: the manual listed_companies.sync run of the scenario before started its
    // cooldown (3600 s), so that job's fire is skipped as cooldown; every other fire runs.
    // Issue 17: jquants.daily_bars fetches the JST day of its fire (the wall clock here), so it
    // runs on a trading day of the stand-in's calendar and ends SKIPPED market_holiday on any other.
    const byJob = runs.body.results.map((x: any) => [
      x.job_name,
      x.status,
      x.error_summary ?? "",
      x.scheduled_for,
    ]);
    expect(byJob).toHaveLength(schedules.length);
    for (const [job, status, summary, scheduledFor] of byJob) {
      if (job === "listed_companies.sync") {
        expect(status).toBe("SKIPPED");
        expect(summary).toMatch(/^cooldown:/);
      } else if (job === "jquants.daily_bars") {
        const day = jstDate(new Date(scheduledFor));
        const trading = fixtureCalendar().some((d) => d.Date === day && isTradingDay(d));
        if (trading) expect([status, summary], day).toEqual(["SUCCESS", ""]);
        else {
          expect(status, day).toBe("SKIPPED");
          expect(summary).toMatch(/^market_holiday:/);
        }
      } else expect(status, job).toBe("SUCCESS");
    }
    // The scheduler's next fire accounts for that cooldown: it reads the job's latest manual run
    // (by_job_started) and never names a fire of the job before the cooldown ends.
    const job = await stack.api("GET", "/v1/jobs/listed_companies.sync", { groups: VIEWER });
    const until = job.body.cooldown?.until as string | undefined;
    expect(until, JSON.stringify(job.body.cooldown)).toBeTruthy();
    const status = await stack.api("GET", "/v1/scheduler/status", { groups: VIEWER });
    expect(status.status).toBe(200);
    const next = status.body.next_fire;
    if (next?.job_name === "listed_companies.sync")
      expect(Date.parse(next.at)).toBeGreaterThanOrEqual(Date.parse(until!));
  });

  it("jquants.daily_bars: a trading day's bars from J-Quants (key from the secret) into the job's own table; a holiday ends SKIPPED", async () => {
    const before = jquants.requests.length;
    const uuid = await trigger("jquants.daily_bars", { date: "2026-11-27" });
    expect((await stack.settled(await executionOf(uuid))).status).toBe("SUCCEEDED");
    const r = await runEnds(uuid);
    expect([r.status, r.error_summary]).toEqual(["SUCCESS", null]);
    expect(r).toMatchObject({ input_count: 4411, inserted_count: 4411 });
    const asked = jquants.requests.slice(before);
    expect(asked.filter((q) => q.path === "/equities/bars/daily" && q.status === 200).length).toBe(3);
    expect(asked.every((q) => q.headers["x-api-key"] === JQUANTS_KEY)).toBe(true);
    const holiday = await trigger("jquants.daily_bars", { date: "2026-11-23" });
    const h = await runEnds(holiday);
    expect(h.status).toBe("SKIPPED");
    expect(h.error_summary).toMatch(/^market_holiday: 2026-11-23/);
  });

  it("issue 17: each Clone batch runs in its own worker, reads its secret as its own role and writes the shared candidates table", async () => {
    const ends: Record<string, any> = {};
    for (const job of CLONE_JOBS) {
      const uuid = await trigger(job);
      ends[job] = await runEnds(uuid, 60_000);
      expect(ends[job].status, `${job}: ${JSON.stringify(ends[job])}`).toBe("SUCCESS");
      // every record is inserted, updated or skipped with a reason, against what the table holds
      const skipped = Object.values(ends[job].skip_breakdown ?? {}).reduce(
        (a: number, n) => a + Number(n),
        0,
      );
      expect(ends[job].inserted_count + ends[job].updated_count + skipped, job).toBe(ends[job].input_count);
    }
    // the schedule's fire of facebook_sync ran first: the manual run finds its pages not_modified
    expect(ends["clone.facebook_sync"].skip_breakdown).toEqual({ duplicate: 1, not_modified: 21 });
    expect(ends["clone.corporate_number"]).toMatchObject({ input_count: 146 });
    expect(ends["clone.corporate_number"].skip_breakdown).toMatchObject({ expired: 7 });
    expect(ends["clone.opendata"].skip_breakdown).toMatchObject({ expired: 8 });
    expect(ends["clone.ai_stub"]).toMatchObject({ input_count: 12, inserted_count: 12 });
    // the application id was read by name, as the corporate-number worker's own role, resolved to its ARN
    const worker = stack.template
      .functions()
      .find((f) => f.env.JOBDECK_JOB_NAME === "clone.corporate_number");
    const reads = stack.aws.calls.filter(
      (c) =>
        c.action === "secretsmanager:GetSecretValue" &&
        c.resource.includes(":secret:jobdeck/houjin-bangou-app-id"),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const c of reads) expect(stack.roleOf(c.caller)).toBe(worker?.roleId);
    expect(clone.houjin.requests.every((q) => q.query.id === clone.env.HOUJIN_BANGOU_APP_ID)).toBe(true);
  });

  it("invalid params: recap.pipeline refuses them with 400 and starts nothing", async () => {
    const before = stack.executions.size;
    const r = await stack.api("POST", "/v1/trigger", {
      groups: ADMIN,
      body: { job_name: "recap.pipeline", options: { max_per_genre: 99, nope: true } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(stack.executions.size).toBe(before);
  });

  it("a failing worker is retried per the job's policy, then FAILED; the reconciler and the alert follow", async () => {
    const worker = stack.lambda(stack.fnId("WorkflowsWorkerListedCompaniesSync"));
    // The job's own knob (read by the deployed bundle): a source file that does not exist.
    await worker.reconfigure({ JOBDECK_LISTED_INFO_PATH: "/nonexistent/listed-info.json" });
    try {
      const invocationsBefore = worker.invocations;
      const reconciled = reconciler().invocations;
      // the fixture explicitly: with the J-Quants key in its secret, "auto" would read J-Quants
      const uuid = await trigger("listed_companies.sync", { source: "fixture" });
      const e = await stack.settled(await executionOf(uuid));
      expect(e.status).toBe("FAILED");
      const r = await runEnds(uuid);
      expect(r.status).toBe("FAILURE");
      expect(r.attempt).toBe(2);
      expect(worker.invocations - invocationsBefore).toBe(2);
      // The rule's pattern takes FAILED: the reconciler saw the end (and found the run already ended).
      expect(reconciler().invocations).toBe(reconciled + 1);
      expect(stack.aws.published.some((p) => p.message.includes(uuid))).toBe(true);
    } finally {
      await worker.reconfigure({ JOBDECK_LISTED_INFO_PATH: undefined });
    }
  });

  it("cancel: the API stops the execution, the run is CANCELLED, ABORTED reaches the reconciler, the worker learns late", async () => {
    const reconciled = reconciler().invocations;
    const worker = stack.lambda(stack.fnId("WorkflowsWorkerRecapPipeline"));
    const invoked = worker.invocations;
    const uuid = await trigger("recap.pipeline", { stage_delay_ms: 1500 });
    // Once StartRun has recorded the execution ARN (before that, cancel has nothing to stop: a
    // defect reported with issue 13) and the worker runs.
    await executionOf(uuid);
    await until(
      async () => worker.invocations,
      (n) => n > invoked,
      15_000,
      50,
    );
    // A second trigger meanwhile finds the slot taken, reads its holder (not stale) and answers
    // 409; its idempotency key is released, so the same key may try again later.
    const again = await stack.api("POST", "/v1/trigger", {
      groups: ADMIN,
      body: { job_name: "recap.pipeline", options: { stage_delay_ms: 0 } },
      headers: { "idempotency-key": `again-${uuid}` },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.error.code).toBe("already_running");
    expect(again.body.error.details.execution_uuid).toBe(uuid);
    const cancelledAt = Date.now();
    const c = await stack.api("POST", `/v1/runs/${uuid}/cancel`, { groups: ADMIN });
    expect(c.status, JSON.stringify(c.body)).toBeLessThan(300);
    const e = await stack.settled(await executionOf(uuid));
    expect(e.status).toBe("ABORTED");
    expect((await runEnds(uuid)).status).toBe("CANCELLED");
    expect(reconciler().invocations).toBe(reconciled + 1);
    // No AbortSignal crosses into the Lambda: the worker ends at its next progress write.
    await until(
      async () => worker.ends.filter((x) => x.at >= cancelledAt).length,
      (n) => n > 0,
      20_000,
      100,
    );
    console.info(
      `cancel → worker invocation ended after ${worker.ends.at(-1)!.at - cancelledAt} ms (no in-process signal)`,
    );
  });

  it("the sweeper's reconcile repairs Scheduler drift: a missing schedule, an orphan, a changed one", async () => {
    const schedules = stack.aws.schedules;
    const [missing, changed] = [...schedules.entries()];
    expect(changed, "two default schedules").toBeDefined();
    schedules.delete(missing![0]);
    changed![1].body = { ...changed![1].body, ScheduleExpression: "cron(0 0 1 1 ? 2099)" };
    const orphan = {
      ...changed![1],
      Name: "jd-orphan0000000000000",
      Arn: changed![1].Arn.replace(changed![1].Name, "jd-orphan0000000000000"),
    };
    schedules.set(`${orphan.GroupName}/${orphan.Name}`, orphan);
    const [swept] = (await stack.fireScheduledRule("WorkflowsSweepRule")) as [{ schedules: unknown }];
    expect(swept.schedules).toEqual({ created: 1, updated: 1, deleted: 1, failed: 0 });
    expect(schedules.has(missing![0])).toBe(true);
    expect(schedules.get(changed![0])!.body.ScheduleExpression).not.toBe("cron(0 0 1 1 ? 2099)");
    expect(schedules.has(`${orphan.GroupName}/${orphan.Name}`)).toBe(false);
  });

  it("sweeper: a run past its time budget is TIMED_OUT, its execution stopped, ABORTED reconciled", async () => {
    const reconciled = reconciler().invocations;
    const uuid = await runningRecap();
    // The run started long ago, as far as the table says (its budget is minutes).
    const runsTable = stack.template.tableName(
      stack.template.ofType("AWS::DynamoDB::GlobalTable").find(([id]) => id.startsWith("DataRunsTable"))![0],
    );
    await dynamo.send(
      new UpdateItemCommand({
        TableName: runsTable,
        Key: { execution_uuid: { S: uuid } },
        UpdateExpression: "SET started_at = :s",
        ExpressionAttributeValues: { ":s": { S: new Date(Date.now() - 6 * 3600_000).toISOString() } },
      }),
    );
    const [swept] = (await stack.fireScheduledRule("WorkflowsSweepRule")) as [{ ended: number }];
    expect(swept.ended).toBe(1);
    const e = await stack.settled(await executionOf(uuid));
    expect(e.status).toBe("ABORTED");
    expect((await runEnds(uuid)).status).toBe("TIMED_OUT");
    expect(reconciler().invocations).toBe(reconciled + 1);
  });

  it("TIMED_OUT from Step Functions itself: the rule's pattern matches and the reconciler ends the run", async () => {
    const uuid = await runningRecap();
    const arn = await executionOf(uuid);
    stack.forceEnd(arn, "TIMED_OUT");
    await stack.settled(arn);
    const r = await runEnds(uuid);
    expect(["TIMED_OUT", "FAILED"]).toContain(r.status);
  });

  it("a backfill: one run per fire time, one at a time, each next one started by the run end before it (steps), the sweeper's pass finds nothing to start", async () => {
    const body = {
      schedule_expression: "cron(0 1 * * ? *)",
      timezone: "UTC",
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-03T23:00:00Z",
      params: { stage_delay_ms: 300 },
      concurrency: 1,
    };
    const r = await stack.api("POST", "/v1/jobs/recap.pipeline/backfill", { groups: ADMIN, body });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const id = r.body.id as string;
    // While its first run is in flight, the sweeper's safety-net pass reads the backfill and leaves it.
    await stack.fireScheduledRule("WorkflowsSweepRule");
    const done = await until(
      async () => (await stack.api("GET", `/v1/backfills/${id}`, { groups: VIEWER })).body,
      (b) => b?.status === "done",
      60_000,
      250,
    );
    expect(done.counts).toEqual({ total: 3, done: 3, skipped: 0, running: 0, failed: 0, pending: 0 });
    const runs = await stack.api("GET", "/v1/runs", {
      groups: VIEWER,
      query: { job_name: "recap.pipeline", trigger_source: "backfill" },
    });
    const times = runs.body.results
      .map((x: any) => [new Date(x.scheduled_for).toISOString(), x.status, x.backfill_id])
      .sort();
    expect(times).toEqual(
      ["2026-01-01T01:00:00.000Z", "2026-01-02T01:00:00.000Z", "2026-01-03T01:00:00.000Z"].map((t) => [
        t,
        "SUCCESS",
        id,
      ]),
    );
    // The same request again starts nothing new.
    const before = stack.executions.size;
    const again = await stack.api("POST", "/v1/jobs/recap.pipeline/backfill", { groups: ADMIN, body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);
    expect(stack.executions.size).toBe(before);
  });

  it("the reconcile rule takes FAILED, TIMED_OUT and ABORTED of the jobs' state machines, nothing else", () => {
    const [machine] = stack.machines.values();
    const sample = (status: string, stateMachineArn = machine!.arn) =>
      statusChangeEvent(stack.template.region, {
        arn: `${stateMachineArn.replace(":stateMachine:", ":execution:")}:x`,
        name: "x",
        stateMachineArn,
        input: "{}",
        status: status as any,
        startDate: Date.now() / 1000,
      } as any);
    const rule = (ids: string[]) => ids.filter((id) => id.startsWith("WorkflowsExecutionEndedRule"));
    for (const status of ["FAILED", "TIMED_OUT", "ABORTED"])
      expect(rule(stack.matchingRules(sample(status))), status).toHaveLength(1);
    for (const status of ["SUCCEEDED", "RUNNING", "PENDING_REDRIVE"])
      expect(rule(stack.matchingRules(sample(status))), status).toHaveLength(0);
    const foreign = `arn:aws:states:${stack.template.region}:${ACCOUNT}:stateMachine:SomeoneElses`;
    expect(rule(stack.matchingRules(sample("FAILED", foreign)))).toHaveLength(0);
  });
});

// Issue 15: a job with runtime "fargate" (opendata.bulk_ingest, the registry's example) as ECS would
// run it: the rendered state machine's ecs:runTask.sync state → RunTask authorized as the state
// machine's role → the task bundle from cdk.out as a process signing as the task role, reporting
// through its task token (deploy-tasks.ts).
describe("a fargate job on the ECS stand-in", () => {
  const FARGATE_JOB = "opendata.bulk_ingest";
  const taskOf = (uuid: string) => stack.ecs.tasks.filter((t) => t.tags["jobdeck:execution_uuid"] === uuid);
  const runningTask = async (uuid: string) => {
    const r = await until(
      () => run(uuid),
      (x) => x?.status === "RUNNING" && x?.task !== null && (x?.input_count ?? 0) > 0,
      30_000,
      100,
    );
    const [task] = taskOf(uuid);
    expect(task?.lastStatus).toBe("RUNNING");
    return { run: r, task: task! };
  };

  it("manual trigger → RunTask as the state machine's role → the task bundle as its task role → SUCCESS", async () => {
    const uuid = await trigger(FARGATE_JOB, { duration_seconds: 2, files: 3 });
    const r = await runEnds(uuid, 60_000);
    expect(r.status, r.error_summary).toBe("SUCCESS");
    expect(r.input_count).toBeGreaterThan(0);
    expect(r.inserted_count).toBeGreaterThan(0);
    const [task] = taskOf(uuid);
    expect(task, "no task was started for the run").toBeDefined();
    expect(task!.lastStatus).toBe("STOPPED");
    expect(task!.exitCode, task!.log.slice(-2000)).toBe(0);
    // the run names its task (ECS metadata endpoint v4) and links the console and the log stream
    expect(r.task.id).toBe(task!.arn);
    expect(r.task.console_url).toContain(task!.arn.split("/").pop());
    expect(r.task.log_stream_url).toContain("task");
    expect(task!.heartbeats).toBeGreaterThanOrEqual(1);
    // what Step Functions sent: the override within ECS's 8 KiB, the run's tag, the template's network
    const request = stack.ecs.runTaskRequests.find((q) =>
      q.Tags?.some((x: { Value: string }) => x.Value === uuid),
    )!;
    expect(Buffer.byteLength(JSON.stringify(request.Overrides))).toBeLessThan(8192);
    const subnets = stack.template.ofType("AWS::EC2::Subnet").map(([id]) => stack.template.ref(id));
    expect(subnets.length).toBeGreaterThan(0);
    expect(request.NetworkConfiguration.AwsvpcConfiguration.Subnets.sort()).toEqual(subnets.sort());
    expect(request.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe("ENABLED");
    // the run's log lines come from the task's log group (the runs area may read it)
    const logs = await stack.api("GET", `/v1/runs/${uuid}/logs`, { groups: VIEWER });
    expect(logs.status, JSON.stringify(logs.body)).toBe(200);
    const groups = stack.aws.calls
      .filter((c) => c.action === "logs:FilterLogEvents" && c.resource.includes("TaskLogs"))
      .map((c) => c.resource);
    expect(groups.length).toBeGreaterThan(0);
    // the task's calls were its role's: its run, progress, and its state's token
    const [roleId] = [task!.taskDefinitionArn].map((arn) => stack.ecs.taskDefinition(arn).taskRoleId);
    const actions = new Set(stack.aws.calls.filter((c) => c.caller === roleId).map((c) => c.action));
    expect([...actions]).toEqual(
      expect.arrayContaining(["dynamodb:UpdateItem", "states:SendTaskHeartbeat", "states:SendTaskSuccess"]),
    );
  });

  it("cancel: StopExecution stops the task (SIGTERM), the run is CANCELLED with the counts the task reached", async () => {
    const uuid = await trigger(FARGATE_JOB, { duration_seconds: 24, files: 40 });
    const { task } = await runningTask(uuid);
    const c = await stack.api("POST", `/v1/runs/${uuid}/cancel`, { groups: ADMIN });
    expect(c.status).toBe(202);
    const ended = await until(
      () => Promise.resolve(task.lastStatus),
      (x) => x === "STOPPED",
      15_000,
      100,
    );
    expect(ended).toBe("STOPPED");
    expect(task.stopCode).toBe("UserInitiated");
    // SIGTERM was enough: the job stopped within the container's stop timeout (not 137)
    expect(task.exitCode, task.log.slice(-2000)).not.toBe(137);
    const r = await runEnds(uuid);
    expect(r.status).toBe("CANCELLED");
    // the counts the task had reached when it stopped are the record's (its final flush)
    const final = await until(
      () => run(uuid),
      (x) => (x?.input_count ?? 0) > 0,
      5000,
      100,
    );
    expect(final.input_count).toBeGreaterThan(0);
  });

  it("a task killed (exit 137, as an out-of-memory kill) ends the run FAILURE with ECS's stop reason", async () => {
    const uuid = await trigger(FARGATE_JOB, { duration_seconds: 24, files: 40 });
    const { task } = await runningTask(uuid);
    process.kill(task.pid, "SIGKILL");
    const r = await runEnds(uuid);
    expect(r.status).toBe("FAILURE");
    expect(r.error_summary).toMatch(/137/);
    expect(taskOf(uuid)).toHaveLength(1);
  });

  it("the sweeper stops a task whose run ended while it kept running (StopTask failed, say)", async () => {
    stack.ecs.keepTasksOnStop = true;
    try {
      const uuid = await trigger(FARGATE_JOB, { duration_seconds: 40, files: 40 });
      const { task } = await runningTask(uuid);
      expect((await stack.api("POST", `/v1/runs/${uuid}/cancel`, { groups: ADMIN })).status).toBe(202);
      expect((await runEnds(uuid)).status).toBe("CANCELLED");
      expect(task.lastStatus).toBe("RUNNING");
      // older than the sweeper's grace (a task whose run is still being written is left alone)
      task.startedAt = new Date(Date.now() - 5 * 60_000).toISOString();
      await stack.fireScheduledRule("WorkflowsSweepRule");
      const stopped = await until(
        () => Promise.resolve(task.lastStatus),
        (x) => x === "STOPPED",
        15_000,
        100,
      );
      expect(stopped).toBe("STOPPED");
      const sweeperRole = stack.roleOf(stack.fnId("WorkflowsRunSweeper"));
      expect(
        stack.aws.calls.filter((x) => x.caller === stack.fnId("WorkflowsRunSweeper")).map((x) => x.action),
      ).toEqual(expect.arrayContaining(["ecs:ListTasks", "ecs:DescribeTasks", "ecs:StopTask"]));
      expect(sweeperRole).toBeTruthy();
    } finally {
      stack.ecs.keepTasksOnStop = false;
    }
  });
});

describe("every API route of the template, as admin and as viewer", () => {
  let ids: { uuid: string; scheduleId: string; backfillId: string };
  beforeAll(async () => {
    const schedules = await stack.api("GET", "/v1/schedules", { groups: VIEWER });
    ids = { uuid: listedRun, scheduleId: schedules.body.results[0].id, backfillId: "" };
  });
  const noActiveRun = (jobName: string) =>
    until(
      async () =>
        (
          await stack.api("GET", "/v1/runs", {
            groups: VIEWER,
            query: { job_name: jobName, status: "QUEUED,RUNNING" },
          })
        ).body.results,
      (r: unknown[]) => r.length === 0,
      30_000,
      200,
    );
  /** Routes that need a state first: a run to cancel, a free slot to trigger into. */
  const prepare: Record<string, () => Promise<void>> = {
    "POST /v1/runs/{execution_uuid}/cancel": async () => {
      ids.uuid = await trigger("recap.pipeline", { stage_delay_ms: 1500 });
      await executionOf(ids.uuid);
    },
    "POST /v1/runs/{execution_uuid}/rerun": async () => {
      await noActiveRun("listed_companies.sync");
      ids.uuid = listedRun;
    },
    "POST /v1/trigger": async () => {
      await noActiveRun("recap.pipeline");
    },
    // the route test deletes its schedule before these (routes run in the order of routes.ts)
    "POST /v1/schedules/pause": async () => {
      ids.scheduleId = await aSchedule();
    },
    "POST /v1/schedules/resume": async () => {
      ids.scheduleId = await aSchedule();
    },
    // The backfill the POST route started (slow runs, one at a time): read, then cancelled while running.
    "POST /v1/jobs/{job_name}/backfill": async () => {
      await noActiveRun("recap.pipeline");
    },
    "GET /v1/backfills/{id}": async () => {
      const listed = await stack.api("GET", "/v1/backfills", { groups: VIEWER });
      ids.backfillId = listed.body.results[0].id;
    },
  };
  /** The id of a schedule that exists now. */
  const aSchedule = async (): Promise<string> => {
    const listed = await stack.api("GET", "/v1/schedules", { groups: VIEWER });
    return listed.body.results[0].id;
  };

  const schedule = {
    job_name: "recap.pipeline",
    schedule_expression: "cron(0 6 * * ? *)",
    timezone: "Asia/Tokyo",
    enabled: false,
  };
  const request = (
    method: string,
    path: string,
  ): { path: string; body?: unknown; query?: Record<string, string> } => {
    const p = path
      .replace("{execution_uuid}", ids.uuid)
      .replace("{id}", path.startsWith("/v1/backfills/") ? ids.backfillId : ids.scheduleId)
      .replace("{job_name}", "recap.pipeline");
    const bodies: Record<string, unknown> = {
      "POST /v1/trigger": { job_name: "recap.pipeline", options: { stage_delay_ms: 0 } },
      "POST /v1/schedules": schedule,
      "POST /v1/schedules/preview": { schedule_expression: "rate(5 minutes)", count: 2 },
      "PUT /v1/schedules/{id}": { ...schedule, schedule_expression: "cron(30 6 * * ? *)" },
      "PATCH /v1/schedules/{id}": { description: "patched by the deploy suite" },
      "PUT /v1/jobs/{job_name}/enabled": { enabled: true },
      "PUT /v1/scheduler/paused": { paused: false },
      "POST /v1/schedules/pause": { ids: [ids.scheduleId], reason: "paused by the deploy suite" },
      "POST /v1/schedules/resume": { ids: [ids.scheduleId] },
      "POST /v1/jobs/{job_name}/backfill": {
        schedule_expression: "cron(0 2 * * ? *)",
        timezone: "Asia/Tokyo",
        from: "2026-02-01T00:00:00Z",
        to: "2026-02-10T00:00:00Z",
        params: { stage_delay_ms: 1500 },
        concurrency: 1,
      },
      "POST /v1/backfills/{id}/cancel": { cancel_running: true },
    };
    const query =
      path === "/v1/calendar" ? { from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" } : undefined;
    return { path: p, body: bodies[`${method} ${path}`], query };
  };

  it("the template has exactly the routes of functions/api/routes.ts", () => {
    const keys = stack.template
      .ofType("AWS::ApiGatewayV2::Route")
      .map(([, r]) => r.Properties.RouteKey)
      .sort();
    expect(keys).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  for (const route of ROUTES) {
    const key = `${route.method} ${route.path}`;
    it(key, async () => {
      await prepare[key]?.();
      const { path, body, query } = request(route.method, route.path);
      // DELETE last: the viewer first (refused), then the admin.
      const asViewer = await stack.api(route.method, path, { groups: VIEWER, body, query });
      const asAdmin = await stack.api(route.method, path, { groups: ADMIN, body, query });
      for (const [who, r] of [
        ["viewer", asViewer],
        ["admin", asAdmin],
      ] as const) {
        expect(r.status, `${who} ${key}: ${JSON.stringify(r.body)}`).toBeLessThan(500);
        expect(r.function, key).toMatch(
          new RegExp(`^ApiApi${route.lambda[0]!.toUpperCase()}${route.lambda.slice(1)}`),
        );
      }
      expect(asAdmin.status, `admin ${key}: ${JSON.stringify(asAdmin.body)}`).toBeLessThan(300);
      if (route.role === "admin") expect(asViewer.status, `viewer ${key}`).toBe(403);
      else expect(asViewer.status, `viewer ${key}: ${JSON.stringify(asViewer.body)}`).toBeLessThan(300);
      if (route.role !== null)
        expect((await stack.api(route.method, path, { groups: null, body, query })).status).toBe(401);
    });
  }
});

describe("least privilege, by observation", () => {
  it("no call was refused by the caller's role, and none went to a service the suite does not model", () => {
    expect(stack.aws.refused).toEqual([]);
    expect(stack.aws.unknown).toEqual([]);
  });

  it("every granted action was used, or is allow-listed with a reason", () => {
    const summary = observedSummary(stack);
    const unused = unusedGrants(stack);
    writeFileSync(
      join(PROJECT_ROOT, "node_modules", ".cache", "jobdeck", "deploy-observed.json"),
      JSON.stringify({ observed: summary, unused }, null, 2),
    );
    const unexplained = unused.filter((u) => !UNUSED_GRANTS_ALLOWED.some((a) => a.matches(u)));
    expect(unexplained).toEqual([]);
    // An allow-list entry that nothing needs any more must go.
    const stale = UNUSED_GRANTS_ALLOWED.filter((a) => !unused.some((u) => a.matches(u))).map((a) => a.key);
    expect(stale).toEqual([]);
  });
});

// The bundles' processes cannot load a module from outside their asset folder (deploy-lambdas.ts),
// so the SDK that answered every scenario is the one each bundle carries.
describe("the SDK that runs is the SDK that was tested", () => {
  it("every function's calls name, in their user agent, the client versions package-lock.json pins", () => {
    const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string }>;
    };
    const seen = new Map<string, string>();
    // the functions, and the fargate tasks (they sign as their task role)
    const callers = [
      ...stack.template.functions().map((fn) => fn.id),
      ...stack.ecs.tasks.map((t) => stack.ecs.taskDefinition(t.taskDefinitionArn).taskRoleId),
    ];
    for (const id of new Set(callers)) {
      const fn = { id };
      const agents = [...(stack.aws.sdkVersions.get(fn.id) ?? [])].filter((a) => a.startsWith("api/"));
      for (const agent of agents) {
        // api/<service id>#<client version>: "secrets-manager" is @aws-sdk/client-secrets-manager.
        const [service, version] = agent.slice("api/".length).split("#") as [string, string];
        const pkg = `@aws-sdk/client-${service}`;
        expect(version, `${fn.id} ran ${pkg}`).toBe(lock.packages[`node_modules/${pkg}`]?.version);
        seen.set(pkg, version);
      }
    }
    // Every client the project uses was seen running (a service the scenarios never call would
    // leave its version unproven).
    expect([...seen.keys()].sort()).toEqual([
      "@aws-sdk/client-cloudwatch-logs",
      "@aws-sdk/client-dynamodb",
      "@aws-sdk/client-ecs",
      "@aws-sdk/client-scheduler",
      "@aws-sdk/client-secrets-manager",
      "@aws-sdk/client-sfn",
      "@aws-sdk/client-sns",
    ]);
    console.info(`SDK the bundles ran: ${[...seen].map(([k, v]) => `${k}@${v}`).join(", ")}`);
  });
});
