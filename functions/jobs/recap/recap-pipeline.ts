// The 8-stage news recap pipeline (its words in both languages: recap-words.ts):
//   Fetch → Preprocess → Dedup → Genre → Select → Evidence → Dispatch → Persist
// It does real (small) work on the article fixture and writes one digest per genre.
// `stage_delay_ms` slows each stage down so that progress can be watched in the admin page.

import { readFile } from "node:fs/promises";
import * as z from "zod/mini";
import { type HostEnv, hostEnv } from "#config/env-contract.ts";
import { wallClock } from "#domain/time.ts";
import { findDataFile, RECAP_ARTICLES_FILE } from "#jobs/data-files.ts";
import { defineJob, type JobContext } from "#jobs/define-job.ts";
import { sleep } from "../abortable-sleep.ts";
import type { RecapDigest } from "./recap-store.ts";
import {
  bigrams,
  classifyGenre,
  DUPLICATE_THRESHOLD,
  jaccard,
  keywordHits,
  normalizeText,
  RECAP_GENRES,
  type RecapArticle,
  type RecapGenre,
  splitSentences,
  titleKey,
} from "./recap-text.ts";
import {
  RECAP_DESCRIPTION,
  RECAP_GENRE_LABELS,
  RECAP_MESSAGES,
  RECAP_SKIP_REASONS,
  RECAP_STAGE_WORDS,
} from "./recap-words.ts";
import { recapsStore } from "./recaps-table.ts";

/** The stage names runs record, in order. */
export const RECAP_STAGES = RECAP_STAGE_WORDS.map((s) => s.name);

/** YYYY-MM-DD of `date` in Asia/Tokyo. */
export function jstDate(date: Date): string {
  const w = wallClock(date, "Asia/Tokyo");
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** The article fixture, read at run time (next to the Lambda bundle, or in the project), never bundled. */
export async function loadArticles(env: HostEnv = hostEnv()): Promise<RecapArticle[]> {
  const path = findDataFile(RECAP_ARTICLES_FILE, env);
  const data = JSON.parse(await readFile(path, "utf8")) as { articles?: unknown };
  if (!Array.isArray(data.articles)) throw new Error(`${path}: no "articles" array`);
  return data.articles as RecapArticle[];
}

// ---------------------------------------------------------------- the job

type Prepared = RecapArticle & { key: string; grams: Set<string>; sentences: string[]; at: number };
type Classified = Prepared & { genre: RecapGenre; relevance: number };

const parameters = z.strictObject({
  /** Genres to build digests for; all when omitted. */
  genres: z.optional(z.array(z.enum(RECAP_GENRES)).check(z.minLength(1))),
  /** Articles kept per genre. */
  max_per_genre: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(20)), 5),
  /** Artificial time spent in each stage, so progress can be watched (0 in tests). */
  stage_delay_ms: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(10_000)), 400),
});
type Params = z.output<typeof parameters>;

/** Runs `fn` over `xs` in `steps` slices with a share of `delayMs` between them, reporting progress. */
async function inSteps<T>(
  ctx: JobContext<Params>,
  xs: readonly T[],
  delayMs: number,
  key: "normalized" | "deduplicated",
  fn: (x: T) => void,
): Promise<void> {
  const steps = Math.min(4, Math.max(1, xs.length));
  const per = Math.ceil(xs.length / steps);
  for (let i = 0; i < steps; i++) {
    for (const x of xs.slice(i * per, (i + 1) * per)) fn(x);
    const current = Math.min(xs.length, (i + 1) * per);
    ctx.progress({ current, total: xs.length, message: { key, params: { current, total: xs.length } } });
    await sleep(delayMs / steps, ctx.signal);
    ctx.throwIfCancelled();
  }
}

/** Calls `fn` for each genre as one item of progress, with a share of `delayMs` per genre. */
async function perGenre(
  ctx: JobContext<Params>,
  genres: readonly RecapGenre[],
  delayMs: number,
  fn: (g: RecapGenre) => { current: number; total: number; skipped?: boolean },
): Promise<void> {
  for (const g of genres) {
    ctx.item(g, { current: 0, total: null, status: "running" });
    await sleep(delayMs / Math.max(1, genres.length), ctx.signal);
    ctx.throwIfCancelled();
    const r = fn(g);
    ctx.item(g, { current: r.current, total: r.total, status: r.skipped ? "skipped" : "done" });
  }
}

export const recapPipeline = defineJob({
  name: "recap.pipeline",
  description: RECAP_DESCRIPTION,
  category: "pipeline",
  data_sources: ["recap_articles"],
  parameters,
  concurrency: "job",
  timeout_seconds: 120,
  retry: { attempts: 1 },
  stages: RECAP_STAGE_WORDS,
  messages: RECAP_MESSAGES,
  skip_reasons: RECAP_SKIP_REASONS,
  item_labels: RECAP_GENRE_LABELS,
  stores: { recaps: recapsStore },
  // No description: the schedule's expression says it in the operator's language (and follows edits).
  default_schedules: [{ schedule_expression: "cron(0/30 * * * ? *)", timezone: "Asia/Tokyo" }],
  async run(ctx) {
    const { max_per_genre: maxPerGenre, stage_delay_ms: delay } = ctx.params;
    const wanted: readonly RecapGenre[] = ctx.params.genres
      ? RECAP_GENRES.filter((g) => ctx.params.genres?.includes(g))
      : RECAP_GENRES;

    // 1. Fetch
    ctx.stage("Fetch");
    ctx.progress({ message: { key: "fetching" } });
    const articles = await loadArticles();
    ctx.count.input(articles.length);
    ctx.progress({
      current: articles.length,
      total: articles.length,
      message: { key: "fetched", params: { count: articles.length } },
    });
    await sleep(delay, ctx.signal);
    ctx.throwIfCancelled();

    // 2. Preprocess: normalize text, split sentences; drop articles with nothing left.
    ctx.stage("Preprocess");
    const prepared: Prepared[] = [];
    let empty = 0;
    await inSteps(ctx, articles, delay, "normalized", (a) => {
      const title = normalizeText(a.title);
      const body = normalizeText(a.body);
      if (!title || !body) {
        empty++;
        return;
      }
      const key = titleKey(title);
      prepared.push({
        ...a,
        title,
        body,
        key,
        grams: bigrams(key),
        sentences: splitSentences(body),
        at: Date.parse(a.published_at) || 0,
      });
    });
    if (empty) ctx.count.skipped("empty", empty);

    // 3. Dedup: the earliest published article of a story stays; later near-duplicates go.
    ctx.stage("Dedup");
    prepared.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    const unique: Prepared[] = [];
    let duplicates = 0;
    await inSteps(ctx, prepared, delay, "deduplicated", (a) => {
      const dup = unique.find((u) => u.key === a.key || jaccard(u.grams, a.grams) >= DUPLICATE_THRESHOLD);
      if (dup) {
        duplicates++;
        ctx.logger.debug("duplicate article", { id: a.id, duplicate_of: dup.id });
      } else {
        unique.push(a);
      }
    });
    if (duplicates) ctx.count.skipped("duplicate", duplicates);
    ctx.progress({ message: { key: "dedup_done", params: { duplicates, unique: unique.length } } });

    // 4. Genre
    ctx.stage("Genre");
    const byGenre = new Map<RecapGenre, Classified[]>(wanted.map((g) => [g, []]));
    let unclassified = 0;
    let outOfScope = 0;
    for (const a of unique) {
      const genre = classifyGenre(a);
      if (!genre) {
        unclassified++;
        continue;
      }
      const list = byGenre.get(genre);
      if (!list) {
        outOfScope++;
        continue;
      }
      const text = `${a.title} ${a.body}`.toLowerCase();
      list.push({ ...a, genre, relevance: keywordHits(text, genre) });
    }
    await perGenre(ctx, wanted, delay, (g) => {
      const n = byGenre.get(g)?.length ?? 0;
      return { current: n, total: n };
    });
    if (unclassified) ctx.count.skipped("unclassified", unclassified);
    if (outOfScope) ctx.count.skipped("out_of_scope", outOfScope);
    ctx.progress({
      message: { key: "classified", params: { genres: wanted.length, out_of_scope: outOfScope } },
    });

    // 5. Select: top `max_per_genre` by relevance, then recency, then body length.
    ctx.stage("Select");
    const newest = Math.max(0, ...unique.map((a) => a.at));
    const score = (a: Classified) => a.relevance - (newest - a.at) / (12 * 3600_000) + a.body.length / 1000;
    const selected = new Map<RecapGenre, Classified[]>();
    let notSelected = 0;
    await perGenre(ctx, wanted, delay, (g) => {
      const list = [...(byGenre.get(g) ?? [])].sort(
        (a, b) => score(b) - score(a) || a.id.localeCompare(b.id),
      );
      const keep = list.slice(0, maxPerGenre);
      notSelected += list.length - keep.length;
      selected.set(g, keep);
      return { current: keep.length, total: list.length, skipped: list.length === 0 };
    });
    if (notSelected) ctx.count.skipped("not_selected", notSelected);

    // 6. Evidence: the lede plus the sentence with the most genre keywords.
    ctx.stage("Evidence");
    const evidence = new Map<string, string[]>();
    await perGenre(ctx, wanted, delay, (g) => {
      const list = selected.get(g) ?? [];
      for (const a of list) {
        const [lede, ...rest] = a.sentences;
        const picks = lede ? [lede] : [];
        let best: string | undefined;
        let bestHits = 0;
        for (const s of rest) {
          const hits = keywordHits(s.toLowerCase(), g);
          if (hits > bestHits) {
            best = s;
            bestHits = hits;
          }
        }
        if (best) picks.push(best);
        evidence.set(a.id, picks);
      }
      return { current: list.length, total: list.length, skipped: list.length === 0 };
    });

    // 7. Dispatch: one digest per genre that has articles.
    ctx.stage("Dispatch");
    const digestDate = jstDate(new Date());
    const digests: RecapDigest[] = [];
    await perGenre(ctx, wanted, delay, (g) => {
      const list = selected.get(g) ?? [];
      const top = list[0];
      if (!top) return { current: 0, total: 0, skipped: true };
      digests.push({
        digest_date: digestDate,
        genre: g,
        article_ids: list.map((a) => a.id),
        headline: top.title,
        evidence: list.flatMap((a) => evidence.get(a.id) ?? []),
        execution_uuid: ctx.executionUuid,
      });
      return { current: 1, total: 1 };
    });
    ctx.progress({ message: { key: "digests_made", params: { count: digests.length, date: digestDate } } });

    // 8. Persist
    ctx.stage("Persist");
    ctx.progress({
      current: 0,
      total: digests.length,
      message: { key: "writing", params: { count: digests.length } },
    });
    await sleep(delay, ctx.signal);
    ctx.throwIfCancelled();
    if (digests.length) {
      await ctx.stores.recaps.putDigests(digests);
      ctx.count.inserted(digests.length);
    }
    ctx.progress({
      current: digests.length,
      total: digests.length,
      message: { key: "written", params: { count: digests.length } },
    });
  },
});
