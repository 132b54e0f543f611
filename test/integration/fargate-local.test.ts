// Issue 15 locally: a fargate job (opendata.bulk_ingest) runs as a separate Node process started by
// the RunWorker state's local runner, through the real local stack (HTTP API, ASL interpreter,
// DynamoDB Local). Heartbeat timing is scaled down by the stack's test knobs, not waited for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import { poll, processAlive, until } from "#test/helpers/wait.ts";

const JOB = "opendata.bulk_ingest";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type LogLine = { message: string; level: string; fields: Record<string, unknown> };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    // The watchdog's HeartbeatSeconds scaled from the job's 600 s; the child beats every 200 ms.
    fargate: { heartbeatEveryMs: 200, heartbeatSeconds: 5, stopTimeoutSeconds: 3 },
    // Progress writes 2 s apart: the counts a job reaches between two writes are what a cancel
    // used to lose (the final flush must land them).
    minProgressWriteMs: 2000,
  });
});
afterAll(async () => {
  await h?.stop();
});

async function logsOf(id: string): Promise<LogLine[]> {
  const out: LogLine[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page = await h.admin("GET", `/v1/runs/${id}/logs?limit=100${q}`);
    expect(page.status).toBe(200);
    out.push(...(page.body.results as LogLine[]));
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
}

async function trigger(params: Record<string, unknown>): Promise<string> {
  const started = await h.admin("POST", "/v1/trigger", { job_name: JOB, options: params });
  expect(started.status).toBe(202);
  return started.body.execution_uuid as string;
}

/** The run once its task recorded where it runs (its child's pid). */
const withTask = (id: string) =>
  h.waitForRun(id, (r) => typeof r.task?.pid === "number" || isFinished(r), 30_000);

const alive = processAlive;

describe("a fargate job on the local stack", () => {
  it("runs in a separate process that reports progress and ends SUCCESS with its counts", async () => {
    const id = await trigger({ duration_seconds: 3, files: 6 });
    const running = await withTask(id);
    const pid = running.task?.pid as number;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    expect(running.task?.id).toBe(`local:pid:${pid}`);

    // Progress while it runs: a stage of the job's own, written by the child.
    const seen = await poll(
      () => h.admin("GET", `/v1/runs/${id}`).then((r) => r.body as Run),
      (r) => isFinished(r) || (r.progress?.stages ?? []).some((s) => s.status === "running"),
      30_000,
      50,
    );
    expect(seen.progress?.stages.map((s) => s.name)).toEqual(["Download", "Parse", "Load", "Index"]);

    const run = await h.waitForRun(id, isFinished, 60_000);
    expect(run.status).toBe("SUCCESS");
    expect(run.input_count).toBeGreaterThan(0);
    expect(run.inserted_count).toBeGreaterThan(0);
    expect(run.updated_count).toBeGreaterThan(0);
    expect(run.skip_breakdown).toMatchObject({
      invalid_row: expect.any(Number),
      duplicate: expect.any(Number),
      unchanged: expect.any(Number),
    });
    expect(run.input_count).toBe(run.inserted_count + run.updated_count + run.skipped_count);
    expect(run.progress?.stages.every((s) => s.status === "done")).toBe(true);
    expect(run.progress?.message_key).toBe("indexed");

    // The run's log carries the child's own lines, with its pid (≠ the stack's).
    const lines = await logsOf(id);
    const fromChild = lines.filter((l) => l.fields.pid === pid);
    expect(fromChild.map((l) => l.message)).toEqual(
      expect.arrayContaining(["task started", "worker started", "stage started", "worker finished"]),
    );
    expect(lines.some((l) => l.fields.pid === process.pid)).toBe(false);
    await until(
      async () => alive(pid),
      (a) => !a,
      10_000,
    );
  });

  it("cancelled mid-run: CANCELLED, the counts it reached land within 5 s, the child is gone", async () => {
    const id = await trigger({ duration_seconds: 40, files: 12 });
    const pid = (await withTask(id)).task?.pid as number;
    // In Parse rows are counted as they are read: counts move between progress writes.
    await until(
      () => logsOf(id),
      (ls) => ls.some((l) => l.message === "stage started" && l.fields.stage === "Parse"),
      30_000,
      50,
    );
    await sleep(1500);
    const c = await h.admin("POST", `/v1/runs/${id}/cancel`);
    expect(c.status).toBe(202);
    const cancelledAt = Date.now();

    // What the job reached: the attempt logs its counts as it flushes them after the cancel.
    const final = await until(
      () => logsOf(id),
      (ls) => ls.some((l) => l.message === "final counts after the run ended"),
      5_000,
      50,
    ).then((ls) => ls.find((l) => l.message === "final counts after the run ended")!.fields);
    expect(final.input_count).toBeGreaterThan(0);
    const run = await poll(
      () => h.admin("GET", `/v1/runs/${id}`).then((r) => r.body as Run),
      (r) => r.input_count === final.input_count,
      Math.max(0, cancelledAt + 5_000 - Date.now()),
      50,
    );
    expect(run.status).toBe("CANCELLED");
    expect(run.input_count).toBe(final.input_count);
    expect(run.skipped_count).toBe(final.skipped_count);
    // Counts only: the record keeps the stage the cancel found.
    expect(run.progress?.stages.find((s) => s.name === "Parse")?.status).toBe("running");

    await until(
      async () => alive(pid),
      (a) => !a,
      10_000,
    );
    expect(h.stack.fargate.pids()).not.toContain(pid);
  });

  it("a task that stops heartbeating ends TIMED_OUT with a heartbeat summary, its child stopped", async () => {
    const id = await trigger({ duration_seconds: 600, stall_after_seconds: 1 });
    const pid = (await withTask(id)).task?.pid as number;
    const run = await h.waitForRun(id, isFinished, 45_000);
    expect(run.status).toBe("TIMED_OUT");
    expect(run.error_summary).toMatch(/heartbeat/i);
    await until(
      async () => alive(pid),
      (a) => !a,
      10_000,
    );
  });

  it("kill -9 of the child ends the run FAILURE with the exit reason", async () => {
    const id = await trigger({ duration_seconds: 120 });
    const pid = (await withTask(id)).task?.pid as number;
    process.kill(pid, "SIGKILL");
    const run = await h.waitForRun(id, isFinished, 30_000);
    expect(run.status).toBe("FAILURE");
    expect(run.error_summary).toMatch(/137/);
    expect(run.error_summary).toMatch(/SIGKILL/);
  });
});

describe("stopping the local stack", () => {
  it("leaves no task child running, even one that does not answer SIGTERM", async () => {
    const own = await startHarness({ fargate: { heartbeatEveryMs: 200, stopTimeoutSeconds: 2 } });
    let pid = 0;
    try {
      const started = await own.admin("POST", "/v1/trigger", {
        job_name: JOB,
        options: { duration_seconds: 600 },
      });
      expect(started.status).toBe(202);
      const run = await own.waitForRun(
        started.body.execution_uuid,
        (r) => typeof r.task?.pid === "number" || isFinished(r),
        30_000,
      );
      pid = run.task?.pid as number;
      expect(alive(pid)).toBe(true);
      // A hung task (frozen: SIGTERM stays pending): only the stop timeout's SIGKILL ends it.
      process.kill(pid, "SIGSTOP");
    } finally {
      await own.stop();
    }
    // Gone when stop() answers: no wait.
    const left = alive(pid);
    if (left) process.kill(pid, "SIGKILL");
    expect(left).toBe(false);
    expect(own.stack.fargate.pids()).toEqual([]);
  });
});
