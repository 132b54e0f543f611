// Issue 10 "no input breaks anything", for schedules and times: an expression or date out of its
// real bounds is refused with 400 before anything is saved, and a stored item that can no longer
// be evaluated (older version, hand edit) is reported on that item and breaks no other answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schedule } from "#schemas/schedule.ts";
import { type Harness, isFinished, type Reply, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const listIds = async () =>
  ((await h.admin("GET", "/v1/schedules")).body.results as Schedule[]).map((s) => s.id).sort();

/** The spec's error shape, a 400 naming `field`. */
function expect400(r: Reply, field: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(typeof r.body.error.code).toBe("string");
  expect(typeof r.body.error.message).toBe("string");
  expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
}

describe("schedule expressions out of EventBridge's bounds", () => {
  it("POST /v1/schedules with rate(9999999999 days) answers 400 and saves nothing (was 500 and saved; every list then 500)", async () => {
    const before = await listIds();
    const r = await h.admin("POST", "/v1/schedules", {
      job_name: "test.slow",
      schedule_expression: "rate(9999999999 days)",
    });
    expect400(r, "schedule_expression");
    expect(r.body.error.details[0].message).toMatch(/rate/);
    expect(await listIds()).toEqual(before);
    for (const path of [
      "/v1/jobs",
      "/v1/jobs/test.slow",
      "/v1/schedules",
      "/v1/runs",
      "/v1/scheduler/status",
    ])
      expect((await h.admin("GET", path)).status, path).toBe(200);
  });

  it("PUT and PATCH with an out-of-bounds expression answer 400 and leave the schedule as it was", async () => {
    const s = await h.admin("POST", "/v1/schedules", {
      job_name: "test.slow",
      schedule_expression: "rate(5 minutes)",
    });
    expect(s.status).toBe(201);
    for (const expr of ["rate(9999999999 days)", "rate(200000000 minutes)", "at(9999-01-01T00:00:00)"]) {
      const put = await h.admin("PUT", `/v1/schedules/${s.body.id}`, {
        job_name: "test.slow",
        schedule_expression: expr,
      });
      expect400(put, "schedule_expression");
      const patch = await h.admin("PATCH", `/v1/schedules/${s.body.id}`, { schedule_expression: expr });
      expect400(patch, "schedule_expression");
    }
    const after = await h.admin("GET", `/v1/schedules/${s.body.id}`);
    expect(after.body.schedule_expression).toBe("rate(5 minutes)");
    expect(after.body.next_fire_times).toHaveLength(5);
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("POST /v1/schedules/preview of rate(9999999999 days) answers 200 valid:false with a message (was 500)", async () => {
    for (const expr of ["rate(9999999999 days)", "at(0000-01-01T00:00:00)", "cron(0 0 1 1 ? 2200-2300)"]) {
      const p = await h.admin("POST", "/v1/schedules/preview", { schedule_expression: expr });
      expect(p.status, expr).toBe(200);
      expect(p.body.valid).toBe(false);
      expect(p.body.message).toEqual(expect.any(String));
      expect(p.body.next_fire_times).toEqual([]);
    }
  });

  it("end_date not after start_date is refused with 400 on create and PATCH", async () => {
    const c = await h.admin("POST", "/v1/schedules", {
      job_name: "test.slow",
      schedule_expression: "rate(1 hour)",
      start_date: "2030-01-01T00:00:00Z",
      end_date: "2029-12-31T00:00:00Z",
    });
    expect400(c, "end_date");
    const s = await h.admin("POST", "/v1/schedules", {
      job_name: "test.slow",
      schedule_expression: "rate(1 hour)",
      start_date: "2030-01-01T00:00:00Z",
    });
    expect(s.status).toBe(201);
    expect400(
      await h.admin("PATCH", `/v1/schedules/${s.body.id}`, { end_date: "2030-01-01T09:00:00+09:00" }),
      "end_date",
    );
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });

  it("accepted extremes evaluate to real times: cron in 2199, at() at the end of 2199, rate(1 minute) from 1970", async () => {
    const cases = [
      { schedule_expression: "cron(0 0 1 1 ? 2199)", timezone: "Pacific/Kiritimati" },
      { schedule_expression: "at(2199-12-31T23:59:59)", timezone: "Pacific/Kiritimati" },
      { schedule_expression: "rate(1 minute)", start_date: "1970-01-01T00:00:00Z" },
      { schedule_expression: "rate(84000 days)", start_date: "2199-01-01T00:00:00Z" },
    ];
    for (const body of cases) {
      const s = await h.admin("POST", "/v1/schedules", { job_name: "test.slow", ...body });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      expect(s.body.expression_error).toBeNull();
      for (const t of s.body.next_fire_times) expect(Number.isNaN(Date.parse(t)), t).toBe(false);
      expect(s.body.next_fire_times.length).toBeGreaterThan(0);
      expect((await h.admin("GET", "/v1/jobs/test.slow")).status).toBe(200);
      expect((await h.admin("GET", "/v1/scheduler/status")).status).toBe(200);
      await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
    }
  });
});

describe("a stored schedule item that can no longer be evaluated", () => {
  const broken: Array<Partial<Schedule>> = [
    { schedule_expression: "rate(9999999999 days)" },
    { schedule_expression: "cron(0 0 1 1 ? 2300)" },
    { schedule_expression: "every day" },
    { schedule_expression: "rate(1 hour)", timezone: "Mars/Olympus" },
    { schedule_expression: "rate(1 hour)", start_date: "not a date" },
  ];
  const ids: string[] = [];

  beforeAll(async () => {
    const now = new Date().toISOString();
    for (const [i, patch] of broken.entries()) {
      const item: Schedule = {
        id: `sbroken${i}`,
        name: `broken_${i}`,
        auto_generated_name: false,
        job_name: "test.slow",
        schedule_expression: "rate(1 hour)",
        timezone: "Asia/Tokyo",
        start_date: null,
        end_date: null,
        description: null,
        category: "test",
        tags: [],
        params: { ms: 0 },
        enabled: true,
        execution_policy: "allow",
        queue_timeout_seconds: 3600,
        created_at: now,
        updated_at: now,
        created_by: "older-version",
        updated_by: "older-version",
        ...patch,
      };
      // Written straight to the store, as an older version or a hand edit in DynamoDB would.
      expect(await h.stack.deps.schedules.create(item)).toBe(true);
      ids.push(item.id);
    }
  });
  afterAll(async () => {
    for (const id of ids) await h.admin("DELETE", `/v1/schedules/${id}`);
  });

  it("is reported with expression_error and no fire times on the schedule answers", async () => {
    const list = await h.admin("GET", "/v1/schedules");
    expect(list.status).toBe(200);
    for (const id of ids) {
      const item = list.body.results.find((s: { id: string }) => s.id === id);
      expect(item.expression_error, id).toEqual(expect.any(String));
      expect(item.next_fire_times).toEqual([]);
      const one = await h.admin("GET", `/v1/schedules/${id}`);
      expect(one.status).toBe(200);
      expect(one.body.expression_error).toEqual(item.expression_error);
    }
    // An unreadable stored date is answered as null (the answer's times stay times), quoted in the error.
    const badDate = list.body.results.find((s: { id: string }) => s.id === ids[4]);
    expect(badDate.start_date).toBeNull();
    expect(badDate.expression_error).toMatch(/start_date 'not a date'/);
    const good = await h.admin("POST", "/v1/schedules", {
      job_name: "test.slow",
      schedule_expression: "rate(5 minutes)",
    });
    expect(good.body.expression_error).toBeNull();
    await h.admin("DELETE", `/v1/schedules/${good.body.id}`);
  });

  it("is reported on the job answers' schedule summaries with next_fire_at null; lists still answer 200", async () => {
    for (const path of ["/v1/jobs", "/v1/jobs/test.slow"]) {
      const r = await h.admin("GET", path);
      expect(r.status, path).toBe(200);
      // GET /v1/jobs is a list ({ count, results }); GET /v1/jobs/{name} is the job itself.
      const job =
        path === "/v1/jobs" ? r.body.results.find((j: { name: string }) => j.name === "test.slow") : r.body;
      const summaries = (job.schedules as Array<{ id: string; expression_error: string | null }>).filter(
        (s) => ids.includes(s.id),
      );
      expect(summaries).toHaveLength(ids.length);
      for (const s of summaries)
        expect(s).toMatchObject({ expression_error: expect.any(String), next_fire_at: null });
    }
    expect((await h.admin("GET", "/v1/runs?job_name=test.slow")).status).toBe(200);
    expect((await h.admin("GET", "/v1/runs")).status).toBe(200);
  });

  it("never turns the scheduler status, a trigger or the run's end (next_scheduled_for) into a 5xx or a FAILURE", async () => {
    const st = await h.admin("GET", "/v1/scheduler/status");
    expect(st.status).toBe(200);
    expect(st.body.next_fire?.schedule_id ?? null).not.toBeOneOf(ids);
    const t = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(t.status, JSON.stringify(t.body)).toBe(202);
    const run = await h.waitForRun(t.body.execution_uuid, isFinished);
    expect(run.status, run.error_summary ?? "").toBe("SUCCESS");
  });

  it("is skipped by the missed-fire sweep and the local scheduler, which fire nothing for it", async () => {
    await expect(h.stack.sweeper.recordMissedFires()).resolves.toEqual(expect.any(Array));
    await expect(h.stack.scheduler.tick()).resolves.toBe(0);
  });

  it("PATCH of such an item without a new expression is refused with 400 naming the expression; DELETE works", async () => {
    const r = await h.admin("PATCH", `/v1/schedules/${ids[0]}`, { enabled: false });
    expect400(r, "schedule_expression");
    const fixed = await h.admin("PATCH", `/v1/schedules/${ids[0]}`, { schedule_expression: "rate(2 hours)" });
    expect(fixed.status).toBe(200);
    expect(fixed.body.expression_error).toBeNull();
    expect(fixed.body.next_fire_times).toHaveLength(5);
  });
});

describe("impossible calendar dates and times", () => {
  const impossible = [
    "2025-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2025-13-01T00:00:00Z",
    "2025-00-10T00:00:00Z",
    "2025-01-00T00:00:00Z",
    "2025-04-31T00:00:00+09:00",
    "2025-01-01T24:00:00Z",
    "2025-01-01T23:61:00Z",
    "2025-01-01T23:59:60Z",
    "2025-01-01T12:00:00+25:00",
    "2025-01-01T12:00:00+09:60",
  ];

  it("GET /v1/runs?started_after=2025-02-30T00:00:00Z answers 400 (was read as 2 March)", async () => {
    for (const d of impossible) {
      for (const key of ["started_after", "started_before"]) {
        const r = await h.admin("GET", `/v1/runs?${key}=${encodeURIComponent(d)}`);
        expect400(r, key);
      }
    }
    expect((await h.admin("GET", "/v1/runs?started_after=2024-02-29T23:59:59.999Z")).status).toBe(200);
  });

  it("since/until on /v1/audit, schedule start_date/end_date and preview from refuse impossible dates with 400", async () => {
    const before = await listIds();
    for (const d of impossible) {
      for (const key of ["since", "until"])
        expect400(await h.admin("GET", `/v1/audit?${key}=${encodeURIComponent(d)}`), key);
      for (const key of ["start_date", "end_date"]) {
        const r = await h.admin("POST", "/v1/schedules", {
          job_name: "test.slow",
          schedule_expression: "rate(1 hour)",
          [key]: d,
        });
        expect400(r, key);
      }
      expect400(
        await h.admin("POST", "/v1/schedules/preview", { schedule_expression: "rate(1 hour)", from: d }),
        "from",
      );
    }
    expect(await listIds()).toEqual(before);
  });
});

// "At once" (≤ 5 s) is the bench's: `npm run bench -- --only queries`.
describe("extreme but real dates", () => {
  it("GET /v1/runs?started_before=9999-12-31T00:00:00Z answers 200 (was a walk over ~95,000 month buckets, then 500)", async () => {
    const r = await h.admin("GET", "/v1/runs?started_before=9999-12-31T00:00:00Z&limit=5");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // the runs started in this file are all before it
    expect(r.body.results.length).toBeGreaterThan(0);
  });

  it("GET /v1/audit?until=9999-12-31T00:00:00Z with a since answers 200 (was the same walk, then 500)", async () => {
    const since = new Date(Date.now() - 86400_000).toISOString();
    const r = await h.admin("GET", `/v1/audit?since=${since}&until=9999-12-31T00:00:00Z&limit=5`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // this file's schedule writes are in it
    expect(r.body.results.length).toBeGreaterThan(0);
  });

  it("year 0000 and 9999 bounds are read, not refused", async () => {
    for (const q of [
      "started_after=0000-01-01T00:00:00Z",
      "started_before=0000-01-01T00:00:00Z",
      "started_after=9999-12-31T23:59:59.999Z",
    ])
      expect((await h.admin("GET", `/v1/runs?${q}`)).status, q).toBe(200);
  });
});
