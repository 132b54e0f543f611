// Issue 16 part 1: GET /v1/calendar through the local stack (every answer checked against
// openapi.json by the harness): the New York DST acceptance case, a paused scheduler, a disabled
// job, a job whose p95 outlasts its interval, the cooldown after a manual run, and the 400s.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { TriggerSource } from "#schemas/run.ts";
import { aFinishedRun } from "#test/helpers/builders.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";

const NOW = new Date("2026-03-05T12:00:00Z");
const base = ALL_TEST_REGISTRY.find((j) => j.name === "test.flaky") as JobDefinition;
const cooled = { ...base, name: "test.cooled", cooldown_seconds_after_manual: 3600 } as JobDefinition;
let h: Harness;

type Fire = { fire_at: string; fire_local: string; state: string; flags: string[]; schedule_name: string };
const instants = (fires: Fire[]) => fires.map((f) => new Date(f.fire_at).toISOString());

async function seed(job: string, startedAt: Date, duration: number, trigger: TriggerSource = "schedule") {
  const run = aFinishedRun(
    "SUCCESS",
    { job_name: job, trigger_source: trigger, started_at: startedAt.toISOString() },
    duration,
  );
  expect(await h.stack.deps.runs.create(run)).toBe(true);
}

async function schedule(body: Record<string, unknown>) {
  const r = await h.admin("POST", "/v1/schedules", body);
  expect(r.status).toBe(201);
  return r.body as { id: string };
}

const calendar = (query: string, token?: string) =>
  token ? h.call("GET", `/v1/calendar?${query}`, { token }) : h.admin("GET", `/v1/calendar?${query}`);

beforeAll(async () => {
  h = await startHarness({ clock: { now: () => NOW }, jobs: [...ALL_TEST_REGISTRY, cooled] });
  await schedule({
    name: "ny-0230",
    job_name: "recap.pipeline",
    schedule_expression: "cron(30 2 * * ? *)",
    timezone: "America/New_York",
  });
  await schedule({
    name: "sync-hourly",
    job_name: "listed_companies.sync",
    schedule_expression: "rate(1 hour)",
    start_date: "2026-03-06T00:00:00Z",
  });
  // listed_companies.sync takes 90 minutes (p95 over its latest successful runs) but fires hourly.
  for (let i = 1; i <= 5; i++)
    await seed("listed_companies.sync", new Date(NOW.getTime() - i * 86_400_000), 5400);
  await schedule({
    name: "cooled-15m",
    job_name: "test.cooled",
    schedule_expression: "rate(15 minutes)",
    start_date: "2026-03-05T12:00:00Z",
  });
  await seed("test.cooled", new Date("2026-03-05T11:40:00Z"), 5, "manual");
});
afterAll(async () => {
  await h?.stop();
});

it("a New York 02:30 schedule across the March DST change lists the fires EventBridge makes", async () => {
  const r = await calendar("from=2026-03-06T00:00:00Z&to=2026-03-11T00:00:00Z&job_name=recap.pipeline");
  expect(r.status).toBe(200);
  // No fire on the 8th: 02:30 does not exist there (clocks go 02:00 → 03:00), EventBridge skips it.
  expect(instants(r.body.fires)).toEqual([
    "2026-03-06T07:30:00.000Z",
    "2026-03-07T07:30:00.000Z",
    "2026-03-09T06:30:00.000Z",
    "2026-03-10T06:30:00.000Z",
  ]);
  expect(r.body.fires[0]).toMatchObject({
    fire_at: "2026-03-06T16:30:00+09:00", // the display zone (Asia/Tokyo)
    fire_local: "2026-03-06T02:30:00-05:00",
    timezone: "America/New_York",
    job_name: "recap.pipeline",
    schedule_name: "ny-0230",
    execution_policy: "skip",
    state: "scheduled",
    flags: [],
  });
  expect(r.body.dst_changes).toEqual([
    expect.objectContaining({
      timezone: "America/New_York",
      kind: "gap",
      wall_before: "2026-03-08T02:00",
      wall_after: "2026-03-08T03:00",
    }),
  ]);
  expect(r.body.truncated).toBe(false);
});

it("a job whose p95 outlasts its interval is flagged; its p95 comes from its successful runs", async () => {
  const r = await calendar(
    "from=2026-03-06T00:00:00Z&to=2026-03-06T03:00:00Z&job_name=listed_companies.sync",
  );
  expect(r.status).toBe(200);
  // 00:00 is the schedule's first fire; 02:00's run is expected to last past 03:00, after the window.
  expect(r.body.fires.map((f: Fire) => f.flags)).toEqual([
    ["outlasts_interval"],
    ["outlasts_interval", "overlap"],
    ["outlasts_interval", "overlap"],
  ]);
  expect(r.body.jobs).toEqual([
    expect.objectContaining({
      job_name: "listed_companies.sync",
      p95_duration_seconds: 5400,
      p95_sample_size: 5,
      outlasts_interval: true,
      overlaps: 2,
    }),
  ]);
});

it("the cooldown after the latest manual run marks the fires inside it", async () => {
  const r = await calendar("from=2026-03-05T12:00:00Z&to=2026-03-05T13:00:00Z&job_name=test.cooled");
  expect(r.body.fires.map((f: Fire) => [new Date(f.fire_at).toISOString().slice(11, 16), f.state])).toEqual([
    ["12:00", "cooldown"],
    ["12:15", "cooldown"],
    ["12:30", "cooldown"],
    ["12:45", "scheduled"], // 11:40 + 1 h has passed
  ]);
});

it("a paused scheduler marks every fire paused; a disabled job's fires say job_disabled", async () => {
  const window = "from=2026-03-06T00:00:00Z&to=2026-03-07T00:00:00Z";
  expect((await h.admin("PUT", "/v1/scheduler/paused", { paused: true, reason: "maintenance" })).status).toBe(
    200,
  );
  const paused = await calendar(window);
  expect(paused.body.scheduler_paused).toBe(true);
  expect(paused.body.fires.length).toBeGreaterThan(24);
  expect(new Set(paused.body.fires.map((f: Fire) => f.state))).toEqual(new Set(["paused"]));
  expect((await h.admin("PUT", "/v1/scheduler/paused", { paused: false })).status).toBe(200);

  expect(
    (await h.admin("PUT", "/v1/jobs/recap.pipeline/enabled", { enabled: false, reason: "upstream down" }))
      .status,
  ).toBe(200);
  const off = await calendar(window);
  const states = (name: string) =>
    new Set(off.body.fires.filter((f: Fire) => f.schedule_name === name).map((f: Fire) => f.state));
  expect(states("ny-0230")).toEqual(new Set(["job_disabled"]));
  expect(states("sync-hourly")).toEqual(new Set(["scheduled"]));
  expect((await h.admin("PUT", "/v1/jobs/recap.pipeline/enabled", { enabled: true })).status).toBe(200);
});

it("a pause that lifts itself (scheduler, job, schedule) covers only the fires before its until", async () => {
  // NOW is 2026-03-05 12:00Z; each pause ends on 2026-03-06 at 06:00Z.
  const until = "2026-03-06T06:00:00Z";
  const window = "from=2026-03-06T00:00:00Z&to=2026-03-06T12:00:00Z";
  const hours = (fires: Fire[], name: string) =>
    fires
      .filter((f) => f.schedule_name === name)
      .map((f) => [new Date(f.fire_at).toISOString().slice(11, 13), f.state]);
  const expected = (before: string) => [
    ...["00", "01", "02", "03", "04", "05"].map((hh) => [hh, before]),
    ...["06", "07", "08", "09", "10", "11"].map((hh) => [hh, "scheduled"]),
  ];

  expect(
    (await h.admin("PUT", "/v1/scheduler/paused", { paused: true, reason: "deploy", until })).status,
  ).toBe(200);
  const paused = await calendar(window);
  expect(hours(paused.body.fires, "sync-hourly")).toEqual(expected("paused"));
  // Who paused it, why and until when, beside the fires it stops.
  expect(paused.body.pauses).toEqual([
    {
      target: "scheduler",
      by: expect.any(String),
      at: expect.any(String),
      reason: "deploy",
      until: expect.any(String),
    },
  ]);
  expect(Date.parse(paused.body.pauses[0].until)).toBe(Date.parse(until));
  expect((await h.admin("PUT", "/v1/scheduler/paused", { paused: false })).status).toBe(200);

  const job = "listed_companies.sync";
  expect(
    (await h.admin("PUT", `/v1/jobs/${job}/enabled`, { enabled: false, reason: "J-Quants down", until }))
      .status,
  ).toBe(200);
  const off = await calendar(window);
  expect(hours(off.body.fires, "sync-hourly")).toEqual(expected("job_disabled"));
  expect(off.body.pauses.map((p: { target: string; reason: string }) => [p.target, p.reason])).toEqual([
    [`job:${job}`, "J-Quants down"],
  ]);
  expect((await h.admin("PUT", `/v1/jobs/${job}/enabled`, { enabled: true })).status).toBe(200);

  const listed = await h.admin("GET", "/v1/schedules?job_name=listed_companies.sync");
  const id = listed.body.results.find((x: { name: string }) => x.name === "sync-hourly").id;
  expect((await h.admin("POST", "/v1/schedules/pause", { ids: [id], reason: "quota", until })).status).toBe(
    200,
  );
  const paused2 = await calendar(window);
  expect(hours(paused2.body.fires, "sync-hourly")).toEqual(expected("schedule_disabled"));
  expect(paused2.body.pauses.map((p: { target: string; reason: string }) => [p.target, p.reason])).toEqual([
    [`schedule:${id}`, "quota"],
  ]);
  expect((await h.admin("POST", "/v1/schedules/resume", { ids: [id] })).status).toBe(200);
  // Resumed by hand: its expiry is gone with it.
  expect(new Set((await calendar(window)).body.fires.map((f: Fire) => f.state))).not.toContain(
    "schedule_disabled",
  );
});

it("a viewer may read it; an unknown job is a 404", async () => {
  const viewer = await h.token(["viewer"], "vera");
  expect((await calendar("from=2026-03-06T00:00:00Z&to=2026-03-07T00:00:00Z", viewer)).status).toBe(200);
  const missing = await calendar("from=2026-03-06T00:00:00Z&to=2026-03-07T00:00:00Z&job_name=no.such_job");
  expect(missing.status).toBe(404);
});

it("bad windows are 400s in the house shape, naming the field", async () => {
  const cases: [string, string][] = [
    ["from=2026-03-06T00:00:00Z&to=2026-04-07T00:00:00Z", "to"], // 32 days
    ["from=2026-03-06T00:00:00Z&to=2026-03-06T00:00:00Z", "to"], // empty
    ["from=2026-03-07T00:00:00Z&to=2026-03-06T00:00:00Z", "to"], // backwards
    ["from=yesterday&to=2026-03-06T00:00:00Z", "from"],
    ["from=2026-03-06T00:00:00Z", "to"],
    ["from=2026-03-06T00:00:00Z&to=2026-03-07T00:00:00Z&limit=5", "limit"],
  ];
  for (const [query, field] of cases) {
    const r = await calendar(query);
    expect(r.status, query).toBe(400);
    expect(r.body.error.code).toBe("invalid_request");
    expect(
      r.body.error.details.map((d: { field: string }) => d.field),
      query,
    ).toContain(field);
  }
  // Exactly 31 days is allowed.
  expect((await calendar("from=2026-03-06T00:00:00Z&to=2026-04-06T00:00:00Z")).status).toBe(200);
});
