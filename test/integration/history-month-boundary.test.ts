// The all-jobs feed is partitioned by month: runs triggered in an earlier month must still be
// listed after the month changes (regression: triggered runs did not record their month).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let now = new Date("2025-06-30T23:59:00Z");
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock: { now: () => now } });
});
afterAll(async () => {
  await h?.stop();
});

it("a run triggered at the end of June is still in GET /v1/runs (all jobs) in August", async () => {
  const res = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
  expect(res.status).toBe(202);
  await h.waitForRun(res.body.execution_uuid, isFinished);
  now = new Date("2025-08-02T00:00:00Z");
  const all = await h.admin("GET", "/v1/runs");
  expect(all.body.results.map((r: Run) => r.execution_uuid)).toEqual([res.body.execution_uuid]);
  expect(all.body.results[0].started_at).toBe("2025-07-01T08:59:00+09:00");
});
