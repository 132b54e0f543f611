// Issue 14, problem 8 (history): GET /v1/runs finds runs by the start of their execution id, a whole
// id finds its run whatever the other filters, and the first page carries the filter's total
// (counted up to 1,000, "1,000+" beyond).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import { TOTAL_CAP } from "#domain/runs/run-queries.ts";
import type { Run } from "#schemas/run.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
const runs: Run[] = [];
const JOB = "listed_companies.sync";
beforeAll(async () => {
  h = await startHarness();
  const now = Date.now();
  for (let i = 0; i < 12; i++) {
    const r = newRun({
      execution_uuid: randomUUID(),
      job_name: JOB,
      params: {},
      data_source: ["jquants_listed_info"],
      concurrency_key: JOB,
      trigger_source: "manual",
      triggered_by: "tester",
      status: "RUNNING",
      now: new Date(now - (i + 1) * 60_000),
    });
    runs.push(r);
    expect(await h.stack.deps.runs.create(r)).toBe(true);
  }
});
afterAll(async () => {
  await h?.stop();
});

describe("GET /v1/runs: run-id search and total", () => {
  it("a prefix narrows the list, a whole id (any case) finds its run outside the period, and the total counts the filter", async () => {
    const target = runs[5] as Run;
    const all = await h.admin("GET", `/v1/runs?job_name=${JOB}&limit=5`);
    expect(all.status).toBe(200);
    expect(all.body.total).toEqual({ count: 12, capped: false });
    expect(all.body.count).toBe(5);
    // The next page does not count again.
    const next = await h.admin(
      "GET",
      `/v1/runs?job_name=${JOB}&limit=5&cursor=${encodeURIComponent(all.body.next_cursor)}`,
    );
    expect(next.body.total).toBeNull();

    const prefix = target.execution_uuid.slice(0, 8).toUpperCase();
    const found = await h.admin("GET", `/v1/runs?execution_id=${prefix}`);
    expect(found.body.results.map((r: Run) => r.execution_uuid)).toEqual([target.execution_uuid]);
    expect(found.body.total).toEqual({ count: 1, capped: false });

    const whole = await h.admin(
      "GET",
      `/v1/runs?execution_id=${target.execution_uuid}&started_after=2000-01-01T00:00:00Z&started_before=2000-01-02T00:00:00Z`,
    );
    expect(whole.body.results.map((r: Run) => r.execution_uuid)).toEqual([target.execution_uuid]);

    const bad = await h.admin("GET", "/v1/runs?execution_id=zz");
    expect(bad.status).toBe(400);
    expect(TOTAL_CAP).toBe(1000);
  });
});
