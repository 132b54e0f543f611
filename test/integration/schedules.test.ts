// Schedules end to end on the local stack (issue 3 acceptance): the scheduler is driven by a
// controlled clock and `scheduler.tick()`, the same code path its timer takes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let now = new Date("2025-10-01T00:00:00Z"); // 09:00 JST
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock: { now: () => now }, scheduler: true });
});
afterAll(async () => {
  await h?.stop();
});

const at = (iso: string) => {
  now = new Date(iso);
};
/** Firing tests start from a clean slate: no schedules, not paused, scheduler cursor at `iso`. */
async function reset(iso: string) {
  for (const sch of (await h.admin("GET", "/v1/schedules")).body.results)
    await h.admin("DELETE", `/v1/schedules/${sch.id}`);
  await h.admin("PUT", "/v1/scheduler/paused", { paused: false });
  await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: true });
  at(iso);
  await h.stack.scheduler.tick();
}
const runsOf = async (qs: string) => (await h.admin("GET", `/v1/runs?${qs}`)).body.results as Run[];
/** Schedule-started runs are recorded by the workflow's first state, just after the fire. */
async function pollRuns(qs: string, count: number): Promise<Run[]> {
  const deadline = Date.now() + 10_000;
  let runs = await runsOf(qs);
  while (runs.length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    runs = await runsOf(qs);
  }
  return runs;
}
const waitAll = async (runs: Run[]) =>
  Promise.all(runs.map((r) => h.waitForRun(r.execution_uuid, isFinished)));

describe("schedule CRUD", () => {
  it("creates with an auto-generated name, the job's category, next_fire_times and audit fields", async () => {
    const r = await h.admin("POST", "/v1/schedules", {
      job_name: "listed_companies.sync",
      schedule_expression: "cron(30 11 * * ? *)",
      tags: ["master", "daily"],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: "listed_companies_sync_daily_1130",
      auto_generated_name: true,
      category: "master_data",
      timezone: "Asia/Tokyo",
      enabled: true,
      execution_policy: "skip",
      // issue 17: J-Quants when a key is configured, else the fixture
      params: { source: "auto", dry_run: false },
      created_by: "tester@example.test",
      updated_by: "tester@example.test",
    });
    expect(r.body.next_fire_times).toEqual([
      "2025-10-01T11:30:00+09:00",
      "2025-10-02T11:30:00+09:00",
      "2025-10-03T11:30:00+09:00",
      "2025-10-04T11:30:00+09:00",
      "2025-10-05T11:30:00+09:00",
    ]);
    expect(r.body.expression_description.ja).toContain("毎日 11:30");
    // a second one with the same auto name gets a suffix; an explicit duplicate name is 409
    const again = await h.admin("POST", "/v1/schedules", {
      job_name: "listed_companies.sync",
      schedule_expression: "cron(30 11 * * ? *)",
    });
    expect(again.body.name).toBe("listed_companies_sync_daily_1130_2");
    const dup = await h.admin("POST", "/v1/schedules", {
      name: "listed_companies_sync_daily_1130",
      job_name: "listed_companies.sync",
      schedule_expression: "rate(1 hour)",
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("name_taken");
    expect((await h.admin("DELETE", `/v1/schedules/${again.body.id}`)).status).toBe(204);
    expect((await h.admin("GET", `/v1/schedules/${again.body.id}`)).status).toBe(404);
  });

  it("validates params by the job's schema, naming each field, and refuses bad expressions and zones", async () => {
    const bad = await h.admin("POST", "/v1/schedules", {
      job_name: "recap.pipeline",
      schedule_expression: "rate(30 minutes)",
      params: { max_per_genre: 0, colour: "red" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "params.colour",
      "params.max_per_genre",
    ]);
    const expr = await h.admin("POST", "/v1/schedules", {
      job_name: "recap.pipeline",
      schedule_expression: "cron(0 10 * * * *)",
    });
    expect(expr.status).toBe(400);
    expect(expr.body.error.details[0].field).toBe("schedule_expression");
    expect(expr.body.error.details[0].message).toMatch(/\?/);
    const zone = await h.admin("POST", "/v1/schedules", {
      job_name: "recap.pipeline",
      schedule_expression: "rate(1 hour)",
      timezone: "Mars/Olympus",
    });
    expect(zone.status).toBe(400);
    expect(zone.body.error.details[0].field).toBe("timezone");
    const job = await h.admin("POST", "/v1/schedules", {
      job_name: "no.such_job",
      schedule_expression: "rate(1 hour)",
    });
    expect(job.status).toBe(400);
    const unix = await h.admin("POST", "/v1/schedules", {
      job_name: "recap.pipeline",
      schedule_expression: "15 9 * * 1-5",
      params: { genres: ["tech"] },
    });
    expect(unix.status).toBe(201);
    expect(unix.body.schedule_expression).toBe("cron(15 9 ? * 2-6 *)");
    expect(unix.body.name).toBe("recap_pipeline_tech_weekdays_0915");
    const both = await h.admin("POST", "/v1/schedules", {
      job_name: "recap.pipeline",
      schedule_expression: "0 9 1 * 1",
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details[0].message).toMatch(/day-of-month and day-of-week/);
    await h.admin("DELETE", `/v1/schedules/${unix.body.id}`);
  });

  it("preview: an invalid expression is 200 valid:false with a message; POST of the same is 400", async () => {
    const p = await h.admin("POST", "/v1/schedules/preview", {
      schedule_expression: "cron(61 10 * * ? *)",
      timezone: "Asia/Tokyo",
    });
    expect(p.status).toBe(200);
    expect(p.body.valid).toBe(false);
    expect(p.body.message).toMatch(/minutes/);
    const c = await h.admin("POST", "/v1/schedules", {
      job_name: "recap.pipeline",
      schedule_expression: "cron(61 10 * * ? *)",
    });
    expect(c.status).toBe(400);
  });

  it("preview follows DST: New York skips 02:30 on the spring-forward day and fires 01:30 once at fall back", async () => {
    const spring = await h.admin("POST", "/v1/schedules/preview", {
      schedule_expression: "cron(30 2 * * ? *)",
      timezone: "America/New_York",
      from: "2025-03-08T00:00:00-05:00",
      count: 3,
    });
    expect(spring.body.valid).toBe(true);
    expect(spring.body.next_fire_times.map((t: string) => new Date(t).toISOString())).toEqual([
      "2025-03-08T07:30:00.000Z",
      "2025-03-10T06:30:00.000Z",
      "2025-03-11T06:30:00.000Z",
    ]);
    const fall = await h.admin("POST", "/v1/schedules/preview", {
      schedule_expression: "cron(30 1 * * ? *)",
      timezone: "America/New_York",
      from: "2025-11-01T12:00:00Z",
      count: 3,
    });
    expect(fall.body.next_fire_times.map((t: string) => new Date(t).toISOString())).toEqual([
      "2025-11-02T05:30:00.000Z",
      "2025-11-03T06:30:00.000Z",
      "2025-11-04T06:30:00.000Z",
    ]);
  });

  it("filters by job, category, tag and enabled; pages with a signed cursor", async () => {
    const mk = (body: object) => h.admin("POST", "/v1/schedules", body);
    const a = await mk({
      name: "f-a",
      job_name: "test.slow",
      schedule_expression: "rate(1 day)",
      tags: ["x"],
      category: "ops",
    });
    const b = await mk({
      name: "f-b",
      job_name: "test.slow",
      schedule_expression: "rate(2 days)",
      tags: ["y"],
      enabled: false,
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    const names = async (qs: string) =>
      (await h.admin("GET", `/v1/schedules?${qs}`)).body.results.map((s: { name: string }) => s.name);
    expect(await names("job_name=test.slow")).toEqual(["f-a", "f-b"]);
    expect(await names("tag=x")).toEqual(["f-a"]);
    expect(await names("category=ops")).toEqual(["f-a"]);
    expect(await names("job_name=test.slow&enabled=false")).toEqual(["f-b"]);
    const p1 = await h.admin("GET", "/v1/schedules?job_name=test.slow&limit=1");
    expect(p1.body.results.map((s: { name: string }) => s.name)).toEqual(["f-a"]);
    const p2 = await h.admin(
      "GET",
      `/v1/schedules?job_name=test.slow&limit=1&cursor=${encodeURIComponent(p1.body.next_cursor)}`,
    );
    expect(p2.body.results.map((s: { name: string }) => s.name)).toEqual(["f-b"]);
    expect(p2.body.next_cursor).toBeNull();
    const foreign = await h.admin(
      "GET",
      `/v1/schedules?tag=x&cursor=${encodeURIComponent(p1.body.next_cursor)}`,
    );
    expect(foreign.status).toBe(400);
    await h.admin("DELETE", `/v1/schedules/${a.body.id}`);
    await h.admin("DELETE", `/v1/schedules/${b.body.id}`);
  });
});

describe("firing", () => {
  it("two schedules of one job fire with their own params; runs carry schedule_id / schedule_name", async () => {
    await reset("2025-10-01T01:00:00Z");
    const s1 = await h.admin("POST", "/v1/schedules", {
      name: "pp-a",
      job_name: "test.per_params",
      schedule_expression: "cron(5 1 * * ? *)",
      timezone: "UTC",
      params: { key: "alpha", ms: 10 },
    });
    const s2 = await h.admin("POST", "/v1/schedules", {
      name: "pp-b",
      job_name: "test.per_params",
      schedule_expression: "cron(5 1 * * ? *)",
      timezone: "UTC",
      params: { key: "beta", ms: 10 },
    });
    expect([s1.status, s2.status]).toEqual([201, 201]);
    at("2025-10-01T01:05:00.300Z");
    expect(await h.stack.scheduler.tick()).toBe(2);
    const runs = await pollRuns("job_name=test.per_params&trigger_source=schedule", 2);
    expect(runs).toHaveLength(2);
    const done = await waitAll(runs);
    const byName = Object.fromEntries(done.map((r) => [r.schedule_name, r]));
    expect(byName["pp-a"]).toMatchObject({
      schedule_id: s1.body.id,
      params: { key: "alpha", ms: 10 },
      status: "SUCCESS",
      trigger_source: "schedule",
    });
    expect(byName["pp-b"]).toMatchObject({
      schedule_id: s2.body.id,
      params: { key: "beta", ms: 10 },
      status: "SUCCESS",
    });
    // the next tick at the same instant fires nothing again
    expect(await h.stack.scheduler.tick()).toBe(0);
    await h.admin("DELETE", `/v1/schedules/${s1.body.id}`);
    await h.admin("DELETE", `/v1/schedules/${s2.body.id}`);
  });

  it("PATCH of a daily schedule's time moves next_fire_times and the runs list's next_scheduled_for at once", async () => {
    await reset("2025-10-02T00:00:00Z");
    const s = await h.admin("POST", "/v1/schedules", {
      name: "daily-recap",
      job_name: "recap.pipeline",
      schedule_expression: "cron(0 12 * * ? *)",
    });
    const before = await h.admin("GET", "/v1/runs?job_name=recap.pipeline");
    expect(before.body.next_scheduled_for).toBe("2025-10-02T12:00:00+09:00");
    const p = await h.admin("PATCH", `/v1/schedules/${s.body.id}`, {
      schedule_expression: "cron(45 10 * * ? *)",
    });
    expect(p.status).toBe(200);
    expect(p.body.next_fire_times[0]).toBe("2025-10-02T10:45:00+09:00");
    expect(p.body.name).toBe("daily-recap");
    const after = await h.admin("GET", "/v1/runs?job_name=recap.pipeline");
    expect(after.body.next_scheduled_for).toBe("2025-10-02T10:45:00+09:00");
    const job = await h.admin("GET", "/v1/jobs/recap.pipeline");
    expect(job.body.next_scheduled_for).toBe("2025-10-02T10:45:00+09:00");
    expect(job.body.schedules.map((x: { name: string }) => x.name)).toEqual(["daily-recap"]);
    // disabling it: no more next time for the job
    await h.admin("PATCH", `/v1/schedules/${s.body.id}`, { enabled: false });
    expect((await h.admin("GET", "/v1/runs?job_name=recap.pipeline")).body.next_scheduled_for).toBeNull();
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("policies: skip records SKIPPED, queue waits QUEUED and then runs, allow runs beside", async () => {
    await reset("2025-10-03T00:00:00Z");
    const long = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 4000 } });
    expect(long.status).toBe(202);
    const mk = (name: string, policy: string) =>
      h.admin("POST", "/v1/schedules", {
        name,
        job_name: "test.slow",
        schedule_expression: "cron(1 0 * * ? *)",
        timezone: "UTC",
        params: { ms: 100 },
        execution_policy: policy,
        queue_timeout_seconds: 60,
      });
    const created = await Promise.all([
      mk("pol-skip", "skip"),
      mk("pol-queue", "queue"),
      mk("pol-allow", "allow"),
    ]);
    expect(created.map((c) => c.status)).toEqual([201, 201, 201]);
    at("2025-10-03T00:01:00.100Z");
    expect(await h.stack.scheduler.tick()).toBe(3);
    const fired = async () =>
      Object.fromEntries(
        (await runsOf("job_name=test.slow&trigger_source=schedule")).map((r) => [r.schedule_name, r]),
      );
    let byName = await fired();
    const deadline = Date.now() + 10_000;
    while (
      (byName["pol-skip"]?.status !== "SKIPPED" || byName["pol-queue"]?.status !== "QUEUED") &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 100));
      byName = await fired();
    }
    expect(byName["pol-skip"]?.status).toBe("SKIPPED");
    expect(byName["pol-skip"]?.error_summary).toMatch(/already_running/);
    expect(byName["pol-queue"]?.status).toBe("QUEUED");
    const allow = await h.waitForRun(byName["pol-allow"]!.execution_uuid, isFinished);
    expect(allow.status).toBe("SUCCESS");
    // the long run is still going while the allowed one already finished
    expect((await h.admin("GET", `/v1/runs/${long.body.execution_uuid}`)).body.status).toBe("RUNNING");
    const first = await h.waitForRun(long.body.execution_uuid, isFinished);
    const queued = await h.waitForRun(byName["pol-queue"]!.execution_uuid, isFinished, 20_000);
    expect(first.status).toBe("SUCCESS");
    expect(queued.status).toBe("SUCCESS");
    for (const c of created) await h.admin("DELETE", `/v1/schedules/${c.body.id}`);
  });

  it("queue gives up after queue_timeout_seconds with SKIPPED queue_timeout", async () => {
    await reset("2025-10-04T00:00:00Z");
    const long = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 6000 } });
    const s = await h.admin("POST", "/v1/schedules", {
      name: "q-timeout",
      job_name: "test.slow",
      schedule_expression: "cron(1 0 * * ? *)",
      timezone: "UTC",
      execution_policy: "queue",
      queue_timeout_seconds: 2,
    });
    at("2025-10-04T00:01:00.100Z");
    expect(await h.stack.scheduler.tick()).toBe(1);
    const [fired] = await pollRuns(
      "job_name=test.slow&trigger_source=schedule&started_after=2025-10-04T00:00:00Z",
      1,
    );
    // the clock is controlled: let two seconds "pass" while it waits
    at("2025-10-04T00:01:03Z");
    const done = await h.waitForRun(fired!.execution_uuid, isFinished, 20_000);
    expect(done.status).toBe("SKIPPED");
    expect(done.error_summary).toMatch(/^queue_timeout/);
    await h.waitForRun(long.body.execution_uuid, isFinished);
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("pause-all fires nothing until resumed; a disabled job fires nothing and refuses trigger", async () => {
    await reset("2025-10-05T00:00:00Z");
    const s = await h.admin("POST", "/v1/schedules", {
      name: "pause-me",
      job_name: "test.slow",
      schedule_expression: "cron(1 0 * * ? *)",
      timezone: "UTC",
      params: { ms: 0 },
    });
    const paused = await h.admin("PUT", "/v1/scheduler/paused", { paused: true, reason: "test" });
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    expect(paused.body.next_fire).toBeNull();
    at("2025-10-05T00:01:00.100Z");
    expect(await h.stack.scheduler.tick()).toBe(0);
    // manual trigger still works while paused
    const manual = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(manual.status).toBe(202);
    await h.waitForRun(manual.body.execution_uuid, isFinished);
    await h.admin("PUT", "/v1/scheduler/paused", { paused: false });
    at("2025-10-06T00:01:00.100Z");
    expect(await h.stack.scheduler.tick()).toBe(1);
    const fired = await pollRuns(
      "job_name=test.slow&trigger_source=schedule&started_after=2025-10-06T00:00:00Z",
      1,
    );
    expect(fired).toHaveLength(1);
    await waitAll(fired);

    await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: false, reason: "test" });
    at("2025-10-07T00:01:00.100Z");
    expect(await h.stack.scheduler.tick()).toBe(0);
    const refused = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("job_disabled");
    expect((await h.admin("GET", "/v1/jobs/test.slow")).body.next_scheduled_for).toBeNull();
    await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: true });
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("no double runs: the same schedule fire delivered 3 times (3 executions) gives exactly one run", async () => {
    await reset("2025-10-08T00:00:00Z");
    const s = await h.admin("POST", "/v1/schedules", {
      name: "dup-fire",
      job_name: "test.slow",
      schedule_expression: "cron(1 0 * * ? *)",
      timezone: "UTC",
      params: { ms: 300 },
    });
    const input = {
      job_name: "test.slow",
      schedule_id: s.body.id,
      schedule_name: "dup-fire",
      params: { ms: 300 },
      trigger_source: "schedule",
      scheduled_time: "2025-10-08T00:01:00Z",
    };
    await Promise.all(
      ["d1", "d2", "d3"].map((n) => h.stack.deps.workflow.start("test.slow", `redelivery-${n}`, input)),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const runs = await runsOf("job_name=test.slow&started_after=2025-10-08T00:00:00Z");
    expect(runs).toHaveLength(1);
    expect((await h.waitForRun(runs[0]!.execution_uuid, isFinished)).status).toBe("SUCCESS");
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("a schedule-started execution stopped mid-run ends its run CANCELLED and frees the slot", async () => {
    await reset("2025-10-10T00:00:00Z");
    const s = await h.admin("POST", "/v1/schedules", {
      name: "stop-me",
      job_name: "test.slow",
      schedule_expression: "cron(1 0 * * ? *)",
      timezone: "UTC",
      params: { ms: 20000 },
    });
    at("2025-10-10T00:01:00.100Z");
    expect(await h.stack.scheduler.tick()).toBe(1);
    const [fired] = await pollRuns(
      "job_name=test.slow&trigger_source=schedule&started_after=2025-10-10T00:00:00Z",
      1,
    );
    const running = await h.waitForRun(
      fired!.execution_uuid,
      (r) => r.status === "RUNNING" && r.workflow_execution_arn !== null,
    );
    await h.stack.workflow.stop(running.workflow_execution_arn!);
    const ended = await h.waitForRun(fired!.execution_uuid, isFinished, 5000);
    expect(ended.status).toBe("CANCELLED");
    expect(ended.error_summary).toMatch(/stopped/);
    const next = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(next.status).toBe(202);
    await h.waitForRun(next.body.execution_uuid, isFinished);
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("scheduler status reports totals, the next fire and running runs", async () => {
    await reset("2025-10-09T00:00:00Z");
    const s = await h.admin("POST", "/v1/schedules", {
      name: "status-1",
      job_name: "recap.pipeline",
      schedule_expression: "rate(30 minutes)",
      start_date: "2025-10-08T23:50:00Z",
    });
    const st = await h.admin("GET", "/v1/scheduler/status");
    expect(st.status).toBe(200);
    expect(st.body.paused).toBe(false);
    expect(st.body.schedules_total).toBeGreaterThanOrEqual(1);
    expect(st.body.next_fire).toMatchObject({
      schedule_id: s.body.id,
      schedule_name: "status-1",
      job_name: "recap.pipeline",
      at: "2025-10-09T09:20:00+09:00",
    });
    expect(Array.isArray(st.body.running_runs)).toBe(true);
    expect(Array.isArray(st.body.stale_runs)).toBe(true);
    const viewer = await h.token(["viewer"], "v");
    expect(
      (await h.call("PUT", "/v1/scheduler/paused", { token: viewer, body: { paused: true, reason: "test" } }))
        .status,
    ).toBe(403);
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });
});
