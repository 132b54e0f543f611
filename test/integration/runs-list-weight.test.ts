// Issue 10, "Lighter lists": GET /v1/runs answered 100 runs with every per-item detail and full
// stage list (~241 KB for 100 finished recap.pipeline runs). The list now carries what the history
// table shows; the full record stays in GET /v1/runs/{execution_uuid}.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listItem, listProgress } from "#domain/runs/run-summary.ts";
import { RunListItemSchema } from "#schemas/answers.ts";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("GET /v1/runs carries every per-item detail and full stage list of each run (~241 KB a page)", () => {
  it("lists a finished recap.pipeline run without items, stage times or ops links; GET /v1/runs/{id} keeps them", async () => {
    const started = await h.admin("POST", "/v1/trigger", {
      job_name: "recap.pipeline",
      options: { stage_delay_ms: 0 },
    });
    expect(started.status).toBe(202);
    const full = (await h.waitForRun(started.body.execution_uuid, isFinished)) as Run;
    expect(full.status).toBe("SUCCESS");
    // The full record still has everything.
    expect(full.progress?.items.length).toBeGreaterThan(0);
    expect(full.progress?.stages.length).toBe(8);
    expect(full.concurrency_key).toBe("recap.pipeline");

    const page = await h.admin("GET", "/v1/runs?job_name=recap.pipeline&limit=100");
    expect(page.status).toBe(200);
    const listed = page.body.results.find((r: Run) => r.execution_uuid === full.execution_uuid);
    expect(RunListItemSchema.safeParse(listed).success).toBe(true);
    expect(listed.progress).toEqual({
      stage: full.progress?.stage,
      stage_index: 7,
      stage_count: 8,
      current: full.progress?.current,
      total: full.progress?.total,
      message: full.progress?.message,
      message_key: full.progress?.message_key,
      message_params: full.progress?.message_params,
      updated_at: full.progress?.updated_at,
    });
    for (const heavy of ["workflow_execution_arn", "console_url", "logs_url", "concurrency_key"]) {
      expect(listed, heavy).not.toHaveProperty(heavy);
    }
    // Everything else of the run is there, unchanged: status, times, counters, breakdown, error.
    const { progress: _p, workflow_execution_arn, console_url, logs_url, concurrency_key, ...rest } = full;
    expect(listed).toMatchObject(rest);
    expect(JSON.stringify(listed).length).toBeLessThan(JSON.stringify(full).length / 2);
  });

  it("a running run's row still knows its stage and where it is among the stages", async () => {
    const started = await h.admin("POST", "/v1/trigger", {
      job_name: "recap.pipeline",
      options: { stage_delay_ms: 1500 },
    });
    expect(started.status).toBe(202);
    const id = started.body.execution_uuid as string;
    const moving = await h.waitForRun(
      id,
      (r) => r.status === "RUNNING" && (r.progress?.stages.length ?? 0) > 0,
    );
    const page = await h.admin("GET", "/v1/runs?status=RUNNING");
    const row = page.body.results.find((r: Run) => r.execution_uuid === id);
    expect(row.progress.stage_count).toBe(8);
    expect(typeof row.progress.stage).toBe("string");
    expect(row.progress.stage_index).toBe(
      ["Fetch", "Preprocess", "Dedup", "Genre", "Select", "Evidence", "Dispatch", "Persist"].indexOf(
        row.progress.stage,
      ),
    );
    expect(moving.progress?.stages.map((s) => s.name)).toContain(row.progress.stage);
    await h.admin("POST", `/v1/runs/${id}/cancel`, {});
    await h.waitForRun(id, isFinished);
  });
});

describe("listItem", () => {
  it("gives no stage position for a stage that is not among the stages, and no progress for none", () => {
    const progress = {
      stage: "Warmup",
      stages: [{ name: "Fetch", status: "pending" as const, started_at: null, finished_at: null }],
      current: null,
      total: null,
      message: null,
      items: [],
      updated_at: "2025-07-01T00:00:00.000Z",
    };
    expect(listProgress(progress)).toMatchObject({ stage: "Warmup", stage_index: null, stage_count: 1 });
    expect(listProgress({ ...progress, stage: null, stages: [] })).toMatchObject({
      stage_index: null,
      stage_count: 0,
    });
    const run = { progress: null, concurrency_key: "k", logs_url: "u" } as unknown as Run;
    expect(listItem(run)).toEqual({ progress: null });
  });
});
