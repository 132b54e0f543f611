// The four Clone job modules (issue 17 part 4) run against the Clone stand-ins (real HTTP on
// 127.0.0.1) with an in-memory candidate store: requests they make, counts and skip reasons, the
// missing-token paths, option validation, and no secret in any log line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAiStub } from "#jobs/clone/ai-stub-job.ts";
import { CLONE_MESSAGES } from "#jobs/clone/clone-words.ts";
import {
  CorporateNumberParams,
  corporateNumberJob,
  MissingAppIdError,
  runCorporateNumber,
} from "#jobs/clone/corporate-number-job.ts";
import { facebookSyncJob, MissingGraphTokenError, runFacebookSync } from "#jobs/clone/facebook-sync-job.ts";
import { OpendataParams, runOpendata } from "#jobs/clone/opendata-job.ts";
import { type CloneStandIns, startCloneStandIns } from "#local/clone-stand-ins.ts";
import { FakeJobContext, InMemoryCandidateStore } from "#test/helpers/fake-job-context.ts";

let s: CloneStandIns;
let env: Record<string, string | undefined>;
let fast: { env: Record<string, string | undefined>; requestsPerMinute: number };
beforeAll(async () => {
  s = await startCloneStandIns({ diffRowsPerPart: 60 });
  env = { ...s.env };
  // No request spacing in these tests: they check what is asked, not the pace.
  fast = { env, requestsPerMinute: 0 };
});
afterAll(() => s?.close());

/** A run at 02:00 JST on 2026-11-28 (its logical day), sharing `store`. */
function ctxFor<P>(params: P, store: InMemoryCandidateStore): FakeJobContext<P> {
  const ctx = new FakeJobContext(params, { stores: { candidates: store } });
  ctx.scheduledFor = new Date("2026-11-27T17:00:00Z");
  return ctx;
}
const appId = () => s.env.HOUJIN_BANGOU_APP_ID as string;
const token = () => s.env.FACEBOOK_GRAPH_ACCESS_TOKEN as string;

describe("clone.corporate_number", () => {
  it("reads every divide part of the previous day's diff, then finds the same records not_modified", async () => {
    const store = new InMemoryCandidateStore();
    const before = s.houjin.requests.length;
    const ctx = ctxFor(CorporateNumberParams.parse({}), store);
    await runCorporateNumber(ctx, { appId: appId(), ...fast });
    const asked = s.houjin.requests.slice(before);
    expect(asked.map((r) => [r.path, r.query.divide, r.query.from, r.query.to, r.query.type])).toEqual([
      ["/diff", "1", "2026-11-27", "2026-11-27", "02"],
      ["/diff", "2", "2026-11-27", "2026-11-27", "02"],
      ["/diff", "3", "2026-11-27", "2026-11-27", "02"],
    ]);
    expect(ctx.counts).toMatchObject({
      input: 146,
      inserted: 133,
      skipped: 13,
      skipBreakdown: { duplicate: 6, expired: 7 },
    });
    expect(store.records.size).toBe(133);

    const again = ctxFor(CorporateNumberParams.parse({}), store);
    await runCorporateNumber(again, { appId: appId(), ...fast });
    expect(again.counts).toMatchObject({
      input: 146,
      inserted: 0,
      skipped: 146,
      skipBreakdown: { duplicate: 6, expired: 7, not_modified: 133 },
    });
    expect(again.messages(corporateNumberJob, "ja")).toContain(
      "新規 0 件・更新 0 件・重複 6 件・更新不要 133 件・期限切れ 7 件",
    );
  });

  it("asks /num for exactly the given company_ids, ten a request", async () => {
    const store = new InMemoryCandidateStore();
    const sample = (await import("#jobs/clone/houjin-bangou.ts")).parseHoujinCsv(
      (await import("node:fs")).readFileSync(
        new URL("../../functions/jobs/data/clone/houjin-diff.csv", import.meta.url),
        "utf8",
      ),
    );
    const ids = [...new Set(sample.rows.filter((r) => !r.closeDate).map((r) => r.corporateNumber))].slice(
      0,
      12,
    );
    const before = s.houjin.requests.length;
    const ctx = ctxFor(CorporateNumberParams.parse({ company_ids: ids }), store);
    await runCorporateNumber(ctx, { appId: appId(), ...fast });
    const asked = s.houjin.requests.slice(before);
    expect(asked.map((r) => [r.path, r.query.number?.split(",").length, r.query.history])).toEqual([
      ["/num", 10, "0"],
      ["/num", 2, "0"],
    ]);
    expect(ctx.counts).toMatchObject({ input: 12, inserted: 12, skipped: 0 });
  });

  it("survives the API's 429 (Retry-After) and a 503, logging each retry, and ends with the same counts", async () => {
    s.houjin.setMode({ mode: "rate_limit", count: 1, retry_after: 0 });
    s.houjin.setMode({ mode: "flaky", count: 1 });
    const before = s.houjin.requests.length;
    const ctx = ctxFor(CorporateNumberParams.parse({}), new InMemoryCandidateStore());
    await runCorporateNumber(ctx, { appId: appId(), ...fast });
    const asked = s.houjin.requests.slice(before);
    expect(asked.map((r) => r.status)).toEqual([429, 503, 200, 200, 200]);
    expect(ctx.logs.filter((l) => l.message === "houjin api retry").map((l) => l.extra?.status)).toEqual([
      429, 503,
    ]);
    expect(ctx.counts).toMatchObject({ input: 146, inserted: 133, skipped: 13 });
    expect(JSON.stringify(ctx.logs)).not.toContain(appId());
  });

  it("without an application id fails saying how to set it, and asks nothing", async () => {
    const before = s.houjin.requests.length;
    const ctx = ctxFor(CorporateNumberParams.parse({}), new InMemoryCandidateStore());
    const run = runCorporateNumber(ctx, { appId: null, env });
    await expect(run).rejects.toBeInstanceOf(MissingAppIdError);
    await expect(run).rejects.toThrow(
      /HOUJIN_BANGOU_APP_ID.*jobdeck\/houjin-bangou-app-id.*allow_missing_token/,
    );
    expect(s.houjin.requests.length).toBe(before);
  });

  it("with allow_missing_token loads the bundled sample, marks its candidates as sample, asks nothing", async () => {
    const store = new InMemoryCandidateStore();
    const before = s.houjin.requests.length;
    const ctx = ctxFor(CorporateNumberParams.parse({ allow_missing_token: true }), store);
    await runCorporateNumber(ctx, { appId: null, env });
    expect(s.houjin.requests.length).toBe(before);
    expect(ctx.counts).toMatchObject({ input: 146, inserted: 133 });
    expect([...store.records.values()].every((r) => r.sample)).toBe(true);
    expect(ctx.messageKeys()).toContain("sample_no_token");
  });

  it("a wrong application id is the API's 403, and the id is in no log line or error", async () => {
    const secret = "wrong-app-id-9f3a1c";
    const ctx = ctxFor(CorporateNumberParams.parse({}), new InMemoryCandidateStore());
    const err = await runCorporateNumber(ctx, { appId: secret, env }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: "HttpStatusError", status: 403 });
    // The HTTP layer masks registered secrets; the job itself must not put the id anywhere either.
    expect(JSON.stringify(ctx.logs)).not.toContain(secret);
    expect(JSON.stringify(ctx.progressCalls)).not.toContain(secret);
  });

  it("validates company_ids: a string is refused naming the field, numbers need a valid check digit", () => {
    const asString = CorporateNumberParams.safeParse({ company_ids: "123" });
    expect(asString.success).toBe(false);
    expect(asString.error?.issues[0]?.path).toEqual(["company_ids"]);
    const bad = CorporateNumberParams.safeParse({ company_ids: ["2180301018771"] });
    expect(bad.error?.issues[0]?.path).toEqual(["company_ids", 0]);
    expect(bad.error?.issues[0]?.message).toMatch(/check digit/);
    // seed 000 writes ids as numbers: accepted, as strings
    expect(CorporateNumberParams.parse({ company_ids: [1180301018771] }).company_ids).toEqual([
      "1180301018771",
    ]);
    expect(CorporateNumberParams.safeParse({ allow_missing_token: "yes" }).success).toBe(false);
    expect(CorporateNumberParams.safeParse({ company_id: ["1180301018771"] }).success).toBe(false);
  });
});

describe("clone.opendata", () => {
  it("reads each municipality's CSV (Shift_JIS included), counts duplicates across sources and expired permits", async () => {
    const store = new InMemoryCandidateStore();
    await runCorporateNumber(ctxFor(CorporateNumberParams.parse({}), store), { appId: appId(), ...fast });
    const ctx = ctxFor(OpendataParams.parse({}), store);
    await runOpendata(ctx, fast);
    expect(ctx.counts).toMatchObject({
      input: 139,
      inserted: 108,
      errors: 0,
      skipBreakdown: { duplicate: 23, expired: 8 },
    });
    const yokohama = [...store.records.values()].filter((r) => r.source === "opendata_yokohama");
    // decoded from Shift_JIS: real names, no replacement characters
    expect(yokohama.length).toBeGreaterThan(40);
    expect(
      yokohama.every((r) => /^横浜市指令第\d+号$/.test(r.external_id) && !r.name.includes("\ufffd")),
    ).toBe(true);
    expect(ctx.lastItems().get("opendata_yokohama")).toMatchObject({ current: 66, status: "done" });

    const again = ctxFor(OpendataParams.parse({}), store);
    await runOpendata(again, fast);
    expect(again.counts).toMatchObject({
      inserted: 0,
      skipBreakdown: { duplicate: 23, expired: 8, not_modified: 108 },
    });
  });

  it("reads only the source_keys asked for, and refuses an unknown key naming the field", async () => {
    const before = s.opendata.requests.length;
    const ctx = ctxFor(OpendataParams.parse({ source_keys: ["osaka"] }), new InMemoryCandidateStore());
    await runOpendata(ctx, fast);
    expect(s.opendata.requests.slice(before).map((r) => r.path)).toEqual(["/osaka/care-services.csv"]);
    expect(ctx.counts.input).toBe(28);
    const bad = OpendataParams.safeParse({ source_keys: ["kyoto"] });
    expect(bad.error?.issues[0]?.path).toEqual(["source_keys", 0]);
    expect(OpendataParams.safeParse({ source_keys: "tokyo" }).error?.issues[0]?.path).toEqual([
      "source_keys",
    ]);
  });
});

describe("clone.facebook_sync", () => {
  it("reads the followed pages with the token in a header (not the URL) and counts a company's second page as a duplicate", async () => {
    const store = new InMemoryCandidateStore();
    // 12 of the followed companies are already candidates from the 法人番号 API: their pages are
    // metrics of those companies, not duplicates of them (duplicates are within this source).
    await runCorporateNumber(ctxFor(CorporateNumberParams.parse({}), store), { appId: appId(), ...fast });
    const before = s.facebook.requests.length;
    const ctx = ctxFor(facebookSyncJob.parameters.parse({}), store);
    await runFacebookSync(ctx, { token: token(), ...fast });
    const asked = s.facebook.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.headers.authorization).toBe(`Bearer ${token()}`);
    expect(JSON.stringify(asked[0]?.query)).not.toContain(token());
    expect(ctx.counts).toMatchObject({ input: 22, inserted: 21, skipBreakdown: { duplicate: 1 } });
    const again = ctxFor(facebookSyncJob.parameters.parse({}), store);
    await runFacebookSync(again, { token: token(), ...fast });
    expect(again.counts.skipBreakdown).toEqual({ duplicate: 1, not_modified: 21 });
  });

  it("has the seed's daily 02:00 JST schedule, and fails clearly without a token", async () => {
    expect(facebookSyncJob.default_schedules).toEqual([
      { schedule_expression: "cron(0 2 * * ? *)", timezone: "Asia/Tokyo" },
    ]);
    const ctx = ctxFor(facebookSyncJob.parameters.parse({}), new InMemoryCandidateStore());
    await expect(runFacebookSync(ctx, { token: null, env })).rejects.toBeInstanceOf(MissingGraphTokenError);
  });
});

describe("clone.ai_stub", () => {
  it("writes the same sample candidates every time; the second run finds them not_modified", async () => {
    const store = new InMemoryCandidateStore();
    const first = ctxFor({}, store);
    await runAiStub(first);
    expect(first.counts).toMatchObject({ input: 12, inserted: 12 });
    const again = ctxFor({ max_candidates: 5 }, store);
    await runAiStub(again);
    expect(again.counts).toMatchObject({ input: 5, inserted: 0, skipBreakdown: { not_modified: 5 } });
    expect(first.messages({ messages: CLONE_MESSAGES }, "en")[0]).toBe(
      "Stub: treating 12 sample records as candidates",
    );
  });
});
