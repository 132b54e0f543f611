// A run's cost (issue 16): the price table against AWS's own published figures and examples, the
// arithmetic of one run, and the steps counting transitions as the run takes them.
import { describe, expect, it } from "vitest";
import { PRICES, PRICES_AS_OF, pricesFor, regionOfArn } from "#domain/runs/prices.ts";
import {
  attemptSeconds,
  computeRunCost,
  estimateRunCost,
  fargateBilledSeconds,
  lambdaGbSeconds,
} from "#domain/runs/run-cost.ts";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import type { Attempt } from "#schemas/run.ts";
import { demoJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { createStepsHandler } from "#workflow/steps-handler.ts";

const noSteps = { steps_ms: 0, steps_invocations: 0 };
const COUNTS = {
  input_count: 1,
  inserted_count: 1,
  updated_count: 0,
  skipped_count: 0,
  error_count: 0,
  skip_breakdown: null,
};

describe("the price table against AWS's published figures", () => {
  it("Step Functions: $0.025 per 1,000 transitions (aws.amazon.com/step-functions/pricing), so 100,000 executions of a 5-transition run cost $12.50", () => {
    for (const region of ["us-east-1", "ap-northeast-1"]) {
      expect(PRICES[region]!.stepFunctionsPerTransition * 1000).toBeCloseTo(0.025, 10);
    }
    const one = computeRunCost({
      job: { runtime: "lambda", fargate: undefined },
      usage: { transitions: 5, ...noSteps },
      attempts: [],
      region: "us-east-1",
    });
    expect(one.state_transitions).toBe(5);
    expect(one.usd * 100_000).toBeCloseTo(12.5, 6);
  });

  it("Lambda, the pricing page's example 1: 512 MB × 3M invocations × 1 s = 1,500,000 GB-s; 1,100,000 billable GB-s ≈ $18.34, 2M billable requests = $0.40", () => {
    // aws.amazon.com/lambda/pricing, Example 1 (x86, us-east-1, after the free tier's 400,000 GB-s and 1M requests).
    const gbS = lambdaGbSeconds(3_000_000 * 1, 512);
    expect(gbS).toBe(1_500_000);
    const us = PRICES["us-east-1"]!;
    expect((gbS - 400_000) * us.lambdaPerGbSecond.x86_64).toBeCloseTo(18.34, 1);
    expect(2_000_000 * us.lambdaPerRequest).toBeCloseTo(0.4, 10);
    // Arm is 20 % cheaper per GB-s (the page's Arm table).
    expect(us.lambdaPerGbSecond.arm64 / us.lambdaPerGbSecond.x86_64).toBeCloseTo(0.8, 4);
  });

  it("Fargate, the ECS pricing page's example: 5 tasks × 1 vCPU / 2 GB × 10 min a day × 30 days on Linux/x86 in us-east-1 ≈ $1.01 vCPU + $0.22 memory", () => {
    // aws.amazon.com/ecs/pricing ("CPU cost: $0.000011244 per vCPU second") = $0.04048 per vCPU-hour.
    const us = PRICES["us-east-1"]!;
    expect(us.fargatePerVcpuHour.x86_64 / 3600).toBeCloseTo(0.000011244, 9);
    const vcpuS = 5 * 1 * 600 * 30;
    const gbS = 5 * 2 * 600 * 30;
    expect((vcpuS / 3600) * us.fargatePerVcpuHour.x86_64).toBeCloseTo(1.01, 2);
    expect((gbS / 3600) * us.fargatePerGbHour.x86_64).toBeCloseTo(0.22, 2);
    // Linux/ARM is 20 % below Linux/x86 in both regions (aws.amazon.com/fargate/pricing).
    for (const region of ["us-east-1", "ap-northeast-1"]) {
      const p = PRICES[region]!;
      expect(p.fargatePerVcpuHour.arm64 / p.fargatePerVcpuHour.x86_64).toBeCloseTo(0.8, 2);
      expect(p.fargatePerGbHour.arm64 / p.fargatePerGbHour.x86_64).toBeCloseTo(0.8, 2);
    }
  });

  it("prices runs in the region of their execution; the local stack's in the default region", () => {
    expect(regionOfArn("arn:aws:states:us-east-1:123456789012:execution:jobdeck-x:e1")).toBe("us-east-1");
    expect(regionOfArn("arn:aws:states:local:000000000000:execution:jobdeck-x:e1")).toBeNull();
    expect(pricesFor(null).region).toBe("ap-northeast-1");
    expect(pricesFor("eu-west-9").region).toBe("ap-northeast-1");
  });
});

describe("one run's cost", () => {
  it("a fargate run: the task's size × its billed seconds (per second, one-minute minimum), on ARM", () => {
    const job = {
      runtime: "fargate" as const,
      fargate: { cpu: 1024, memory_mb: 2048, spot: false, heartbeat_seconds: 600, stop_timeout_seconds: 30 },
    };
    const cost = computeRunCost({
      job,
      usage: { transitions: 5, steps_ms: 400, steps_invocations: 2 },
      attempts: [5400.2, 12],
      region: "ap-northeast-1",
    });
    expect(fargateBilledSeconds(12)).toBe(60);
    expect(cost.fargate_vcpu_seconds).toBe(5401 + 60);
    expect(cost.fargate_gb_seconds).toBe((5401 + 60) * 2);
    // only the steps function: 0.4 s × 0.5 GB
    expect(cost.lambda_gb_seconds).toBe(0.2);
    const p = PRICES["ap-northeast-1"]!;
    const expected =
      5 * p.stepFunctionsPerTransition +
      0.2 * p.lambdaPerGbSecond.arm64 +
      2 * p.lambdaPerRequest +
      (5461 / 3600) * p.fargatePerVcpuHour.arm64 +
      ((5461 * 2) / 3600) * p.fargatePerGbHour.arm64;
    expect(cost.usd).toBeCloseTo(expected, 7);
    expect(cost).toMatchObject({ prices_as_of: PRICES_AS_OF, region: "ap-northeast-1" });
  });

  it("a run ended outside its workflow is estimated from its record: BeginRun + SlotOutcome, 4 per failed attempt, the RunWorker it was in", () => {
    const lambda = { runtime: "lambda" as const };
    const arn = "arn:aws:states:us-east-1:123456789012:execution:Jobdeck-x:abc";
    const base = {
      started_at: "2026-01-01T00:00:00.000Z",
      retry_at: null,
      workflow_execution_arn: arn,
      attempts: [] as Attempt[],
    };
    const failed = {
      attempt: 1,
      started_at: "2026-01-01T00:00:00.000Z",
      finished_at: "2026-01-01T00:00:02.000Z",
      error_type: "Error",
      message: "x",
      stack: [],
    };
    // cancelled in its second attempt, 3 s after the first one failed
    const cost = estimateRunCost(
      { ...base, status: "RUNNING", attempts: [failed] },
      lambda,
      "2026-01-01T00:00:05.000Z",
    );
    expect(cost).toMatchObject({ basis: "estimated", state_transitions: 2 + 4 + 1, region: "us-east-1" });
    expect(cost.lambda_gb_seconds).toBeCloseTo(2 + 3, 6);
    // a queued run that never got its slot: the execution began, no worker ran
    const queued = estimateRunCost({ ...base, status: "QUEUED" }, lambda, "2026-01-01T00:00:05.000Z");
    expect(queued).toMatchObject({ state_transitions: 2, lambda_gb_seconds: 0 });
    // waiting before a retry: the failed attempt only
    const waiting = estimateRunCost(
      { ...base, status: "RUNNING", attempts: [failed], retry_at: "2026-01-01T00:00:09.000Z" },
      lambda,
      "2026-01-01T00:00:05.000Z",
    );
    expect(waiting).toMatchObject({ state_transitions: 6, lambda_gb_seconds: 2 });
    // never began (no execution): nothing used
    const never = estimateRunCost(
      { ...base, status: "QUEUED", workflow_execution_arn: null },
      lambda,
      base.started_at,
    );
    expect(never).toMatchObject({ state_transitions: 0, lambda_gb_seconds: 0, usd: 0 });
  });

  it("skips attempts without both ends", () => {
    expect(
      attemptSeconds([
        { started_at: "2026-01-01T00:00:00Z", finished_at: "2026-01-01T00:00:02.5Z" },
        { started_at: null, finished_at: "2026-01-01T00:00:02Z" },
      ]),
    ).toEqual([2.5]);
  });
});

/** The state as the worker returns it: its counts and when the job ended. */
const workerEnded = (state: WorkflowState, endedAt: string): WorkflowState =>
  ({ ...state, result: { counts: COUNTS, progress: null, ended_at: endedAt } }) as unknown as WorkflowState;

describe("the steps count what a run takes", () => {
  const NOW = "2026-03-10T09:00:00.000Z";
  const input = { job_name: demoJob.name, params: {}, trigger_source: "manual" as const };
  const exec = { name: "e-1", arn: "arn:aws:states:us-east-1:123456789012:execution:jobdeck-demo-sync:e-1" };

  it("a successful run: 5 transitions, 2 steps calls + 1 worker call, the worker's seconds × 1 GB", async () => {
    const core = memoryCore({ now: NOW });
    const handle = createStepsHandler(core);
    let state = await handle({ step: "begin", state: { input }, execution: exec });
    expect(state.slot?.outcome).toBe("acquired");
    core.clock.advance(30);
    // what the worker returns: its counts and when the job ended
    state = workerEnded(state, core.clock.now().toISOString());
    state = await handle({ step: "finish_run", state, execution: exec });
    const run = await core.runs.get(state.run!.execution_uuid);
    expect(run?.status).toBe("SUCCESS");
    expect(run?.cost).toMatchObject({ state_transitions: 5, lambda_gb_seconds: 30, region: "us-east-1" });
    const p = PRICES["us-east-1"]!;
    expect(run?.cost?.usd).toBeCloseTo(
      5 * p.stepFunctionsPerTransition + 30 * p.lambdaPerGbSecond.arm64 + 3 * p.lambdaPerRequest,
      8,
    );
  });

  it("a failed attempt, its retry's wait and a second attempt add their states (5 + 4) and the first attempt's seconds", async () => {
    const core = memoryCore({ now: NOW });
    const handle = createStepsHandler(core);
    let state = await handle({ step: "begin", state: { input }, execution: exec });
    core.clock.advance(10);
    state = await handle({
      step: "attempt_failed",
      state: { ...state, error: { Error: "Error", Cause: "boom" } },
      execution: exec,
    });
    expect(state.retry?.again).toBe(true);
    core.clock.advance(state.retry!.wait_seconds);
    core.clock.advance(20);
    state = workerEnded(state, core.clock.now().toISOString());
    state = await handle({ step: "finish_run", state, execution: exec });
    const run = await core.runs.get(state.run!.execution_uuid);
    expect(run?.cost).toMatchObject({ state_transitions: 9, lambda_gb_seconds: 30 });
  });
});
