// Walking skeleton, end to end through HTTP → handlers → DynamoDB Local → ASL interpreter.
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTED_INFO_PATH_ENV } from "#jobs/listed-companies/listed-companies-sync.ts";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

const UNKNOWN = "7d4c2f0e-9a1b-4c3d-8e5f-0a1b2c3d4e5f";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  delete process.env[LISTED_INFO_PATH_ENV];
  await h?.stop();
});

describe("listed_companies.sync through HTTP", () => {
  let first: Run;

  it("answers 202 with a UUID, and the run is RUNNING at once", async () => {
    const res = await h.admin("POST", "/v1/trigger", { job_name: "listed_companies.sync" });
    expect(res.status).toBe(202);
    expect(res.body.execution_uuid).toMatch(UUID);
    expect(res.body.status).toBe("RUNNING");
    expect(res.body).toHaveProperty("next_scheduled_for", null);
    // The record exists before the response was sent: no polling needed.
    const now = await h.admin("GET", `/v1/runs/${res.body.execution_uuid}`);
    expect(now.status).toBe(200);
    expect(now.body.status).toBe("RUNNING");
    expect(now.body.trigger_source).toBe("manual");
    expect(now.body.triggered_by).toBe("tester@example.test");
    first = await h.waitForRun(res.body.execution_uuid, isFinished);
  });

  it("ends SUCCESS with consistent counts and a duration", () => {
    expect(first.status).toBe("SUCCESS");
    expect(first.input_count).toBe(4411);
    expect(first.inserted_count).toBe(4411);
    expect(first.inserted_count + first.updated_count + first.skipped_count).toBe(first.input_count);
    expect(first.error_count).toBe(0);
    expect(first.duration_seconds).toBeGreaterThan(0);
    expect(first.finished_at).not.toBeNull();
    expect(first.error_summary).toBeNull();
    expect(first.attempt).toBe(1);
    expect(first.workflow_execution_arn).toContain(first.execution_uuid);
    expect(first.progress?.stages.map((s) => [s.name, s.status])).toEqual([
      ["fetch", "done"],
      ["compare", "done"],
      ["upsert", "done"],
      ["deactivate", "done"],
    ]);
    // display time zone offset (Asia/Tokyo)
    expect(first.started_at).toMatch(/\+09:00$/);
  });

  it("a second full sync after records vanish from the source deactivates them", async () => {
    const source = JSON.parse(
      readFileSync(new URL("../../functions/jobs/data/listed-info.json", import.meta.url), "utf8"),
    );
    const removed = source.info.splice(0, 25);
    const path = join(tmpdir(), `listed-info-${Date.now()}.json`);
    writeFileSync(path, JSON.stringify(source));
    process.env[LISTED_INFO_PATH_ENV] = path;
    try {
      const res = await h.admin("POST", "/v1/trigger", { job_name: "listed_companies.sync" });
      expect(res.status).toBe(202);
      const run = await h.waitForRun(res.body.execution_uuid, isFinished);
      expect(run.status).toBe("SUCCESS");
      expect(run.input_count).toBe(4411 - 25);
      expect(run.inserted_count).toBe(0);
      expect(run.updated_count).toBe(25); // the deactivations
      expect(run.skipped_count).toBe(4411 - 25);
      expect(run.skip_breakdown).toEqual({ unchanged: 4411 - 25 });
      const companies = await h.stack.doc.send(
        new (await import("@aws-sdk/lib-dynamodb")).GetCommand({
          TableName: h.stack.storeTables.companies,
          Key: { code: removed[0].Code },
        }),
      );
      expect(companies.Item?.active).toBe(false);
    } finally {
      delete process.env[LISTED_INFO_PATH_ENV];
    }
  });
});

describe("recap.pipeline progress", () => {
  it("moves through the 8 stages with per-genre items while polled", async () => {
    const res = await h.admin("POST", "/v1/trigger", {
      job_name: "recap.pipeline",
      options: { stage_delay_ms: 500 },
    });
    expect(res.status).toBe(202);
    const seenStages: string[] = [];
    const seenItems = new Set<string>();
    let run: Run | null = null;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const r = (await h.admin("GET", `/v1/runs/${res.body.execution_uuid}`)).body as Run;
      const stage = r.progress?.stage;
      if (stage && seenStages[seenStages.length - 1] !== stage) seenStages.push(stage);
      for (const it of r.progress?.items ?? []) seenItems.add(it.name);
      if (isFinished(r)) {
        run = r;
        break;
      }
      await new Promise((x) => setTimeout(x, 150));
    }
    expect(run?.status).toBe("SUCCESS");
    const order = ["Fetch", "Preprocess", "Dedup", "Genre", "Select", "Evidence", "Dispatch", "Persist"];
    // Observed while running: at least 5 distinct stages, always in pipeline order.
    expect(seenStages.length).toBeGreaterThanOrEqual(5);
    expect(seenStages.map((s) => order.indexOf(s))).toEqual(
      [...seenStages.map((s) => order.indexOf(s))].sort((a, b) => a - b),
    );
    expect(seenItems.size).toBeGreaterThanOrEqual(4);
    expect(run!.progress!.stages.every((s) => s.status === "done")).toBe(true);
    expect(run!.progress!.stages.map((s) => s.name)).toEqual(order);
    expect(run!.skip_breakdown?.duplicate).toBeGreaterThan(0);
    const sum = Object.values(run!.skip_breakdown ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBe(run!.skipped_count);
  });
});

describe("concurrency slot", () => {
  it("no double runs: 50 simultaneous triggers of one job give exactly one 202 and one run record, the others 409 already_running", async () => {
    const token = await h.token(["admin"]);
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.call("POST", "/v1/trigger", { token, body: { job_name: "test.slow", options: { ms: 1500 } } }),
      ),
    );
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(49);
    const winner = accepted[0]!.body.execution_uuid;
    for (const r of refused) {
      expect(r.body.error.code).toBe("already_running");
      expect(r.body.error.details.execution_uuid).toBe(winner);
    }
    const runs = await h.admin("GET", "/v1/runs?job_name=test.slow");
    expect(runs.body.results.map((r: Run) => r.execution_uuid)).toEqual([winner]);
    const done = await h.waitForRun(winner, isFinished);
    expect(done.status).toBe("SUCCESS");
    // slot freed: the next trigger is accepted
    const again = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(again.status).toBe(202);
    await h.waitForRun(again.body.execution_uuid, isFinished);
  });

  it("concurrency 'params': different params run side by side, equal params conflict", async () => {
    const a = await h.admin("POST", "/v1/trigger", { job_name: "test.per_params", options: { key: "a" } });
    const b = await h.admin("POST", "/v1/trigger", { job_name: "test.per_params", options: { key: "b" } });
    const a2 = await h.admin("POST", "/v1/trigger", {
      job_name: "test.per_params",
      options: { ms: 1500, key: "a" },
    });
    expect([a.status, b.status, a2.status]).toEqual([202, 202, 409]);
    expect(a2.body.error.details.execution_uuid).toBe(a.body.execution_uuid);
    await h.waitForRun(a.body.execution_uuid, isFinished);
    await h.waitForRun(b.body.execution_uuid, isFinished);
  });
});

describe("failures and retries", () => {
  it("a worker that throws ends FAILURE with a ≤512-char error_summary after its retries; the slot is freed", async () => {
    const res = await h.admin("POST", "/v1/trigger", { job_name: "test.always_fails" });
    expect(res.status).toBe(202);
    const run = await h.waitForRun(res.body.execution_uuid, isFinished);
    expect(run.status).toBe("FAILURE");
    expect(run.attempt).toBe(3); // attempts: 3 in the job's retry policy
    expect(run.error_summary).toContain("upstream returned 503");
    expect(run.error_summary!.length).toBeLessThanOrEqual(512);
    expect(run.finished_at).not.toBeNull();
    expect(run.duration_seconds).not.toBeNull();
    const next = await h.admin("POST", "/v1/trigger", { job_name: "test.always_fails" });
    expect(next.status).toBe(202);
    await h.waitForRun(next.body.execution_uuid, isFinished);
  });

  it("a transient failure is retried per the policy and the run succeeds on attempt 2", async () => {
    const res = await h.admin("POST", "/v1/trigger", { job_name: "test.flaky" });
    const run = await h.waitForRun(res.body.execution_uuid, isFinished);
    expect(run.status).toBe("SUCCESS");
    expect(run.attempt).toBe(2);
    expect(run.inserted_count).toBe(3);
    expect(run.error_summary).toBeNull();
  });

  it("a disabled job refuses trigger with 409 job_disabled; enabling it again accepts", async () => {
    const off = await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: false, reason: "test" });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    const refused = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("job_disabled");
    await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: true });
    const ok = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(ok.status).toBe(202);
    await h.waitForRun(ok.body.execution_uuid, isFinished);
  });
});

describe("Idempotency-Key", () => {
  it("the same key returns the first answer and starts nothing new", async () => {
    const headers = { "idempotency-key": `k-${Date.now()}` };
    const first = await h.admin(
      "POST",
      "/v1/trigger",
      { job_name: "test.slow", options: { ms: 0 } },
      headers,
    );
    expect(first.status).toBe(202);
    await h.waitForRun(first.body.execution_uuid, isFinished);
    const again = await h.admin(
      "POST",
      "/v1/trigger",
      { job_name: "test.slow", options: { ms: 0 } },
      headers,
    );
    expect(again.status).toBe(202);
    expect(again.body.execution_uuid).toBe(first.body.execution_uuid);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await h.admin(
      "POST",
      "/v1/trigger",
      { job_name: "test.slow", options: { ms: 5 } },
      headers,
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_key_reused");
  });
});

describe("cancel and rerun", () => {
  it("cancel: 202 with the run CANCELLED at once, the worker stops, the slot is freed; a second cancel is 409", async () => {
    const started = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 30000 } });
    const id = started.body.execution_uuid;
    await h.waitForRun(id, (r) => r.status === "RUNNING" && r.progress !== null);
    const viewer = await h.token(["viewer"], "vic");
    expect((await h.call("POST", `/v1/runs/${id}/cancel`, { token: viewer })).status).toBe(403);
    const c = await h.admin("POST", `/v1/runs/${id}/cancel`);
    expect(c.status).toBe(202);
    expect(c.body.status).toBe("CANCELLED");
    expect(c.body.error_summary).toBe("cancelled by tester@example.test");
    expect(c.body.finished_at).not.toBeNull();
    // the execution ends and nothing overwrites the final status
    await new Promise((r) => setTimeout(r, 1500));
    const later = await h.admin("GET", `/v1/runs/${id}`);
    expect(later.body.status).toBe("CANCELLED");
    expect(later.body.finished_at).toBe(c.body.finished_at);
    expect(h.stack.workflow.running()).toBe(0);
    const again = await h.admin("POST", `/v1/runs/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_finished");
    const next = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(next.status).toBe(202);
    await h.waitForRun(next.body.execution_uuid, isFinished);
    expect((await h.admin("POST", `/v1/runs/${UNKNOWN}/cancel`)).status).toBe(404);
  });

  it("rerun: same job and params, trigger_source rerun; 409 while a run of the job is active", async () => {
    const first = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 1200 } });
    const id = first.body.execution_uuid;
    const busy = await h.admin("POST", `/v1/runs/${id}/rerun`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("already_running");
    await h.waitForRun(id, isFinished);
    const r = await h.admin("POST", `/v1/runs/${id}/rerun`);
    expect(r.status).toBe(202);
    expect(r.body.execution_uuid).not.toBe(id);
    const rerun = await h.waitForRun(r.body.execution_uuid, isFinished);
    expect(rerun).toMatchObject({
      status: "SUCCESS",
      trigger_source: "rerun",
      params: { ms: 1200 },
      job_name: "test.slow",
    });
    expect(rerun.triggered_by).toBe("tester@example.test");
  });
});
