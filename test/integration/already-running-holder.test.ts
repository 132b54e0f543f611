// Issue 10: "14 of 54 `409 already_running` answers in a trigger loop carried execution_uuid: null".
// Short runs end (and free their slot) while other triggers are between "the slot is taken" and
// "who holds it": each 409 must still name a run of that job that exists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

type Refusal = { execution_uuid: unknown; job_name: unknown };

/** Clients that each trigger `job` `rounds` times in a row, all at once; returns the 409 details. */
async function triggerLoop(
  path: string,
  body: () => unknown,
  clients: number,
  rounds: number,
): Promise<{ refusals: Refusal[]; accepted: string[] }> {
  const token = await h.token(["admin"]);
  const refusals: Refusal[] = [];
  const accepted: string[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < rounds; i++) {
        const r = await h.call("POST", path, { token, body: body() });
        if (r.status === 202) accepted.push(r.body.execution_uuid);
        else if (r.status === 409) {
          expect(r.body.error.code).toBe("already_running");
          refusals.push(r.body.error.details);
        } else throw new Error(`unexpected ${r.status}: ${JSON.stringify(r.body)}`);
      }
    }),
  );
  return { refusals, accepted };
}

async function expectNamesRealRuns(refusals: Refusal[], accepted: string[], jobName: string) {
  // The loop really raced: several starts won, many were refused.
  expect(accepted.length).toBeGreaterThan(1);
  expect(refusals.length).toBeGreaterThan(10);
  const named = new Set<string>();
  for (const d of refusals) {
    expect(d.job_name).toBe(jobName);
    expect(typeof d.execution_uuid, JSON.stringify(d)).toBe("string");
    named.add(d.execution_uuid as string);
  }
  for (const id of named) {
    const run = await h.admin("GET", `/v1/runs/${id}`);
    expect(run.status, id).toBe(200);
    expect(run.body.job_name).toBe(jobName);
  }
}

describe("409 already_running always names the running run", () => {
  it("a concurrent trigger loop of short runs: every 409 names an existing run of that job", async () => {
    const { refusals, accepted } = await triggerLoop(
      "/v1/trigger",
      () => ({ job_name: "test.slow", options: { ms: 0 } }),
      8,
      12,
    );
    for (const id of accepted) await h.waitForRun(id, isFinished);
    await expectNamesRealRuns(refusals, accepted, "test.slow");
  });

  it("a concurrent rerun loop of short runs: every 409 names an existing run of that job", async () => {
    const first = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 0 } });
    expect(first.status).toBe(202);
    await h.waitForRun(first.body.execution_uuid, isFinished);
    const { refusals, accepted } = await triggerLoop(
      `/v1/runs/${first.body.execution_uuid}/rerun`,
      () => undefined,
      8,
      12,
    );
    for (const id of accepted) await h.waitForRun(id, isFinished);
    await expectNamesRealRuns(refusals, accepted, "test.slow");
  });
});
