// Issue 17 acceptance, through the local stack (DynamoDB Local, the real worker) against the J-Quants
// stand-in (a real HTTP server on 127.0.0.1): listed_companies.sync with source "jquants" pulls every
// page of /equities/master, survives a 429 with Retry-After and two 503s and ends SUCCESS with the
// right counts; a wrong key ends FAILURE with a clear summary, and the key is in no log line, no run
// record field and no API answer.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import { silentLogger } from "#domain/logging.ts";
import { startJQuantsStandIn } from "#local/jquants-stand-in.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import type { StandIn } from "#test/helpers/source-stand-in.ts";

const KEY = "jq-accept-key-5b7e2d91c4";
const lines: string[] = [];
const answers: string[] = [];
const logger: JobLogger = Object.fromEntries(
  (["debug", "info", "warn", "error"] as const).map((level) => [
    level,
    (message: string, extra?: Record<string, unknown>) =>
      lines.push(JSON.stringify({ level, message, ...extra })),
  ]),
) as unknown as JobLogger;

let jq: StandIn;
let h: Harness;
beforeAll(async () => {
  jq = await startJQuantsStandIn({ apiKey: KEY });
  vi.stubEnv("JOBDECK_JQUANTS_BASE_URL", jq.url);
  // the stand-in has no limit of its own; the plan's spacing is the client's (tested apart)
  vi.stubEnv("JOBDECK_JQUANTS_RPM", "6000");
  h = await startHarness({
    secretEnv: { JQUANTS_API_KEY: KEY },
    logger,
    minProgressWriteMs: 50,
    onAnswer: (a) => answers.push(`${a.route} ${a.status} ${a.body}`),
  });
});
afterAll(async () => {
  await h?.stop();
  await jq?.close();
  vi.unstubAllEnvs();
});

async function sync(options: Record<string, unknown>) {
  const started = await h.admin("POST", "/v1/trigger", { job_name: "listed_companies.sync", options });
  expect(started.status).toBe(202);
  return h.waitForRun(started.body.execution_uuid as string, isFinished, 60_000);
}

describe("listed_companies.sync from J-Quants (stand-in)", () => {
  it("pulls all pages, survives a 429 with Retry-After and two 503s, and ends SUCCESS with the right counts", async () => {
    jq.requests.length = 0;
    jq.setMode({ mode: "rate_limit", after: 1, retry_after: 1 });
    jq.setMode({ mode: "flaky", count: 2 });
    const run = await sync({ source: "jquants" });
    expect(run.status).toBe("SUCCESS");
    expect(run.attempt).toBe(1);
    expect(run).toMatchObject({
      input_count: 4411,
      inserted_count: 4411,
      updated_count: 0,
      skipped_count: 0,
    });
    const master = jq.requests.filter((r) => r.path === "/equities/master");
    expect(master.map((r) => r.status)).toEqual([200, 429, 503, 503, 200, 200]);
    const pages = new Set(
      master.filter((r) => r.status === 200).map((r) => r.query.pagination_key ?? "first"),
    );
    expect(pages.size).toBeGreaterThanOrEqual(3);
    expect(master.every((r) => r.headers["x-api-key"] === KEY)).toBe(true);
    expect(run.progress?.stages.map((s) => [s.name, s.status])).toEqual([
      ["fetch", "done"],
      ["compare", "done"],
      ["upsert", "done"],
      ["deactivate", "done"],
    ]);

    const logs = await h.admin("GET", `/v1/runs/${run.execution_uuid}/logs?limit=100`);
    const retried = logs.body.results.filter(
      (l: { message: string }) => l.message === "J-Quants answer retried",
    );
    expect(retried).toHaveLength(3);

    // a second sync with the default source ("auto" → J-Quants, a key is configured): nothing changed
    const again = await sync({});
    expect(again).toMatchObject({
      status: "SUCCESS",
      input_count: 4411,
      inserted_count: 0,
      skipped_count: 4411,
    });
    expect(again.skip_breakdown).toEqual({ unchanged: 4411 });
  });

  it("ends FAILURE with a clear summary on a wrong key, and the key appears nowhere", async () => {
    // J-Quants now wants another key: the one configured is wrong
    jq.setMode({ mode: "require_header", header: "x-api-key", value: "the-key-jquants-expects" });
    jq.requests.length = 0;
    const run = await sync({ source: "jquants" });
    jq.setMode({ mode: "require_header", header: "x-api-key", value: KEY });
    expect(run.status).toBe("FAILURE");
    expect(run.error_summary).toMatch(/J-Quants rejected the API key \(403\)/);
    expect(run.error_summary).toMatch(/JQUANTS_API_KEY|jobdeck\/jquants-api-key/);
    // a rejected key is declared non-retryable: one attempt, not the policy's two
    expect(run.attempt).toBe(1);
    // it was sent (so a leak would have had something to leak) and refused at once, never retried in-attempt
    expect(jq.requests.every((r) => r.headers["x-api-key"] === KEY && r.status === 403)).toBe(true);

    const record = await h.admin("GET", `/v1/runs/${run.execution_uuid}`);
    const logs = await h.admin("GET", `/v1/runs/${run.execution_uuid}/logs?limit=100`);
    const jobs = await h.admin("GET", "/v1/jobs");
    const runs = await h.admin("GET", "/v1/runs?job_name=listed_companies.sync");
    expect(logs.body.results.length).toBeGreaterThan(3);
    expect(lines.some((l) => l.includes(run.execution_uuid))).toBe(true);
    expect(answers.length).toBeGreaterThan(5);
    const everything = [
      ...lines,
      ...answers,
      JSON.stringify(record.body),
      JSON.stringify(logs.body),
      JSON.stringify(jobs.body),
      JSON.stringify(runs.body),
    ];
    const leaks = everything.filter((text) => text.includes(KEY));
    expect(leaks).toEqual([]);
  });

  it("source jquants without a key configured fails saying where the key goes; auto falls back to the fixture", async () => {
    const bare = await startHarness({ secretEnv: {}, minProgressWriteMs: 50, logger: silentLogger });
    try {
      const started = await bare.admin("POST", "/v1/trigger", {
        job_name: "listed_companies.sync",
        options: { source: "jquants" },
      });
      const run = await bare.waitForRun(started.body.execution_uuid, isFinished, 60_000);
      expect(run.status).toBe("FAILURE");
      expect(run.error_summary).toMatch(/needs a J-Quants API key: set JQUANTS_API_KEY/);
      const auto = await bare.admin("POST", "/v1/trigger", {
        job_name: "listed_companies.sync",
        options: {},
      });
      const fixture = await bare.waitForRun(auto.body.execution_uuid, isFinished, 60_000);
      expect(fixture).toMatchObject({ status: "SUCCESS", input_count: 4411, inserted_count: 4411 });
    } finally {
      await bare.stop();
    }
  });
});
