// The J-Quants v2 client against the J-Quants stand-in (a real HTTP server on 127.0.0.1): every
// page followed, 429 + Retry-After and 503s survived, a rejected key said plainly without the key,
// the plan's rate limit kept, and the stand-in's bars and calendar as BARS' job will read them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createJQuantsClient,
  JQUANTS_DEFAULT_BASE_URL,
  JQuantsAuthError,
  jquantsSettings,
} from "#jobs/jquants/jquants-client.ts";
import { isTradingDay } from "#jobs/jquants/jquants-schemas.ts";
import { standInBar, startJQuantsStandIn } from "#local/jquants-stand-in.ts";
import type { StandIn } from "#test/helpers/source-stand-in.ts";

const KEY = "jq-test-key-7f3a9c";
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startJQuantsStandIn({ apiKey: KEY });
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.setMode({ mode: "normal" });
  standIn.requests.length = 0;
});

const waits: number[] = [];
const client = (apiKey = KEY) =>
  createJQuantsClient({
    apiKey,
    baseUrl: standIn.url,
    sleep: async (ms) => void waits.push(ms),
  });

describe("J-Quants client against the stand-in", () => {
  it("pulls the whole master through every pagination_key (4,411 companies, 3 pages)", async () => {
    const pages: number[] = [];
    const rows = await createJQuantsClient({
      apiKey: KEY,
      baseUrl: standIn.url,
      onPage: (p) => pages.push(p.rows),
    }).masterAll();
    expect(rows).toHaveLength(4411);
    expect(new Set(rows.map((r) => r.Code)).size).toBe(4411);
    expect(pages).toEqual([1500, 1500, 1411]);
    expect(standIn.requests.map((r) => r.query.pagination_key ?? null)).toEqual([
      null,
      expect.any(String),
      expect.any(String),
    ]);
    expect(rows[0]).toMatchObject({
      Code: "13040",
      CoName: "石川水産",
      S33Nm: "水産・農林業",
      MktNm: "グロース",
    });
    expect(standIn.requests.every((r) => r.headers["x-api-key"] === KEY)).toBe(true);
  });

  it("survives a 429 with Retry-After and two 503s in the middle of the pages", async () => {
    standIn.setMode({ mode: "rate_limit", after: 1, retry_after: 2 });
    standIn.setMode({ mode: "flaky", count: 2 });
    waits.length = 0;
    expect(await client().masterAll()).toHaveLength(4411);
    expect(standIn.requests.map((r) => r.status)).toEqual([200, 429, 503, 503, 200, 200]);
    expect(waits[0]).toBe(2000);
  });

  it("says a rejected key plainly, without the key, and does not retry it", async () => {
    const wrong = "jq-wrong-key-123456";
    const err = (await client(wrong)
      .masterAll()
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(JQuantsAuthError);
    expect(err.message).toMatch(/^J-Quants rejected the API key \(403\)/);
    expect(`${err.message} ${err.stack}`).not.toContain(wrong);
    expect(standIn.requests).toHaveLength(1);
    // no key at all: 401, as J-Quants answers
    expect((await fetch(`${standIn.url}/equities/master`)).status).toBe(401);
  });

  it("reads one trading day's bars for every company, none on a holiday, and one code over a range", async () => {
    const bars = await client().dailyBars({ date: "2026-01-05" });
    expect(bars).toHaveLength(4411);
    expect(bars[0]).toEqual(expect.objectContaining({ Date: "2026-01-05", Code: "13040" }));
    expect(bars[0]!.C).toBe(standInBar("13040", "2026-01-05").C);
    for (const b of bars.slice(0, 50)) {
      expect(b.H!).toBeGreaterThanOrEqual(Math.max(b.O!, b.C!));
      expect(b.L!).toBeLessThanOrEqual(Math.min(b.O!, b.C!));
    }
    expect(await client().dailyBars({ date: "2026-01-12" })).toEqual([]); // 成人の日
    const range = await client().dailyBars({ code: "7203", from: "20260105", to: "20260109" });
    expect(range.map((b) => b.Date)).toEqual([
      "2026-01-05",
      "2026-01-06",
      "2026-01-07",
      "2026-01-08",
      "2026-01-09",
    ]);
  });

  it("serves the JPX calendar of 2026–2027 with Japan's holidays", async () => {
    const days = await client().calendar({ from: "2026-01-01", to: "2027-12-31" });
    expect(days).toHaveLength(730);
    const closed = (d: string) => !isTradingDay(days.find((x) => x.Date === d)!);
    for (const d of ["2026-01-02", "2026-05-06", "2026-09-22", "2026-12-31", "2027-03-22", "2027-01-11"])
      expect(closed(d), d).toBe(true);
    expect(closed("2026-12-30")).toBe(false);
    expect(days.filter(isTradingDay)).toHaveLength(486);
  });
});

describe("jquantsSettings", () => {
  it("takes the plan's limit, an explicit rpm over it, and the Free plan's 5/min by default", () => {
    expect(jquantsSettings({})).toEqual({
      baseUrl: JQUANTS_DEFAULT_BASE_URL,
      requestsPerMinute: 5,
      plan: null,
    });
    expect(jquantsSettings({ JOBDECK_JQUANTS_PLAN: "Light" }).requestsPerMinute).toBe(60);
    expect(jquantsSettings({ JOBDECK_JQUANTS_PLAN: "standard" }).requestsPerMinute).toBe(120);
    expect(
      jquantsSettings({ JOBDECK_JQUANTS_PLAN: "premium", JOBDECK_JQUANTS_RPM: "30" }).requestsPerMinute,
    ).toBe(30);
    expect(jquantsSettings({ JOBDECK_JQUANTS_BASE_URL: "http://127.0.0.1:1/v2" }).baseUrl).toBe(
      "http://127.0.0.1:1/v2",
    );
  });

  it("names the variable of a bad value", () => {
    expect(() => jquantsSettings({ JOBDECK_JQUANTS_PLAN: "gold" })).toThrow(/JOBDECK_JQUANTS_PLAN/);
    expect(() => jquantsSettings({ JOBDECK_JQUANTS_RPM: "fast" })).toThrow(/JOBDECK_JQUANTS_RPM/);
    expect(() => jquantsSettings({ JOBDECK_JQUANTS_BASE_URL: "api.jquants.com" })).toThrow(
      /JOBDECK_JQUANTS_BASE_URL/,
    );
  });
});
