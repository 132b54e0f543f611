// Issue 11, items 2 (second half) and 7: a run ends with the reason that happened and its real
// duration, even when the store fails while it runs or while its end is recorded; the final write
// is retried until the store answers again (bounded), so no run is left RUNNING (no phantom 409).
// Outages are injected by the TCP proxy of test/helpers/fault-proxy.ts; a full disk by making the
// run store's writes answer what DynamoDB Local answers then ("InternalFailure: unknown error").
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { type FaultProxy, startFaultProxy } from "#test/helpers/fault-proxy.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function stackBehindProxy(): Promise<{ h: Harness; proxy: FaultProxy }> {
  const proxy = await startFaultProxy(inject("dynamoEndpoint"));
  cleanups.push(() => proxy.close());
  const h = await startHarness({ dynamoEndpoint: proxy.endpoint, conformance: { allowServerErrors: true } });
  cleanups.push(async () => {
    proxy.heal();
    await h.stop();
  });
  return { h, proxy };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the run (through the API) until it is finished or `ms` passed. */
async function finishedRun(h: Harness, uuid: string, ms: number): Promise<Run | null> {
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end && i < 10_000; i++) {
    const r = await h.admin("GET", `/v1/runs/${uuid}`);
    if (r.status === 200 && r.body.finished_at) return r.body as Run;
    await sleep(200);
  }
  return null;
}

async function trigger(h: Harness, ms: number): Promise<string> {
  const r = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.execution_uuid as string;
}

describe("honest outcomes when the store fails", () => {
  it("a store outage during a run: the run still ends, with the job's own outcome and its real duration", async () => {
    const { h, proxy } = await stackBehindProxy();
    const uuid = await trigger(h, 1500);
    await sleep(300);
    proxy.cut(); // progress writes and the end of the run meet a dead store
    await sleep(6000);
    proxy.heal();
    const healedAt = Date.now();
    const run = await finishedRun(h, uuid, 30_000);
    expect(run, "the run was left RUNNING").not.toBeNull();
    expect(run!.status, run!.error_summary ?? "").toBe("SUCCESS");
    expect(run!.error_summary).toBeNull();
    // The worker's end, not the moment the record could land after the outage: the recorded end
    // falls inside the outage (before the heal), whatever the machine's speed.
    expect(run!.duration_seconds!).toBeGreaterThanOrEqual(1.4);
    expect(Date.parse(run!.finished_at!)).toBeLessThan(healedAt);
    expect(run!.duration_seconds!).toBeLessThan((healedAt - Date.parse(run!.started_at)) / 1000);
  }, 60_000);

  it("the store down for longer than the end's retries: the run ends FAILURE with the store's failure as its reason and its real duration", async () => {
    const { h, proxy } = await stackBehindProxy();
    h.stack.deps.settings.storeRetrySeconds = 2;
    const uuid = await trigger(h, 1000);
    await sleep(300);
    proxy.cut();
    await sleep(9000);
    proxy.heal();
    const run = await finishedRun(h, uuid, 40_000);
    expect(run, "the run was left RUNNING").not.toBeNull();
    expect(run!.status).toBe("FAILURE");
    expect(run!.error_summary).toMatch(/^the store failed while the run was recording its end: /);
    expect(run!.duration_seconds!).toBeLessThan(2.5);
    // The job's counts are kept.
    expect(run!.input_count).toBe(20);
    // …and the slot is free: the job can be triggered again.
    const again = await trigger(h, 0);
    expect(await finishedRun(h, again, 10_000)).toMatchObject({ status: "SUCCESS" });
  }, 90_000);

  it("disk full while a run ends: no phantom RUNNING, the job can be triggered again as soon as the store answers", async () => {
    const proxyless = await startHarness();
    cleanups.push(() => proxyless.stop());
    const h = proxyless;
    const runs = h.stack.deps.runs;
    const realFinish = runs.finish.bind(runs);
    let diskFull = false;
    let refused = 0;
    // What DynamoDB Local answers when its disk is full: a 500 "InternalFailure: unknown error".
    runs.finish = async (...args: Parameters<typeof runs.finish>) => {
      if (diskFull) {
        refused++;
        throw Object.assign(new Error("unknown error"), {
          name: "InternalFailure",
          $fault: "server",
          $metadata: { httpStatusCode: 500 },
        });
      }
      return realFinish(...args);
    };
    const uuid = await trigger(h, 500);
    diskFull = true;
    await sleep(17_000); // longer than the workflow's own retries of its last step
    expect(refused).toBeGreaterThan(0);
    diskFull = false;
    const freedAt = Date.now();
    const run = await finishedRun(h, uuid, 15_000);
    expect(run, "phantom RUNNING run").not.toBeNull();
    expect(Date.now() - freedAt).toBeLessThan(7000);
    expect(run!.status, run!.error_summary ?? "").toBe("SUCCESS");
    expect(run!.duration_seconds!).toBeLessThan(2);
    const next = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(next.status, JSON.stringify(next.body)).toBe(202);
  }, 60_000);
});
