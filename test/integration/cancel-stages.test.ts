// Issue 14, problem 10: a run cancelled during a stage keeps its stages true. The cancel ends the
// run's record where it lands and the worker's later writes are refused, so the stage that had just
// started must already be in the record: stages before it done, it running (the page shows it
// cancelled), those after it pending (not run).
import { afterAll, beforeAll, expect, it } from "vitest";
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

/** Polls the run's log until a "stage started" line names `stage` (what the operator saw). */
async function untilStageLogged(id: string, stage: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await h.admin("GET", `/v1/runs/${id}/logs?limit=100${q}`);
      expect(page.status).toBe(200);
      const lines = page.body.results as { message: string; fields: Record<string, unknown> }[];
      if (lines.some((l) => l.message === "stage started" && l.fields.stage === stage)) return;
      cursor = page.body.next_cursor;
    } while (cursor);
    await sleep(20);
  }
  throw new Error(`stage ${stage} never started`);
}

it("recap.pipeline cancelled right after its 4th stage started: Dedup done, Genre cancelled, the rest not run", async () => {
  const started = await h.admin("POST", "/v1/trigger", {
    job_name: "recap.pipeline",
    options: { stage_delay_ms: 1500 },
  });
  expect(started.status).toBe(202);
  const id: string = started.body.execution_uuid;
  await untilStageLogged(id, "Genre");
  // Give the stage's own write the time of one store round trip, far less than the 1 s spacing.
  await sleep(100);
  const c = await h.admin("POST", `/v1/runs/${id}/cancel`);
  expect(c.status).toBe(202);
  const run: Run = await h.waitForRun(id, isFinished);
  // The worker's refused writes after the cancel change nothing.
  await sleep(1500);
  const later: Run = (await h.admin("GET", `/v1/runs/${id}`)).body;
  for (const r of [c.body as Run, run, later]) {
    expect(r.status).toBe("CANCELLED");
    const stages = r.progress?.stages ?? [];
    const byName = Object.fromEntries(stages.map((s) => [s.name, s.status]));
    expect(byName).toMatchObject({ Fetch: "done", Preprocess: "done", Dedup: "done", Genre: "running" });
    const i = stages.findIndex((s) => s.name === "Genre");
    expect(stages.slice(i + 1).map((s) => s.status)).toEqual(stages.slice(i + 1).map(() => "pending"));
    expect(stages[i]?.started_at).not.toBeNull();
    expect(stages[i - 1]?.finished_at).not.toBeNull();
    expect(r.progress?.stage).toBe("Genre");
  }
  expect(later.finished_at).toBe(run.finished_at);
});
