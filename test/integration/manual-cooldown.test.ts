// Issue 16 part 6 through the local stack (answers checked against the OpenAPI document by the
// harness): a manual run of listed_companies.sync (cooldown 1 h), then its schedule fires inside the
// cooldown: the fire leaves a SKIPPED run whose summary starts with the reason `cooldown`, and
// next_scheduled_for (job answer, history) is the first fire after the cooldown. The scheduler is
// driven by a controlled clock and `scheduler.tick()`, the path its timer takes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let now = new Date("2025-11-03T00:00:00Z");
let h: Harness;
const JOB = "listed_companies.sync";

beforeAll(async () => {
  h = await startHarness({ clock: { now: () => now }, scheduler: true });
});
afterAll(async () => {
  await h?.stop();
});

const ms = (iso: unknown) => Date.parse(String(iso));
const runsOf = async (qs: string) => (await h.admin("GET", `/v1/runs?${qs}`)).body.results as Run[];

describe("cooldown after a manual run", () => {
  it("skips a scheduled fire inside it with reason cooldown and moves next_scheduled_for past it", async () => {
    for (const sch of (await h.admin("GET", "/v1/schedules")).body.results)
      await h.admin("DELETE", `/v1/schedules/${sch.id}`);
    await h.stack.scheduler.tick();
    // every 20 minutes: 00:20, 00:40, 01:00 fall in the cooldown after a 00:05 manual run; 01:20 runs
    const s = await h.admin("POST", "/v1/schedules", {
      name: "cooldown-every-20",
      job_name: JOB,
      schedule_expression: "cron(0/20 * * * ? *)",
      timezone: "UTC",
    });
    expect(s.status).toBe(201);

    now = new Date("2025-11-03T00:05:00Z");
    const manual = await h.admin(
      "POST",
      "/v1/trigger",
      { job_name: JOB, options: { dry_run: true } },
      { "idempotency-key": "cooldown-manual-1" },
    );
    expect(manual.status).toBe(202);
    expect(ms(manual.body.next_scheduled_for)).toBe(ms("2025-11-03T01:20:00Z"));
    expect((await h.waitForRun(manual.body.execution_uuid, isFinished)).status).toBe("SUCCESS");

    const job = await h.admin("GET", `/v1/jobs/${JOB}`);
    expect(job.status).toBe(200);
    expect(ms(job.body.next_scheduled_for)).toBe(ms("2025-11-03T01:20:00Z"));
    expect(job.body.cooldown.seconds_after_manual).toBe(3600);
    expect(ms(job.body.cooldown.manual_started_at)).toBe(ms("2025-11-03T00:05:00Z"));
    expect(ms(job.body.cooldown.until)).toBe(ms("2025-11-03T01:05:00Z"));

    now = new Date("2025-11-03T00:20:00Z");
    expect(await h.stack.scheduler.tick()).toBe(1);
    let fired: Run[] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      fired = (await runsOf(`job_name=${JOB}&trigger_source=schedule`)).filter(isFinished);
      if (fired.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(fired).toHaveLength(1);
    const skipped = (await h.admin("GET", `/v1/runs/${fired[0]!.execution_uuid}`)).body as Run;
    expect(skipped.status).toBe("SKIPPED");
    expect(skipped.schedule_name).toBe("cooldown-every-20");
    expect(skipped.error_summary).toMatch(/^cooldown: a manual run of listed_companies\.sync started at /);
    expect(skipped.error_summary).toContain("until 2025-11-03T01:05:00.000Z");
    expect(ms(skipped.next_scheduled_for)).toBe(ms("2025-11-03T01:20:00Z"));
    // history's "next run" says the same
    const history = await h.admin("GET", `/v1/runs?job_name=${JOB}`);
    expect(ms(history.body.next_scheduled_for)).toBe(ms("2025-11-03T01:20:00Z"));

    // after the cooldown: the card says none in force, and the next fire is the plain one
    now = new Date("2025-11-03T01:06:00Z");
    const after = await h.admin("GET", `/v1/jobs/${JOB}`);
    expect(after.body.cooldown).toEqual({ seconds_after_manual: 3600, manual_started_at: null, until: null });
    expect(ms(after.body.next_scheduled_for)).toBe(ms("2025-11-03T01:20:00Z"));
    await h.admin("DELETE", `/v1/schedules/${s.body.id}`);
  });
});
