// opendata.bulk_ingest: the example long job (issue 15). A multi-stage open-data ingestion
//   Download → Parse → Load → Index
// whose whole length is a parameter (`duration_seconds`, 90 minutes by default: past any Lambda),
// so it runs on Fargate in AWS and as a child process locally. Its work is simulated with
// deterministic numbers per file (the same params give the same counts), paced so that progress
// (and with it the task's heartbeat) is written every few seconds whatever the duration.
// `stall_after_seconds` makes it stop reporting after that long (it hangs, as a stuck download
// would), to show the heartbeat timeout.
import * as z from "zod/mini";
import { defineJob, type JobContext } from "#jobs/define-job.ts";
import { sleep } from "../abortable-sleep.ts";
import {
  BULK_INGEST_DESCRIPTION,
  BULK_INGEST_MESSAGES,
  BULK_INGEST_SKIP_REASONS,
  BULK_INGEST_STAGES,
} from "./bulk-ingest-words.ts";

/** Each stage's share of `duration_seconds`. */
const STAGE_SHARE = { Download: 0.2, Parse: 0.3, Load: 0.4, Index: 0.1 } as const;

/** Longest quiet stretch: progress (and the heartbeat riding on it) at least this often. */
const TICK_MS = 5000;

/** Index partitions rebuilt in the last stage. */
const INDEX_PARTITIONS = 16;

const parameters = z.strictObject({
  /** The whole run's length in seconds, spread over the four stages. */
  duration_seconds: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(43_200)), 5400),
  /** How many files the source publishes. */
  files: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(500)), 12),
  /** Stop reporting progress after this many seconds (and hang): shows a heartbeat timeout. */
  stall_after_seconds: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(43_200))),
});
type Params = z.output<typeof parameters>;
type Ctx = JobContext<Params>;

/** A file of the source: its size and what its rows turn out to be (deterministic per index). */
export function fileShape(i: number) {
  const records = 8_000 + ((i * 7_919) % 4_000);
  const invalid = (i * 13) % 41;
  const duplicates = (i * 29) % 97;
  const valid = records - invalid - duplicates;
  const updated = Math.floor(valid * (0.05 + ((i * 17) % 10) / 100));
  const unchanged = Math.floor(valid * 0.6);
  return {
    name: `part-${String(i + 1).padStart(4, "0")}.csv.gz`,
    mb: Math.round(records * 0.21) / 100,
    records,
    invalid,
    duplicates,
    updated,
    unchanged,
    inserted: valid - updated - unchanged,
  };
}

/**
 * Paces the run: `spend(ms)` waits that long in ticks of at most TICK_MS, calling `tick` after each
 * one; once the stall point is passed it hangs until the job is stopped (no more progress).
 */
function pacer(ctx: Ctx) {
  const started = Date.now();
  const stallAt = ctx.params.stall_after_seconds;
  return async (ms: number, tick: (share: number) => void = () => {}) => {
    // A few ticks even in a short stretch: counts move as rows are read, not file by file.
    const ticks = Math.max(4, Math.ceil(ms / TICK_MS));
    for (let t = 1; t <= ticks; t++) {
      if (stallAt !== undefined && Date.now() - started >= stallAt * 1000) {
        ctx.logger.warn("stalled on purpose (stall_after_seconds): no more progress", {
          stall_after_seconds: stallAt,
        });
        if (!ctx.signal.aborted)
          await new Promise<void>((resolve) =>
            ctx.signal.addEventListener("abort", () => resolve(), { once: true }),
          );
      }
      await sleep(ms / ticks, ctx.signal);
      ctx.throwIfCancelled();
      tick(t / ticks);
    }
  };
}

export const bulkIngest = defineJob({
  name: "opendata.bulk_ingest",
  description: BULK_INGEST_DESCRIPTION,
  category: "opendata",
  data_sources: ["opendata_portal"],
  parameters,
  runtime: "fargate",
  resources: { cpu: 1024, memory_mb: 2048 },
  timeout_seconds: 14_400,
  heartbeat_seconds: 600,
  retry: { attempts: 1 },
  stages: BULK_INGEST_STAGES,
  messages: BULK_INGEST_MESSAGES,
  skip_reasons: BULK_INGEST_SKIP_REASONS,
  async run(ctx) {
    const { duration_seconds: duration, files: fileCount } = ctx.params;
    const spend = pacer(ctx);
    const files = Array.from({ length: fileCount }, (_, i) => fileShape(i));
    const stageMs = (stage: keyof typeof STAGE_SHARE) => duration * 1000 * STAGE_SHARE[stage];
    const total = files.reduce((n, f) => n + f.records, 0);
    ctx.logger.info("bulk ingest planned", { files: fileCount, records: total, duration_seconds: duration });

    ctx.stage("Download");
    let mb = 0;
    for (const [i, f] of files.entries()) {
      ctx.progress({
        current: i,
        total: fileCount,
        message: { key: "downloading", params: { file: f.name, current: i + 1, total: fileCount } },
      });
      await spend(stageMs("Download") / fileCount);
      mb += f.mb;
      ctx.progress({ current: i + 1 });
    }
    ctx.progress({ message: { key: "downloaded", params: { files: fileCount, mb: Math.round(mb) } } });

    ctx.stage("Parse");
    let invalid = 0;
    for (const [i, f] of files.entries()) {
      ctx.progress({
        current: i,
        total: fileCount,
        message: {
          key: "parsing",
          params: { file: f.name, records: f.records, current: i + 1, total: fileCount },
        },
      });
      let counted = 0;
      await spend(stageMs("Parse") / fileCount, (share) => {
        // Rows are counted as they are read, so a cancel keeps how far the parse got.
        const upTo = Math.floor(f.records * share);
        ctx.count.input(upTo - counted);
        counted = upTo;
      });
      ctx.count.skipped("invalid_row", f.invalid);
      invalid += f.invalid;
      ctx.progress({ current: i + 1 });
    }
    ctx.progress({ message: { key: "parsed", params: { records: total, invalid } } });

    ctx.stage("Load");
    const sum = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    const loadable = total - invalid;
    let loaded = 0;
    for (const f of files) {
      await spend(stageMs("Load") / fileCount);
      ctx.count.inserted(f.inserted);
      ctx.count.updated(f.updated);
      ctx.count.skipped("unchanged", f.unchanged);
      ctx.count.skipped("duplicate", f.duplicates);
      sum.inserted += f.inserted;
      sum.updated += f.updated;
      sum.unchanged += f.unchanged;
      sum.duplicates += f.duplicates;
      loaded += f.records - f.invalid;
      ctx.progress({
        current: loaded,
        total: loadable,
        message: { key: "loading", params: { current: loaded, total: loadable, ...sum } },
      });
    }
    ctx.progress({ message: { key: "loaded", params: sum } });

    ctx.stage("Index");
    await spend(stageMs("Index"), (share) => {
      const current = Math.round(INDEX_PARTITIONS * share);
      ctx.progress({
        current,
        total: INDEX_PARTITIONS,
        message: { key: "indexing", params: { current, total: INDEX_PARTITIONS } },
      });
    });
    ctx.progress({ message: { key: "indexed", params: { partitions: INDEX_PARTITIONS } } });
    ctx.logger.info("bulk ingest done", sum);
  },
});
