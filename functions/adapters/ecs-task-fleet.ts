// TaskFleet on Amazon ECS (issue 15): the running tasks of fargate jobs in the jobdeck cluster, by
// the run their `jobdeck:execution_uuid` tag names (the RunWorker state tags each task it starts),
// and StopTask for the sweeper. ListTasks answers 100 ARNs a page and DescribeTasks takes 100 at
// a time; throttling and 5xx are retried by the SDK's standard retry.
import {
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  StopTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import type { RunningTask, TaskFleet } from "#ports/task-fleet.ts";
import { EXECUTION_UUID_TAG } from "#workflow/run-job-asl.ts";

/** DescribeTasks: at most 100 tasks per call. */
export const DESCRIBE_BATCH = 100;
/** StopTask's `reason`: up to 255 characters. */
const MAX_REASON = 255;

export type EcsTaskFleetConfig = { clusterArn: string };

function errorName(err: unknown): string | undefined {
  const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : undefined;
}

export class EcsTaskFleet implements TaskFleet {
  constructor(
    private readonly client: ECSClient,
    private readonly config: EcsTaskFleetConfig,
  ) {}

  async listRunning(): Promise<RunningTask[]> {
    const cluster = this.config.clusterArn;
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListTasksCommand({ cluster, desiredStatus: "RUNNING", nextToken, maxResults: 100 }),
      );
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const out: RunningTask[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
      const { tasks } = await this.client.send(
        new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_BATCH), include: ["TAGS"] }),
      );
      for (const task of tasks ?? []) {
        const running = runningTask(task);
        if (running) out.push(running);
      }
    }
    return out;
  }

  async stop(id: string, reason: string): Promise<void> {
    try {
      await this.client.send(
        new StopTaskCommand({
          cluster: this.config.clusterArn,
          task: id,
          reason: reason.slice(0, MAX_REASON),
        }),
      );
    } catch (err) {
      // Gone meanwhile (stopped, or expired from ECS's memory): nothing left to stop.
      if (errorName(err) === "InvalidParameterException" && /not found/i.test(String((err as Error).message)))
        return;
      throw err;
    }
  }
}

/**
 * A described task as the sweeper sees it; null for a task without the tag (not started by a
 * RunWorker state: left alone). Its age is from when it started, else when it was created (a task
 * still PENDING, e.g. pulling its image, has no startedAt yet).
 */
export function runningTask(task: Task): RunningTask | null {
  const uuid = task.tags?.find((t) => t.key === EXECUTION_UUID_TAG)?.value;
  if (!task.taskArn || !uuid) return null;
  const since = task.startedAt ?? task.createdAt;
  return { id: task.taskArn, execution_uuid: uuid, started_at: since ? since.toISOString() : null };
}
