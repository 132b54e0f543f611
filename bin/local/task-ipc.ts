// The messages between the local fargate runner (bin/local/fargate-runner.ts) and a task's child
// process (bin/local/task-child.ts): over Node's IPC channel in place of Step Functions'
// SendTaskHeartbeat / SendTaskSuccess / SendTaskFailure, plus the child's log lines (the run's log
// in the parent, as CloudWatch Logs holds a task's lines in AWS).
import type { TaskResult } from "#ports/task-reporter.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Child → parent. `token` is the JOBDECK_TASK_TOKEN the child was started with. */
export type ChildMessage =
  | { type: "log"; level: LogLevel; message: string; extra?: Record<string, unknown> }
  | { type: "heartbeat"; id: number; token: string }
  | { type: "succeeded"; id: number; token: string; result: TaskResult }
  | { type: "failed"; id: number; token: string; error: string; cause: string };

/** Parent → child: the answer to a heartbeat / succeeded / failed (`ok: false`: the state no longer waits). */
export type ParentMessage = { type: "ack"; id: number; ok: boolean; reason?: string };

/** The local variables of a task child besides the container's own (functions/config/env-contract.ts "task"). */
export const TASK_CHILD_ENV = {
  /** DynamoDB Local's endpoint (the stack's). */
  endpoint: "JOBDECK_LOCAL_DYNAMODB_ENDPOINT",
  /** Heartbeat spacing (ms); the task runner's 60 s unless a test needs it faster. */
  heartbeatEveryMs: "JOBDECK_LOCAL_HEARTBEAT_EVERY_MS",
  /** Progress write spacing (ms); the spec's 1 s unless a test needs it faster. */
  minProgressWriteMs: "JOBDECK_LOCAL_MIN_PROGRESS_WRITE_MS",
} as const;
