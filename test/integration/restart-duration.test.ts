// Issue 11, item 2: after a crash "runs end FAILURE with the wrong reason and a duration that
// counts the outage". A run left RUNNING by a process that died ended when it died: its last sign
// of life (last progress or record write), not the moment the next start reconciles it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import { Reconciler } from "#domain/runs/run-reconciler.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("a run left RUNNING by a crash", () => {
  it("ends FAILURE saying the stack stopped, with a duration up to its last sign of life, not the restart", async () => {
    const started = new Date(Date.now() - 3_600_000); // the stack was down for about an hour
    const run = newRun({
      execution_uuid: randomUUID(),
      job_name: "test.slow",
      params: { ms: 1 },
      data_source: ["clock"],
      concurrency_key: `test.slow#crash-${Date.now()}`,
      trigger_source: "manual",
      triggered_by: "tester",
      status: "RUNNING",
      now: started,
    });
    const lastSeen = new Date(started.getTime() + 12_000).toISOString();
    expect(await h.stack.deps.runs.create({ ...run, updated_at: lastSeen })).toBe(true);
    await new Reconciler(h.stack.deps).afterRestart("the local stack stopped during the run");
    const ended = (await h.admin("GET", `/v1/runs/${run.execution_uuid}`)).body;
    expect(ended.status).toBe("FAILURE");
    expect(ended.error_summary).toMatch(/local stack stopped during the run/);
    expect(ended.duration_seconds).toBe(12);
    expect(Date.parse(ended.finished_at)).toBe(Date.parse(lastSeen));
  });
});
