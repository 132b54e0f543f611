// The pieces of a fargate job's container entry (task-main.ts), testable without ECS (issue 15):
// the run from JOBDECK_RUN checked, the task's place from ECS's task metadata endpoint (its ARN,
// cluster and log stream, as links on the run page), SIGTERM turned into the job's cancellation,
// and the attempt run and reported through Step Functions' task token (sfn-task-reporter.ts).
//
// Exit: 0 once the outcome was reported (SendTaskSuccess / SendTaskFailure accepted, or the state
// no longer waiting for it), non-zero when reporting failed: Step Functions then reads the
// container's exit from ECS and fails the state with the task's description.
//
// Cancel: a cancel marks the run CANCELLED and stops the execution. For a Task state waiting in
// ecs:runTask.sync, stopping the execution makes Step Functions stop the task it started (the
// integration's IAM policy grants Step Functions ecs:StopTask, "You can only stop Amazon ECS tasks
// that were started by Step Functions": Step Functions developer guide, "IAM policies for Amazon
// ECS/AWS Fargate", Run a Job (.sync)); StopTask is ECS's SIGTERM, then SIGKILL after the task's
// stop timeout. Whatever stops the task, the run worker's own status watch (worker-handler.ts)
// also aborts the job within CANCEL_POLL_MS of the run leaving RUNNING, a heartbeat answered
// TaskTimedOut does too, and the sweeper stops a task whose run has ended.
import { SFNClient } from "@aws-sdk/client-sfn";
import * as z from "zod/mini";
import { SfnTaskReporter } from "#adapters/sfn-task-reporter.ts";
import { JobCancelledError } from "#domain/runs/job-attempt.ts";
import { lambdaCause } from "#domain/runs/run-attempts.ts";
import type { RunContext } from "#domain/runs/workflow-state.ts";
import type { TaskReporter } from "#ports/task-reporter.ts";
import type { RunTask } from "#schemas/run.ts";
import { FARGATE_CONTAINER_NAME } from "#workflow/run-job-asl.ts";
import { runTaskAttempt } from "#workflow/task-runner.ts";
import { type AwsApp, awsApp } from "../aws-host.ts";

/** The run a task was given is unusable (not JSON, not a run, another job's). */
export class RunContextError extends Error {
  override name = "InvalidRunContext";
}

const text = z.string().check(z.minLength(1));
const count = z.number().check(z.int(), z.minimum(1));

/** The workflow's `$.run` (functions/domain/runs/workflow-state.ts), as the container receives it. */
const RunContextSchema = z.object({
  execution_uuid: text,
  job_name: text,
  concurrency_key: text,
  params: z.record(z.string(), z.unknown()),
  attempt: count,
  max_attempts: count,
  timeout_seconds: count,
  proceed: z.boolean(),
  execution_policy: z.enum(["skip", "queue", "allow"]),
  queue_timeout_seconds: z.number().check(z.minimum(0)),
  queued_at: text,
  attempt_started_at: z.optional(text),
  scheduled_for: z.optional(text),
});

/**
 * JOBDECK_RUN read and checked: a run of this task's own job (JOBDECK_JOB_NAME), like a worker's
 * assertOwnJob: a run of another job means the state machine is miswired.
 */
export function parseRunContext(raw: string, jobName: string | null): RunContext {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new RunContextError(
      `jobdeck: JOBDECK_RUN is not JSON (${(e as Error).message}); the RunWorker state sets it to ` +
        "States.JsonToString($.run)",
    );
  }
  const parsed = RunContextSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(run)"} ${i.message}`);
    throw new RunContextError(`jobdeck: JOBDECK_RUN is not a run context: ${problems.join("; ")}`);
  }
  const run = parsed.data as RunContext;
  if (run.job_name !== jobName) {
    throw new RunContextError(
      `jobdeck: this task runs job '${jobName}' (JOBDECK_JOB_NAME) and refuses a run of job ` +
        `'${run.job_name}' (execution_uuid ${run.execution_uuid}); check the state machine's task definition`,
    );
  }
  return run;
}

export type TaskPlace = Pick<RunTask, "id" | "pid" | "console_url" | "log_stream_url">;

type MetadataContainer = { Name?: string; LogDriver?: string; LogOptions?: Record<string, string> };
type TaskMetadata = { Cluster?: string; TaskARN?: string; Containers?: MetadataContainer[] };

/** CloudWatch's console writes a log group or stream in its URL fragment encoded twice, `%` as `$`. */
const consolePart = (s: string) => encodeURIComponent(encodeURIComponent(s)).replace(/%/g, "$");

/**
 * Where this task runs, from ECS's task metadata endpoint v4 (`${uri}/task`): its ARN, the ECS
 * console page of the task, and the CloudWatch console page of the job container's log stream.
 */
export async function readTaskMetadata(
  uri: string,
  region: string,
  fetchImpl: typeof fetch = fetch,
): Promise<TaskPlace> {
  const res = await fetchImpl(`${uri.replace(/\/+$/, "")}/task`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`task metadata endpoint answered ${res.status}`);
  const meta = (await res.json()) as TaskMetadata;
  const arn = meta.TaskARN;
  if (!arn) throw new Error("task metadata has no TaskARN");
  const taskId = arn.split("/").pop() ?? arn;
  const cluster = (meta.Cluster ?? arn.split("/").at(-2) ?? "").split("/").pop() ?? "";
  const containers = meta.Containers ?? [];
  const own =
    containers.find((c) => c.Name === FARGATE_CONTAINER_NAME) ?? containers.find((c) => c.LogOptions);
  const group = own?.LogOptions?.["awslogs-group"];
  const stream = own?.LogOptions?.["awslogs-stream"];
  const logRegion = own?.LogOptions?.["awslogs-region"] ?? region;
  return {
    id: arn,
    pid: null,
    console_url: cluster
      ? `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/tasks/${encodeURIComponent(taskId)}/configuration?region=${region}`
      : null,
    log_stream_url:
      group && stream
        ? `https://${logRegion}.console.aws.amazon.com/cloudwatch/home?region=${logRegion}#logsV2:log-groups/log-group/${consolePart(group)}/log-events/${consolePart(stream)}`
        : null,
  };
}

export type TaskEntryDeps = {
  app: Pick<AwsApp, "config" | "deps" | "logger" | "openStores"> & Partial<Pick<AwsApp, "secrets">>;
  reporter: TaskReporter;
  /** Registers the SIGTERM handler (process.once in the container). */
  onSigterm: (listener: () => void) => void;
  /** Ends the process with `code` (the container: process.exit): the stop timeout's last resort. */
  exit: (code: number) => void;
  fetchImpl?: typeof fetch;
  heartbeatEveryMs?: number;
};

/** Seconds kept before the stop timeout's SIGKILL to exit on our own (a clean exit code, not 137). */
export const EXIT_BEFORE_KILL_SECONDS = 2;

/** Runs the task's attempt and reports it; the exit code (see the header). */
export async function runTaskEntry(io: TaskEntryDeps): Promise<number> {
  const { app, reporter } = io;
  const { config, logger } = app;
  const taskEnv = config.task;
  if (!taskEnv) throw new RunContextError("jobdeck: JOBDECK_RUN and JOBDECK_TASK_TOKEN are missing");
  const pt = logger.powertools;
  pt.appendKeys({ job_name: config.jobName ?? undefined });

  let run: RunContext;
  try {
    run = parseRunContext(taskEnv.run, config.jobName);
  } catch (e) {
    logger.error("the task's run is unusable", { error: (e as Error).message });
    try {
      await reporter.failed((e as Error).name, lambdaCause(e));
      return 0;
    } catch (r) {
      logger.error("could not report the task's failure", { error: String(r) });
      return 1;
    }
  }
  pt.appendKeys({ execution_uuid: run.execution_uuid, attempt: run.attempt });
  const job = app.deps.registry.get(run.job_name);

  let place: TaskPlace;
  try {
    place = taskEnv.metadataUri
      ? await readTaskMetadata(taskEnv.metadataUri, config.region, io.fetchImpl)
      : { id: "unknown", pid: null, console_url: null, log_stream_url: null };
  } catch (e) {
    // The links are a nicety: a metadata endpoint that does not answer does not stop the run.
    logger.warn("could not read the task metadata", { error: String(e) });
    place = { id: "unknown", pid: null, console_url: null, log_stream_url: null };
  }

  // SIGTERM: ECS stopping the task (the execution was stopped by a cancel, the state timed out, a
  // Spot interruption). The job's signal aborts; its final flush has the task's stop timeout.
  const stop = new AbortController();
  let terminated = false;
  let lastResort: ReturnType<typeof setTimeout> | undefined;
  io.onSigterm(() => {
    terminated = true;
    const grace = job.fargate?.stop_timeout_seconds ?? 30;
    logger.info("SIGTERM: stopping the job", { stop_timeout_seconds: grace });
    stop.abort(new JobCancelledError("the task was stopped (SIGTERM from ECS)"));
    lastResort = setTimeout(
      () => {
        logger.error("the job did not stop within its stop timeout: exiting before SIGKILL", {
          stop_timeout_seconds: grace,
        });
        io.exit(1);
      },
      Math.max(1, grace - EXIT_BEFORE_KILL_SECONDS) * 1000,
    );
    lastResort.unref?.();
  });

  // A SIGTERM while the run is still RUNNING (no cancel: Spot, a scale-in) is no cancel by anyone:
  // named TaskStopped so the job's retry policy applies (a cancel never reaches the report: the
  // execution was stopped first and the state no longer waits).
  const reporting: TaskReporter = {
    heartbeat: () => reporter.heartbeat(),
    succeeded: (result) => reporter.succeeded(result),
    failed: (error, cause) =>
      reporter.failed(terminated && error === "JobCancelled" ? "TaskStopped" : error, cause),
  };
  try {
    const outcome = await runTaskAttempt(
      { ...app.deps, openStores: app.openStores, secrets: app.secrets },
      run,
      reporting,
      {
        signal: stop.signal,
        task: place,
        heartbeatEveryMs: io.heartbeatEveryMs,
      },
    );
    logger.info("task reported its outcome", { outcome });
    return 0;
  } catch (e) {
    logger.error("could not report the task's outcome", {
      error: e instanceof Error ? e.message : String(e),
    });
    return 1;
  }
}

/** The container's main: the task's app (env kind "task"), Step Functions' reporter, the process hooks. */
export async function main(): Promise<number> {
  let app: AwsApp;
  try {
    app = await awsApp("task");
  } catch (e) {
    // Without its configuration the task cannot even report: the exit code tells ECS.
    console.error(JSON.stringify({ level: "ERROR", message: "the task cannot start", error: String(e) }));
    return 2;
  }
  const token = app.config.task?.token ?? "";
  const sfn = new SFNClient({
    region: app.config.region,
    // Bounded waits: the final report must fit in the stop timeout after a SIGTERM.
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 },
  });
  try {
    return await runTaskEntry({
      app,
      reporter: new SfnTaskReporter(sfn, token, app.logger),
      onSigterm: (listener) => process.once("SIGTERM", listener),
      exit: (code) => process.exit(code),
    });
  } catch (e) {
    app.logger.error("the task failed", { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    return 1;
  } finally {
    sfn.destroy();
  }
}
