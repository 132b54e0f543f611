// Issue 17, jquants.daily_bars through the local stack (real HTTP, DynamoDB Local) against the
// J-Quants stand-in (a real node:http server on 127.0.0.1 serving the committed calendar and the
// fixture's bars in v2 shape, 1,500 rows a page, the x-api-key required; here one issue in 50 did
// not trade, with J-Quants' null prices): a trading day upserts the
// day's bars of all 4,411 issues; a re-run counts them unchanged; a holiday ends SKIPPED
// market_holiday; five triggers with explicit dates and a backfill over five weekdays fill five days.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { barsStore } from "#jobs/daily-bars/bars-table.ts";
import { DAILY_BARS_JOB } from "#jobs/daily-bars/daily-bars.ts";
import { BY_DATE_INDEX } from "#jobs/daily-bars/dynamo-bar-store.ts";
import { fixtureMaster, jquantsRoutes, standInBar } from "#local/jquants-stand-in.ts";
import type { Run } from "#schemas/run.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import { type StandIn, startStandIn } from "#test/helpers/source-stand-in.ts";

const KEY = "jq-test-key-5f0c1d2e3a4b";
let jq: StandIn;
let h: Harness;
const prior = { base: process.env.JOBDECK_JQUANTS_BASE_URL, rpm: process.env.JOBDECK_JQUANTS_RPM };

/** Issues that did not trade (null prices, as J-Quants records them): one in 50, by code. */
const untraded = (code: string) => Number.parseInt(code.slice(0, 4), 10) % 50 === 0;
const CODES = fixtureMaster().map((r) => String(r.Code));

/** What the stand-in answers for `date`: every issue's bar, prices null for the untraded ones. */
function fixtureDailyBars(date: string) {
  return CODES.map((code) => {
    const bar = standInBar(code, date);
    return untraded(code) ? { ...bar, O: null, H: null, L: null, C: null, Vo: 0, Va: 0 } : bar;
  });
}

/** JQ's J-Quants routes, with the untraded issues' prices nulled in the daily bars. */
function routesWithUntraded() {
  const routes = jquantsRoutes();
  const bars = routes["/equities/bars/daily"]!;
  routes["/equities/bars/daily"] = async (req) => {
    const answer = await bars(req);
    const json = answer.json as { data?: { Code: string }[] } | undefined;
    if (!json?.data) return answer;
    const data = json.data.map((b) =>
      untraded(b.Code) ? { ...b, O: null, H: null, L: null, C: null, Vo: 0, Va: 0 } : b,
    );
    return { ...answer, json: { ...json, data } };
  };
  return routes;
}

beforeAll(async () => {
  jq = await startStandIn(routesWithUntraded(), {
    basePath: "/v2",
    modes: [{ mode: "require_header", header: "x-api-key", value: KEY }],
  });
  process.env.JOBDECK_JQUANTS_BASE_URL = jq.url;
  // The stand-in has no plan: without a limit the client would keep the Free plan's 5 a minute.
  process.env.JOBDECK_JQUANTS_RPM = "60000";
  h = await startHarness({ secretEnv: { JQUANTS_API_KEY: KEY } });
});
afterAll(async () => {
  await h?.stop();
  await jq?.close();
  for (const [name, value] of [
    ["JOBDECK_JQUANTS_BASE_URL", prior.base],
    ["JOBDECK_JQUANTS_RPM", prior.rpm],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Bars stored for `date`, counted with the by-date index (every page). */
async function storedOn(date: string): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await h.stack.doc.send(
      new QueryCommand({
        TableName: h.stack.storeTables[barsStore.name],
        IndexName: BY_DATE_INDEX,
        KeyConditionExpression: "#d = :d",
        ExpressionAttributeNames: { "#d": "date" },
        ExpressionAttributeValues: { ":d": date },
        Select: "COUNT",
        ExclusiveStartKey: start,
      }),
    );
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

async function runFor(options: Record<string, unknown>): Promise<Run> {
  const started = await h.admin("POST", "/v1/trigger", { job_name: DAILY_BARS_JOB, options });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return h.waitForRun(started.body.execution_uuid, isFinished, 60_000);
}

const traded = (date: string) => fixtureDailyBars(date).filter((b) => b.C !== null).length;

describe("jquants.daily_bars against the J-Quants stand-in", () => {
  it("a trading day: all pages fetched with the key, every traded bar stored, no-trade bars skipped", async () => {
    const date = "2026-11-27";
    const before = jq.requests.length;
    const run = await runFor({ date });
    expect(run.status, run.error_summary ?? "").toBe("SUCCESS");
    const all = fixtureDailyBars(date).length;
    expect(all).toBe(4411);
    expect(run).toMatchObject({
      input_count: all,
      inserted_count: traded(date),
      updated_count: 0,
      skipped_count: all - traded(date),
      skip_breakdown: { no_trades: all - traded(date) },
    });
    expect(await storedOn(date)).toBe(traded(date));
    const asked = jq.requests.slice(before);
    expect(asked.map((r) => r.path)).toEqual([
      "/markets/calendar",
      ...Array(3).fill("/equities/bars/daily"), // 4,411 rows, 1,500 a page
    ]);
    expect(asked.every((r) => r.status === 200 && r.headers["x-api-key"] === KEY)).toBe(true);
    expect(asked[0]?.query).toMatchObject({ from: date, to: date });
    // The key is never in the run's record.
    expect(JSON.stringify(run)).not.toContain(KEY);

    // Again: the same bars, nothing written, every traded bar counted unchanged.
    const again = await runFor({ date });
    expect(again).toMatchObject({
      status: "SUCCESS",
      inserted_count: 0,
      updated_count: 0,
      skip_breakdown: { unchanged: traded(date), no_trades: all - traded(date) },
    });
    expect(await storedOn(date)).toBe(traded(date));
  });

  it("a rejected key ends FAILURE saying where the key comes from; the key is in no record or log line", async () => {
    jq.setMode({ mode: "require_header", header: "x-api-key", value: "another-key" });
    try {
      const run = await runFor({ date: "2026-11-26" });
      expect(run.status).toBe("FAILURE");
      expect(run.error_summary).toMatch(/J-Quants rejected the API key \(403\).*JQUANTS_API_KEY/);
      expect(JSON.stringify(run)).not.toContain(KEY);
      const logs = await h.admin("GET", `/v1/runs/${run.execution_uuid}/logs?limit=100`);
      expect(logs.status).toBe(200);
      expect(logs.body.results.length).toBeGreaterThan(0);
      expect(JSON.stringify(logs.body)).not.toContain(KEY);
    } finally {
      jq.setMode({ mode: "require_header", header: "x-api-key", value: KEY });
    }
  });

  it("a market holiday (2026-11-23, 勤労感謝の日) ends SKIPPED market_holiday without asking for bars", async () => {
    const before = jq.requests.length;
    const run = await runFor({ date: "2026-11-23" });
    expect(run.status).toBe("SKIPPED");
    expect(run.error_summary).toMatch(/^market_holiday: 2026-11-23 is not a trading day/);
    expect(run.progress?.stages.map((s) => [s.name, s.status])).toEqual([
      ["calendar", "done"],
      ["fetch", "skipped"],
      ["compare", "skipped"],
      ["write", "skipped"],
    ]);
    expect(jq.requests.slice(before).map((r) => r.path)).toEqual(["/markets/calendar"]);
    expect(await storedOn("2026-11-23")).toBe(0);
  });

  it("five triggers with explicit dates fill five days", async () => {
    const days = ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"];
    for (const date of days) {
      const run = await runFor({ date, codes: ["1301", "13040", "72030", "99840"] });
      expect(run.status, `${date}: ${run.error_summary ?? ""}`).toBe("SUCCESS");
    }
    for (const date of days) {
      const want = fixtureDailyBars(date).filter(
        (b) => ["13040", "72030", "99840"].includes(String(b.Code)) && b.C !== null,
      );
      expect(await storedOn(date), date).toBe(want.length);
      expect(want.length).toBeGreaterThan(0);
    }
  });

  it("a backfill of the weekday 18:30 JST schedule over five weekdays fills those five days (ctx.scheduledFor)", async () => {
    const created = await h.admin("POST", `/v1/jobs/${DAILY_BARS_JOB}/backfill`, {
      schedule_expression: "cron(30 18 ? * MON-FRI *)",
      timezone: "Asia/Tokyo",
      from: "2026-11-14T00:00:00+09:00", // a Saturday: the window holds Mon 16 … Fri 20
      to: "2026-11-22T23:59:59+09:00",
      params: { codes: ["72030", "86970", "99840"] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id as string;
    expect(created.body.counts.total).toBe(5);
    const deadline = Date.now() + 60_000;
    let view = created;
    while (view.body.status !== "done" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = await h.admin("GET", `/v1/backfills/${id}`);
    }
    expect(view.body.counts).toMatchObject({ total: 5, done: 5, failed: 0 });
    const days = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"];
    for (const date of days) {
      const want = fixtureDailyBars(date).filter(
        (b) => ["72030", "86970", "99840"].includes(String(b.Code)) && b.C !== null,
      );
      expect(await storedOn(date), date).toBe(want.length);
    }
  });

  it("a backfill over a market holiday counts that day skipped, not failed", async () => {
    const created = await h.admin("POST", `/v1/jobs/${DAILY_BARS_JOB}/backfill`, {
      schedule_expression: "cron(30 18 ? * MON-FRI *)",
      timezone: "Asia/Tokyo",
      from: "2026-11-20T00:00:00+09:00", // Fri 20, Mon 23 (勤労感謝の日), Tue 24
      to: "2026-11-24T23:59:59+09:00",
      params: { codes: ["72030"] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id as string;
    const deadline = Date.now() + 60_000;
    let view = created;
    while (view.body.status !== "done" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = await h.admin("GET", `/v1/backfills/${id}`);
    }
    expect(view.body.counts).toEqual({ total: 3, done: 2, skipped: 1, failed: 0, running: 0, pending: 0 });
  });
});
