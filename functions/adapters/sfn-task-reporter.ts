// TaskReporter on Step Functions (issue 15): a fargate job's task answers the RunWorker state
// (ecs:runTask.sync) through the task token its container override carries. SendTaskHeartbeat
// keeps HeartbeatSeconds from running out; SendTaskSuccess ends the state with the job's result
// ($.result); SendTaskFailure with Lambda's error shape, so the workflow reads both hosts alike.
//
// - The state no longer waits (its heartbeat or budget ran out, the execution was stopped by a
//   cancel, the token is wrong): TaskTimedOut / TaskDoesNotExist / InvalidToken become
//   TaskNoLongerWaitedError, which stops the job. Throttling and 5xx are retried by the SDK.
// - SendTaskSuccess takes at most 256 KiB of output, and the output becomes part of the
//   execution's state (also 256 KiB in all): a result past RESULT_BUDGET_BYTES has its progress
//   items trimmed (the counts are never touched), and says so in a log line.
// - SendTaskFailure takes an error of 256 characters and a cause of 32768: both are bounded, and
//   secrets masked as the Lambda path does (run-attempts.ts).
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { maskSecrets } from "#domain/runs/run-attempts.ts";
import { TaskNoLongerWaitedError, type TaskReporter, type TaskResult } from "#ports/task-reporter.ts";

/** SendTaskSuccess `output`: 262144 bytes of UTF-8 at most. */
export const SEND_TASK_SUCCESS_MAX_BYTES = 262_144;
/**
 * What the result may take: the output lands at $.result of a state that also holds the run's
 * input and context (each under ECS's 8 KiB override limit), so it keeps room for them.
 */
export const RESULT_BUDGET_BYTES = SEND_TASK_SUCCESS_MAX_BYTES - 32 * 1024;
/** SendTaskFailure: `error` up to 256 characters, `cause` up to 32768. */
export const MAX_ERROR = 256;
export const MAX_CAUSE = 32_768;

/** Step Functions' answers that mean the state is no longer waiting for this token. */
const NO_LONGER_WAITED = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

function errorName(err: unknown): string | undefined {
  const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : undefined;
}

/**
 * The result as SendTaskSuccess output within `budget` bytes: unchanged when it fits; else with
 * the fewest progress items dropped (from the end) that make it fit, then without stages' detail.
 */
export function fitResult(
  result: TaskResult,
  budget = RESULT_BUDGET_BYTES,
): { output: string; droppedItems: number } {
  const whole = JSON.stringify(result);
  if (bytes(whole) <= budget) return { output: whole, droppedItems: 0 };
  const items = result.progress?.items ?? [];
  const withItems = (n: number) =>
    JSON.stringify({ ...result, progress: { ...result.progress, items: items.slice(0, n) } });
  // Binary search for the most items that fit.
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytes(withItems(mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  const trimmed = withItems(lo);
  if (bytes(trimmed) <= budget) return { output: trimmed, droppedItems: items.length - lo };
  // Still too large (stages or a message of that size): the counts alone still end the run right.
  const bare = JSON.stringify({
    ...result,
    progress: { ...result.progress, items: [], stages: [], message: null, message_params: null },
  });
  return { output: bare, droppedItems: items.length };
}

/** A Lambda-shaped cause within `max` characters: the message shortened first, the JSON kept whole. */
export function boundedCause(cause: string, max = MAX_CAUSE): string {
  const masked = maskSecrets(cause);
  if (masked.length <= max) return masked;
  try {
    const parsed = JSON.parse(masked) as { errorType?: unknown; errorMessage?: unknown; trace?: unknown };
    if (parsed && typeof parsed === "object") {
      const trace = Array.isArray(parsed.trace)
        ? parsed.trace.slice(0, 6).map((l) => String(l).slice(0, 300))
        : [];
      const base = JSON.stringify({ ...parsed, errorMessage: "", trace });
      const room = Math.max(0, max - base.length - 64);
      const message = String(parsed.errorMessage ?? "");
      const shortened = {
        ...parsed,
        errorMessage: message.slice(0, room) + (message.length > room ? "…" : ""),
        trace,
      };
      const out = JSON.stringify(shortened);
      if (out.length <= max) return out;
    }
  } catch {
    // plain text: cut below
  }
  return `${masked.slice(0, max - 1)}…`;
}

export class SfnTaskReporter implements TaskReporter {
  constructor(
    private readonly client: SFNClient,
    private readonly taskToken: string,
    private readonly logger: Pick<JobLogger, "info" | "warn">,
  ) {}

  private async send<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const name = errorName(err);
      if (name && NO_LONGER_WAITED.has(name)) {
        throw new TaskNoLongerWaitedError(
          `${what}: Step Functions no longer waits for this task (${name}: ${(err as Error).message})`,
        );
      }
      throw err;
    }
  }

  async heartbeat(): Promise<void> {
    await this.send("SendTaskHeartbeat", () =>
      this.client.send(new SendTaskHeartbeatCommand({ taskToken: this.taskToken })),
    );
  }

  async succeeded(result: TaskResult): Promise<void> {
    const { output, droppedItems } = fitResult(result);
    if (droppedItems > 0) {
      this.logger.warn("the result was trimmed to fit SendTaskSuccess: progress items dropped", {
        dropped_items: droppedItems,
        kept_bytes: bytes(output),
        limit_bytes: RESULT_BUDGET_BYTES,
      });
    }
    await this.send("SendTaskSuccess", () =>
      this.client.send(new SendTaskSuccessCommand({ taskToken: this.taskToken, output })),
    );
  }

  async failed(error: string, cause: string): Promise<void> {
    await this.send("SendTaskFailure", () =>
      this.client.send(
        new SendTaskFailureCommand({
          taskToken: this.taskToken,
          error: maskSecrets(error).slice(0, MAX_ERROR),
          cause: boundedCause(cause),
        }),
      ),
    );
  }
}
