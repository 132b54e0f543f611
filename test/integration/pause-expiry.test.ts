// Issue 16 part 5 acceptance: a pause with `until` 5 s ahead resumes by itself (the local stack's
// own sweep tick, the code AWS runs every minute) and leaves two audit entries — the pause by the
// user, the resume by `system` — for the scheduler, for a job and for a selection of schedules.
// Every answer is validated against the OpenAPI document by the harness.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "#schemas/audit.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";
import { until } from "#test/helpers/wait.ts";

let h: Harness;

beforeAll(async () => {
  // The stack sweeps by itself every second: nothing below calls sweep().
  h = await startHarness({ sweepSeconds: 1 });
  // A first answer of a cold stack can take seconds on a loaded machine: warm it, so a `until`
  // 5 s ahead is still ahead when the pause arrives.
  await h.admin("GET", "/v1/scheduler/status");
  await h.admin("GET", "/v1/jobs/test.flaky");
});
afterAll(async () => {
  await h?.stop();
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function auditOf(target: string): Promise<AuditEntry[]> {
  const r = await h.admin("GET", `/v1/audit?target=${encodeURIComponent(target)}&limit=50`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.results as AuditEntry[]).slice().reverse();
}

function expectPauseThenSystemResume(entries: AuditEntry[], pause: string, resume: string) {
  expect(entries.map((e) => [e.action, e.actor])).toEqual([
    [pause, "tester@example.test"],
    [resume, "system"],
  ]);
  expect(entries[0]?.after).toMatchObject({ reason: "disk full on the source" });
  expect(entries[1]?.after).toMatchObject({ note: "resumed: pause expired" });
}

describe("pause with an expiry", () => {
  it("the scheduler: paused with who / why / until, then resumed by system", async () => {
    const p = await h.admin("PUT", "/v1/scheduler/paused", {
      paused: true,
      reason: "disk full on the source",
      until: inSeconds(5),
    });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({
      paused: true,
      pause: { by: "tester@example.test", reason: "disk full on the source" },
    });
    expect(Date.parse(p.body.pause.until)).toBeGreaterThan(Date.now());
    const after = await until(
      async () => (await h.admin("GET", "/v1/scheduler/status")).body,
      (b) => b.paused === false,
      30_000,
      250,
    );
    expect(after.pause).toBeNull();
    expectPauseThenSystemResume(await auditOf("scheduler"), "scheduler.pause", "scheduler.resume");
  });

  it("a job: disabled with a reason and until, then enabled by system", async () => {
    const p = await h.admin("PUT", "/v1/jobs/test.flaky/enabled", {
      enabled: false,
      reason: "disk full on the source",
      until: inSeconds(5),
    });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({
      enabled: false,
      pause: { by: "tester@example.test", reason: "disk full on the source" },
    });
    const after = await until(
      async () => (await h.admin("GET", "/v1/jobs/test.flaky")).body,
      (b) => b.enabled === true,
      30_000,
      250,
    );
    expect(after.pause).toBeNull();
    expectPauseThenSystemResume(await auditOf("test.flaky"), "job.disable", "job.enable");
  });

  it("a selection of schedules: paused together, each resumed by system", async () => {
    const ids: string[] = [];
    for (const name of ["pause-a", "pause-b"]) {
      const s = await h.admin("POST", "/v1/schedules", {
        name,
        job_name: "test.slow",
        schedule_expression: "cron(0 9 * * ? *)",
        timezone: "UTC",
      });
      expect(s.status).toBe(201);
      ids.push(s.body.id);
    }
    const p = await h.admin("POST", "/v1/schedules/pause", {
      ids,
      reason: "disk full on the source",
      until: inSeconds(5),
    });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.count).toBe(2);
    for (const s of p.body.results)
      expect(s).toMatchObject({ enabled: false, pause: { by: "tester@example.test" } });
    const listed = await h.admin("GET", "/v1/schedules?enabled=false");
    expect(listed.body.results.map((s: { pause: { reason: string } }) => s.pause.reason)).toEqual([
      "disk full on the source",
      "disk full on the source",
    ]);
    for (const id of ids) {
      const after = await until(
        async () => (await h.admin("GET", `/v1/schedules/${id}`)).body,
        (b) => b.enabled === true,
        30_000,
        250,
      );
      expect(after.pause).toBeNull();
      expectPauseThenSystemResume(
        (await auditOf(id)).filter((e) => e.action !== "schedule.create"),
        "schedule.pause",
        "schedule.resume",
      );
    }
  });

  it("a manual resume before until clears the expiry: nothing is resumed again by system", async () => {
    const p = await h.admin("PUT", "/v1/jobs/test.slow/enabled", {
      enabled: false,
      reason: "maintenance",
      until: inSeconds(2),
    });
    expect(p.status).toBe(200);
    expect((await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: true })).status).toBe(200);
    // Paused again by hand without an expiry: the old until must not resume it.
    expect(
      (await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: false, reason: "for good" })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 4000));
    const job = (await h.admin("GET", "/v1/jobs/test.slow")).body;
    expect(job).toMatchObject({ enabled: false, pause: { reason: "for good", until: null } });
    expect((await auditOf("test.slow")).some((e) => e.actor === "system")).toBe(false);
    await h.admin("PUT", "/v1/jobs/test.slow/enabled", { enabled: true });
  });

  it("400s name the field: no reason, until in the past, until too far ahead", async () => {
    const bad = async (path: string, method: string, body: unknown) => {
      const r = await h.admin(method, path, body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      return JSON.stringify(r.body);
    };
    expect(await bad("/v1/scheduler/paused", "PUT", { paused: true })).toContain('"reason"');
    expect(await bad("/v1/jobs/test.slow/enabled", "PUT", { enabled: false, reason: " " })).toContain(
      '"reason"',
    );
    expect(
      await bad("/v1/scheduler/paused", "PUT", { paused: true, reason: "x", until: inSeconds(-60) }),
    ).toContain('"until"');
    expect(
      await bad("/v1/schedules/pause", "POST", { ids: ["x"], reason: "x", until: inSeconds(91 * 86400) }),
    ).toContain('"until"');
    expect(await bad("/v1/schedules/pause", "POST", { ids: ["x"], reason: "x".repeat(501) })).toContain(
      "reason",
    );
    // Nothing was paused by a refused request.
    expect((await h.admin("GET", "/v1/scheduler/status")).body.paused).toBe(false);
  });

  it("a viewer may not pause", async () => {
    const viewer = await h.token(["viewer"], "watcher");
    const r = await h.call("POST", "/v1/schedules/pause", {
      token: viewer,
      body: { ids: ["x"], reason: "x" },
    });
    expect(r.status).toBe(403);
  });
});
