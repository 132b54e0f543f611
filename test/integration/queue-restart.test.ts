// Issue 11, item 6 (second half): "SIGTERM cancels all queued runs instead of keeping them".
// Queued runs keep their place across a stop and a start: the next start resumes them, first
// queued first, with their execution_uuid and queued time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fireInputOf } from "#domain/schedules/schedule-fire.ts";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import type { Run } from "#schemas/run.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";

const dir = mkdtempSync(join(tmpdir(), "jobdeck-queue-restart-"));
const stacks: LocalStack[] = [];
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  for (const s of stacks) await s.stop({ graceMs: 0 }).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<LocalStack> {
  const s = await startLocalStack({
    dataDir: dir,
    port: 0,
    scheduler: false,
    staticDir: null,
    sweepSeconds: 0,
    defaultSchedules: false,
    jobs: ALL_TEST_REGISTRY,
    logger: silent,
  });
  stacks.push(s);
  return s;
}

async function api(stack: LocalStack) {
  const tok = await (
    await fetch(`${stack.url}/local/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sub: "ops", groups: ["admin"] }),
    })
  ).json();
  const headers = { authorization: `Bearer ${tok.token}`, "content-type": "application/json" };
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${stack.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

describe("queue policy across a restart", () => {
  it("queued runs survive a restart and run in queue order", async () => {
    const first = await start();
    const call = await api(first);
    const s = await call("POST", "/v1/schedules", {
      name: "fifo-restart",
      job_name: "test.slow",
      schedule_expression: "rate(1 minute)",
      params: { ms: 1500 },
      execution_policy: "queue",
      queue_timeout_seconds: 600,
    });
    expect(s.status).toBe(201);
    // The holder: finishes within the grace of the stop below.
    const blocker = await call("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 2500 } });
    expect(blocker.status).toBe(202);
    const base = Date.parse("2030-01-01T00:00:00Z");
    for (let i = 0; i < 4; i++) {
      const input = fireInputOf(s.body, new Date(base + i * 60_000).toISOString());
      await first.workflow.start("test.slow", `fifo-restart-${i}-${Date.now()}`, input);
      await sleep(120); // queued one after the other
    }
    const fires = async (c: typeof call) =>
      ((await c("GET", "/v1/runs?job_name=test.slow&trigger_source=schedule")).body.results as Run[]).filter(
        (r) => r.schedule_name === "fifo-restart",
      );
    let before = await fires(call);
    for (let i = 0; i < 100 && (before.length < 4 || before.some((r) => r.status !== "QUEUED")); i++) {
      await sleep(100);
      before = await fires(call);
    }
    expect(before.map((r) => r.status)).toEqual(["QUEUED", "QUEUED", "QUEUED", "QUEUED"]);

    // SIGTERM's path: the holder finishes within the grace, the queued runs stay queued.
    await first.stop({ graceMs: 5000 });

    const second = await start();
    expect(second.reconciledAtStart).toBe(0);
    expect(second.resumedAtStart).toBe(4);
    const call2 = await api(second);
    expect((await call2("GET", `/v1/runs/${blocker.body.execution_uuid}`)).body.status).toBe("SUCCESS");
    let after = await fires(call2);
    for (let i = 0; i < 300 && after.some((r) => r.status === "QUEUED" || r.status === "RUNNING"); i++) {
      await sleep(100);
      after = await fires(call2);
    }
    expect(after.map((r) => r.status)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"]);
    // Same runs, same queued time; run one after the other in the order they were queued.
    const key = (r: Run) => r.execution_uuid;
    expect(after.map(key).sort()).toEqual(before.map(key).sort());
    for (const r of after)
      expect(r.started_at).toBe(before.find((b) => b.execution_uuid === r.execution_uuid)?.started_at);
    const byQueued = [...after].sort((a, b) => a.started_at.localeCompare(b.started_at)).map(key);
    const byFinished = [...after]
      .sort((a, b) => (a.finished_at ?? "").localeCompare(b.finished_at ?? ""))
      .map(key);
    expect(byFinished).toEqual(byQueued);
    // The slot is free again once the line is done.
    expect((await call2("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 10 } })).status).toBe(
      202,
    );
  }, 90_000);

  it("a queued run whose schedule was deleted before the restart ends SKIPPED, not left QUEUED", async () => {
    for (const st of stacks.splice(0)) await st.stop({ graceMs: 0 }).catch(() => {});
    const first = await start();
    const call = await api(first);
    const s = await call("POST", "/v1/schedules", {
      name: "gone-restart",
      job_name: "test.slow",
      schedule_expression: "rate(1 minute)",
      params: { ms: 10 },
      execution_policy: "queue",
      queue_timeout_seconds: 600,
    });
    expect(s.status).toBe(201);
    const blocker = await call("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 1500 } });
    expect(blocker.status).toBe(202);
    const input = fireInputOf(s.body, "2030-02-01T00:00:00.000Z");
    await first.workflow.start("test.slow", `gone-restart-${Date.now()}`, input);
    const fire = async (c: typeof call) =>
      ((await c("GET", "/v1/runs?job_name=test.slow&trigger_source=schedule")).body.results as Run[]).find(
        (r) => r.schedule_name === "gone-restart",
      );
    let queued = await fire(call);
    for (let i = 0; i < 100 && queued?.status !== "QUEUED"; i++) {
      await sleep(100);
      queued = await fire(call);
    }
    expect(queued?.status).toBe("QUEUED");
    expect((await call("DELETE", `/v1/schedules/${s.body.id}`)).status).toBeLessThan(300);
    await first.stop({ graceMs: 5000 });

    const second = await start();
    expect(second.resumedAtStart).toBe(1);
    const call2 = await api(second);
    const get = async () => (await call2("GET", `/v1/runs/${queued?.execution_uuid}`)).body as Run;
    let ended = await get();
    for (let i = 0; i < 100 && ended.status === "QUEUED"; i++) {
      await sleep(100);
      ended = await get();
    }
    expect(ended.status).toBe("SKIPPED");
    expect(ended.error_summary).toMatch(/schedule no longer runs it/);
  }, 60_000);
});
