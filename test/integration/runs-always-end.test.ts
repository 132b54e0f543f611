// Promise: runs always end. Whatever ends a workflow execution — the worker throws, hangs past its
// timeout, is cancelled, or nothing ends it at all — the run reaches its final status with an
// error_summary, its concurrency slot is freed, and the next trigger of the job is accepted.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import { MISSED_GRACE_SECONDS } from "#domain/runs/run-sweeper.ts";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
let now: Date | null = null;

beforeAll(async () => {
  h = await startHarness({ clock: { now: () => now ?? new Date() }, sweepSeconds: 0 });
});
afterAll(async () => {
  await h?.stop();
});

/** The slot is free when a new trigger of the job is accepted (and that run is then cancelled). */
async function nextTriggerAccepted(job: string, options: Record<string, unknown> = {}) {
  const next = await h.admin("POST", "/v1/trigger", { job_name: job, options });
  expect(next.status, JSON.stringify(next.body)).toBe(202);
  await h.admin("POST", `/v1/runs/${next.body.execution_uuid}/cancel`, {});
  await h.waitForRun(next.body.execution_uuid, isFinished);
}

describe("runs always end", () => {
  it("a worker that throws ends FAILURE with its error, the slot is freed, the next trigger is accepted", async () => {
    const r = await h.admin("POST", "/v1/trigger", { job_name: "test.always_fails" });
    const run = await h.waitForRun(r.body.execution_uuid, isFinished);
    expect(run.status).toBe("FAILURE");
    expect(run.error_summary).toMatch(/^Error: upstream returned 503/);
    expect(run.attempt).toBe(3);
    await nextTriggerAccepted("test.always_fails");
  });

  it("a worker hanging past timeout_seconds ends TIMED_OUT, the slot is freed, the next trigger is accepted", async () => {
    // The hang outlasts the 1 s timeout by far, so "ended at the timeout, not at the worker's end"
    // does not depend on how fast the machine is.
    const hangMs = 12_000;
    const r = await h.admin("POST", "/v1/trigger", { job_name: "test.hangs", options: { ms: hangMs } });
    const run = await h.waitForRun(r.body.execution_uuid, isFinished, 15_000);
    expect(run.status).toBe("TIMED_OUT");
    expect(run.error_summary).toMatch(/timed out|Timeout/i);
    // Behaviour, not speed: the recorded duration ends at the 1 s timeout, before the worker's own
    // end (hangMs) would have ended it.
    expect(run.duration_seconds).toBeLessThan(hangMs / 1000);
    await nextTriggerAccepted("test.hangs", { ms: 0 });
  });

  it("a run cancelled mid-run ends CANCELLED, the slot is freed, the next trigger is accepted", async () => {
    const r = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 20_000 } });
    await new Promise((res) => setTimeout(res, 500));
    expect((await h.admin("POST", `/v1/runs/${r.body.execution_uuid}/cancel`, {})).status).toBe(202);
    const run = await h.waitForRun(r.body.execution_uuid, isFinished);
    expect(run.status).toBe("CANCELLED");
    expect(run.error_summary).toBe("cancelled by tester@example.test");
    await nextTriggerAccepted("test.slow", { ms: 5000 });
  });

  it("a run left RUNNING with no execution to end it is ended TIMED_OUT by the sweeper after its budget, and its slot freed", async () => {
    // A run record and its slot as a lost execution would leave them (no workflow behind them).
    const started = new Date(Date.now() - 10 * 60_000);
    const lost = newRun({
      execution_uuid: randomUUID(),
      job_name: "test.slow",
      params: { ms: 1 },
      data_source: ["clock"],
      concurrency_key: "test.slow",
      trigger_source: "manual",
      triggered_by: "tester",
      status: "RUNNING",
      now: started,
    });
    const { control, runs } = h.stack.deps;
    const holder = {
      execution_uuid: lost.execution_uuid,
      job_name: "test.slow",
      acquired_at: lost.started_at,
    };
    expect(await control.acquireSlot("test.slow", holder, lost)).toEqual({ acquired: true });
    expect((await h.admin("POST", "/v1/trigger", { job_name: "test.slow" })).status).toBe(409);

    // test.slow may take 60 s (one attempt); with the 60 s grace the sweep ends it from 120 s on.
    now = new Date(started.getTime() + 90_000);
    expect((await h.stack.sweeper.sweep()).ended).toEqual([]);
    expect((await runs.get(lost.execution_uuid))?.status).toBe("RUNNING");

    now = new Date(started.getTime() + 121_000);
    const swept = await h.stack.sweeper.sweep();
    now = null;
    expect(swept.ended).toEqual([lost.execution_uuid]);
    const ended = (await h.admin("GET", `/v1/runs/${lost.execution_uuid}`)).body as Run;
    expect(ended.status).toBe("TIMED_OUT");
    expect(ended.error_summary).toMatch(
      /time budget \(60 s for 1 attempt\(s\)\) plus 60 s; ended by the sweeper/,
    );
    await nextTriggerAccepted("test.slow", { ms: 5000 });
  });
});

describe("missed runs", () => {
  it("a fire time of an enabled schedule that produced no run is recorded and listed as missed; one that ran is not", async () => {
    now = new Date("2030-01-07T00:00:30Z");
    const s = await h.admin("POST", "/v1/schedules", {
      name: "every-10-min",
      job_name: "test.slow",
      schedule_expression: "rate(10 minutes)",
      timezone: "UTC",
      params: { ms: 1 },
    });
    expect(s.status).toBe(201);
    // The first two fires: the first one ran (delivered), the second never came.
    const fires = (s.body.next_fire_times as string[]).slice(0, 2);
    const delivered = await h.stack.deps.workflow.start("test.slow", "fire-1", {
      job_name: "test.slow",
      schedule_id: s.body.id,
      schedule_name: "every-10-min",
      params: { ms: 1 },
      trigger_source: "schedule",
      scheduled_time: fires[0],
    });
    expect(delivered).toBeTruthy();
    await new Promise((r) => setTimeout(r, 1500));

    // Just after the second fire's grace: both are due, only the second has no run.
    now = new Date(Date.parse(fires[1] ?? "") + (MISSED_GRACE_SECONDS + 1) * 1000);
    const swept = await h.stack.sweeper.sweep();
    expect(swept.missed.map((m) => m.scheduled_time)).toEqual([new Date(fires[1] ?? "").toISOString()]);
    const status = await h.admin("GET", "/v1/scheduler/status");
    const listed = (status.body.missed_fires as { schedule_id: string; scheduled_time: string }[]).find(
      (m) => m.schedule_id === s.body.id,
    );
    expect(listed).toMatchObject({ schedule_name: "every-10-min", job_name: "test.slow" });
    // Answered, like every time, with the display offset: the same instant as the fire.
    expect(listed?.scheduled_time).toMatch(/\+09:00$/);
    expect(Date.parse(listed?.scheduled_time ?? "")).toBe(Date.parse(fires[1] ?? ""));
    // A second sweep does not report the same fire again.
    expect((await h.stack.sweeper.sweep()).missed).toEqual([]);
    now = null;
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });
});
