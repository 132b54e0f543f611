// Issue 16 part 2, the acceptance through the local stack's HTTP API (every answer checked against
// openapi.json by the harness): a dry run of cron(30 11 * * ? *) over 10 days lists 10 times;
// starting it creates 10 runs with those scheduled_for values, never more than `concurrency`
// started and not ended at once; re-posting the same request starts nothing new; cancel stops the
// pending ones.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, type Reply, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const JOB = "test.logical_time";
const TEN_DAYS = {
  schedule_expression: "cron(30 11 * * ? *)",
  timezone: "Asia/Tokyo",
  from: "2025-10-01T00:00:00+09:00",
  to: "2025-10-10T23:59:59+09:00",
};
const EXPECTED = Array.from(
  { length: 10 },
  (_, i) => `2025-10-${String(i + 1).padStart(2, "0")}T11:30:00+09:00`,
);
const backfill = (body: unknown) => h.admin("POST", `/v1/jobs/${JOB}/backfill`, body);

describe("backfill", () => {
  it("a dry run lists the 10 fire times, oldest first, and starts nothing", async () => {
    const r = await backfill({ ...TEN_DAYS, dry_run: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ dry_run: true, job_name: JOB, count: 10, capped: false });
    expect(r.body.times.map((t: { scheduled_for: string }) => t.scheduled_for)).toEqual(EXPECTED);
    const capped = await backfill({ ...TEN_DAYS, dry_run: true, max_runs: 4 });
    expect(capped.body).toMatchObject({ count: 4, capped: true });
    const runs = await h.admin("GET", `/v1/runs?job_name=${JOB}`);
    expect(runs.body.results).toEqual([]);
  });

  it("starts 10 runs with those scheduled_for values, at most `concurrency` at once; the same request again starts nothing", async () => {
    const body = { ...TEN_DAYS, concurrency: 3, params: { ms: 300 } };
    const created = await backfill(body);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.headers.get("idempotent-replayed")).toBeNull();
    const id = created.body.id as string;
    expect(created.headers.get("location")).toBe(`/v1/backfills/${id}`);
    expect(created.body.counts).toMatchObject({ total: 10, running: 3, pending: 7 });

    // Sample while it runs: the runs started and not ended (RUNNING or QUEUED), from the runs list
    // itself, never exceed 3; the backfill's own counts agree.
    let most = 0;
    let again: Reply | null = null;
    for (;;) {
      const [view, runs] = await Promise.all([
        h.admin("GET", `/v1/backfills/${id}`),
        h.admin("GET", `/v1/runs?job_name=${JOB}&limit=100`),
      ]);
      const active = runs.body.results.filter((r: Run) => !isFinished(r)).length;
      most = Math.max(most, active);
      expect(active).toBeLessThanOrEqual(3);
      expect(view.body.counts.running).toBeLessThanOrEqual(3);
      // Re-posting the same request mid-way answers the same backfill and starts nothing new.
      if (!again && view.body.counts.done >= 2) {
        again = await backfill(body);
        expect(again.status, JSON.stringify(again.body)).toBe(200);
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(again.body.id).toBe(id);
      }
      if (view.body.status === "done") break;
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(again).not.toBeNull();
    expect(most).toBe(3);

    const done = await h.admin("GET", `/v1/backfills/${id}`);
    expect(done.body.counts).toEqual({ total: 10, done: 10, skipped: 0, failed: 0, running: 0, pending: 0 });
    expect(done.body.runs.map((r: { scheduled_for: string }) => r.scheduled_for)).toEqual(EXPECTED);
    const all = await h.admin("GET", `/v1/runs?job_name=${JOB}&limit=100`);
    expect(all.body.results).toHaveLength(10);
    for (const listed of all.body.results) {
      const run = (await h.admin("GET", `/v1/runs/${listed.execution_uuid}`)).body;
      expect(run).toMatchObject({ trigger_source: "backfill", backfill_id: id, status: "SUCCESS" });
      // The job read its logical time as ctx.scheduledFor.
      expect(run.progress.message).toBe(`for ${new Date(run.scheduled_for).toISOString()}`);
    }
    expect(all.body.results.map((r: { scheduled_for: string }) => r.scheduled_for).sort()).toEqual(EXPECTED);

    // Once done, posting it again still starts nothing.
    expect((await backfill(body)).status).toBe(200);
    expect((await h.admin("GET", `/v1/runs?job_name=${JOB}&limit=100`)).body.results).toHaveLength(10);
    const audit = await h.admin("GET", "/v1/audit?action=backfill.start");
    expect(audit.body.results.filter((e: { target: string }) => e.target === id)).toHaveLength(1);
  });

  it("cancel: pending times never start, the running one ends on its own", async () => {
    const created = await backfill({
      ...TEN_DAYS,
      from: "2025-11-01T00:00:00+09:00",
      to: "2025-11-05T23:00:00+09:00",
      params: { ms: 1500 },
    });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(created.body.counts).toMatchObject({ total: 5, running: 1, pending: 4 });
    const cancelled = await h.admin("POST", `/v1/backfills/${id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelled_by: "tester@example.test" });
    expect(cancelled.body.counts).toMatchObject({ pending: 4 });
    const first = cancelled.body.runs[0].execution_uuid as string;
    await h.waitForRun(first, isFinished);
    // Neither the run's end nor the sweeper starts the pending ones.
    await h.stack.sweeper.sweep();
    const after = await h.admin("GET", `/v1/backfills/${id}`);
    expect(after.body.counts).toEqual({ total: 5, done: 1, skipped: 0, failed: 0, running: 0, pending: 4 });
    const mine = (await h.admin("GET", `/v1/runs?job_name=${JOB}&limit=100`)).body.results.filter(
      (r: { backfill_id: string }) => r.backfill_id === id,
    );
    expect(mine).toHaveLength(1);
    expect((await h.admin("POST", `/v1/backfills/${id}/cancel`, {})).status).toBe(409);
    const audit = await h.admin("GET", "/v1/audit?action=backfill.cancel");
    expect(audit.body.results.filter((e: { target: string }) => e.target === id)).toHaveLength(1);
    const list = await h.admin("GET", `/v1/backfills?job_name=${JOB}`);
    expect(list.body.results.map((b: { id: string }) => b.id)).toContain(id);
  });

  it("answers a client's mistakes with 400 / 403 / 404", async () => {
    const bad = async (body: unknown) => (await backfill(body)).status;
    expect(await bad({ ...TEN_DAYS, schedule_id: "abc", dry_run: true })).toBe(400);
    expect(await bad({ from: TEN_DAYS.from, to: TEN_DAYS.to, dry_run: true })).toBe(400);
    expect(await bad({ ...TEN_DAYS, max_runs: 501, dry_run: true })).toBe(400);
    expect(await bad({ ...TEN_DAYS, concurrency: 6, dry_run: true })).toBe(400);
    expect(await bad({ ...TEN_DAYS, from: TEN_DAYS.to, to: TEN_DAYS.from, dry_run: true })).toBe(400);
    expect(await bad({ ...TEN_DAYS, schedule_expression: "cron(nope)", dry_run: true })).toBe(400);
    expect(await bad({ ...TEN_DAYS, params: { ms: "x" }, dry_run: true })).toBe(400);
    expect(
      (await h.admin("POST", "/v1/jobs/no.such_job/backfill", { ...TEN_DAYS, dry_run: true })).status,
    ).toBe(404);
    expect((await h.admin("GET", `/v1/backfills/${"0".repeat(32)}`)).status).toBe(404);
    expect((await h.admin("GET", "/v1/backfills/not-an-id")).status).toBe(400);
    const viewer = await h.token(["viewer"], "viewer");
    const r = await h.call("POST", `/v1/jobs/${JOB}/backfill`, {
      token: viewer,
      body: { ...TEN_DAYS, dry_run: true },
    });
    expect(r.status).toBe(403);
    expect((await h.call("GET", "/v1/backfills", { token: viewer })).status).toBe(200);
  });
});
