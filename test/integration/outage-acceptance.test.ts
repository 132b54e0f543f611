// Issue 11's acceptance, as one scene: a 60-s DynamoDB outage during 3 running runs and an
// every-minute schedule. The API answers 503 during it, no schedule stops firing, every run ends
// with a true reason and its real duration, every fire is run or recorded missed, exactly once.
// (The JVM killed and back within 10 s is test/integration/dynamodb-local-supervision.test.ts.)
import { afterAll, describe, expect, inject, it } from "vitest";
import { runUuidForFire } from "#domain/runs/execution-identity.ts";
import type { Run } from "#schemas/run.ts";
import { type FaultProxy, startFaultProxy } from "#test/helpers/fault-proxy.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

const OUTAGE_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let proxy: FaultProxy | undefined;
let h: Harness | undefined;
afterAll(async () => {
  proxy?.heal();
  await h?.stop();
  await proxy?.close();
});

describe("a 60-s store outage heals without a human", () => {
  it("503 during it; schedules keep firing; runs end true; each fire run or missed once", async () => {
    proxy = await startFaultProxy(inject("dynamoEndpoint"));
    h = await startHarness({
      dynamoEndpoint: proxy.endpoint,
      scheduler: true,
      conformance: { allowServerErrors: true },
    });
    const t0 = Date.now();
    // Every minute, the first fire 20 s from now (during the outage), the second after it.
    const s = await h.admin("POST", "/v1/schedules", {
      name: "every-minute",
      job_name: "test.slow",
      schedule_expression: "rate(1 minute)",
      start_date: new Date(t0 + 20_000 - 60_000).toISOString(),
      params: { ms: 0 },
      execution_policy: "allow",
    });
    expect(s.status).toBe(201);
    const fires = (s.body.next_fire_times as string[]).slice(0, 2).map((t) => new Date(t).toISOString());
    const runs: string[] = [];
    for (const key of ["a", "b", "c"]) {
      const r = await h.admin("POST", "/v1/trigger", {
        job_name: "test.per_params",
        options: { key, ms: 15_000 },
      });
      expect(r.status).toBe(202);
      runs.push(r.body.execution_uuid);
    }

    await sleep(2000);
    proxy.cut();
    const cutAt = Date.now();
    // During the outage: 503 with Retry-After, never 500; /healthz names the store.
    await sleep(3000);
    const during = await h.admin("GET", "/v1/jobs");
    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toMatch(/^\d+$/);
    const health = await h.call("GET", "/healthz");
    expect(health.status).toBe(503);
    expect(health.body.dynamodb).toBe("down");
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - cutAt)));
    proxy.heal();
    const healedAt = Date.now();

    // Healed by itself: the API answers again.
    const deadline = Date.now() + 20_000;
    let after = await h.admin("GET", "/v1/jobs");
    while (after.status !== 200 && Date.now() < deadline) {
      await sleep(250);
      after = await h.admin("GET", "/v1/jobs");
    }
    expect(after.status).toBe(200);

    // Every run ends, with the job's own outcome and a duration that does not count the outage.
    for (const id of runs) {
      const run = await h.waitForRun(id, (r) => r.status !== "RUNNING" && r.status !== "QUEUED", 60_000);
      expect(run.status, JSON.stringify(run.error_summary)).toBe("SUCCESS");
      // Its end is the job's own end, during the outage — not when the record could land after it —
      // and the job's 15 s are all in its duration.
      expect(Date.parse(run.finished_at as string)).toBeLessThan(healedAt);
      expect(run.duration_seconds).toBeGreaterThanOrEqual(15);
    }

    // The scheduler did not stop: the fire after the outage runs; the one during it is run late
    // or recorded missed — exactly one of the two.
    const second = fires[1]!;
    const secondRun = runUuidForFire(s.body.id, second);
    await h.waitForRun(secondRun, () => true, Math.max(0, Date.parse(second) - Date.now()) + 15_000);
    for (const fire of fires) {
      const ran = (await h.admin("GET", `/v1/runs/${runUuidForFire(s.body.id, fire)}`)).status === 200;
      const status = await h.admin("GET", "/v1/scheduler/status");
      const missed = (status.body.missed_fires as { schedule_id: string; scheduled_time: string }[]).filter(
        (m) => m.schedule_id === s.body.id && Date.parse(m.scheduled_time) === Date.parse(fire),
      ).length;
      expect({ fire, ran, missed }).toEqual({ fire, ran, missed: ran ? 0 : 1 });
    }
    const ranSecond = (await h.admin("GET", `/v1/runs/${secondRun}`)).body as Run;
    expect(ranSecond.schedule_id).toBe(s.body.id);
  }, 240_000);
});
