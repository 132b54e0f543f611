import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { CompanyRecord } from "#jobs/listed-companies/company-store.ts";
import {
  LISTED_INFO_PATH_ENV,
  type ListedInfoRecord,
  listedCompaniesSync,
  loadListedInfo,
  planSync,
  type SourceCompany,
  toSourceCompany,
} from "#jobs/listed-companies/listed-companies-sync.ts";
import { FakeJobContext, InMemoryCompanyStore } from "#test/helpers/fake-job-context.ts";

const RUN = "11111111-1111-4111-8111-111111111111";
const OLD_RUN = "22222222-2222-4222-8222-222222222222";
const NOW = "2025-07-10T02:30:00.000Z";
const BEFORE = "2025-07-09T02:30:00.000Z";

function src(code: string, over: Partial<SourceCompany> = {}): SourceCompany {
  return {
    code,
    company_name: `会社${code}`,
    company_name_english: `Company ${code} Co.,Ltd.`,
    sector17_code: "8",
    sector17_code_name: "機械",
    sector33_code: "3600",
    sector33_code_name: "機械",
    scale_category: "TOPIX Small 1",
    market_code: "0111",
    market_code_name: "プライム",
    listed_date: "2025-07-10",
    ...over,
  };
}

function stored(code: string, over: Partial<CompanyRecord> = {}): CompanyRecord {
  return {
    ...src(code),
    listed_date: "2025-07-09",
    active: true,
    last_seen_run: OLD_RUN,
    updated_at: BEFORE,
    ...over,
  };
}

const parse = (p: unknown) => listedCompaniesSync.parameters.parse(p);

describe("planSync", () => {
  it("inserts codes that are not stored", () => {
    const plan = planSync([src("13010"), src("13050")], [], RUN, NOW);
    expect(plan).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, deactivated: 0, reactivated: 0 });
    expect(plan.toWrite).toEqual([
      { ...src("13010"), active: true, last_seen_run: RUN, updated_at: NOW },
      { ...src("13050"), active: true, last_seen_run: RUN, updated_at: NOW },
    ]);
  });

  it("updates an active company whose fields changed", () => {
    const plan = planSync(
      [src("13010", { company_name: "新社名", market_code: "0112", market_code_name: "スタンダード" })],
      [stored("13010")],
      RUN,
      new Date(NOW),
    );
    expect(plan).toMatchObject({ inserted: 0, updated: 1, unchanged: 0, deactivated: 0, reactivated: 0 });
    expect(plan.toWrite).toHaveLength(1);
    expect(plan.toWrite[0]).toMatchObject({
      code: "13010",
      company_name: "新社名",
      market_code: "0112",
      active: true,
      last_seen_run: RUN,
      updated_at: NOW,
      listed_date: "2025-07-10",
    });
  });

  it("skips an unchanged company (the information date alone is not a change)", () => {
    const plan = planSync([src("13010")], [stored("13010")], RUN, NOW);
    expect(plan).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, deactivated: 0, reactivated: 0 });
    expect(plan.toWrite).toEqual([]);
  });

  it("deactivates active companies missing from the source, keeping their last_seen_run", () => {
    const plan = planSync(
      [src("13010")],
      [stored("13010"), stored("99990"), stored("88880", { active: false })],
      RUN,
      NOW,
    );
    expect(plan).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, deactivated: 1, reactivated: 0 });
    expect(plan.toWrite).toEqual([{ ...stored("99990"), active: false, updated_at: NOW }]);
  });

  it("reactivates an inactive company that is back in the source", () => {
    const plan = planSync([src("13010")], [stored("13010", { active: false })], RUN, NOW);
    expect(plan).toMatchObject({ inserted: 0, updated: 0, unchanged: 0, deactivated: 0, reactivated: 1 });
    expect(plan.toWrite).toEqual([{ ...src("13010"), active: true, last_seen_run: RUN, updated_at: NOW }]);
  });

  it("mixes all cases; upserts come before deactivations", () => {
    const plan = planSync(
      [src("10000"), src("20000", { scale_category: "-" }), src("30000"), src("40000")],
      [stored("20000"), stored("30000"), stored("40000", { active: false }), stored("50000")],
      RUN,
      NOW,
    );
    expect(plan).toMatchObject({ inserted: 1, updated: 1, unchanged: 1, deactivated: 1, reactivated: 1 });
    expect(plan.toWrite.map((r) => [r.code, r.active])).toEqual([
      ["10000", true],
      ["20000", true],
      ["40000", true],
      ["50000", false],
    ]);
  });

  it("keeps the last of duplicate source codes and counts the others", () => {
    const plan = planSync(
      [src("13010", { company_name: "A" }), src("13010", { company_name: "B" })],
      [],
      RUN,
      NOW,
    );
    expect(plan).toMatchObject({ inserted: 1, duplicates: 1 });
    expect(plan.toWrite.map((r) => r.company_name)).toEqual(["B"]);
  });

  it("maps /listed/info records, turning missing and null fields into empty strings", () => {
    const r: ListedInfoRecord = {
      Code: "13010",
      CompanyName: "極洋",
      CompanyNameEnglish: null,
      Date: "2025-07-10",
    };
    expect(toSourceCompany(r)).toEqual({
      code: "13010",
      company_name: "極洋",
      company_name_english: "",
      sector17_code: "",
      sector17_code_name: "",
      sector33_code: "",
      sector33_code_name: "",
      scale_category: "",
      market_code: "",
      market_code_name: "",
      listed_date: "2025-07-10",
    });
  });
});

describe("the bundled fixture", () => {
  it("has ~4,400 unique 5-digit codes ending in 0 with J-Quants code names", async () => {
    const info = await loadListedInfo({});
    expect(info.length).toBeGreaterThan(4300);
    expect(info.length).toBeLessThan(4500);
    expect(new Set(info.map((r) => r.Code)).size).toBe(info.length);
    for (const r of info) expect(r.Code).toMatch(/^[1-9]\d{3}0$/);
    expect(new Set(info.map((r) => r.MarketCodeName))).toEqual(
      new Set(["プライム", "スタンダード", "グロース", "TOKYO PRO MARKET", "その他"]),
    );
    expect(new Set(info.map((r) => r.Sector33Code)).size).toBe(34);
    expect(new Set(info.map((r) => r.Sector17Code)).size).toBe(18);
  });
});

describe("listed_companies.sync job", () => {
  const dir = mkdtempSync(join(tmpdir(), "jobdeck-listed-"));
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has the documented definition and parameter defaults", () => {
    expect(listedCompaniesSync).toMatchObject({
      name: "listed_companies.sync",
      category: "master_data",
      data_sources: ["jquants_equities_master"],
      secrets: { jquants_api_key: { env: "JQUANTS_API_KEY", name: "jobdeck/jquants-api-key" } },
      concurrency: "job",
      timeout_seconds: 300,
      retry: { attempts: 2, backoff_seconds: 5, backoff_rate: 2 },
      stages: ["fetch", "compare", "upsert", "deactivate"],
      default_schedules: [{ schedule_expression: "cron(30 11 * * ? *)", timezone: "Asia/Tokyo" }],
    });
    // issue 17: J-Quants when a key is configured, else the fixture
    expect(parse({})).toEqual({ source: "auto", dry_run: false });
    expect(parse({ source: "jquants" }).source).toBe("jquants");
    expect(() => parse({ source: "yahoo" })).toThrow();
    expect(() => parse({ dry_run: "yes" })).toThrow();
  });

  it("inserts the whole fixture into an empty store, then skips everything on a second run", async () => {
    const store = new InMemoryCompanyStore();
    const ctx = new FakeJobContext(parse({}), { stores: { companies: store }, executionUuid: RUN });
    await listedCompaniesSync.run(ctx);
    const total = (await loadListedInfo({})).length;

    expect(ctx.stages).toEqual(["fetch", "compare", "upsert", "deactivate"]);
    expect(ctx.counts).toEqual({
      input: total,
      inserted: total,
      updated: 0,
      skipped: 0,
      errors: 0,
      skipBreakdown: {},
    });
    expect(store.records.size).toBe(total);
    expect([...store.records.values()].every((r) => r.active && r.last_seen_run === RUN)).toBe(true);
    const upsertProgress = ctx.progressCalls.filter(
      (p) => p.stage === "upsert" && typeof p.current === "number",
    );
    expect(upsertProgress.length).toBeGreaterThan(10);
    expect(upsertProgress.at(-1)).toMatchObject({ current: total, total });
    expect(ctx.lastItems().get("deactivated")).toMatchObject({ current: 0, total: 0, status: "done" });

    const again = new FakeJobContext(parse({}), { stores: { companies: store } });
    await listedCompaniesSync.run(again);
    expect(again.counts).toEqual({
      input: total,
      inserted: 0,
      updated: 0,
      skipped: total,
      errors: 0,
      skipBreakdown: { unchanged: total },
    });
    expect(store.putCalls).toEqual([total]); // the second run wrote nothing
  });

  it("reads JOBDECK_LISTED_INFO_PATH: missing records are deactivated, changed ones updated", async () => {
    const store = new InMemoryCompanyStore();
    await listedCompaniesSync.run(new FakeJobContext(parse({}), { stores: { companies: store } }));
    const info = await loadListedInfo({});
    const removed = info.slice(0, 7).map((r) => r.Code);
    const changed = info[100]!;
    const next = info
      .slice(7)
      .map((r) => (r.Code === changed.Code ? { ...r, CompanyName: "改称テスト" } : r));
    const file = join(dir, "listed-info.json");
    writeFileSync(file, JSON.stringify({ info: next }));
    vi.stubEnv(LISTED_INFO_PATH_ENV, file);

    const ctx = new FakeJobContext(parse({}), { stores: { companies: store } });
    await listedCompaniesSync.run(ctx);
    expect(ctx.counts).toMatchObject({
      input: next.length,
      inserted: 0,
      updated: 8,
      skipped: next.length - 1,
    });
    expect(ctx.lastItems().get("deactivated")).toMatchObject({ current: 7, total: 7, status: "done" });
    expect(ctx.messages(listedCompaniesSync)).toContain("Deactivated 7");
    expect(ctx.messages(listedCompaniesSync, "ja")).toContain("7 件を非アクティブにしました");
    for (const code of removed) expect(store.records.get(code)?.active).toBe(false);
    expect(store.records.get(changed.Code)?.company_name).toBe("改称テスト");
    expect(store.putCalls.slice(1)).toEqual([1, 7]);

    // Back in the source: reactivated.
    vi.unstubAllEnvs();
    const back = new FakeJobContext(parse({}), { stores: { companies: store } });
    await listedCompaniesSync.run(back);
    expect(back.counts).toMatchObject({
      inserted: 0,
      updated: 8,
      skipBreakdown: { unchanged: info.length - 8 },
    });
    expect([...store.records.values()].every((r) => r.active)).toBe(true);
  });

  it("dry_run counts but writes nothing", async () => {
    const store = new InMemoryCompanyStore([stored("99990")]);
    const ctx = new FakeJobContext(parse({ dry_run: true }), { stores: { companies: store } });
    await listedCompaniesSync.run(ctx);
    const total = (await loadListedInfo({})).length;
    expect(ctx.counts).toMatchObject({ input: total, inserted: total, updated: 1 });
    expect(store.putCalls).toEqual([]);
    expect(store.records.get("99990")?.active).toBe(true);
    expect(ctx.messages(listedCompaniesSync)).toContain("Dry run: would deactivate 1");
  });

  it("refuses an empty source instead of deactivating everything", async () => {
    const file = join(dir, "empty.json");
    writeFileSync(file, JSON.stringify({ info: [] }));
    vi.stubEnv(LISTED_INFO_PATH_ENV, file);
    const store = new InMemoryCompanyStore([stored("13010")]);
    await expect(
      listedCompaniesSync.run(new FakeJobContext(parse({}), { stores: { companies: store } })),
    ).rejects.toThrow(/empty/);
    expect(store.records.get("13010")?.active).toBe(true);
  });

  it("rejects a file that is not in the /listed/info shape", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ info: [{ Code: 13010 }] }));
    vi.stubEnv(LISTED_INFO_PATH_ENV, file);
    await expect(listedCompaniesSync.run(new FakeJobContext(parse({})))).rejects.toThrow(/shape/);
  });

  it("stops between stages when cancelled", async () => {
    const store = new InMemoryCompanyStore();
    const ctx = new FakeJobContext(parse({}), { stores: { companies: store } });
    ctx.cancel("stop requested");
    await expect(listedCompaniesSync.run(ctx)).rejects.toThrow(/stop requested/);
    expect(ctx.stages).toEqual(["fetch"]);
    expect(store.putCalls).toEqual([]);
  });
});
