// Issue 14, problem 4: the first Run now after the local stack starts answers at once. Validating
// a job's state machine took 150–300 ms per job on its first run, and DynamoDB Local compiled its
// transaction path on the first trigger: both are done right after the start, off its path.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import { until } from "#test/helpers/wait.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

it("problem 4: every job's state machine is built right after the start, so the first trigger waits for none", async () => {
  const jobs = h.stack.deps.registry.list().map((j) => j.name);
  await until(
    async () => jobs.filter((j) => !h.stack.workflow.isPrepared(j)),
    (missing) => missing.length === 0,
    5000,
    50,
  );
  // How fast the first trigger then answers is a bench goal (npm run bench -- --only cli, ≤ 1 s).
  const r = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 50 } });
  expect(r.status).toBe(202);
  await h.waitForRun(r.body.execution_uuid, isFinished);
});

it("problem 4: the answers a live page polls carry ETags, and an unchanged poll is a 304", async () => {
  const r = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 50 } });
  const id = r.body.execution_uuid as string;
  await h.waitForRun(id, isFinished);
  for (const path of [`/v1/runs/${id}`, "/v1/dashboard/job-progress", "/v1/jobs", `/v1/runs/${id}/logs`]) {
    const first = await h.admin("GET", path);
    const etag = first.headers.get("etag");
    expect(etag, path).toBeTruthy();
    const again = await h.admin("GET", path, undefined, { "if-none-match": etag! });
    expect(again.status, path).toBe(304);
  }
});
