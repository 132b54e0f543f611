// Issue 15: the ECS adapter of TaskFleet (the sweeper's view of fargate tasks) against a mocked
// ECS client: ListTasks paged, DescribeTasks with tags in batches of 100, the execution_uuid tag,
// StopTask with its reason; and the AWS host wiring it only for the sweeper with a cluster.
import {
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListTasksCommand,
  StopTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DESCRIBE_BATCH, EcsTaskFleet } from "#adapters/ecs-task-fleet.ts";
import { buildAwsApp } from "#lambda/aws-host.ts";
import { ecsTaskFleet } from "#lambda/ecs-fleet.ts";
import { BASE_ENV, SCHEDULING_ENV } from "#test/helpers/lambda-env.ts";

const ecs = mockClient(ECSClient);
const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/jobdeck";
const arn = (i: number) =>
  `arn:aws:ecs:ap-northeast-1:123456789012:task/jobdeck/${String(i).padStart(32, "0")}`;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

function described(i: number, over: Partial<Task> = {}): Task {
  return {
    taskArn: arn(i),
    lastStatus: "RUNNING",
    createdAt: new Date("2026-03-10T08:00:00Z"),
    startedAt: new Date("2026-03-10T08:01:00Z"),
    tags: [
      { key: "jobdeck:execution_uuid", value: uuid(i) },
      { key: "jobdeck:attempt", value: "1" },
    ],
    ...over,
  };
}

beforeEach(() => ecs.reset());
afterEach(() => ecs.reset());

describe("EcsTaskFleet", () => {
  it("lists every page of the cluster's RUNNING tasks and describes them with tags, 100 at a time", async () => {
    const all = Array.from({ length: 230 }, (_, i) => arn(i));
    ecs
      .on(ListTasksCommand)
      .callsFake((input: { nextToken?: string }) =>
        input.nextToken === "p2"
          ? { taskArns: all.slice(150) }
          : { taskArns: all.slice(0, 150), nextToken: "p2" },
      );
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((t) => described(all.indexOf(t))),
    }));
    const tasks = await new EcsTaskFleet(new ECSClient({ region: "ap-northeast-1" }), {
      clusterArn: CLUSTER,
    }).listRunning();
    expect(tasks).toHaveLength(230);
    expect(tasks[7]).toEqual({ id: arn(7), execution_uuid: uuid(7), started_at: "2026-03-10T08:01:00.000Z" });
    const lists = ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input);
    expect(lists).toHaveLength(2);
    expect(lists.every((l) => l.cluster === CLUSTER && l.desiredStatus === "RUNNING")).toBe(true);
    const describes = ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input);
    expect(describes.map((d) => d.tasks?.length)).toEqual([DESCRIBE_BATCH, DESCRIBE_BATCH, 30]);
    expect(describes.every((d) => d.include?.includes("TAGS") && d.cluster === CLUSTER)).toBe(true);
  });

  it("leaves out tasks without the run's tag, and ages a PENDING task from its creation", async () => {
    ecs.on(ListTasksCommand).resolves({ taskArns: [arn(1), arn(2)] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [described(1, { tags: [] }), described(2, { lastStatus: "PENDING", startedAt: undefined })],
    });
    const tasks = await new EcsTaskFleet(new ECSClient({ region: "ap-northeast-1" }), {
      clusterArn: CLUSTER,
    }).listRunning();
    expect(tasks).toEqual([{ id: arn(2), execution_uuid: uuid(2), started_at: "2026-03-10T08:00:00.000Z" }]);
  });

  it("stops a task in the cluster with its reason (bounded), and a task already gone is no error", async () => {
    ecs
      .on(StopTaskCommand)
      .resolvesOnce({})
      .rejectsOnce(
        new InvalidParameterException({ message: "The referenced task was not found.", $metadata: {} }),
      );
    const fleet = new EcsTaskFleet(new ECSClient({ region: "ap-northeast-1" }), { clusterArn: CLUSTER });
    await fleet.stop(arn(1), `jobdeck sweeper: its run ended CANCELLED ${"x".repeat(400)}`);
    await fleet.stop(arn(2), "jobdeck sweeper: its run does not exist");
    const stop = ecs.commandCalls(StopTaskCommand)[0]?.args[0].input;
    expect(stop).toMatchObject({ cluster: CLUSTER, task: arn(1) });
    expect(stop?.reason).toMatch(/^jobdeck sweeper: its run ended CANCELLED/);
    expect(stop?.reason?.length).toBe(255);
  });

  it("other refusals reach the caller (the sweeper logs them)", async () => {
    ecs.on(StopTaskCommand).rejects(new InvalidParameterException({ message: "bad cluster", $metadata: {} }));
    const fleet = new EcsTaskFleet(new ECSClient({ region: "ap-northeast-1" }), { clusterArn: CLUSTER });
    await expect(fleet.stop(arn(1), "r")).rejects.toThrow(/bad cluster/);
  });
});

describe("the sweeper's AWS host", () => {
  const env = { ...BASE_ENV, ...SCHEDULING_ENV };

  it("has a task fleet only with JOBDECK_CLUSTER_ARN (no fargate job, no ECS client)", async () => {
    const without = await buildAwsApp("sweeper", { taskFleet: ecsTaskFleet }, env);
    expect(without.taskFleet).toBeNull();
    const withCluster = await buildAwsApp(
      "sweeper",
      { taskFleet: ecsTaskFleet },
      { ...env, JOBDECK_CLUSTER_ARN: CLUSTER },
    );
    expect(withCluster.taskFleet).toBeInstanceOf(EcsTaskFleet);
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    await withCluster.taskFleet?.listRunning();
    expect(ecs.commandCalls(ListTasksCommand)[0]?.args[0].input.cluster).toBe(CLUSTER);
  });
});
