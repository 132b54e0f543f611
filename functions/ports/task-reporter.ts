// How an attempt that runs as a task (runtime "fargate") answers the workflow state waiting on it:
// Step Functions' task token in AWS (SendTaskHeartbeat / SendTaskSuccess / SendTaskFailure), the
// local worker step over IPC. The task runner (functions/workflow/task-runner.ts) is the only caller.
import type { Progress, RunCounts, RunSkip } from "#schemas/run.ts";

/** What a task attempt hands back: the RunWorker state's result (ResultPath $.result). */
export type TaskResult = { counts: RunCounts; progress: Progress; ended_at: string; skip?: RunSkip };

/** Thrown by a reporter when the state no longer waits for this task (timed out, execution stopped). */
export class TaskNoLongerWaitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskNoLongerWaited";
  }
}

export interface TaskReporter {
  /** Keeps the state's HeartbeatSeconds from running out. Throws TaskNoLongerWaitedError when it did. */
  heartbeat(): Promise<void>;
  /** Ends the state with `result`. */
  succeeded(result: TaskResult): Promise<void>;
  /** Ends the state with Lambda's error shape: `cause` is `{errorType, errorMessage, trace}` as JSON. */
  failed(error: string, cause: string): Promise<void>;
}
