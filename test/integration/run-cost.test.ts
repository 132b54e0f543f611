// Issue 16 part 4 on the local stack: a run's cost counts the transitions the execution really
// took (checked against the ASL interpreter's own event log), and a successful manual run takes
// at most 6 transitions and 3 Lambda calls (it took 8 transitions and 4 calls before BeginRun).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_WORKER_ARN } from "#local/local-workflow.ts";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import { until } from "#test/helpers/wait.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

async function runTo(jobName: string, options: Record<string, unknown>) {
  const r = await h.admin("POST", "/v1/trigger", { job_name: jobName, options });
  expect(r.status).toBe(202);
  const id = r.body.execution_uuid as string;
  await h.waitForRun(id, isFinished);
  const run = (await h.stack.deps.runs.get(id)) as Run;
  const arn = run.workflow_execution_arn!;
  // the execution ends just after the run's last write (FinishRun → Done)
  const usage = await until(
    async () => ({ status: await h.stack.workflow.describe(arn), usage: h.stack.workflow.usage(arn) }),
    (x) => x.status !== "RUNNING",
    10_000,
    20,
  );
  return { run, usage: usage.usage! };
}

const lambdaCalls = (calls: Record<string, number>) =>
  (calls["local:steps"] ?? 0) + (calls[LOCAL_WORKER_ARN] ?? 0);

describe("a run's cost on the local stack", () => {
  it("a successful manual run: ≤ 6 transitions and ≤ 3 Lambda calls, and its cost counts exactly those transitions", async () => {
    const { run, usage } = await runTo("test.slow", { ms: 100 });
    expect(run.status).toBe("SUCCESS");
    expect(usage.transitions).toBeLessThanOrEqual(6);
    expect(lambdaCalls(usage.calls)).toBeLessThanOrEqual(3);
    expect(run.cost).toMatchObject({
      state_transitions: usage.transitions,
      fargate_vcpu_seconds: 0,
      region: "ap-northeast-1",
    });
    // the worker's 100 ms or more at 1 GB
    expect(run.cost!.lambda_gb_seconds).toBeGreaterThanOrEqual(0.1);
    expect(run.cost!.usd).toBeGreaterThan(0);
    expect(run.cost!.basis).toBe("counted");
  });

  it("a run retried once counts the failed attempt, the wait and the retry, as the interpreter took them", async () => {
    const { run, usage } = await runTo("test.flaky", {});
    expect(run.status).toBe("SUCCESS");
    expect(run.cost?.state_transitions).toBe(usage.transitions);
    expect(usage.transitions).toBeGreaterThan(6);
  });

  it("a failed run carries its cost too", async () => {
    const { run, usage } = await runTo("test.always_fails", {});
    expect(run.status).toBe("FAILURE");
    expect(run.cost?.state_transitions).toBe(usage.transitions);
  });

  it("a run cancelled mid-attempt carries an estimated cost: BeginRun, SlotOutcome and the RunWorker it was in, the worker up to the cancel", async () => {
    const r = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 30_000 } });
    const id = r.body.execution_uuid as string;
    await h.waitForRun(id, (x) => x.status === "RUNNING");
    await new Promise((res) => setTimeout(res, 600));
    expect((await h.admin("POST", `/v1/runs/${id}/cancel`, {})).status).toBeLessThan(300);
    const run = await h.waitForRun(id, isFinished);
    expect(run.status).toBe("CANCELLED");
    expect(run.cost).toMatchObject({ basis: "estimated", state_transitions: 3, fargate_vcpu_seconds: 0 });
    // at least the 0.6 s the worker had run, at 1 GB
    expect(run.cost!.lambda_gb_seconds).toBeGreaterThanOrEqual(0.5);
    expect(run.cost!.usd).toBeGreaterThan(0);
    // the answer is the record's (and openapi.json describes it: the harness validates every answer)
    expect((await h.admin("GET", `/v1/runs/${id}`)).body.cost.basis).toBe("estimated");
  });
});
