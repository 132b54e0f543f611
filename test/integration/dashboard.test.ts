// GET /v1/dashboard/job-stats and /job-progress: figures from the runs in the window only.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

const NOW = new Date("2025-10-10T12:00:00Z");
let h: Harness;

async function seed(
  job: string,
  hoursAgo: number,
  status: RunStatus,
  duration: number,
  inserted = 0,
  error: string | null = null,
) {
  const started = new Date(NOW.getTime() - hoursAgo * 3600_000);
  const run: Run = {
    ...newRun({
      execution_uuid: randomUUID(),
      job_name: job,
      params: {},
      data_source: [],
      concurrency_key: job,
      trigger_source: "schedule",
      triggered_by: null,
      status: status === "RUNNING" ? "RUNNING" : "RUNNING",
      now: started,
    }),
    status,
    finished_at: status === "RUNNING" ? null : new Date(started.getTime() + duration * 1000).toISOString(),
    duration_seconds: status === "RUNNING" ? null : duration,
    inserted_count: inserted,
    error_summary: error,
  };
  expect(await h.stack.deps.runs.create(run)).toBe(true);
  return run;
}

beforeAll(async () => {
  h = await startHarness({ clock: { now: () => NOW } });
  // within 24 h: recap 3 ok (10, 20, 30 s), 1 failure, 1 skipped; listed 1 ok
  await seed("recap.pipeline", 1, "SUCCESS", 10, 6);
  await seed("recap.pipeline", 2, "SUCCESS", 20, 6);
  await seed("recap.pipeline", 3, "SUCCESS", 30, 6);
  await seed("recap.pipeline", 4, "FAILURE", 5, 0, "boom at stage Genre");
  await seed("recap.pipeline", 5, "SKIPPED", 0);
  await seed("listed_companies.sync", 6, "SUCCESS", 2, 4411);
  // outside 24 h, inside 7 d
  await seed("recap.pipeline", 50, "FAILURE", 100, 0, "old failure");
  // active, with progress
  const active = await seed("recap.pipeline", 0.1, "RUNNING", 0);
  await h.stack.deps.runs.writeProgress(active.execution_uuid, {
    attempt: 1,
    counts: {
      input_count: 10,
      inserted_count: 0,
      updated_count: 0,
      skipped_count: 0,
      error_count: 0,
      skip_breakdown: null,
    },
    progress: {
      stage: "Genre",
      stages: [],
      current: 2,
      total: 6,
      message: "classifying",
      items: [],
      updated_at: NOW.toISOString(),
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

it("job-stats over 24 h: counts, success rate, average and p95 duration, inserted total, last failure", async () => {
  const r = await h.admin("GET", "/v1/dashboard/job-stats?window=24h");
  expect(r.status).toBe(200);
  const recap = r.body.jobs.find((j: { job_name: string }) => j.job_name === "recap.pipeline");
  expect(recap).toMatchObject({
    total: 6,
    succeeded: 3,
    failed: 1,
    skipped: 1,
    cancelled: 0,
    success_rate: 0.75,
    inserted_total: 18,
  });
  expect(recap.avg_duration_seconds).toBe(16.25); // (10 + 20 + 30 + 5) / 4; skipped runs have no duration
  expect(recap.p95_duration_seconds).toBe(30);
  expect(recap.last_failure.error_summary).toBe("boom at stage Genre");
  expect(r.body.overall).toMatchObject({ total: 7, succeeded: 4, failed: 1, inserted_total: 4429 });
  expect(
    r.body.durations["recap.pipeline"].map((d: { duration_seconds: number }) => d.duration_seconds),
  ).toEqual([5, 30, 20, 10]);
});

it("the window switches: 7 d includes the older failure, 1 h only the newest runs", async () => {
  const week = await h.admin("GET", "/v1/dashboard/job-stats?window=7d");
  expect(week.body.jobs.find((j: { job_name: string }) => j.job_name === "recap.pipeline").failed).toBe(2);
  const hour = await h.admin("GET", "/v1/dashboard/job-stats?window=1h");
  // the active run and the run started exactly 1 h ago (the window's start is inclusive)
  expect(hour.body.overall.total).toBe(2);
  expect(hour.body.overall.success_rate).toBe(1);
  const bad = await h.admin("GET", "/v1/dashboard/job-stats?window=2w");
  expect(bad.status).toBe(400);
});

it("job-progress: active runs with their progress and the last finished runs", async () => {
  const r = await h.admin("GET", "/v1/dashboard/job-progress");
  expect(r.status).toBe(200);
  expect(r.body.active).toHaveLength(1);
  expect(r.body.active[0].progress).toMatchObject({ stage: "Genre", current: 2, total: 6 });
  expect(r.body.recent).toHaveLength(7);
  expect(r.body.recent[0].status).toBe("SUCCESS");
  expect(r.body.generated_at).toBe("2025-10-10T21:00:00+09:00");
});
