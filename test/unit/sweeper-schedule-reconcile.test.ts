// The AWS reconcile path of schedules (issue 13): the sweeper's Lambda entry, with its kind's
// environment and the AWS clients mocked (aws-sdk-client-mock), makes EventBridge Scheduler follow
// the schedules table — an EventBridge schedule no table row refers to is deleted, a table schedule
// EventBridge lacks is created — and publishes what it repaired as EMF metrics.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { SFNClient } from "@aws-sdk/client-sfn";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SCHEDULE_RECONCILE_MARKER, SCHEDULE_SYNC_METRICS } from "#domain/schedules/schedule-sync.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { aSchedule } from "#test/helpers/builders.ts";
import { BASE_ENV, SCHEDULING_ENV, SM_ARNS } from "#test/helpers/lambda-env.ts";

const ddb = mockClient(DynamoDBDocumentClient);
const rawDdb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const scheduler = mockClient(SchedulerClient);
const ecs = mockClient(ECSClient);

/** The sweeper kind's environment (functions/config/env-contract.ts), as CDK sets it. */
const SWEEPER_ENV = { ...BASE_ENV, POWERTOOLS_METRICS_NAMESPACE: "jobdeck", ...SCHEDULING_ENV };

const notFound = () =>
  new ResourceNotFoundException({ message: "not found", Message: "not found", $metadata: {} });

/** EventBridge Scheduler as the mocked client sees it: schedules of the group by name. */
const eb = new Map<string, Record<string, unknown>>();
/** The control table's schedule items and markers. */
let table: Schedule[];
let markers: Map<string, string>;

/** EMF records written to stdout (Powertools Metrics), one parsed object per line. */
function captureEmf(): () => Record<string, unknown>[] {
  const chunks: string[] = [];
  const write = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(write);
  vi.spyOn(process.stderr, "write").mockImplementation(write);
  vi.spyOn(console, "log").mockImplementation((line: unknown) => chunks.push(`${String(line)}\n`));
  return () =>
    chunks
      .join("")
      .split("\n")
      .filter((l) => l.trim().startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r._aws !== undefined);
}

beforeEach(() => {
  vi.resetModules();
  for (const m of [ddb, rawDdb, sfn, scheduler, ecs]) m.reset();
  for (const [k, v] of Object.entries(SWEEPER_ENV)) vi.stubEnv(k, v);
  eb.clear();
  markers = new Map();
  table = [];

  ddb.on(GetCommand).callsFake((input: { Key: { pk: string; sk: string } }) => {
    if (input.Key.pk === "MARKER" && markers.has(input.Key.sk))
      return { Item: { pk: "MARKER", sk: input.Key.sk, value: markers.get(input.Key.sk) } };
    if (input.Key.pk === "SCHEDULE") {
      const s = table.find((x) => x.id === input.Key.sk);
      return s ? { Item: { pk: "SCHEDULE", sk: s.id, ...s } } : {};
    }
    return {};
  });
  ddb
    .on(QueryCommand)
    .callsFake((input: { ExpressionAttributeValues?: Record<string, unknown> }) =>
      input.ExpressionAttributeValues?.[":pk"] === "SCHEDULE"
        ? { Items: table.map((s) => ({ pk: "SCHEDULE", sk: s.id, ...s })) }
        : { Items: [] },
    );
  ddb.on(BatchGetCommand).resolves({ Responses: {} });
  ddb.on(PutCommand).callsFake((input: { Item: { pk: string; sk: string; value?: string } }) => {
    if (input.Item.pk === "MARKER") markers.set(input.Item.sk, String(input.Item.value));
    return {};
  });

  scheduler.on(ListSchedulesCommand).callsFake(() => ({
    Schedules: [...eb.keys()].map((Name) => ({ Name, GroupName: "jobdeck" })),
  }));
  scheduler.on(GetScheduleCommand).callsFake((input: { Name: string }) => {
    const s = eb.get(input.Name);
    if (!s) throw notFound();
    return s;
  });
  scheduler.on(CreateScheduleCommand).callsFake((input: { Name: string }) => {
    eb.set(input.Name, { ...input });
    return { ScheduleArn: `arn:aws:scheduler:ap-northeast-1:123456789012:schedule/jobdeck/${input.Name}` };
  });
  scheduler.on(UpdateScheduleCommand).callsFake((input: { Name: string }) => {
    if (!eb.has(input.Name)) throw notFound();
    eb.set(input.Name, { ...input });
    return { ScheduleArn: `arn:${input.Name}` };
  });
  scheduler.on(DeleteScheduleCommand).callsFake((input: { Name: string }) => {
    if (!eb.delete(input.Name)) throw notFound();
    return {};
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A schedule of a registered job, changed just now (so that no fire of it is missed yet). */
const tableSchedule = (over: Partial<Schedule> = {}) => {
  const now = new Date().toISOString();
  return aSchedule({ job_name: "recap.pipeline", created_at: now, updated_at: now, ...over });
};

describe("sweeper: EventBridge follows the table (AWS reconcile path)", () => {
  it("deletes an EventBridge schedule with no table row and creates a table schedule EventBridge lacks, and counts both", async () => {
    const kept = tableSchedule({ id: "sch-missing-in-eb" });
    table = [kept];
    // Left by a create whose table write failed (or a hand-made schedule of the group with our prefix).
    eb.set("jd-sch-orphan", {
      Name: "jd-sch-orphan",
      GroupName: "jobdeck",
      ScheduleExpression: "rate(5 minutes)",
    });
    // Not ours: another prefix in the same group is never touched.
    eb.set("other-thing", { Name: "other-thing", GroupName: "jobdeck" });

    const emf = captureEmf();
    const { handler } = await import("#lambda/events/run-sweeper-function.ts");
    const result = await handler({});

    expect(result.schedules).toEqual({ created: 1, updated: 0, deleted: 1, failed: 0 });
    expect([...eb.keys()].sort()).toEqual(["jd-sch-missing-in-eb", "other-thing"]);
    const creates = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({
      Name: "jd-sch-missing-in-eb",
      GroupName: "jobdeck",
      State: "ENABLED",
      Target: { Arn: SM_ARNS["recap.pipeline"], RoleArn: SWEEPER_ENV.SCHEDULER_ROLE_ARN },
    });
    expect(JSON.parse(String(creates[0]?.Target?.Input))).toMatchObject({ schedule_id: kept.id });
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "jd-sch-orphan", GroupName: "jobdeck" },
    ]);
    // The pass is recorded: the next sweeps within the interval do not reconcile again.
    expect(markers.get(SCHEDULE_RECONCILE_MARKER)).toBeDefined();

    const records = emf();
    const { repaired, failed, changeDimension } = SCHEDULE_SYNC_METRICS;
    const total = records.find((r) => r[repaired] !== undefined && r[changeDimension] === undefined);
    expect(total).toMatchObject({ [repaired]: 2, [failed]: 0 });
    const byChange = Object.fromEntries(
      records.filter((r) => r[changeDimension] !== undefined).map((r) => [r[changeDimension], r[repaired]]),
    );
    expect(byChange).toEqual({ created: 1, updated: 0, deleted: 1 });
    const dims = (r: Record<string, unknown>) =>
      (r._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0];
    // The total has no dimension (the alarm's series, as MissedFires); the others the `change` one.
    expect(dims(total!)?.Namespace).toBe("jobdeck");
    expect(dims(total!)?.Dimensions.flat()).toEqual([]);
    const created = records.find((r) => r[changeDimension] === "created")!;
    expect(dims(created)?.Dimensions).toEqual([[changeDimension]]);
    // The sweep's own metrics are still published on every run.
    expect(records.some((r) => r.MissedFires === 0 && r.SweptRuns === 0)).toBe(true);
  });

  it("puts a drifted EventBridge schedule back to what the table says", async () => {
    const s = tableSchedule({ id: "sch-drifted", enabled: true });
    table = [s];
    captureEmf();
    const { handler } = await import("#lambda/events/run-sweeper-function.ts");
    await handler({}); // creates it
    // Someone disables it in the console.
    eb.set("jd-sch-drifted", { ...eb.get("jd-sch-drifted"), State: "DISABLED" });
    markers.clear();
    const result = await handler({});
    expect(result.schedules).toEqual({ created: 0, updated: 1, deleted: 0, failed: 0 });
    expect(eb.get("jd-sch-drifted")?.State).toBe("ENABLED");
  });

  it("reconciles once per interval: a sweep soon after a pass makes no Scheduler call", async () => {
    table = [tableSchedule()];
    markers.set(SCHEDULE_RECONCILE_MARKER, new Date(Date.now() - 60_000).toISOString());
    captureEmf();
    const { handler } = await import("#lambda/events/run-sweeper-function.ts");
    const result = await handler({});
    expect(result.schedules).toBeNull();
    expect(scheduler.calls()).toHaveLength(0);
  });

  it("counts a pass that fails and leaves its marker, so the next sweep tries again; the sweep itself is unaffected", async () => {
    table = [tableSchedule()];
    scheduler.on(ListSchedulesCommand).rejects(
      Object.assign(new Error("User is not authorized to perform: scheduler:ListSchedules"), {
        name: "AccessDeniedException",
      }),
    );
    const emf = captureEmf();
    const { handler } = await import("#lambda/events/run-sweeper-function.ts");
    const result = await handler({});
    expect(result).toMatchObject({ ended: 0, missed: 0 });
    expect(result.schedules).toEqual({ created: 0, updated: 0, deleted: 0, failed: 1 });
    expect(markers.has(SCHEDULE_RECONCILE_MARKER)).toBe(false);
    const total = emf().find((r) => r[SCHEDULE_SYNC_METRICS.failed] !== undefined);
    expect(total).toMatchObject({ [SCHEDULE_SYNC_METRICS.failed]: 1, [SCHEDULE_SYNC_METRICS.repaired]: 0 });
  });

  it("still reconciles when the sweep fails, then reports the sweep's failure", async () => {
    const s = tableSchedule({ id: "sch-after-failed-sweep" });
    table = [s];
    // The runs index cannot be read: the sweep fails, the schedules table still answers.
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues?: Record<string, unknown> }) => {
      if (input.ExpressionAttributeValues?.[":pk"] === "SCHEDULE")
        return { Items: table.map((x) => ({ pk: "SCHEDULE", sk: x.id, ...x })) };
      throw Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" });
    });
    captureEmf();
    const { handler } = await import("#lambda/events/run-sweeper-function.ts");
    await expect(handler({})).rejects.toThrow(/Requested resource not found/);
    expect([...eb.keys()]).toEqual(["jd-sch-after-failed-sweep"]);
  });
});

describe("sweeper: orphaned fargate tasks (issue 15, AWS path)", () => {
  const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/jobdeck";
  const TASK = "arn:aws:ecs:ap-northeast-1:123456789012:task/jobdeck/0123456789abcdef0123456789abcdef";

  it("with JOBDECK_CLUSTER_ARN, stops a task whose run is gone and counts it in StoppedOrphanTasks", async () => {
    vi.stubEnv("JOBDECK_CLUSTER_ARN", CLUSTER);
    markers.set(SCHEDULE_RECONCILE_MARKER, new Date().toISOString());
    ecs.on(ListTasksCommand).resolves({ taskArns: [TASK] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: TASK,
          startedAt: new Date(Date.now() - 10 * 60_000),
          tags: [{ key: "jobdeck:execution_uuid", value: "00000000-0000-4000-8000-00000000ab01" }],
        },
      ],
    });
    ecs.on(StopTaskCommand).resolves({});
    const emf = captureEmf();
    const { handler } = await import("#lambda/events/run-sweeper-function.ts");
    const result = await handler({});
    expect(result.stopped).toBe(1);
    expect(ecs.commandCalls(StopTaskCommand)[0]?.args[0].input).toMatchObject({
      cluster: CLUSTER,
      task: TASK,
      reason: expect.stringMatching(/its run does not exist/),
    });
    expect(emf().some((r) => r.StoppedOrphanTasks === 1)).toBe(true);
  });

  it("without a cluster (no fargate job) it makes no ECS call and publishes no task metric", async () => {
    markers.set(SCHEDULE_RECONCILE_MARKER, new Date().toISOString());
    const emf = captureEmf();
    const { handler } = await import("#lambda/events/run-sweeper-function.ts");
    const result = await handler({});
    expect(result.stopped).toBe(0);
    expect(ecs.calls()).toHaveLength(0);
    expect(emf().some((r) => r.StoppedOrphanTasks !== undefined)).toBe(false);
  });
});
