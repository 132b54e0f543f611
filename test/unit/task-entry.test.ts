// Issue 15: the container entry of a fargate job's task, without ECS. The run from JOBDECK_RUN is
// checked (own job, a run context), the task's place read from a fake ECS task metadata endpoint
// (node http), Step Functions' task token used through a mocked SFN client (SendTask*), SIGTERM
// turned into the job's cancellation, and the exit code says whether the outcome was reported.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { createPowertoolsLogger } from "#adapters/powertools-logger.ts";
import {
  boundedCause,
  fitResult,
  MAX_CAUSE,
  RESULT_BUDGET_BYTES,
  SfnTaskReporter,
} from "#adapters/sfn-task-reporter.ts";
import type { RunContext } from "#domain/runs/workflow-state.ts";
import { defineJob } from "#jobs/define-job.ts";
import { buildAwsApp } from "#lambda/aws-host.ts";
import {
  parseRunContext,
  RunContextError,
  readTaskMetadata,
  runTaskEntry,
  type TaskEntryDeps,
} from "#lambda/workflow/task-host.ts";
import { TaskNoLongerWaitedError, type TaskReporter, type TaskResult } from "#ports/task-reporter.ts";
import { memoryCore, RecordingLogger } from "#test/fakes/memory-core.ts";
import { aRun } from "#test/helpers/builders.ts";
import { BASE_ENV } from "#test/helpers/lambda-env.ts";

const sfn = mockClient(SFNClient);
const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAQ...token";
const NOW = "2026-03-10T09:00:00.000Z";

const context = (over: Partial<RunContext> = {}): RunContext => ({
  execution_uuid: "00000000-0000-4000-8000-0000000000aa",
  job_name: "demo.task_job",
  concurrency_key: "demo.task_job",
  params: { note: "x" },
  attempt: 1,
  max_attempts: 1,
  timeout_seconds: 3600,
  proceed: true,
  execution_policy: "skip",
  queue_timeout_seconds: 3600,
  queued_at: NOW,
  attempt_started_at: NOW,
  ...over,
});

describe("JOBDECK_RUN", () => {
  it("a run of the task's own job is read as it was sent", () => {
    expect(parseRunContext(JSON.stringify(context()), "demo.task_job")).toEqual(context());
  });

  it("not JSON, not a run, or another job's run fail clearly", () => {
    expect(() => parseRunContext("{oops", "demo.task_job")).toThrow(/JOBDECK_RUN is not JSON/);
    const { attempt: _a, ...noAttempt } = context();
    expect(() => parseRunContext(JSON.stringify(noAttempt), "demo.task_job")).toThrow(
      /JOBDECK_RUN is not a run context: attempt/,
    );
    const err = (() => {
      try {
        parseRunContext(JSON.stringify(context({ job_name: "other.job" })), "demo.task_job");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RunContextError);
    expect(String(err)).toMatch(
      /runs job 'demo.task_job' \(JOBDECK_JOB_NAME\) and refuses a run of job 'other.job'/,
    );
  });
});

describe("ECS task metadata (a fake endpoint over HTTP)", () => {
  let server: Server;
  let base = "";
  const TASK_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task/jobdeck/8f03e41243824aea923aca126495f665";
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/v4/abc/task") {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            Cluster: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/jobdeck",
            TaskARN: TASK_ARN,
            Family: "jobdeck-demo-task-job",
            Revision: "3",
            DesiredStatus: "RUNNING",
            KnownStatus: "RUNNING",
            LaunchType: "FARGATE",
            Containers: [
              {
                DockerId: "8f03e41243824aea923aca126495f665-265927825",
                Name: "job",
                Image: "public.ecr.aws/lambda/nodejs:22@sha256:4e1f0c9d",
                LogDriver: "awslogs",
                LogOptions: {
                  "awslogs-create-group": "true",
                  "awslogs-group": "/jobdeck/tasks/demo.task_job",
                  "awslogs-region": "ap-northeast-1",
                  "awslogs-stream": "job/job/8f03e41243824aea923aca126495f665",
                },
              },
            ],
          }),
        );
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("gives the task's ARN, its ECS console page and its log stream's CloudWatch page", async () => {
    const place = await readTaskMetadata(`${base}/v4/abc`, "ap-northeast-1");
    expect(place).toEqual({
      id: TASK_ARN,
      pid: null,
      console_url:
        "https://ap-northeast-1.console.aws.amazon.com/ecs/v2/clusters/jobdeck/tasks/8f03e41243824aea923aca126495f665/configuration?region=ap-northeast-1",
      log_stream_url:
        "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fjobdeck$252Ftasks$252Fdemo.task_job/log-events/job$252Fjob$252F8f03e41243824aea923aca126495f665",
    });
  });

  it("an endpoint that does not answer is an error the entry survives", async () => {
    await expect(readTaskMetadata(`${base}/v4/nope`, "ap-northeast-1")).rejects.toThrow(/404/);
  });
});

const result = (items = 0): TaskResult => ({
  counts: {
    input_count: 5,
    inserted_count: 5,
    updated_count: 0,
    skipped_count: 0,
    error_count: 0,
    skip_breakdown: null,
  },
  progress: {
    stage: "Load",
    stages: [],
    current: 5,
    total: 5,
    message: null,
    items: Array.from({ length: items }, (_, i) => ({
      key: `file-${i}`,
      label: `a rather long file name number ${i} ${"x".repeat(200)}`,
      status: "done",
    })) as never,
    updated_at: NOW,
  },
  ended_at: NOW,
});

describe("SfnTaskReporter (SendTask* through a mocked SFN client)", () => {
  beforeEach(() => sfn.reset());
  const reporter = (logger = new RecordingLogger()) =>
    new SfnTaskReporter(new SFNClient({ region: "ap-northeast-1" }), TOKEN, logger);

  it("heartbeats, succeeds with the result as output, fails with the error and cause, all with the token", async () => {
    sfn.on(SendTaskHeartbeatCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    const r = reporter();
    await r.heartbeat();
    await r.succeeded(result(2));
    await r.failed("Error", JSON.stringify({ errorType: "Error", errorMessage: "boom", trace: [] }));
    expect(sfn.commandCalls(SendTaskHeartbeatCommand)[0]?.args[0].input).toEqual({ taskToken: TOKEN });
    const success = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(success?.taskToken).toBe(TOKEN);
    expect(JSON.parse(success?.output ?? "{}")).toEqual(result(2));
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({
      taskToken: TOKEN,
      error: "Error",
    });
  });

  it.each([
    ["TaskTimedOut", () => new TaskTimedOut({ message: "Task Timed Out: 'arn:…'", $metadata: {} })],
    ["TaskDoesNotExist", () => new TaskDoesNotExist({ message: "Task does not exist", $metadata: {} })],
    ["InvalidToken", () => new InvalidToken({ message: "Invalid Token", $metadata: {} })],
  ])("%s means the state no longer waits: TaskNoLongerWaitedError", async (_name, make) => {
    sfn.on(SendTaskHeartbeatCommand).rejects(make());
    sfn.on(SendTaskSuccessCommand).rejects(make());
    sfn.on(SendTaskFailureCommand).rejects(make());
    const r = reporter();
    await expect(r.heartbeat()).rejects.toBeInstanceOf(TaskNoLongerWaitedError);
    await expect(r.succeeded(result())).rejects.toBeInstanceOf(TaskNoLongerWaitedError);
    await expect(r.failed("Error", "{}")).rejects.toBeInstanceOf(TaskNoLongerWaitedError);
  });

  it("another refusal stays itself (the entry exits non-zero)", async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error("AccessDenied"), { name: "AccessDeniedException" }));
    await expect(reporter().succeeded(result())).rejects.toThrow("AccessDenied");
  });

  it("a result past the output limit keeps its counts, loses progress items, and says so in a log line", async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    const logger = new RecordingLogger();
    const big = result(2000);
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(RESULT_BUDGET_BYTES);
    await reporter(logger).succeeded(big);
    const output = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? "";
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(RESULT_BUDGET_BYTES);
    const sent = JSON.parse(output) as TaskResult;
    expect(sent.counts).toEqual(big.counts);
    expect(sent.progress.items.length).toBeGreaterThan(0);
    expect(sent.progress.items.length).toBeLessThan(2000);
    const line = logger.lines.find((l) => /trimmed to fit SendTaskSuccess/.test(l.message));
    expect(line?.extra?.dropped_items).toBe(2000 - sent.progress.items.length);
    expect(fitResult(result(3)).droppedItems).toBe(0);
  });

  it("the failure's error and cause fit SendTaskFailure's limits, secrets masked, the cause still JSON", async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    const message = `connect failed: password=hunter2 ${"y".repeat(50_000)}`;
    await reporter().failed(
      `E${"r".repeat(400)}`,
      JSON.stringify({
        errorType: "Error",
        errorMessage: message,
        trace: ["Error: x", "    at f (/var/task/a.js:1:1)"],
      }),
    );
    const input = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(input?.error?.length).toBe(256);
    expect(input?.cause?.length).toBeLessThanOrEqual(MAX_CAUSE);
    const cause = JSON.parse(input?.cause ?? "{}") as { errorType: string; errorMessage: string };
    expect(cause.errorType).toBe("Error");
    expect(cause.errorMessage).toMatch(/^connect failed: password=\*\*\* y+…$/);
    expect(boundedCause("short")).toBe("short");
  });
});

/** A fargate job whose body the tests drive: it waits for its signal, or ends at once. */
const taskJob = defineJob({
  name: "demo.task_job",
  description: "a task the entry runs",
  category: "demo",
  data_sources: [],
  runtime: "fargate",
  stop_timeout_seconds: 10,
  parameters: z.strictObject({ note: z._default(z.string(), ""), wait: z._default(z.boolean(), false) }),
  async run(ctx) {
    ctx.count.inserted(3);
    if (ctx.params.wait) {
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
      ctx.throwIfCancelled();
    }
  },
});

class RecordingReporter implements TaskReporter {
  readonly calls: { kind: string; args: unknown[] }[] = [];
  failSucceeded: Error | null = null;
  async heartbeat() {
    this.calls.push({ kind: "heartbeat", args: [] });
  }
  async succeeded(r: TaskResult) {
    this.calls.push({ kind: "succeeded", args: [r] });
    if (this.failSucceeded) throw this.failSucceeded;
  }
  async failed(error: string, cause: string) {
    this.calls.push({ kind: "failed", args: [error, cause] });
    if (this.failSucceeded) throw this.failSucceeded;
  }
}

function entry(runJson: string, over: Partial<TaskEntryDeps> = {}) {
  const core = memoryCore({ now: NOW, jobs: [taskJob] });
  const run = aRun({ execution_uuid: context().execution_uuid, job_name: taskJob.name, started_at: NOW });
  core.runs.seed(run);
  const reporter = new RecordingReporter();
  let sigterm: (() => void) | null = null;
  const exits: number[] = [];
  const deps: TaskEntryDeps = {
    app: {
      config: {
        region: "ap-northeast-1",
        jobName: taskJob.name,
        task: { run: runJson, token: TOKEN, metadataUri: null },
      } as TaskEntryDeps["app"]["config"],
      deps: core,
      logger: createPowertoolsLogger({ JOBDECK_LOG_LEVEL: "SILENT" }),
      openStores: () => ({}),
    },
    reporter,
    onSigterm: (l) => {
      sigterm = l;
    },
    exit: (code) => exits.push(code),
    ...over,
  };
  return { core, run, reporter, deps, exits, sigterm: () => sigterm?.() };
}

describe("the entry (runTaskEntry)", () => {
  afterEach(() => sfn.reset());

  it("runs the attempt, records the task on the run, reports success, exits 0", async () => {
    const e = entry(JSON.stringify(context()));
    expect(await runTaskEntry(e.deps)).toBe(0);
    expect(e.reporter.calls.map((c) => c.kind)).toEqual(["heartbeat", "succeeded"]);
    expect((e.reporter.calls[1]?.args[0] as TaskResult | undefined)?.counts.inserted_count).toBe(3);
    expect((await e.core.runs.get(e.run.execution_uuid))?.task).toMatchObject({ id: "unknown", attempt: 1 });
  });

  it("SIGTERM aborts the job; the stop is reported as TaskStopped (a retry may follow), exit 0", async () => {
    const e = entry(JSON.stringify(context({ params: { note: "", wait: true } })));
    const done = runTaskEntry(e.deps);
    await new Promise((r) => setTimeout(r, 20));
    e.sigterm();
    expect(await done).toBe(0);
    const failed = e.reporter.calls.find((c) => c.kind === "failed");
    expect(failed?.args[0]).toBe("TaskStopped");
    expect(String(failed?.args[1])).toMatch(/SIGTERM/);
    expect(e.exits).toEqual([]);
  });

  it("an unusable run is reported as InvalidRunContext (the run ends with that reason), exit 0", async () => {
    const e = entry(JSON.stringify(context({ job_name: "other.job" })));
    expect(await runTaskEntry(e.deps)).toBe(0);
    expect(e.reporter.calls).toEqual([
      {
        kind: "failed",
        args: ["InvalidRunContext", expect.stringMatching(/refuses a run of job 'other.job'/)],
      },
    ]);
  });

  it("an outcome that could not be reported exits non-zero", async () => {
    const e = entry(JSON.stringify(context()));
    e.reporter.failSucceeded = new Error("connect ETIMEDOUT states.ap-northeast-1.amazonaws.com");
    expect(await runTaskEntry(e.deps)).toBe(1);
  });

  it("the task kind's environment gives the run, the token and the metadata endpoint", async () => {
    const app = await buildAwsApp(
      "task",
      {},
      {
        ...BASE_ENV,
        JOBDECK_JOB_NAME: "opendata.bulk_ingest",
        JOBDECK_JOB_TABLES: "{}",
        JOBDECK_RUN: JSON.stringify(context()),
        JOBDECK_TASK_TOKEN: TOKEN,
        ECS_CONTAINER_METADATA_URI_V4: "http://169.254.170.2/v4/abc",
      },
    );
    expect(app.config.task).toEqual({
      run: JSON.stringify(context()),
      token: TOKEN,
      metadataUri: "http://169.254.170.2/v4/abc",
    });
    expect(app.config.jobName).toBe("opendata.bulk_ingest");
    expect(app.taskFleet).toBeNull();
    await expect(buildAwsApp("task", {}, { ...BASE_ENV, JOBDECK_JOB_NAME: "x" })).rejects.toThrow(
      /JOBDECK_RUN is missing; JOBDECK_TASK_TOKEN is missing/,
    );
  });
});
