// The local stand-in of ECS for fargate jobs (issue 15): the RunWorker state of a fargate job
// (`arn:aws:states:::ecs:runTask.sync`) comes here with its effective RunTask request (Parameters
// evaluated: the container override's JOBDECK_RUN and task token, the execution_uuid tag), and the
// task runs as a separate Node process (bin/local/task-child.ts). What Step Functions and ECS do
// around a task, this does around the child:
// - the child's heartbeat / success / failure arrive over IPC in place of SendTask*;
// - a watchdog enforces the state's HeartbeatSeconds (→ States.HeartbeatTimeout, the task stopped);
// - the state's TimeoutSeconds (the interpreter enforces it; the child is stopped then);
// - a stopped execution (cancel) stops the task: SIGTERM, SIGKILL after the job's stop timeout;
// - a child that exits without reporting fails the state with States.TaskFailed and an ECS-shaped
//   Cause (the DescribeTasks task: exit code 137 for SIGKILL, the signal in the reasons), so one
//   summary code reads both hosts.
// It is also the local TaskFleet (the sweeper's view of running tasks).
import { type ChildProcess, fork } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { JobDefinition, JobLogger } from "#domain/jobs/job-definition.ts";
import type { RunningTask, TaskFleet } from "#ports/task-fleet.ts";
import type { TaskResult } from "#ports/task-reporter.ts";
import { EXECUTION_UUID_TAG, FARGATE_CONTAINER_NAME } from "#workflow/run-job-asl.ts";
import type { LocalTaskState } from "./asl-workflow.ts";
import { PROJECT_ROOT } from "./project-root.ts";
import { type ChildMessage, type ParentMessage, TASK_CHILD_ENV } from "./task-ipc.ts";

export const TASK_CHILD_ENTRY = join(PROJECT_ROOT, "bin", "local", "task-child.ts");

/** The local TaskDefinitionArn of a job (a definition substitution): the runner reads the job back from it. */
export const localTaskDefinition = (jobName: string) => `local:task-definition:${jobName}`;

/** What the runner reads of the RunTask request (ECS's PascalCase, as the state's Parameters write it). */
export type RunTaskRequest = {
  TaskDefinition?: string;
  Overrides?: { ContainerOverrides?: { Name?: string; Environment?: { Name: string; Value: string }[] }[] };
  Tags?: { Key: string; Value: string }[];
};

export type LocalFargateOptions = {
  /** The jobs the stack runs (the task definition names one). */
  job(name: string): JobDefinition;
  /** What the host adds to the container's environment: DynamoDB Local, tables, region, the job's tables. */
  hostEnv(job: JobDefinition): Record<string, string>;
  /** The stack's logger (the run log keeps the lines that carry an execution_uuid). */
  logger: JobLogger;
  /** Test knobs: the child's heartbeat spacing (ms), the watchdog's limit (s) and the stop timeout (s). */
  heartbeatEveryMs?: number;
  heartbeatSeconds?: number;
  stopTimeoutSeconds?: number;
  /** The child's progress write spacing (ms). */
  minProgressWriteMs?: number;
  /** The child's entry (tests may start another script). */
  entry?: string;
};

/** An error as Step Functions names it in the state's `{Error, Cause}`: the interpreter reads name and message. */
export function stateError(error: string, cause: string): Error {
  return Object.assign(new Error(cause), { name: error });
}

/** Exit code of a process ended by `signal` the way a container reports it (128 + signal number). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  const n = signal ? constants.signals[signal] : undefined;
  return n === undefined ? null : 128 + n;
}

/** The Cause of States.TaskFailed for a stopped task: ECS DescribeTasks' task, as Step Functions puts it. */
export function stoppedTaskCause(
  taskArn: string,
  exit: { code: number | null; signal: NodeJS.Signals | null },
  stoppedBy: string | null,
): string {
  const exitCode = exitCodeOf(exit.code, exit.signal);
  const reason = exit.signal
    ? `process killed by ${exit.signal} (exit code ${exitCode})`
    : `process exited with code ${exitCode}`;
  return JSON.stringify({
    TaskArn: taskArn,
    LastStatus: "STOPPED",
    StopCode: stoppedBy ? "UserInitiated" : "EssentialContainerExited",
    StoppedReason: stoppedBy ?? `Essential container in task exited: ${reason}`,
    Containers: [{ Name: FARGATE_CONTAINER_NAME, ExitCode: exitCode, Reason: reason }],
  });
}

type Child = {
  id: string;
  pid: number;
  executionUuid: string;
  startedAt: string;
  proc: ChildProcess;
  stopTimeoutMs: number;
  exited: Promise<void>;
  /** Why the runner stopped it (null: it exited by itself or was killed from outside). */
  stoppedBy: string | null;
};

export class LocalFargateRunner implements TaskFleet {
  private readonly children = new Map<string, Child>();

  constructor(private readonly opts: LocalFargateOptions) {}

  /** The RunWorker state's local handler: resolves with the task's result, rejects as the state fails. */
  runTask(request: RunTaskRequest, signal: AbortSignal, state: LocalTaskState): Promise<TaskResult> {
    const jobName = (request.TaskDefinition ?? "").replace(/^local:task-definition:/, "");
    const job = this.opts.job(jobName);
    const override = request.Overrides?.ContainerOverrides?.find((c) => c.Name === FARGATE_CONTAINER_NAME);
    const containerEnv = Object.fromEntries((override?.Environment ?? []).map((e) => [e.Name, e.Value]));
    const executionUuid = request.Tags?.find((t) => t.Key === EXECUTION_UUID_TAG)?.Value ?? "unknown";
    const token = containerEnv.JOBDECK_TASK_TOKEN ?? "";
    const logger = this.opts.logger;
    const heartbeatMs = (this.opts.heartbeatSeconds ?? state.definition.HeartbeatSeconds ?? 0) * 1000;
    const timeoutMs = (state.definition.TimeoutSeconds ?? 0) * 1000;
    const stopTimeoutMs = (this.opts.stopTimeoutSeconds ?? job.fargate?.stop_timeout_seconds ?? 30) * 1000;
    const knobs: Record<string, string> = {};
    if (this.opts.heartbeatEveryMs !== undefined)
      knobs[TASK_CHILD_ENV.heartbeatEveryMs] = String(this.opts.heartbeatEveryMs);
    if (this.opts.minProgressWriteMs !== undefined)
      knobs[TASK_CHILD_ENV.minProgressWriteMs] = String(this.opts.minProgressWriteMs);

    const proc = fork(this.opts.entry ?? TASK_CHILD_ENTRY, [], {
      cwd: PROJECT_ROOT,
      execArgv: ["--import", "tsx"],
      env: {
        ...process.env,
        ...this.opts.hostEnv(job),
        ...knobs,
        JOBDECK_JOB_NAME: job.name,
        ...containerEnv,
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });

    return new Promise<TaskResult>((resolve, reject) => {
      let settled = false;
      let watchdog: NodeJS.Timeout | null = null;
      let budget: NodeJS.Timeout | null = null;
      const settle = (outcome: { result: TaskResult } | { error: Error }) => {
        if (settled) return;
        settled = true;
        if (watchdog) clearTimeout(watchdog);
        if (budget) clearTimeout(budget);
        signal.removeEventListener("abort", onAbort);
        if ("result" in outcome) resolve(outcome.result);
        else reject(outcome.error);
      };
      const pid = proc.pid;
      if (pid === undefined) {
        proc.once("error", (e) =>
          settle({ error: stateError("States.TaskFailed", `task did not start: ${e.message}`) }),
        );
        return;
      }
      const id = `local:pid:${pid}`;
      let exitedResolve = () => {};
      const child: Child = {
        id,
        pid,
        executionUuid,
        startedAt: new Date().toISOString(),
        proc,
        stopTimeoutMs,
        exited: new Promise<void>((r) => {
          exitedResolve = r;
        }),
        stoppedBy: null,
      };
      this.children.set(id, child);
      const fields = { execution_uuid: executionUuid, job_name: job.name, pid, task_id: id };
      logger.info("task process started", fields);

      const armWatchdog = () => {
        if (heartbeatMs <= 0 || settled) return;
        if (watchdog) clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          const cause = `no heartbeat from task ${id} for ${heartbeatMs / 1000} s (HeartbeatSeconds)`;
          logger.warn("task heartbeat timed out: stopping the task", {
            ...fields,
            heartbeat_seconds: heartbeatMs / 1000,
          });
          settle({ error: stateError("States.HeartbeatTimeout", cause) });
          void this.stopChild(child, "Task heartbeat timed out (HeartbeatSeconds)");
        }, heartbeatMs);
      };
      armWatchdog();
      if (timeoutMs > 0)
        budget = setTimeout(() => {
          settle({
            error: stateError("States.Timeout", `task ${id} ran past the state's ${timeoutMs / 1000} s`),
          });
          void this.stopChild(child, "Task timed out (TimeoutSeconds)");
        }, timeoutMs);
      const onAbort = () => {
        settle({ error: stateError("States.Aborted", "the execution was stopped") });
        void this.stopChild(child, "Execution stopped (StopExecution)");
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });

      const answer = (m: ParentMessage) => {
        if (proc.connected) proc.send(m, () => {});
      };
      proc.on("message", (m: ChildMessage) => {
        if (m?.type === "log") {
          const log = logger[m.level] ?? logger.info;
          log.call(logger, m.message, { ...fields, ...m.extra });
          return;
        }
        if (!m || !("id" in m)) return;
        if (m.token !== token)
          return answer({ type: "ack", id: m.id, ok: false, reason: "Invalid task token" });
        if (settled)
          return answer({
            type: "ack",
            id: m.id,
            ok: false,
            reason: "Task timed out or the execution was stopped",
          });
        if (m.type === "heartbeat") armWatchdog();
        else if (m.type === "succeeded") settle({ result: m.result });
        else if (m.type === "failed") settle({ error: stateError(m.error, m.cause) });
        answer({ type: "ack", id: m.id, ok: true });
      });
      // Whatever the child writes outside its logger (a crash's stack) lands in the run's log too.
      for (const [stream, level] of [
        [proc.stdout, "info"],
        [proc.stderr, "warn"],
      ] as const) {
        if (!stream) continue;
        createInterface({ input: stream }).on("line", (line) => {
          if (line.trim()) logger[level]("task output", { ...fields, line: line.slice(0, 2000) });
        });
      }
      proc.on("error", (e) => logger.warn("task process error", { ...fields, error: e.message }));
      proc.once("exit", (code, sig) => {
        this.children.delete(id);
        const exitCode = exitCodeOf(code, sig);
        logger.info("task process exited", { ...fields, exit_code: exitCode, signal: sig });
        settle({
          error: stateError(
            "States.TaskFailed",
            stoppedTaskCause(id, { code, signal: sig }, child.stoppedBy),
          ),
        });
        exitedResolve();
      });
    });
  }

  /** SIGTERM, then SIGKILL after the stop timeout (ECS StopTask); resolves once the process is gone. */
  private async stopChild(child: Child, reason: string, waitMs = child.stopTimeoutMs): Promise<void> {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
    child.stoppedBy ??= reason;
    child.proc.kill("SIGTERM");
    const kill = setTimeout(() => child.proc.kill("SIGKILL"), waitMs);
    await child.exited;
    clearTimeout(kill);
  }

  async listRunning(): Promise<RunningTask[]> {
    return [...this.children.values()].map((c) => ({
      id: c.id,
      execution_uuid: c.executionUuid,
      started_at: c.startedAt,
    }));
  }

  async stop(id: string, reason: string): Promise<void> {
    const child = this.children.get(id);
    if (child) await this.stopChild(child, reason);
  }

  /** The pids of the children still running. */
  pids(): number[] {
    return [...this.children.values()].map((c) => c.pid);
  }

  /** Stops every child (the stack stopping): SIGKILL after `maxWaitMs` at most; resolves once all are gone. */
  async stopAll(reason: string, maxWaitMs: number): Promise<void> {
    await Promise.all(
      [...this.children.values()].map((c) => this.stopChild(c, reason, Math.min(c.stopTimeoutMs, maxWaitMs))),
    );
  }
}
