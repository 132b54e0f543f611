// Promise: every operator action leaves exactly one audit entry with the actor and what changed,
// readable by admins at GET /v1/audit (filters, signed cursor).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AuditEntry } from "#schemas/audit.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
const ACTOR = "tester@example.test";

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function allEntries(query = ""): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? "&" : "";
    const r = await h.admin(
      "GET",
      `/v1/audit?limit=3${sep}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.push(...r.body.results);
    cursor = r.body.next_cursor;
  } while (cursor);
  return out;
}

it("each operator action leaves exactly one audit entry with its actor, newest first, with before / after", async () => {
  const key = "audit-trigger-1";
  const t = await h.admin(
    "POST",
    "/v1/trigger",
    { job_name: "test.slow", options: { ms: 10_000 } },
    { "idempotency-key": key },
  );
  expect(t.status).toBe(202);
  // A replay of the same request is the same action: no second entry.
  await h.admin(
    "POST",
    "/v1/trigger",
    { job_name: "test.slow", options: { ms: 10_000 } },
    { "idempotency-key": key },
  );
  const a = t.body.execution_uuid as string;
  expect((await h.admin("POST", `/v1/runs/${a}/cancel`, {})).status).toBe(202);
  await h.waitForRun(a, isFinished);
  const rerun = await h.admin("POST", `/v1/runs/${a}/rerun`, {});
  expect(rerun.status).toBe(202);
  const b = rerun.body.execution_uuid as string;
  await h.admin("POST", `/v1/runs/${b}/cancel`, {});
  await h.waitForRun(b, isFinished);

  const s = await h.admin("POST", "/v1/schedules", {
    name: "audited",
    job_name: "test.slow",
    schedule_expression: "cron(0 9 * * ? *)",
    timezone: "UTC",
  });
  expect(s.status).toBe(201);
  expect(
    (await h.admin("PATCH", `/v1/schedules/${s.body.id}`, { schedule_expression: "cron(30 9 * * ? *)" }))
      .status,
  ).toBe(200);
  expect((await h.admin("DELETE", `/v1/schedules/${s.body.id}`)).status).toBe(204);
  expect(
    (await h.admin("PUT", "/v1/jobs/test.flaky/enabled", { enabled: false, reason: "test" })).status,
  ).toBe(200);
  expect((await h.admin("PUT", "/v1/jobs/test.flaky/enabled", { enabled: true })).status).toBe(200);
  expect((await h.admin("PUT", "/v1/scheduler/paused", { paused: true, reason: "test" })).status).toBe(200);
  expect((await h.admin("PUT", "/v1/scheduler/paused", { paused: false })).status).toBe(200);

  const entries = await allEntries();
  const expected: Array<[string, string]> = [
    ["scheduler.resume", "scheduler"],
    ["scheduler.pause", "scheduler"],
    ["job.enable", "test.flaky"],
    ["job.disable", "test.flaky"],
    ["schedule.delete", s.body.id],
    ["schedule.update", s.body.id],
    ["schedule.create", s.body.id],
    ["run.cancel", b],
    ["run.rerun", b],
    ["run.cancel", a],
    ["run.trigger", a],
  ];
  // Exactly these, newest first (paged 3 at a time, no duplicate, no gap).
  expect(entries.map((e) => [e.action, e.target])).toEqual(expected);
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  for (const e of entries) expect(e.actor).toBe(ACTOR);
  const at = entries.map((e) => Date.parse(e.at));
  expect([...at].sort((x, y) => y - x)).toEqual(at);

  const by = (action: string) => entries.find((e) => e.action === action)!;
  expect(by("run.trigger").after).toMatchObject({
    job_name: "test.slow",
    params: { ms: 10_000 },
    trigger_source: "manual",
  });
  expect(by("run.rerun").after).toMatchObject({ rerun_of: a, params: { ms: 10_000 } });
  expect(by("schedule.update").before).toMatchObject({ schedule_expression: "cron(0 9 * * ? *)" });
  expect(by("schedule.update").after).toMatchObject({ schedule_expression: "cron(30 9 * * ? *)" });
  expect(by("schedule.delete")).toMatchObject({ target_name: "audited", after: null });
  expect(by("job.disable")).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
  expect(by("scheduler.pause")).toMatchObject({ before: { paused: false }, after: { paused: true } });
  // Times come in the display zone like every other answer.
  expect(entries[0]?.at).toMatch(/\+09:00$/);

  // Filters.
  expect((await allEntries("action=run.cancel")).map((e) => e.target)).toEqual([b, a]);
  expect((await allEntries(`target=${s.body.id}`)).map((e) => e.action)).toEqual([
    "schedule.delete",
    "schedule.update",
    "schedule.create",
  ]);
  expect(await allEntries("actor=someone-else")).toEqual([]);
});

it("audit is admin only, its cursor cannot be edited or reused with another filter, and bad filters are 400", async () => {
  const viewer = await h.token(["viewer"]);
  expect((await h.call("GET", "/v1/audit", { token: viewer })).status).toBe(403);
  const first = await h.admin("GET", "/v1/audit?limit=1");
  const cursor = first.body.next_cursor as string;
  expect(cursor).toBeTruthy();
  const tampered = `${cursor.slice(0, -2)}${cursor.endsWith("A") ? "B" : "A"}A`;
  expect((await h.admin("GET", `/v1/audit?limit=1&cursor=${encodeURIComponent(tampered)}`)).status).toBe(400);
  expect(
    (await h.admin("GET", `/v1/audit?limit=1&action=run.cancel&cursor=${encodeURIComponent(cursor)}`)).status,
  ).toBe(400);
  const bad = await h.admin("GET", "/v1/audit?action=run.explode&since=yesterday&extra=1");
  expect(bad.status).toBe(400);
  expect([...new Set(bad.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
    "action",
    "extra",
    "since",
  ]);
  const old = await h.admin("GET", "/v1/audit?since=2020-01-01T00:00:00Z");
  expect(old.status).toBe(400);
});
