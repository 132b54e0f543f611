// Issue 11, item 5: "Idempotency keys wedge for 24 h after a crash". A request can die between
// claiming its Idempotency-Key and completing it. The promise: after a restart (or, in AWS, once
// the claim's lease has run out) a retry with the same key gets the answer of the work the dead
// request did, or does the work once; never `409 idempotency_in_progress` for a day, never a run
// that no key's answer names.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IDEMPOTENCY_LEASE_SECONDS,
  idempotencyStoreKey,
  requestFingerprint,
} from "#domain/runs/idempotency.ts";
import { TriggerService } from "#domain/runs/trigger-service.ts";
import type { Run } from "#schemas/run.ts";
import { adminHeaders, type ChildStack, startChildStack, waitExit } from "#test/helpers/child-stack.ts";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

describe("an Idempotency-Key whose request died (in process, the store as a crash leaves it)", () => {
  let h: Harness;
  let now = new Date();
  const actor = "tester@example.test";
  beforeAll(async () => {
    h = await startHarness({ clock: { now: () => now } });
  });
  afterAll(async () => {
    await h?.stop();
  });
  const body = (key: string) => ({ job_name: "test.per_params", options: { key, ms: 1 } });
  /** What the dead request left: its claim, and (optionally) the run it had already started. */
  async function deadRequest(key: string, startedRun: boolean) {
    const reservedId = randomUUID();
    const { control } = h.stack.deps;
    await control.claimIdempotencyKey(
      idempotencyStoreKey(actor, key),
      requestFingerprint(body(key)),
      86_400,
      {
        reservedId,
        leaseSeconds: IDEMPOTENCY_LEASE_SECONDS,
      },
    );
    if (startedRun)
      await new TriggerService(h.stack.deps).trigger({
        job_name: "test.per_params",
        options: body(key).options,
        actor,
        trigger_source: "manual",
        execution_uuid: reservedId,
      });
    return reservedId;
  }
  const retry = (key: string) => h.admin("POST", "/v1/trigger", body(key), { "idempotency-key": key });
  const runsOf = async (key: string) =>
    ((await h.admin("GET", "/v1/runs?job_name=test.per_params")).body.results as Run[]).filter(
      (r) => r.params.key === key,
    );

  it("within the dead request's lease a retry is told to wait (409 idempotency_in_progress)", async () => {
    await deadRequest("k-lease", false);
    const res = await retry("k-lease");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("idempotency_in_progress");
  });

  it("after a restart, a key whose run was started replays that run's answer and starts nothing new", async () => {
    const id = await deadRequest("k-started", true);
    await h.stack.deps.control.expireIdempotencyLeases(); // what a restart does
    const res = await retry("k-started");
    expect(res.status).toBe(202);
    expect(res.headers.get("idempotent-replayed")).toBe("true");
    expect(res.body.execution_uuid).toBe(id);
    expect((await runsOf("k-started")).map((r) => r.execution_uuid)).toEqual([id]);
    // …and from now on the key is simply completed.
    expect((await retry("k-started")).body.execution_uuid).toBe(id);
  });

  it("once the lease has run out, a key whose request did nothing does the work once, under the reserved id", async () => {
    const id = await deadRequest("k-nothing", false);
    now = new Date(now.getTime() + (IDEMPOTENCY_LEASE_SECONDS + 1) * 1000);
    const [a, b] = await Promise.all([retry("k-nothing"), retry("k-nothing")]);
    const statuses = [a.status, b.status].sort();
    // One retry takes the key over; a simultaneous one waits for it or gets its answer.
    expect(statuses[0]).toBe(202);
    const winner = a.status === 202 ? a : b;
    expect(winner.body.execution_uuid).toBe(id);
    now = new Date();
    await h.waitForRun(id, (r) => r.status !== "RUNNING" && r.status !== "QUEUED");
    expect((await runsOf("k-nothing")).map((r) => r.execution_uuid)).toEqual([id]);
    expect((await retry("k-nothing")).body.execution_uuid).toBe(id);
  });
});

describe("kill -9 during keyed triggers, then npm start again", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "jobdeck-idem-"));
  const children: ChildStack[] = [];
  afterAll(() => {
    for (const c of children)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = { JOBDECK_EXTRA_JOBS: "test/helpers/test-jobs.ts", JOBDECK_SCHEDULER: "off" };

  async function client(url: string) {
    const headers = await adminHeaders(url);
    return {
      trigger: async (key: string) => {
        const res = await fetch(`${url}/v1/trigger`, {
          method: "POST",
          headers: { ...headers, "idempotency-key": key },
          body: JSON.stringify({ job_name: "test.per_params", options: { key, ms: 1 } }),
        });
        return { status: res.status, body: await res.json() };
      },
      runs: async () =>
        ((await (await fetch(`${url}/v1/runs?job_name=test.per_params`, { headers })).json())
          .results as Run[]) ?? [],
    };
  }

  it("every key answers 202 after the restart, each run is named by exactly one key, none waits a day", async () => {
    const first = await startChildStack(dataDir, undefined, env);
    children.push(first);
    const c1 = await client(first.url);
    const keys = Array.from({ length: 12 }, (_, i) => `crash-${i}`);
    const inflight = keys.map((k) => c1.trigger(k).catch(() => null));
    await new Promise((r) => setTimeout(r, 150));
    first.proc.kill("SIGKILL");
    await Promise.all(inflight);
    await waitExit(first.proc);

    const second = await startChildStack(dataDir, undefined, env);
    children.push(second);
    const c2 = await client(second.url);
    const answers = new Map<string, string>();
    for (const k of keys) {
      const res = await c2.trigger(k);
      expect(res.status, `${k}: ${JSON.stringify(res.body)}`).toBe(202);
      answers.set(k, res.body.execution_uuid);
    }
    // Every run of the job is the answer of exactly one key, and every key's answer is a run.
    const runs = await c2.runs();
    const named = [...answers.values()];
    expect(new Set(named).size).toBe(keys.length);
    for (const r of runs)
      expect(named, `run ${r.execution_uuid} (${r.params.key}) is no key's answer`).toContain(
        r.execution_uuid,
      );
    for (const [k, id] of answers) expect(runs.find((r) => r.execution_uuid === id)?.params.key).toBe(k);
    second.proc.kill("SIGKILL");
  });
});
