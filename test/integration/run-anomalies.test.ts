// Promise (issue 16 part 3, seed 000's 件数急減): a successful run whose counter is far from its job's
// recent normal is flagged in its record, alerts once on the failures' channel, shows on the
// dashboard and is found by GET /v1/runs?anomaly=true — through the local stack over HTTP, every
// answer checked against openapi.json by the harness.
import { afterAll, beforeAll, expect, it } from "vitest";
import * as z from "zod/mini";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { defineJob } from "#jobs/define-job.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import { ALL_TEST_REGISTRY } from "#test/helpers/test-jobs.ts";

/** A job whose counts the test drives: it fetches `input` and inserts `inserted`. */
const counts = defineJob({
  name: "test.counts",
  description: { ja: "指定の件数を数えます", en: "counts what it is told" },
  category: "test",
  data_sources: ["counter_api"],
  parameters: z.strictObject({
    input: z.number().check(z.int(), z.minimum(0)),
    inserted: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  async run(ctx) {
    ctx.count.input(ctx.params.input);
    ctx.count.inserted(ctx.params.inserted ?? ctx.params.input);
  },
});

type Line = { message: string; extra?: Record<string, unknown> };
const lines: Line[] = [];
const capture: JobLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, extra) => lines.push({ message, extra }),
};
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ logger: capture, jobs: [...ALL_TEST_REGISTRY, counts] });
});
afterAll(async () => {
  await h?.stop();
});

const alertsFor = (id: string) =>
  lines.filter((l) => l.message.startsWith("ALERT ") && l.extra?.execution_uuid === id);

async function runWith(input: number, inserted = input) {
  const r = await h.admin("POST", "/v1/trigger", { job_name: "test.counts", options: { input, inserted } });
  expect(r.status).toBe(202);
  const run = await h.waitForRun(r.body.execution_uuid, isFinished, 20_000);
  expect(run.status).toBe("SUCCESS");
  return run;
}

it("anomalies: after five runs of ~4,400 a run of 300 is flagged and alerts once; a normal run, or too little history, is not; a 10× rise is", async () => {
  await runWith(4400);
  await runWith(4380);
  // two runs of history (< min_history 3): not flagged, however low
  const early = await runWith(300, 4400);
  expect(early.anomalies).toBeNull();
  await runWith(4420);
  await runWith(4410);
  await runWith(4390);

  const normal = await runWith(4350);
  expect(normal.anomalies).toBeNull();
  expect(alertsFor(normal.execution_uuid)).toEqual([]);

  const low = await runWith(300, 290);
  expect(low.anomalies).toEqual([
    { counter: "input_count", value: 300, baseline: 4390, ratio: 0.0683, rule: "drop>=90%" },
    { counter: "inserted_count", value: 290, baseline: 4400, ratio: 0.0659, rule: "drop>=90%" },
  ]);
  const rise = await runWith(4400, 50_000);
  expect(rise.anomalies?.map((a) => [a.counter, a.rule])).toEqual([["inserted_count", "rise>=10x"]]);

  // one alert for the flagged run, naming counter, value and baseline, linking the run
  const [alert, ...more] = alertsFor(low.execution_uuid);
  expect(more).toEqual([]);
  expect(alert?.message).toBe(
    `ALERT [jobdeck] test.counts ANOMALY input_count, inserted_count: ${h.url}/runs/${low.execution_uuid}`,
  );
  expect(alert?.extra).toMatchObject({ kind: "anomaly", status: "SUCCESS" });
  expect(String(alert?.extra?.summary)).toContain("input_count 300 vs baseline 4390 (drop>=90%)");
  expect(alertsFor(early.execution_uuid)).toEqual([]);

  // the history's filter: on one job's index and on the all-jobs feed
  const viewer = await h.token(["viewer"], "reader");
  for (const q of ["job_name=test.counts&anomaly=true", "anomaly=true"]) {
    const page = await h.call("GET", `/v1/runs?${q}`, { token: viewer });
    expect(page.status).toBe(200);
    expect(page.body.results.map((r: { execution_uuid: string }) => r.execution_uuid)).toEqual([
      rise.execution_uuid,
      low.execution_uuid,
    ]);
    expect(page.body.total).toEqual({ count: 2, capped: false });
  }
  const unflagged = await h.call("GET", "/v1/runs?job_name=test.counts&anomaly=false", { token: viewer });
  expect(unflagged.body.results).toHaveLength(7);
  const bad = await h.call("GET", "/v1/runs?anomaly=yes", { token: viewer });
  expect(bad.status).toBe(400);

  // the dashboard's count and list
  const stats = await h.call("GET", "/v1/dashboard/job-stats?window=24h", { token: viewer });
  expect(stats.body.flagged.count).toBe(2);
  expect(stats.body.flagged.runs.map((r: { execution_uuid: string }) => r.execution_uuid)).toEqual([
    rise.execution_uuid,
    low.execution_uuid,
  ]);
}, 120_000);
