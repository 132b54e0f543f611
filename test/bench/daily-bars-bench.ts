// Issue 17: jquants.daily_bars for one trading day — 4,411 bars over 3 pages of the J-Quants
// stand-in (a real HTTP server on 127.0.0.1), at the Premium plan's request spacing — into an
// empty bars table of DynamoDB Local, as the job runs it (executeJob, real progress writes); then
// the same day again (every bar read back through the by-date index, found unchanged, none written).
import { barsStore } from "#jobs/daily-bars/bars-table.ts";
import { DynamoBarStore } from "#jobs/daily-bars/dynamo-bar-store.ts";
import { jquantsDailyBars } from "#jobs/daily-bars/jquants-daily-bars.ts";
import type { BenchEnv } from "./bench-env.ts";
import { benchJobRun } from "./bench-job-run.ts";
import { jquantsBenchSetup } from "./jquants-bench.ts";
import { fmtS, median } from "./stats.ts";

export type DailyBarsBenchResult = { bars: number; first: number[]; again: number[] };

const DAY = "2026-11-27";

export async function runDailyBarsBench(
  env: BenchEnv,
  opts: { repetitions?: number; log: (line: string) => void },
): Promise<DailyBarsBenchResult & { firstMedian: number; againMedian: number }> {
  const reps = opts.repetitions ?? 3;
  const runsTable = "benchbars-runs";
  const { key, standIn, runs } = await jquantsBenchSetup(env, runsTable);
  let seq = 0;
  let bars = 0;
  const attempt = async (table: string) => {
    const { ms, result } = await benchJobRun(
      runs,
      jquantsDailyBars,
      { date: DAY, dry_run: false },
      { stores: { bars: new DynamoBarStore(env.doc, table) }, secret: key },
    );
    return { ms, counts: result.counts };
  };
  const once = async (): Promise<{ first: number; again: number }> => {
    const table = `benchbars-${++seq}-bars`;
    await env.createTable(barsStore.table, table);
    const first = await attempt(table);
    bars = first.counts.input_count;
    if (first.counts.inserted_count !== 4411 || (await env.countItems(table)) !== 4411) {
      throw new Error(`daily bars inserted ${first.counts.inserted_count}, expected 4411`);
    }
    const again = await attempt(table);
    if (again.counts.skip_breakdown?.unchanged !== 4411 || again.counts.inserted_count !== 0) {
      throw new Error(`daily bars again: ${JSON.stringify(again.counts)}, expected 4411 unchanged`);
    }
    await env.deleteTable(table);
    return { first: first.ms, again: again.ms };
  };
  try {
    const warm = await once();
    opts.log(`daily-bars: warm-up ${fmtS(warm.first)} / again ${fmtS(warm.again)}`);
    const first: number[] = [];
    const again: number[] = [];
    for (let i = 0; i < reps; i++) {
      const r = await once();
      first.push(r.first);
      again.push(r.again);
      opts.log(`daily-bars: rep ${i + 1}: ${fmtS(r.first)} / again ${fmtS(r.again)}`);
    }
    return { bars, first, again, firstMedian: median(first), againMedian: median(again) };
  } finally {
    await env.deleteTable(runsTable);
    await standIn.close();
  }
}
