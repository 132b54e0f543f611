import { describe, expect, it } from "vitest";
import { loadArticles, RECAP_STAGES, recapPipeline } from "#jobs/recap/recap-pipeline.ts";
import {
  classifyGenre,
  DUPLICATE_THRESHOLD,
  RECAP_GENRES,
  splitSentences,
  titleSimilarity,
} from "#jobs/recap/recap-text.ts";
import { FakeJobContext, InMemoryRecapStore } from "#test/helpers/fake-job-context.ts";

const parse = (p: unknown) => recapPipeline.parameters.parse(p);
const ITEM_STAGES = ["Genre", "Select", "Evidence", "Dispatch"];

async function runPipeline(params: Record<string, unknown>) {
  const recaps = new InMemoryRecapStore();
  const ctx = new FakeJobContext(parse({ stage_delay_ms: 0, ...params }), { stores: { recaps } });
  await recapPipeline.run(ctx);
  return { ctx, recaps, digests: [...recaps.digests.values()] };
}

describe("recap helpers", () => {
  it("sees small title variations as the same story, different stories as different", () => {
    const t = "国立研究所、新たな超伝導物質を発見　人工衛星の観測で解明";
    expect(titleSimilarity(t, `【速報】${t}`)).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(titleSimilarity(t, `${t}（更新）`)).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(titleSimilarity("決算で利益が2割増", "決算で利益が２割増")).toBe(1);
    expect(titleSimilarity(t, "衆院で補正予算法案が可決、首相「国民生活を守る」")).toBeLessThan(0.2);
  });

  it("splits Japanese sentences", () => {
    expect(splitSentences("一文目。二文目！ 三文目？最後")).toEqual([
      "一文目。",
      "二文目！",
      "三文目？",
      "最後",
    ]);
    expect(splitSentences("")).toEqual([]);
  });

  it("classifies by keywords, helped by a valid genre_hint", () => {
    expect(classifyGenre({ title: "首相が国会で答弁", body: "", genre_hint: null })).toBe("politics");
    expect(classifyGenre({ title: "新作映画が公開", body: "", genre_hint: "general" })).toBe("culture");
    expect(classifyGenre({ title: "特に何もない", body: "", genre_hint: "science" })).toBe("science");
    expect(classifyGenre({ title: "特に何もない", body: "", genre_hint: null })).toBeNull();
  });

  it("validates parameters", () => {
    expect(parse({})).toEqual({ max_per_genre: 5, stage_delay_ms: 400 });
    expect(parse({ genres: ["tech"] })).toMatchObject({ genres: ["tech"] });
    expect(() => parse({ genres: [] })).toThrow();
    expect(() => parse({ genres: ["gossip"] })).toThrow();
    expect(() => parse({ max_per_genre: 0 })).toThrow();
    expect(() => parse({ stage_delay_ms: -1 })).toThrow();
  });
});

describe("recap.pipeline job", () => {
  it("runs the 8 stages in order and writes one digest per genre", async () => {
    const articles = await loadArticles();
    const { ctx, recaps, digests } = await runPipeline({});

    expect(recapPipeline.stages).toEqual([...RECAP_STAGES]);
    expect(ctx.stages).toEqual([...RECAP_STAGES]);

    const { input, inserted, updated, skipped, errors, skipBreakdown } = ctx.counts;
    expect(input).toBe(articles.length);
    expect(skipBreakdown.duplicate).toBe(15);
    expect(skipBreakdown.out_of_scope).toBeUndefined();
    expect(skipBreakdown.not_selected).toBeGreaterThan(0);
    expect(Object.values(skipBreakdown).reduce((a, b) => a + b, 0)).toBe(skipped);
    expect({ inserted, updated, errors }).toEqual({ inserted: 6, updated: 0, errors: 0 });
    // every article is either skipped for a reason or part of a digest
    expect(skipped + digests.reduce((n, d) => n + d.article_ids.length, 0)).toBe(input);

    expect(recaps.putCalls).toHaveLength(1);
    expect(digests.map((d) => d.genre).sort()).toEqual([...RECAP_GENRES].sort());
    const byId = new Map(articles.map((a) => [a.id, a]));
    for (const d of digests) {
      expect(d.digest_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(d.execution_uuid).toBe(ctx.executionUuid);
      expect(d.article_ids).toHaveLength(5);
      expect(d.headline).toBe(byId.get(d.article_ids[0]!)?.title.normalize("NFKC").trim());
      expect(d.evidence.length).toBeGreaterThanOrEqual(5);
      expect(d.evidence.length).toBeLessThanOrEqual(10);
      for (const e of d.evidence) expect(e).toMatch(/[。！？]$/);
    }
    // no near-duplicates survive into the digests
    const titles = digests.flatMap((d) => d.article_ids.map((id) => byId.get(id)!.title));
    for (let i = 0; i < titles.length; i++) {
      for (let j = i + 1; j < titles.length; j++) {
        expect(titleSimilarity(titles[i]!, titles[j]!)).toBeLessThan(DUPLICATE_THRESHOLD);
      }
    }
  });

  it("reports per-genre items in the Genre, Select, Evidence and Dispatch stages", async () => {
    const { ctx } = await runPipeline({});
    for (const stage of ITEM_STAGES) {
      const names = new Set(ctx.itemsIn(stage).map((i) => i.name));
      expect(names, stage).toEqual(new Set(RECAP_GENRES));
    }
    for (const stage of ["Fetch", "Preprocess", "Dedup", "Persist"]) expect(ctx.itemsIn(stage)).toEqual([]);
    for (const [, last] of ctx.lastItems()) expect(last).toMatchObject({ stage: "Dispatch", status: "done" });
    // Select items: kept / classified per genre
    for (const it of ctx.itemsIn("Select").filter((i) => i.status === "done")) {
      expect(it.current).toBe(5);
      expect(it.total).toBeGreaterThanOrEqual(5);
    }
    expect(ctx.messages(recapPipeline).some((m) => m.includes("15 duplicates removed"))).toBe(true);
    expect(ctx.progressCalls.at(-1)).toMatchObject({ stage: "Persist", current: 6, total: 6 });
  });

  it("skips genres that were not asked for as out_of_scope", async () => {
    const { ctx, digests } = await runPipeline({ genres: ["tech", "sports"], max_per_genre: 3 });
    expect(digests.map((d) => d.genre).sort()).toEqual(["sports", "tech"]);
    for (const d of digests) expect(d.article_ids).toHaveLength(3);
    expect(ctx.counts.inserted).toBe(2);
    const { duplicate, out_of_scope: outOfScope, not_selected: notSelected } = ctx.counts.skipBreakdown;
    expect(duplicate).toBe(15);
    expect(outOfScope).toBeGreaterThan(50);
    expect(notSelected).toBeGreaterThan(0);
    expect(ctx.counts.skipped + 6).toBe(ctx.counts.input);
    expect(new Set(ctx.items.map((i) => i.name))).toEqual(new Set(["tech", "sports"]));
  });

  it("spends about stage_delay_ms per stage", async () => {
    const started = Date.now();
    await runPipeline({ stage_delay_ms: 40 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(8 * 40 * 0.8);
  });

  it("stops promptly when cancelled and writes nothing", async () => {
    const recaps = new InMemoryRecapStore();
    const ctx = new FakeJobContext(parse({ stage_delay_ms: 2000 }), { stores: { recaps } });
    const started = Date.now();
    setTimeout(() => ctx.cancel("stop requested"), 100);
    await expect(recapPipeline.run(ctx)).rejects.toThrow(/stop requested/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(recaps.putCalls).toEqual([]);
  });
});
