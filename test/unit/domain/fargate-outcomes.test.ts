// Issue 15: how a fargate job's run ends when its task does not report (heartbeat ran out, budget
// ran out, ECS stopped it, it exited 0 without SendTaskSuccess), read from the `{Error, Cause}`
// Step Functions writes (ECS's task description, PascalCase) or the local runner's same shape.
import { describe, expect, it } from "vitest";
import { describeEcsTaskStop } from "#domain/runs/ecs-stop-reasons.ts";
import { failedAttempt } from "#domain/runs/run-attempts.ts";
import { describeStepError } from "#domain/runs/step-errors.ts";
import type { RunContext, WorkflowState } from "#domain/runs/workflow-state.ts";
import { WorkflowSteps } from "#domain/runs/workflow-steps.ts";
import { fargateJob } from "#test/fakes/fake-fargate-job.ts";
import { FAKE_JOBS } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aRun } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
const TASK_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task/jobdeck/0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/** A stopped task as Step Functions puts it in the Cause of States.TaskFailed (trimmed of nothing it reads). */
function ecsTask(over: {
  StopCode?: string;
  StoppedReason?: string;
  ExitCode?: number | null;
  Reason?: string;
}): string {
  const container: Record<string, unknown> = {
    ContainerArn: `${TASK_ARN.replace(":task/", ":container/")}/5a1b`,
    Image: "public.ecr.aws/lambda/nodejs:22@sha256:4e1f0c9d",
    LastStatus: "STOPPED",
    Name: "job",
    TaskArn: TASK_ARN,
  };
  if (over.ExitCode !== null && over.ExitCode !== undefined) container.ExitCode = over.ExitCode;
  if (over.Reason) container.Reason = over.Reason;
  return JSON.stringify({
    AvailabilityZone: "ap-northeast-1a",
    CapacityProviderName: "FARGATE",
    ClusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/jobdeck",
    Containers: [container],
    Cpu: "1024",
    DesiredStatus: "STOPPED",
    Group: "family:jobdeck-demo-long-ingest",
    LastStatus: "STOPPED",
    LaunchType: "FARGATE",
    Memory: "2048",
    PlatformVersion: "1.4.0",
    StopCode: over.StopCode,
    StoppedReason: over.StoppedReason,
    Tags: [{ Key: "jobdeck:execution_uuid", Value: "00000000-0000-4000-8000-000000000001" }],
    TaskArn: TASK_ARN,
    Version: 4,
  });
}

const CASES: { name: string; cause: string; says: RegExp[] }[] = [
  {
    name: "out of memory",
    cause: ecsTask({
      StopCode: "EssentialContainerExited",
      StoppedReason: "Essential container in task exited",
      ExitCode: 137,
      Reason: "OutOfMemoryError: Container killed due to memory usage",
    }),
    says: [/^out of memory/, /2048 MB/, /OutOfMemoryError/, /resources\.memory_mb/, /exit 137/],
  },
  {
    name: "exit 137 without an OOM reason (SIGKILL: memory, or the stop timeout)",
    cause: ecsTask({
      StopCode: "EssentialContainerExited",
      StoppedReason: "Essential container in task exited",
      ExitCode: 137,
    }),
    says: [/killed \(exit 137, SIGKILL\)/, /out of memory/, /within 30 s after SIGTERM/],
  },
  {
    name: "another non-zero exit code",
    cause: ecsTask({
      StopCode: "EssentialContainerExited",
      StoppedReason: "Essential container in task exited",
      ExitCode: 1,
    }),
    says: [/exited with code 1 before reporting/, /Essential container in task exited/, /log stream/],
  },
  {
    name: "Fargate Spot interruption",
    cause: ecsTask({
      StopCode: "SpotInterruption",
      StoppedReason: "Your Spot Task was interrupted.",
      ExitCode: 143,
    }),
    says: [/^Fargate Spot interruption/, /Your Spot Task was interrupted/, /spot: false/],
  },
  {
    name: "image pull failed (no route to the registry)",
    cause: ecsTask({
      StopCode: "TaskFailedToStart",
      StoppedReason:
        "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref " +
        'public.ecr.aws/lambda/nodejs:22@sha256:4e1f0c9d: failed to do request: Head "https://public.ecr.aws/v2/' +
        'lambda/nodejs/manifests/sha256:4e1f0c9d": dial tcp 99.83.145.10:443: i/o timeout',
      ExitCode: null,
    }),
    says: [/could not start: CannotPullContainerError/, /internet access/, /public subnet/, /public IP/],
  },
  {
    name: "ENI / resource initialization failed",
    cause: ecsTask({
      StopCode: "TaskFailedToStart",
      StoppedReason:
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval " +
        "failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: " +
        "send request failed. Please check your task network configuration.",
      ExitCode: null,
    }),
    says: [/could not start: ResourceInitializationError/, /internet access/, /NAT gateway/],
  },
];

describe("an ECS task's stop, read (States.TaskFailed with the task as its Cause)", () => {
  it.each(CASES)("$name", ({ cause, says }) => {
    const line = describeEcsTaskStop(cause, { memoryMb: 2048, stopTimeoutSeconds: 30 });
    for (const re of says) expect(line).toMatch(re);
    // one readable line, no JSON quoted at the reader
    expect(line).not.toContain('"Containers"');
    expect(describeStepError({ Error: "States.TaskFailed", Cause: cause }, fargateJob)).toBe(
      `States.TaskFailed: ${line}`,
    );
  });

  it("reads the camelCase of ECS's own API and a DescribeTasks answer too", () => {
    const camel = JSON.stringify({
      tasks: [
        { taskArn: TASK_ARN, stopCode: "SpotInterruption", stoppedReason: "Your Spot Task was interrupted." },
      ],
    });
    expect(describeEcsTaskStop(camel)).toMatch(/^Fargate Spot interruption/);
  });

  it("is no ECS stop when the cause is Lambda's error shape or plain text", () => {
    expect(describeEcsTaskStop('{"errorType":"Error","errorMessage":"boom","trace":[]}')).toBeNull();
    expect(describeEcsTaskStop("plain words")).toBeNull();
    expect(describeStepError({ Error: "Error", Cause: '{"errorType":"Error","errorMessage":"boom"}' })).toBe(
      "Error: boom",
    );
  });

  it("the attempt record says it in words as well", () => {
    const record = failedAttempt({ Error: "States.TaskFailed", Cause: CASES[0]?.cause }, 1, NOW, NOW);
    expect(record.error_type).toBe("States.TaskFailed");
    expect(record.message).toMatch(/^out of memory/);
  });
});

function context(over: Partial<RunContext> = {}): RunContext {
  return {
    execution_uuid: "00000000-0000-4000-8000-00000000f001",
    job_name: fargateJob.name,
    concurrency_key: fargateJob.name,
    params: {},
    attempt: 1,
    max_attempts: 2,
    timeout_seconds: 3600,
    proceed: true,
    execution_policy: "skip",
    queue_timeout_seconds: 3600,
    queued_at: NOW,
    attempt_started_at: NOW,
    ...over,
  };
}

function setup() {
  const core = memoryCore({ now: NOW, jobs: [...FAKE_JOBS, fargateJob] });
  const run = aRun({
    execution_uuid: "00000000-0000-4000-8000-00000000f001",
    job_name: fargateJob.name,
    concurrency_key: fargateJob.name,
    started_at: "2026-03-10T08:00:00.000Z",
  });
  core.runs.seed(run);
  return { core, steps: new WorkflowSteps(core), run };
}

const stateWith = (over: Partial<WorkflowState>): WorkflowState => ({
  input: { job_name: fargateJob.name, params: {}, trigger_source: "manual" },
  run: context(),
  ...over,
});

describe("a fargate run's end (FailRun, AttemptFailed, FinishRun)", () => {
  it("a heartbeat that ran out ends the run TIMED_OUT, saying the task stopped reporting", async () => {
    const { core, steps, run } = setup();
    await steps.failRun(stateWith({ error: { Error: "States.HeartbeatTimeout", Cause: "" } }));
    const ended = await core.runs.get(run.execution_uuid);
    expect(ended?.status).toBe("TIMED_OUT");
    expect(ended?.error_summary).toMatch(
      /^States\.HeartbeatTimeout: no heartbeat for 600 s: the task stopped reporting progress/,
    );
  });

  it("a heartbeat timeout is not retried (like the budget's timeout)", async () => {
    const { core, steps, run } = setup();
    const next = await steps.attemptFailed(stateWith({ error: { Error: "States.HeartbeatTimeout" } }));
    expect(next.retry).toEqual({ again: false, wait_seconds: 0 });
    expect((await core.runs.get(run.execution_uuid))?.attempts[0]?.error_type).toBe(
      "States.HeartbeatTimeout",
    );
  });

  it("the task's budget ending is TIMED_OUT with the job's timeout named", async () => {
    const { core, steps, run } = setup();
    await steps.failRun(stateWith({ error: { Error: "States.Timeout" } }));
    const ended = await core.runs.get(run.execution_uuid);
    expect(ended?.status).toBe("TIMED_OUT");
    expect(ended?.error_summary).toBe(
      "States.Timeout: the task ran longer than the job's timeout (3600 s) and was stopped",
    );
  });

  it("a task killed for memory ends FAILURE with a summary that says so", async () => {
    const { core, steps, run } = setup();
    await steps.failRun(stateWith({ error: { Error: "States.TaskFailed", Cause: CASES[0]?.cause } }));
    const ended = await core.runs.get(run.execution_uuid);
    expect(ended?.status).toBe("FAILURE");
    expect(ended?.error_summary).toMatch(/^States\.TaskFailed: out of memory: .* 2048 MB/);
  });

  it("a container that exited 0 without SendTaskSuccess (ECS's task as $.result) ends FAILURE, not SUCCESS", async () => {
    const { core, steps, run } = setup();
    const description = JSON.parse(
      ecsTask({
        StopCode: "EssentialContainerExited",
        StoppedReason: "Essential container in task exited",
        ExitCode: 0,
      }),
    );
    await steps.finishRun(stateWith({ result: description }));
    const ended = await core.runs.get(run.execution_uuid);
    expect(ended?.status).toBe("FAILURE");
    expect(ended?.error_summary).toMatch(/^the task ended without reporting its result/);
    expect(ended?.error_summary).toContain("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  });

  it("a reported result still ends SUCCESS with its counts", async () => {
    const { core, steps, run } = setup();
    const counts = {
      input_count: 4,
      inserted_count: 3,
      updated_count: 1,
      skipped_count: 0,
      error_count: 0,
      skip_breakdown: null,
    };
    await steps.finishRun(
      stateWith({
        result: {
          counts,
          progress: {
            stage: null,
            stages: [],
            current: 4,
            total: 4,
            message: null,
            items: [],
            updated_at: NOW,
          },
          ended_at: NOW,
        },
      }),
    );
    const ended = await core.runs.get(run.execution_uuid);
    expect(ended).toMatchObject({ status: "SUCCESS", inserted_count: 3, error_summary: null });
  });
});
