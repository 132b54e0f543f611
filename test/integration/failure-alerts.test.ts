// Promise: failures are told. A run that ends FAILURE or TIMED_OUT logs exactly one alert line
// locally (the alarm topic in AWS) with the job, the status, a link to the run and its summary;
// a run that succeeds or is cancelled alerts nobody.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";

type Line = { level: string; message: string; extra?: Record<string, unknown> };
const lines: Line[] = [];
const capture: JobLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, extra) => lines.push({ level: "error", message, extra }),
};
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ logger: capture });
});
afterAll(async () => {
  await h?.stop();
});

const alertsFor = (id: string) =>
  lines.filter((l) => l.message.startsWith("ALERT ") && l.extra?.execution_uuid === id);

it("failure alerts: FAILURE and TIMED_OUT each log one alert line with job, status, run link and summary; SUCCESS and CANCELLED none", async () => {
  const failed = (await h.admin("POST", "/v1/trigger", { job_name: "test.always_fails" })).body
    .execution_uuid;
  const hung = (await h.admin("POST", "/v1/trigger", { job_name: "test.hangs", options: { ms: 2500 } })).body
    .execution_uuid;
  const ok = (await h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 10 } })).body
    .execution_uuid;
  const cancelled = (
    await h.admin("POST", "/v1/trigger", { job_name: "test.per_params", options: { key: "c", ms: 20_000 } })
  ).body.execution_uuid;
  await h.admin("POST", `/v1/runs/${cancelled}/cancel`, {});
  for (const id of [failed, hung, ok, cancelled]) await h.waitForRun(id, isFinished, 20_000);

  const [f] = alertsFor(failed);
  expect(alertsFor(failed)).toHaveLength(1);
  expect(f?.message).toBe(`ALERT [jobdeck] test.always_fails FAILURE: ${h.url}/runs/${failed}`);
  expect(f?.extra).toMatchObject({
    job_name: "test.always_fails",
    status: "FAILURE",
    run_url: `${h.url}/runs/${failed}`,
    summary: expect.stringMatching(/^Error: upstream returned 503/),
  });
  expect(alertsFor(hung)).toHaveLength(1);
  expect(alertsFor(hung)[0]?.extra).toMatchObject({ job_name: "test.hangs", status: "TIMED_OUT" });
  expect(alertsFor(ok)).toEqual([]);
  expect(alertsFor(cancelled)).toEqual([]);
});
