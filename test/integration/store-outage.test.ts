// Issue 11, items 1 and 2: a DynamoDB outage heals without a human. The outage is injected by a
// TCP proxy between the stack and the shared DynamoDB Local (test/helpers/fault-proxy.ts), cut
// and healed by the test; nothing other files share is stopped.
import { afterEach, describe, expect, inject, it } from "vitest";
import { runUuidForFire } from "#domain/runs/execution-identity.ts";
import { MISSED_GRACE_SECONDS } from "#domain/runs/run-sweeper.ts";
import type { Run } from "#schemas/run.ts";
import { type FaultProxy, startFaultProxy } from "#test/helpers/fault-proxy.ts";
import { type Harness, type HarnessOptions, startHarness } from "#test/helpers/harness.ts";
import { poll } from "#test/helpers/wait.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A stack whose DynamoDB is reached through a proxy the test controls; 5xx answers are expected. */
async function stackBehindProxy(opts: HarnessOptions = {}): Promise<{ h: Harness; proxy: FaultProxy }> {
  const proxy = await startFaultProxy(inject("dynamoEndpoint"));
  cleanups.push(() => proxy.close());
  const h = await startHarness({
    dynamoEndpoint: proxy.endpoint,
    conformance: { allowServerErrors: true },
    ...opts,
  });
  cleanups.push(async () => {
    proxy.heal();
    await h.stop();
  });
  return { h, proxy };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the local scheduler heals", () => {
  it("the scheduler keeps firing after an outage: no tick failure stops the timer", async () => {
    const { h, proxy } = await stackBehindProxy({ scheduler: true });
    const fireAt = Date.now() + 6000;
    const s = await h.admin("POST", "/v1/schedules", {
      name: "after-outage",
      job_name: "test.slow",
      schedule_expression: "rate(1 minute)",
      start_date: new Date(fireAt - 60_000).toISOString(),
      params: { ms: 0 },
    });
    expect(s.status).toBe(201);
    // An outage of ~3 s while the scheduler ticks (it re-reads the table at least every second).
    await sleep(500);
    proxy.cut();
    await sleep(3000);
    proxy.heal();
    const runs = await poll(
      async () => {
        const r = await h.admin("GET", "/v1/runs?job_name=test.slow&trigger_source=schedule");
        return r.status === 200 ? (r.body.results as Run[]) : [];
      },
      (r) => r.length > 0,
      Math.max(0, fireAt - Date.now()) + 5000,
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]!.schedule_id).toBe(s.body.id);
    // on time: the outage was over before the fire time
    expect(Date.parse(runs[0]!.started_at) - fireAt).toBeLessThanOrEqual(1500);
    const state = h.stack.scheduler.state();
    expect(state.tick_failures).toBeGreaterThan(0);
    expect(state.consecutive_failures).toBe(0);
    expect(state.last_error).toBeTruthy();
    expect(state.timer_armed).toBe(true);
  });

  it("fires due during an outage are run or recorded missed, once", async () => {
    let now = new Date("2025-11-01T00:00:00Z");
    const at = (iso: string) => {
      now = new Date(iso);
    };
    const { h, proxy } = await stackBehindProxy({ scheduler: true, clock: { now: () => now } });
    const mk = async (name: string) => {
      const r = await h.admin("POST", "/v1/schedules", {
        name,
        job_name: "test.slow",
        schedule_expression: "cron(* * * * ? *)",
        timezone: "UTC",
        params: { ms: 0 },
        execution_policy: "allow",
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const a = await mk("every-minute-a");
    const b = await mk("every-minute-b");

    // A ten-minute outage: fires 00:01 … 00:10 come due while every tick fails.
    proxy.cut();
    at("2025-11-01T00:10:30Z");
    await expect(h.stack.scheduler.tick()).rejects.toThrow();
    await sleep(1500); // the timer's own ticks fail as well
    // From here the test ticks itself (the timer's healing is the test above).
    h.stack.scheduler.stop();
    proxy.heal();
    // Another process (the sweeper of another host) already decided B's 00:10 fire: missed.
    await h.stack.deps.schedulerState.recordMissed({
      schedule_id: b,
      schedule_name: "every-minute-b",
      job_name: "test.slow",
      scheduled_time: "2025-11-01T00:10:00.000Z",
      reason: "decided elsewhere",
      recorded_at: "2025-11-01T00:10:20.000Z",
    });
    expect(await h.stack.scheduler.tick()).toBe(1);
    expect(await h.stack.scheduler.tick()).toBe(0);

    const times = (from: number, to: number) =>
      Array.from(
        { length: to - from + 1 },
        (_, i) => `2025-11-01T00:${String(from + i).padStart(2, "0")}:00.000Z`,
      );
    const runsOf = async (id: string) => {
      const out: string[] = [];
      for (const t of times(1, 10)) if (await h.stack.deps.runs.get(runUuidForFire(id, t))) out.push(t);
      return out;
    };
    // Not a burst of ten: A runs only its latest fire (within the late-fire window), B none.
    await poll(
      () => runsOf(a),
      (r) => r.length > 0,
      5000,
    );
    expect(await runsOf(a)).toEqual(["2025-11-01T00:10:00.000Z"]);
    expect(await runsOf(b)).toEqual([]);
    const missed = async () => await h.stack.deps.schedulerState.listMissed(100);
    const missedOf = async (id: string) =>
      (await missed())
        .filter((m) => m.schedule_id === id)
        .map((m) => m.scheduled_time)
        .sort();
    expect(await missedOf(a)).toEqual(times(1, 9));
    expect(await missedOf(b)).toEqual(times(1, 10));
    const decidedElsewhere = (await missed()).find(
      (m) => m.schedule_id === b && m.scheduled_time === "2025-11-01T00:10:00.000Z",
    );
    expect(decidedElsewhere?.reason).toBe("decided elsewhere");

    // The sweeper, once those fires are past its grace, has nothing left to decide: each fire was
    // run or recorded missed, once.
    at(new Date(Date.parse("2025-11-01T00:10:31Z") + MISSED_GRACE_SECONDS * 1000).toISOString());
    const swept = await h.stack.sweeper.recordMissedFires();
    expect(swept.filter((m) => m.scheduled_time <= "2025-11-01T00:10:00.000Z")).toEqual([]);
    expect(await missedOf(a)).toEqual(times(1, 9));
    expect(await missedOf(b)).toEqual(times(1, 10));
    // every failed tick was counted (the test's and the timer's own)
    expect(h.stack.scheduler.state().tick_failures).toBeGreaterThan(1);
  });
});

describe("the API during a store outage", () => {
  it("a store outage answers 503 with Retry-After, never 500, and heals by itself", async () => {
    const { h, proxy } = await stackBehindProxy();
    const token = await h.token(["admin"]);
    const calls: [string, string, unknown?][] = [
      ["GET", "/v1/runs"],
      ["GET", "/v1/jobs"],
      ["GET", "/v1/jobs/test.slow"],
      ["GET", "/v1/schedules"],
      ["GET", "/v1/scheduler/status"],
      ["GET", "/v1/dashboard/job-progress"],
      ["POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } }],
    ];
    const answer = async () => Promise.all(calls.map(([m, p, body]) => h.call(m, p, { token, body })));
    expect((await answer()).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 202]);

    proxy.cut();
    const started = Date.now();
    const during = await answer();
    // fails fast: the SDK's retries and timeouts are short
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const [i, r] of during.entries()) {
      expect({ call: calls[i]!.slice(0, 2), status: r.status }).toEqual({
        call: calls[i]!.slice(0, 2),
        status: 503,
      });
      expect(r.body.error.code).toBe("unavailable");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }

    // a stalled store (accepts, never answers) is an outage too, and the answer does not hang
    proxy.set("hang");
    const hungStart = Date.now();
    const hung = await h.call("GET", "/v1/runs", { token });
    expect(hung.status).toBe(503);
    expect(hung.headers.get("retry-after")).toBeTruthy();
    expect(Date.now() - hungStart).toBeLessThan(20_000);

    proxy.heal();
    const healed = await poll(answer, (rs) => rs.every((r) => r.status < 300), 10_000);
    expect(healed.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 202]);
  });

  it("/healthz says which dependency is down (503)", async () => {
    const { h, proxy } = await stackBehindProxy();
    const up = await h.call("GET", "/healthz");
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ ok: true, dynamodb: "up" });

    proxy.cut();
    const down = await h.call("GET", "/healthz");
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ ok: false, dynamodb: "down" });

    // a store that accepts and never answers: the probe gives up quickly
    proxy.set("hang");
    const t0 = Date.now();
    const stalled = await h.call("GET", "/healthz");
    expect(stalled.status).toBe(503);
    expect(stalled.body).toEqual({ ok: false, dynamodb: "down" });
    expect(Date.now() - t0).toBeLessThan(4000);

    proxy.heal();
    const back = await poll(
      () => h.call("GET", "/healthz"),
      (r) => r.status === 200,
      10_000,
    );
    expect(back.body).toEqual({ ok: true, dynamodb: "up" });
  });
});
