// Issue 13, "cancel behaves the same in both hosts": in AWS nothing aborts the worker's Lambda when
// its execution is stopped, so the worker itself reads its run's status while the job runs and
// aborts the job once the run is no longer RUNNING — within CANCEL_POLL_MS, with no progress write.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobContext, JobDefinition } from "#domain/jobs/job-definition.ts";
import type { RunContext, WorkflowState } from "#domain/runs/workflow-state.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aRun } from "#test/helpers/builders.ts";
import { CANCEL_POLL_MS, createRunWorker } from "#workflow/worker-handler.ts";

const NOW = "2025-07-10T00:00:00.000Z";

beforeEach(() => {
  vi.useFakeTimers({ now: new Date(NOW) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A job that never writes progress: it waits for its signal, or for `ms`, whichever comes first. */
function quietJob(ms = 3_600_000): JobDefinition {
  return {
    name: "test.quiet",
    description: "waits without progress",
    category: null,
    data_sources: [],
    parameters: { safeParse: (v: unknown) => ({ success: true, data: v }) },
    timeout_seconds: 7200,
    async run(ctx: JobContext<Record<string, unknown>>) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        });
      });
      ctx.throwIfCancelled();
    },
  } as unknown as JobDefinition;
}

function setup(job: JobDefinition) {
  const core = memoryCore({ jobs: [job], now: NOW });
  const run = aRun({ job_name: job.name, status: "RUNNING" });
  core.runs.seed(run);
  const context: RunContext = {
    execution_uuid: run.execution_uuid,
    job_name: job.name,
    concurrency_key: job.name,
    params: {},
    attempt: 1,
    max_attempts: 1,
    timeout_seconds: 7200,
    proceed: true,
    execution_policy: "skip",
    queue_timeout_seconds: 0,
    queued_at: NOW,
  };
  const worker = createRunWorker({ ...core, openStores: () => ({}) });
  const payload = { input: { job_name: job.name }, run: context } as unknown as WorkflowState;
  const outcome: { settled: boolean; error: unknown; value: WorkflowState | null } = {
    settled: false,
    error: null,
    value: null,
  };
  const started = () =>
    worker(payload).then(
      (v) => Object.assign(outcome, { settled: true, value: v }),
      (e: unknown) => Object.assign(outcome, { settled: true, error: e }),
    );
  const cancel = () =>
    core.runs.finish(run.execution_uuid, ["RUNNING"], {
      status: "CANCELLED",
      finished_at: new Date().toISOString(),
      duration_seconds: 1,
      error_summary: "cancelled by ops",
      next_scheduled_for: null,
      expires_at: null,
    });
  return { core, run, outcome, started, cancel };
}

describe("the worker learns of a cancel without a progress write", () => {
  it("a quiet job is cancelled within CANCEL_POLL_MS after its run is marked CANCELLED", async () => {
    const { outcome, started, cancel } = setup(quietJob());
    void started();
    await vi.advanceTimersByTimeAsync(3 * CANCEL_POLL_MS + 1234);
    expect(outcome.settled).toBe(false); // still RUNNING: the reads change nothing
    await cancel();
    await vi.advanceTimersByTimeAsync(CANCEL_POLL_MS);
    expect(outcome.settled).toBe(true);
    expect((outcome.error as Error).name).toBe("JobCancelled");
    expect((outcome.error as Error).message).toMatch(/run is CANCELLED/);
  });

  it("polls every few seconds, and not at all once the job has ended (no timer left behind)", async () => {
    const { core, outcome, started } = setup(quietJob(10 * CANCEL_POLL_MS + 100));
    const get = vi.spyOn(core.runs, "get");
    void started();
    await vi.advanceTimersByTimeAsync(10 * CANCEL_POLL_MS + 200);
    expect(outcome.settled).toBe(true);
    expect(outcome.error).toBeNull();
    expect(get).toHaveBeenCalledTimes(10);
    await vi.advanceTimersByTimeAsync(20 * CANCEL_POLL_MS);
    expect(get).toHaveBeenCalledTimes(10);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a store outage during the poll does not fail the job; the cancel is seen once it answers", async () => {
    const { core, outcome, started, cancel } = setup(quietJob());
    core.outage.begin((op) => op === "runs.get");
    void started();
    await vi.advanceTimersByTimeAsync(4 * CANCEL_POLL_MS);
    expect(core.outage.refused.filter((op) => op === "runs.get").length).toBeGreaterThanOrEqual(3);
    expect(outcome.settled).toBe(false);
    // one warning for the whole streak, not one per read
    expect(core.logger.lines.filter((l) => l.message === "could not read the run's status")).toHaveLength(1);
    await cancel();
    await vi.advanceTimersByTimeAsync(2 * CANCEL_POLL_MS);
    expect(outcome.settled).toBe(false); // still down: nothing known
    core.outage.end();
    await vi.advanceTimersByTimeAsync(CANCEL_POLL_MS);
    expect(outcome.settled).toBe(true);
    expect((outcome.error as Error).name).toBe("JobCancelled");
  });

  it("a progress write that finds the run RUNNING stands in for the read; a quiet job is read again", async () => {
    const job = {
      ...quietJob(),
      async run(ctx: JobContext<Record<string, unknown>>) {
        for (let i = 0; i < 30 && !ctx.signal.aborted; i++) {
          ctx.progress({ current: i, total: 30 });
          await new Promise((r) => setTimeout(r, 1000));
        }
        await quietJob().run(ctx); // then quiet until cancelled
      },
    } as JobDefinition;
    const { core, outcome, started, cancel } = setup(job);
    const get = vi.spyOn(core.runs, "get");
    void started();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(get).toHaveBeenCalledTimes(0); // each write checked RUNNING already
    await vi.advanceTimersByTimeAsync(3 * CANCEL_POLL_MS);
    expect(get.mock.calls.length).toBeGreaterThanOrEqual(2);
    await cancel();
    await vi.advanceTimersByTimeAsync(CANCEL_POLL_MS);
    expect((outcome.error as Error).name).toBe("JobCancelled");
  });
});
