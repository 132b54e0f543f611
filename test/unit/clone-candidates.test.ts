// The Clone batches' domain (issue 17 part 4): review-candidate planning against what the store
// holds, the 法人番号 check digit, the 法人番号 Web-API CSV, municipal CSV decoding and rows.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type CandidateRecord,
  companyKey,
  type IncomingCandidate,
  normalizeCompanyName,
  planCandidates,
} from "#jobs/clone/candidates.ts";
import { decodeText, parseCsvObjects } from "#jobs/clone/clone-csv.ts";
import { corporateNumberCheckDigit, isCorporateNumber } from "#jobs/clone/corporate-number.ts";
import { dayBefore, houjinCandidate, parseHoujinCsv } from "#jobs/clone/houjin-bangou.ts";
import { opendataCandidate } from "#jobs/clone/opendata-sources.ts";

const RUN1 = "11111111-1111-4111-8111-111111111111";
const RUN2 = "22222222-2222-4222-8222-222222222222";
const T1 = "2026-11-27T17:00:00.000Z";
const T2 = "2026-11-28T17:00:00.000Z";
const TODAY = "2026-11-28";

const data = (name: string): Buffer =>
  readFileSync(new URL(`../../functions/jobs/data/clone/${name}`, import.meta.url));

function cand(over: Partial<IncomingCandidate> = {}): IncomingCandidate {
  return {
    source: "houjin_bangou_api",
    external_id: "5131689900299",
    name: "さくら技研株式会社",
    corporate_number: "5131689900299",
    address: "神奈川県横浜市港北区新横浜4丁目28番7号",
    attributes: { kind: "301" },
    ...over,
  };
}

/** Runs the plan and returns what the store would hold afterwards. */
function apply(stored: CandidateRecord[], toWrite: CandidateRecord[]): CandidateRecord[] {
  const m = new Map(stored.map((r) => [r.pk, r]));
  for (const r of toWrite) m.set(r.pk, r);
  return [...m.values()];
}

describe("planCandidates", () => {
  it("inserts new records, then finds them not_modified when the source says nothing new", () => {
    const incoming = [
      cand(),
      cand({ external_id: "7408241844316", corporate_number: "7408241844316", name: "大和商事" }),
    ];
    const first = planCandidates(incoming, [], { runId: RUN1, now: T1, today: TODAY });
    expect(first.inserted).toBe(2);
    expect(first.outcomes).toEqual(["inserted", "inserted"]);
    expect(first.toWrite[0]).toMatchObject({
      pk: "houjin_bangou_api#5131689900299",
      company_key: "corp:5131689900299",
      review_status: "pending",
      sample: false,
      first_seen_run: RUN1,
    });
    const second = planCandidates(incoming, first.toWrite, { runId: RUN2, now: T2, today: TODAY });
    expect(second.inserted + second.updated).toBe(0);
    expect(second.skipped).toEqual({ duplicate: 0, not_modified: 2, expired: 0 });
    expect(second.toWrite).toEqual([]);
  });

  it("updates a stored candidate whose content changed, keeping when it was first seen", () => {
    const first = planCandidates([cand()], [], { runId: RUN1, now: T1, today: TODAY });
    const moved = cand({ address: "東京都港区芝浦1丁目1番1号" });
    const second = planCandidates([moved], first.toWrite, { runId: RUN2, now: T2, today: TODAY });
    expect(second.updated).toBe(1);
    expect(second.toWrite[0]).toMatchObject({
      address: "東京都港区芝浦1丁目1番1号",
      first_seen_run: RUN1,
      created_at: T1,
      last_seen_run: RUN2,
      updated_at: T2,
    });
    expect(second.toWrite[0]?.content_hash).not.toBe(first.toWrite[0]?.content_hash);
  });

  it("skips a record past its validity as expired; valid through today is not expired", () => {
    const plan = planCandidates(
      [
        cand({ external_id: "a", corporate_number: undefined, name: "甲", valid_until: "2026-11-27" }),
        cand({ external_id: "b", corporate_number: undefined, name: "乙", valid_until: TODAY }),
      ],
      [],
      { runId: RUN1, now: T1, today: TODAY },
    );
    expect(plan.outcomes).toEqual(["expired", "inserted"]);
  });

  it("counts the same source id twice in one batch as a duplicate and keeps the later record", () => {
    const plan = planCandidates([cand({ address: "旧住所" }), cand({ address: "新住所" })], [], {
      runId: RUN1,
      now: T1,
      today: TODAY,
    });
    expect(plan.outcomes).toEqual(["duplicate", "inserted"]);
    expect(plan.toWrite.map((r) => r.address)).toEqual(["新住所"]);
  });

  it("counts a company already a candidate from another source as a duplicate (all_sources)", () => {
    const houjin = planCandidates([cand()], [], { runId: RUN1, now: T1, today: TODAY });
    const office = cand({ source: "opendata_tokyo", external_id: "1352454849", name: "さくら技研株式会社" });
    const other = cand({
      source: "opendata_tokyo",
      external_id: "1399999999",
      corporate_number: "7408241844316",
    });
    const plan = planCandidates([office, other], houjin.toWrite, { runId: RUN2, now: T2, today: TODAY });
    expect(plan.outcomes).toEqual(["duplicate", "inserted"]);
  });

  it("with own_source scope, only this source's candidates make a duplicate", () => {
    const houjin = planCandidates([cand()], [], { runId: RUN1, now: T1, today: TODAY });
    const page1 = cand({ source: "facebook_graph", external_id: "100", name: "さくら技研" });
    const page2 = cand({ source: "facebook_graph", external_id: "200", name: "さくら技研 横浜店" });
    const plan = planCandidates([page1, page2], houjin.toWrite, {
      runId: RUN2,
      now: T2,
      today: TODAY,
      scope: "own_source",
    });
    expect(plan.outcomes).toEqual(["inserted", "duplicate"]);
    // and the next run finds the stored page not_modified, the second page still a duplicate
    const next = planCandidates([page1, page2], apply(houjin.toWrite, plan.toWrite), {
      runId: RUN2,
      now: T2,
      today: TODAY,
      scope: "own_source",
    });
    expect(next.outcomes).toEqual(["not_modified", "duplicate"]);
  });

  it("matches companies without a corporate number by normalized name", () => {
    expect(normalizeCompanyName("株式会社　ｻｸﾗ技研")).toBe(normalizeCompanyName("サクラ技研（株）"));
    expect(companyKey({ name: "合同会社 ときわデザイン" })).toBe("name:ときわデザイン");
    expect(companyKey({ name: "x", corporate_number: "5131689900299" })).toBe("corp:5131689900299");
  });

  it("accounts for every incoming record exactly once (inserted + updated + skipped = incoming)", () => {
    const text = data("houjin-diff.csv").toString("utf8");
    const incoming = parseHoujinCsv(text).rows.map(houjinCandidate);
    const plan = planCandidates(incoming, [], { runId: RUN1, now: T1, today: TODAY });
    const skipped = plan.skipped.duplicate + plan.skipped.not_modified + plan.skipped.expired;
    expect(plan.inserted + plan.updated + skipped).toBe(incoming.length);
    expect(plan.outcomes).toHaveLength(incoming.length);
    expect(plan.skipped.expired).toBeGreaterThan(0);
    expect(plan.skipped.duplicate).toBeGreaterThan(0);
  });
});

describe("corporate numbers (法人番号)", () => {
  it("computes the check digit of the NTA's rule and refuses a wrong one", () => {
    // トヨタ自動車株式会社, as published by the NTA.
    expect(corporateNumberCheckDigit("180301018771")).toBe(1);
    expect(isCorporateNumber("1180301018771")).toBe(true);
    expect(isCorporateNumber("2180301018771")).toBe(false);
    expect(isCorporateNumber("118030101877")).toBe(false);
    expect(isCorporateNumber("123")).toBe(false);
  });
});

describe("法人番号 Web-API answers (type=02 CSV)", () => {
  it("reads the first line and the 30-column rows of the committed sample", () => {
    const answer = parseHoujinCsv(data("houjin-diff.csv").toString("utf8"));
    expect(answer).toMatchObject({ lastUpdateDate: "2026-11-27", divideNumber: 1, divideSize: 1 });
    expect(answer.count).toBe(answer.rows.length);
    expect(answer.rows.length).toBeGreaterThan(100);
    for (const r of answer.rows) expect(isCorporateNumber(r.corporateNumber), r.corporateNumber).toBe(true);
  });

  it("refuses an answer whose first line is not the count line (an error page, not data)", () => {
    expect(() => parseHoujinCsv("アプリケーションIDが正しくありません。\n")).toThrow(/first line/);
    expect(() => parseHoujinCsv('"2026-11-27","1","1","1"\n"1","12"\n')).toThrow(/line 2/);
  });

  it("makes a closed corporation valid until the day before its closing date", () => {
    const closed = parseHoujinCsv(data("houjin-diff.csv").toString("utf8")).rows.find((r) => r.closeDate);
    expect(closed).toBeDefined();
    const c = houjinCandidate(closed as NonNullable<typeof closed>);
    expect(c.valid_until).toBe(dayBefore(closed?.closeDate ?? ""));
    expect(dayBefore("2026-03-01")).toBe("2026-02-28");
  });
});

describe("municipal open-data CSVs", () => {
  it("decodes Shift_JIS (CP932) by itself and reads its header names", () => {
    const bytes = new Uint8Array(data("opendata-yokohama-food.csv"));
    // Not valid UTF-8: read as UTF-8 the names would be mojibake.
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const rows = parseCsvObjects(decodeText(bytes, "auto"));
    expect(rows[0]?.["許可番号"]).toMatch(/^横浜市指令第\d+号$/);
    expect(rows[0]?.["営業者の氏名又は名称"]).toBeTruthy();
  });

  it("drops a UTF-8 BOM so the first column keeps its name", () => {
    const bytes = new Uint8Array(data("opendata-tokyo-care.csv"));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsvObjects(decodeText(bytes, "auto"));
    expect(Object.keys(rows[0] ?? {})[0]).toBe("都道府県コード又は市区町村コード");
    expect(rows).toHaveLength(45);
  });

  it("keeps quoted commas and line breaks inside a field", () => {
    const rows = parseCsvObjects(
      'NO,介護サービス事業所名称,法人の名称,事業所番号\n1,"A,B センター","株式会社\nC",77\n',
    );
    expect(rows).toEqual([
      { NO: "1", 介護サービス事業所名称: "A,B センター", 法人の名称: "株式会社\nC", 事業所番号: "77" },
    ]);
  });

  it("turns a row into a candidate, or names what is missing", () => {
    const ok = opendataCandidate("yokohama", {
      許可番号: "横浜市指令第1000号",
      営業者の氏名又は名称: "株式会社テスト",
      法人番号: "1180301018771",
      有効期間満了日: "2027-03-31",
    });
    expect(ok).toMatchObject({
      ok: true,
      candidate: {
        source: "opendata_yokohama",
        external_id: "横浜市指令第1000号",
        corporate_number: "1180301018771",
        valid_until: "2027-03-31",
      },
    });
    expect(opendataCandidate("tokyo", { NO: "1" })).toEqual({
      ok: false,
      problem: "介護サービス事業所名称 / 事業所番号 missing",
    });
  });
});
