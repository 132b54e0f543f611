// History page latency: the same GET /v1/runs pages against a runs table of 1 k and of 100 k runs,
// through real HTTP on two local stacks that share one DynamoDB Local.
import { randomUUID } from "node:crypto";
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { feedBucket, toRunItem } from "#adapters/dynamo-run-items.ts";
import { DynamoRunStore } from "#adapters/dynamo-run-store.ts";
import { durationSeconds, newRun } from "#domain/runs/run-lifecycle.ts";
import { BATCH_SIZE } from "#jobs/dynamo-batch.ts";
import type { Run, RunStatus, TriggerSource } from "#schemas/run.ts";
import { type BenchEnv, type HttpClient, httpClient } from "./bench-env.ts";
import { fmtInt, fmtMs, fmtRatio, fmtS, type Summary, summarize } from "./stats.ts";

const DAY_MS = 86_400_000;
/** Spread of started_at back from now; finished runs expire after 90 days (default retention). */
const SPREAD_DAYS = 88;
const RETENTION_DAYS = 90;

/** Deterministic PRNG (mulberry32) so every bench run writes the same mix. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of weighted) {
    x -= w;
    if (x < 0) return v;
  }
  return weighted[weighted.length - 1]![0];
}

type JobShape = {
  name: string;
  data_source: string[];
  params: () => Record<string, unknown>;
  /** typical duration in seconds and input size */
  seconds: number;
  input: number;
};

const JOB_SHAPES: readonly (readonly [JobShape, number])[] = [
  [
    {
      name: "listed_companies.sync",
      data_source: ["jquants_listed_info"],
      params: () => ({ source: "fixture", dry_run: false }),
      seconds: 4,
      input: 4411,
    },
    20,
  ],
  [
    {
      name: "recap.pipeline",
      data_source: ["recap_articles"],
      params: () => ({ max_per_genre: 5, stage_delay_ms: 400 }),
      seconds: 4,
      input: 120,
    },
    40,
  ],
  [
    {
      name: "prices.daily_quotes",
      data_source: ["jquants_daily_quotes"],
      params: () => ({ market: "prime", adjust: true }),
      seconds: 30,
      input: 1800,
    },
    15,
  ],
  [
    {
      name: "news.crawl",
      data_source: ["news_rss", "news_api"],
      params: () => ({ feeds: ["nikkei", "reuters"], max_items: 200 }),
      seconds: 12,
      input: 200,
    },
    15,
  ],
  [
    {
      name: "reports.weekly_digest",
      data_source: ["recap_articles", "jquants_listed_info"],
      params: () => ({ week_offset: 0 }),
      seconds: 60,
      input: 50,
    },
    10,
  ],
];

const STATUSES: readonly (readonly [RunStatus, number])[] = [
  ["SUCCESS", 90],
  ["FAILURE", 6],
  ["SKIPPED", 3],
  ["TIMED_OUT", 0.5],
  ["CANCELLED", 0.5],
];
const TRIGGERS: readonly (readonly [TriggerSource, number])[] = [
  ["schedule", 85],
  ["manual", 12],
  ["rerun", 2],
  ["api", 1],
];

/** One finished run as the workflow would leave it (progress null to keep items to the record). */
export function syntheticRun(r: () => number, now: number): Run & { expires_at: number } {
  const job = pick(r, JOB_SHAPES);
  const status = pick(r, STATUSES);
  const trigger = pick(r, TRIGGERS);
  const startedMs = now - 60_000 - Math.floor(r() * SPREAD_DAYS * DAY_MS);
  const base = newRun({
    execution_uuid: randomUUID(),
    job_name: job.name,
    params: job.params(),
    data_source: job.data_source,
    concurrency_key: job.name,
    trigger_source: trigger,
    triggered_by: trigger === "schedule" ? null : "ops@example.test",
    schedule_id: trigger === "schedule" ? `${job.name}#default-0` : null,
    schedule_name: trigger === "schedule" ? "default" : null,
    status: status === "SKIPPED" ? "SKIPPED" : "RUNNING",
    now: new Date(startedMs),
    workflow_execution_arn: `arn:aws:states:local:000000000000:execution:jobdeck-run-job:${job.name}`,
  });
  const secs = status === "SKIPPED" ? 0 : job.seconds * (0.5 + r());
  const finished = new Date(startedMs + Math.round(secs * 1000)).toISOString();
  const input = status === "SKIPPED" ? 0 : Math.round(job.input * (0.9 + r() * 0.1));
  const inserted = status === "SUCCESS" ? Math.round(input * r() * 0.05) : 0;
  const updated = status === "SUCCESS" ? Math.round((input - inserted) * r() * 0.1) : 0;
  const skipped = status === "SUCCESS" ? input - inserted - updated : 0;
  const errors = status === "FAILURE" ? 1 + Math.floor(r() * 3) : 0;
  return {
    ...base,
    status,
    finished_at: finished,
    duration_seconds: durationSeconds(base.started_at, finished),
    input_count: input,
    inserted_count: inserted,
    updated_count: updated,
    skipped_count: skipped,
    error_count: errors,
    skip_breakdown: skipped ? { unchanged: skipped } : null,
    error_summary:
      status === "FAILURE"
        ? "upstream answered 503 Service Unavailable after 3 attempts"
        : status === "SKIPPED"
          ? "already running: another run holds the concurrency slot"
          : status === "TIMED_OUT"
            ? `timed out after ${Math.round(job.seconds * 10)} s`
            : status === "CANCELLED"
              ? "cancelled by ops@example.test"
              : null,
    attempt: status === "FAILURE" && r() < 0.5 ? 2 : 1,
    updated_at: finished,
    expires_at: Math.floor(Date.parse(finished) / 1000) + RETENTION_DAYS * 86_400,
  };
}

/**
 * Writes `count` synthetic finished runs straight into the runs table with BatchWrite,
 * `concurrency` batches at a time, then sets the feed's earliest-bucket marker.
 */
export async function fillRuns(
  doc: DynamoDBDocumentClient,
  table: string,
  count: number,
  opts: { seed: number; concurrency?: number },
): Promise<{ ms: number; oldestBucket: string; buckets: number }> {
  const r = rng(opts.seed);
  const now = Date.now();
  const concurrency = opts.concurrency ?? 16;
  const batches = Math.ceil(count / BATCH_SIZE);
  const buckets = new Set<string>();
  let oldest = feedBucket(new Date(now).toISOString());
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < batches) {
      const b = next++;
      const n = Math.min(BATCH_SIZE, count - b * BATCH_SIZE);
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const run = syntheticRun(r, now);
        const bucket = feedBucket(run.started_at);
        buckets.add(bucket);
        if (bucket < oldest) oldest = bucket;
        items.push(toRunItem(run));
      }
      let requests = items.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length; attempt++) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
        if (requests.length && attempt >= 10)
          throw new Error(`${table}: unprocessed items after 10 attempts`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches) }, worker));
  await new DynamoRunStore(doc, table).noteBucket(oldest);
  return { ms: performance.now() - t0, oldestBucket: oldest, buckets: buckets.size };
}

export type PageKind = "first" | "filtered" | "cursor";

export type HistoryResult = {
  sizes: { small: number; large: number };
  fill: { small: number; large: number };
  pages: Record<PageKind, { small: Summary; large: Summary; ratio: number }>;
  requests: number;
};

export type HistoryOptions = {
  small?: number;
  large?: number;
  warmup?: number;
  requests?: number;
  log: (line: string) => void;
};

/** The cursor of page `page` (1-based) of `query`, walked through the API. */
async function cursorForPage(http: HttpClient, query: string, page: number): Promise<string> {
  let cursor: string | null = null;
  for (let p = 1; p < page; p++) {
    const res: { body: { next_cursor: string | null } } = await http.get(
      `/v1/runs?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    cursor = res.body.next_cursor;
    if (!cursor) throw new Error(`no page ${p + 1} for ${query}`);
  }
  return cursor!;
}

export async function runHistoryBench(env: BenchEnv, opts: HistoryOptions): Promise<HistoryResult> {
  const small = opts.small ?? 1_000;
  const large = opts.large ?? 100_000;
  const warmup = opts.warmup ?? 20;
  const n = opts.requests ?? 100;
  const log = opts.log;
  const smallStack = await env.startStack("bench1k");
  const largeStack = await env.startStack("bench100k");
  try {
    const fillSmall = await fillRuns(env.doc, smallStack.tables.runs, small, { seed: 1 });
    log(
      `history: filled ${fmtInt(small)} runs in ${fmtS(fillSmall.ms)} ` +
        `(${fillSmall.buckets} month buckets from ${fillSmall.oldestBucket})`,
    );
    const fillLarge = await fillRuns(env.doc, largeStack.tables.runs, large, { seed: 2 });
    log(
      `history: filled ${fmtInt(large)} runs in ${fmtS(fillLarge.ms)} ` +
        `(${fmtInt(Math.round(large / (fillLarge.ms / 1000)))} items/s, BatchWrite ×16; ` +
        `${fillLarge.buckets} month buckets from ${fillLarge.oldestBucket})`,
    );

    const clients = { small: await httpClient(smallStack.url), large: await httpClient(largeStack.url) };
    const filteredQuery = "job_name=listed_companies.sync&limit=100";
    const paths: Record<PageKind, { small: string; large: string }> = {
      first: { small: "/v1/runs?limit=100", large: "/v1/runs?limit=100" },
      filtered: { small: `/v1/runs?${filteredQuery}`, large: `/v1/runs?${filteredQuery}` },
      cursor: {
        small: `/v1/runs?limit=100&cursor=${encodeURIComponent(await cursorForPage(clients.small, "limit=100", 3))}`,
        large: `/v1/runs?limit=100&cursor=${encodeURIComponent(await cursorForPage(clients.large, "limit=100", 3))}`,
      },
    };

    const pages = {} as HistoryResult["pages"];
    for (const kind of ["first", "filtered", "cursor"] as const) {
      const samples = { small: [] as number[], large: [] as number[] };
      // Alternate sizes (and which goes first) so background noise lands on both alike.
      for (let i = 0; i < warmup + n; i++) {
        const order = i % 2 === 0 ? (["small", "large"] as const) : (["large", "small"] as const);
        for (const size of order) {
          const { ms, body } = await clients[size].get(paths[kind][size]);
          if (body.count !== 100) throw new Error(`${kind} page of ${size} had ${body.count} runs, not 100`);
          if (i >= warmup) samples[size].push(ms);
        }
      }
      const s = summarize(samples.small);
      const l = summarize(samples.large);
      pages[kind] = { small: s, large: l, ratio: l.p50 / s.p50 };
      log(
        `history: ${kind.padEnd(8)} ${fmtInt(small)} p50 ${fmtMs(s.p50)} p95 ${fmtMs(s.p95)} | ` +
          `${fmtInt(large)} p50 ${fmtMs(l.p50)} p95 ${fmtMs(l.p95)} | ratio ${fmtRatio(l.p50 / s.p50)}`,
      );
    }
    return {
      sizes: { small, large },
      fill: { small: fillSmall.ms, large: fillLarge.ms },
      pages,
      requests: n,
    };
  } finally {
    await smallStack.stop({ graceMs: 1000 });
    await largeStack.stop({ graceMs: 1000 });
  }
}
