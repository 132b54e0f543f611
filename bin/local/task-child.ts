// The local stand-in of a fargate job's container (issue 15): a separate Node process started by the
// local fargate runner (bin/local/fargate-runner.ts) with the environment the RunTask container
// override carries (JOBDECK_RUN, JOBDECK_TASK_TOKEN) plus the local stack's (DynamoDB Local, tables,
// job name). It builds its deps as the local stack does (same composition, DynamoDB Local over the
// real SDK) and runs the attempt with the same task runner as the container in AWS
// (functions/lambda/workflow/task-main.ts); only the reporter differs: IPC messages to the parent in
// place of SendTask*. Its log lines go to the parent too (the run's log), each with this pid.
import "./polyfills.ts";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoCoreStores, jobStoreOpener } from "#adapters/dynamo-stores.ts";
import { EnvSecretReader } from "#adapters/env-secret-reader.ts";
import { readEnv } from "#config/env-contract.ts";
import { composeCore } from "#domain/compose-core.ts";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import type { RunContext } from "#domain/runs/workflow-state.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { systemClock } from "#ports/clock.ts";
import { TaskNoLongerWaitedError, type TaskReporter, type TaskResult } from "#ports/task-reporter.ts";
import { runTaskAttempt } from "#workflow/task-runner.ts";
import { LOCAL_AWS } from "./dynamodb-local.ts";
import { type ChildMessage, type LogLevel, type ParentMessage, TASK_CHILD_ENV } from "./task-ipc.ts";

type Outgoing = ChildMessage extends infer M
  ? M extends { id: number }
    ? Omit<M, "id" | "token">
    : never
  : never;

/** Messages not yet handed to the channel: the process ends only after they are (its last log lines). */
const inFlight = new Set<Promise<void>>();

const send = (m: ChildMessage): Promise<void> => {
  const p = new Promise<void>((resolve, reject) => {
    if (!process.send || !process.connected)
      return reject(new Error("the local stack is gone (no IPC channel)"));
    process.send(m, (e: Error | null) => (e ? reject(e) : resolve()));
  });
  inFlight.add(p);
  const forget = () => inFlight.delete(p);
  p.then(forget, forget);
  return p;
};

/** A logger whose lines reach the parent (and its run log), each with this process's pid. */
function ipcLogger(): JobLogger {
  const line = (level: LogLevel) => (message: string, extra?: Record<string, unknown>) => {
    const m: ChildMessage = { type: "log", level, message, extra: { ...extra, pid: process.pid } };
    send(m).catch(() => {
      // No parent to tell: stderr is all there is.
      process.stderr.write(`${JSON.stringify({ level, message, ...m.extra })}\n`);
    });
  };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

/** SendTask* over IPC: each call waits for the parent's answer. */
function ipcReporter(token: string): TaskReporter {
  let next = 0;
  const waiting = new Map<number, (m: ParentMessage) => void>();
  process.on("message", (m: ParentMessage) => {
    if (m?.type !== "ack") return;
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const call = async (m: Outgoing): Promise<void> => {
    const id = ++next;
    const answered = new Promise<ParentMessage>((resolve) => waiting.set(id, resolve));
    await send({ ...m, id, token } as ChildMessage);
    const answer = await answered;
    if (!answer.ok)
      throw new TaskNoLongerWaitedError(answer.reason ?? "the state no longer waits for this task");
  };
  return {
    heartbeat: () => call({ type: "heartbeat" }),
    succeeded: (result: TaskResult) => call({ type: "succeeded", result }),
    failed: (error: string, cause: string) => call({ type: "failed", error, cause }),
  };
}

const whole = (name: string): number | undefined => {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
};

async function main(): Promise<number> {
  const env = readEnv("task", process.env);
  const endpoint = process.env[TASK_CHILD_ENV.endpoint];
  if (!endpoint) throw new Error(`${TASK_CHILD_ENV.endpoint} is missing (the local stack sets it)`);
  const run = JSON.parse(env.JOBDECK_RUN) as RunContext;
  if (run.job_name !== env.JOBDECK_JOB_NAME)
    throw new Error(`this task runs job ${env.JOBDECK_JOB_NAME} and refuses a run of ${run.job_name}`);
  const logger = ipcLogger();
  const client = new DynamoDBClient({
    ...LOCAL_AWS,
    endpoint,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const clock = systemClock;
  const unavailable = (what: string) => () => {
    throw new Error(`a task does not ${what}`);
  };
  const deps = composeCore({
    ...dynamoCoreStores(doc, { runs: env.RUNS_TABLE, control: env.CONTROL_TABLE }, () => clock.now()),
    jobs: JOBS,
    workflow: {
      start: unavailable("start executions"),
      executionArnFor: unavailable("start executions"),
      stop: unavailable("stop executions"),
      describe: unavailable("describe executions"),
      links: () => ({ console_url: null, logs_url: null }),
    },
    clock,
    scheduleBackend: {
      put: unavailable("write schedules"),
      remove: unavailable("write schedules"),
      reconcile: unavailable("write schedules"),
    },
    settings: { displayTimeZone: env.DISPLAY_TIMEZONE, retentionDays: env.RETENTION_DAYS },
    logger,
    runLogs: { read: unavailable("read run logs") },
  });
  const openStores = jobStoreOpener(doc, (_job, _key, store) => {
    const table = env.JOBDECK_JOB_TABLES[store.name];
    if (!table) throw new Error(`no table for store ${store.name} in JOBDECK_JOB_TABLES`);
    return table;
  });

  // SIGTERM: ECS stopping the task (cancel, the sweeper, the stack stopping). The parent gone (its
  // IPC channel closed) means the same: this process must not outlive the stack.
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort(new Error("SIGTERM")));
  process.once("disconnect", () => {
    stop.abort(new Error("the local stack is gone"));
    // Nobody will SIGKILL a job that ignores its signal: the stop timeout, then this process ends.
    const job = deps.registry.find(run.job_name);
    setTimeout(() => process.exit(1), (job?.fargate?.stop_timeout_seconds ?? 30) * 1000).unref();
  });
  // With the stack gone its end of stderr is closed: a write must not crash the final flush (EPIPE).
  process.stderr.on("error", () => {});
  process.stdout.on("error", () => {});
  // Ctrl-C in the terminal of `npm start` reaches the whole process group: the stack's shutdown
  // decides (SIGTERM, the final flush within the stop timeout), not the keyboard.
  process.on("SIGINT", () => {});
  try {
    await runTaskAttempt(
      {
        ...deps,
        openStores,
        secrets: new EnvSecretReader(process.env),
        minWriteIntervalMs: whole(TASK_CHILD_ENV.minProgressWriteMs),
      },
      run,
      ipcReporter(env.JOBDECK_TASK_TOKEN),
      {
        signal: stop.signal,
        heartbeatEveryMs: whole(TASK_CHILD_ENV.heartbeatEveryMs),
        task: { id: `local:pid:${process.pid}`, pid: process.pid, console_url: null, log_stream_url: null },
      },
    );
  } catch (e) {
    // The state stopped waiting before the end was reported (cancelled, heartbeat or budget ran
    // out): as SendTask* answering TaskTimedOut, nothing is left to tell.
    if (!(e instanceof TaskNoLongerWaitedError)) throw e;
    logger.info("the workflow no longer waited for this task's end", {
      execution_uuid: run.execution_uuid,
      reason: e.message,
    });
  } finally {
    client.destroy();
  }
  return 0;
}

/** Ends the process: the channel first (so nothing keeps it), then exit if a stray handle would. */
async function end(code: number): Promise<void> {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
  await Promise.allSettled([...inFlight]);
  if (process.connected) process.disconnect();
}

main().then(end, (e: unknown) => {
  // A task that cannot even start (bad environment, unknown job): the parent sees the exit.
  process.stderr.write(`jobdeck task: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  end(1);
});
