// Issue 11, item 6: "The queue policy is last-in-first-out". Runs queued for one concurrency key
// take the slot in the order they were queued, and the slot is handed over, not raced for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fireInputOf } from "#domain/schedules/schedule-fire.ts";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("queue policy", () => {
  it("five fires queued behind a running run take the slot first queued, first served", async () => {
    const s = await h.admin("POST", "/v1/schedules", {
      name: "fifo",
      job_name: "test.slow",
      schedule_expression: "rate(1 minute)",
      params: { ms: 300 },
      execution_policy: "queue",
      queue_timeout_seconds: 600,
    });
    expect(s.status).toBe(201);
    const blocker = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 2500 } });
    expect(blocker.status).toBe(202);
    const base = Date.parse("2030-01-01T00:00:00Z");
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      // what the schedule's fire hands the workflow, as both schedulers build it
      const input = fireInputOf(s.body, new Date(base + i * 60_000).toISOString());
      const name = `fifo-${i}-${Date.now()}`;
      names.push(name);
      await h.stack.workflow.start("test.slow", name, input);
      await sleep(120); // queued one after the other
    }
    const queued = async () =>
      (
        (await h.admin("GET", "/v1/runs?job_name=test.slow&trigger_source=schedule")).body.results as Run[]
      ).filter((r) => r.schedule_name === "fifo");
    const deadline = Date.now() + 60_000;
    let runs = await queued();
    while ((runs.length < 5 || runs.some((r) => !isFinished(r as Run))) && Date.now() < deadline) {
      await sleep(250);
      runs = await queued();
    }
    expect(runs).toHaveLength(5);
    expect(runs.every((r) => r.status === "SUCCESS")).toBe(true);
    // Queue order = the order they were queued (started_at); run order = the order they finished.
    const byQueued = [...runs]
      .sort((a, b) => a.started_at.localeCompare(b.started_at))
      .map((r) => r.execution_uuid);
    const byFinished = [...runs]
      .sort((a, b) => (a.finished_at ?? "").localeCompare(b.finished_at ?? ""))
      .map((r) => r.execution_uuid);
    expect(byFinished).toEqual(byQueued);
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  }, 90_000);
});
