// Issue 14, problem 3, on the local stack (DynamoDB Local): a run retried twice then failed keeps
// its 3 attempts in its record, and GET /v1/runs/{id}/logs pages its own log lines, oldest first,
// with the signed cursor; a viewer reads them; a foreign cursor or an unknown run is refused.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

it("problem 3: the run keeps each attempt and its log lines page oldest first, for a viewer too", async () => {
  const started = await h.admin("POST", "/v1/trigger", { job_name: "test.always_fails", options: {} });
  expect(started.status).toBe(202);
  const id = started.body.execution_uuid as string;
  const run = await h.waitForRun(id, isFinished);
  expect(run.status).toBe("FAILURE");
  expect(run.attempts.map((a) => [a.attempt, a.error_type])).toEqual([
    [1, "Error"],
    [2, "Error"],
    [3, "Error"],
  ]);
  for (const a of run.attempts) {
    expect(a.message).toMatch(/^upstream returned 503 Service Unavailable/);
    expect(a.message.length).toBeLessThanOrEqual(1000);
    expect(a.stack[0]).toMatch(/^at /);
  }
  expect(run.error_summary).not.toMatch(/Error: Error:/);
  expect(run.retry_at).toBeNull();

  const viewer = await h.token(["viewer"], "viewer-1");
  const all: { message: string; logged_at: string }[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
    const page = await h.call("GET", `/v1/runs/${id}/logs${q}`, { token: viewer });
    expect(page.status).toBe(200);
    expect(page.body.count).toBeLessThanOrEqual(2);
    all.push(...page.body.results);
    cursor = page.body.next_cursor;
    if (!cursor) break;
  }
  const messages = all.map((l) => l.message);
  expect(messages.filter((m) => m === "attempt failed")).toHaveLength(3);
  expect(messages.filter((m) => m === "attempt failed, retrying")).toHaveLength(2);
  expect(messages).toContain("run finished");
  const times = all.map((l) => Date.parse(l.logged_at));
  expect([...times].sort((a, b) => a - b)).toEqual(times);

  const other = await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 50 } });
  const first = await h.call("GET", `/v1/runs/${id}/logs?limit=1`, { token: viewer });
  const foreign = await h.call(
    "GET",
    `/v1/runs/${other.body.execution_uuid}/logs?cursor=${encodeURIComponent(first.body.next_cursor)}`,
    { token: viewer },
  );
  expect(foreign.status).toBe(400);
  await h.waitForRun(other.body.execution_uuid, isFinished);
  const missing = await h.call("GET", "/v1/runs/00000000-0000-4000-8000-000000000000/logs", {
    token: viewer,
  });
  expect(missing.status).toBe(404);
});
