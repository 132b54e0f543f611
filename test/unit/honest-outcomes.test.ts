// Issue 11, items 2 and 7, in the domain: DynamoDB Local's disk-full answers are the store
// failing (retried, and named as such), a run's end is its worker's end, and a progress write
// that fails does not fail the job and is tried again.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { executeJob, type ProgressSnapshot } from "#domain/runs/job-attempt.ts";
import { isStoreFailure } from "#domain/runs/step-errors.ts";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import { WorkflowSteps } from "#domain/runs/workflow-steps.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { defineJob } from "#jobs/define-job.ts";

const shaped = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe("a full disk is the store failing", () => {
  const DISK_FULL: [string, unknown][] = [
    [
      "DynamoDB Local's namespaced InternalFailure",
      shaped("com.amazonaws.dynamodb.v20120810#InternalFailure", "unknown error"),
    ],
    [
      "an unknown error marked as the server's fault",
      shaped("UnknownError", "unknown error", { $fault: "server", $metadata: {} }),
    ],
    ["SQLite's disk full, passed on", shaped("Error", "[SQLITE_FULL] database or disk is full")],
    ["Node's ENOSPC", Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })],
    ["wrapped as a cause", new Error("write failed", { cause: shaped("Error", "database or disk is full") })],
  ];
  it.each(DISK_FULL)("%s is recognised as the store failing", (_label, e) => {
    expect(isStoreUnavailable(e)).toBe(true);
  });

  it("a step error from the store (as Step Functions passes it) names the store, a job's own error does not", () => {
    expect(
      isStoreFailure({
        Error: "InternalFailure",
        Cause: JSON.stringify({ errorType: "InternalFailure", errorMessage: "unknown error" }),
      }),
    ).toBe(true);
    expect(isStoreFailure({ Error: "Error", Cause: "database or disk is full" })).toBe(true);
    expect(isStoreFailure({ Error: "Error", Cause: "boom: the job's own failure" })).toBe(false);
    expect(isStoreFailure({ Error: "ValidationException", Cause: "bad key" })).toBe(false);
  });
});

describe("progress writes are best effort", () => {
  it("a failed progress write does not fail the job, and is tried again without new progress", async () => {
    const writes: ProgressSnapshot[] = [];
    let failures = 0;
    const job = defineJob({
      name: "t.once",
      description: "reports progress once, then works quietly",
      category: "test",
      data_sources: [],
      parameters: z.strictObject({}),
      timeout_seconds: 10,
      async run(ctx) {
        ctx.progress({ current: 1, total: 2, message: "half" });
        await new Promise((r) => setTimeout(r, 400));
        // by now the failed write was tried again
        expect(writes.some((w) => w.progress.message === "half")).toBe(true);
        ctx.count.input(2);
      },
    });
    const warnings: string[] = [];
    const log = (msg: string) => warnings.push(msg);
    const result = await executeJob(
      { job, executionUuid: "u", attempt: 1, params: {}, timeoutSeconds: 10 },
      {
        sink: {
          async write(snap) {
            if (failures < 1) {
              failures++;
              throw shaped("InternalFailure", "unknown error", { $fault: "server" });
            }
            writes.push(snap);
            return true;
          },
        },
        stores: {},
        logger: { info: () => {}, warn: log, error: log, debug: () => {} } as never,
        minWriteIntervalMs: 50,
      },
    );
    expect(result.counts.input_count).toBe(2);
    expect(failures).toBe(1);
    expect(warnings).toContain("progress write failed");
  });
});

describe("a job's own error stays its reason", () => {
  it("a job that fails while the store is down keeps its own error (no retry is attempted), and its end is stamped", async () => {
    const storeDown = shaped("TimeoutError", "connect ECONNRESET 127.0.0.1:8000");
    const deps = {
      registry: { get: () => ({ retry: { attempts: 3, backoff_seconds: 1, backoff_rate: 2 } }) },
      runs: {
        get: async () => {
          throw storeDown;
        },
      },
      clock: { now: () => new Date("2025-07-10T00:00:05.000Z") },
      logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
    } as unknown as ConstructorParameters<typeof WorkflowSteps>[0];
    const error = {
      Error: "Error",
      Cause: JSON.stringify({ errorType: "Error", errorMessage: "the job's own failure" }),
    };
    const state = {
      input: { job_name: "t.fails" },
      run: {
        execution_uuid: "u",
        job_name: "t.fails",
        concurrency_key: "t.fails",
        params: {},
        attempt: 1,
        max_attempts: 3,
        timeout_seconds: 10,
        proceed: true,
        execution_policy: "skip" as const,
        queue_timeout_seconds: 0,
        queued_at: "2025-07-10T00:00:00.000Z",
      },
      error,
    } as WorkflowState;
    const next = await new WorkflowSteps(deps).attemptFailed(state);
    expect(next.retry).toEqual({ again: false, wait_seconds: 0 });
    expect(next.error).toEqual(error);
    expect(next.ended_at).toBe("2025-07-10T00:00:05.000Z");
    expect(isStoreFailure(next.error)).toBe(false);
  });
});
