// jquants.daily_bars — seed 004's 日足データ取得ジョブ: one trading day's bars of every listed issue
// from J-Quants (/equities/bars/daily, all pages), upserted into the job's own table. Its words are
// in daily-bars-words.ts. The day is the run's logical date in JST (logical-date.ts), so a backfill
// of past fires fetches past days; a day the market is closed ends the run SKIPPED market_holiday.
// Idempotent: the day's stored bars are read first (one Query), and only new or changed bars are
// written; a re-run of the same day writes nothing and counts every bar unchanged.

import * as z from "zod/mini";
import type { JobContext } from "#domain/jobs/job-definition.ts";
import { defineJob } from "#jobs/define-job.ts";
import { JQUANTS_API_KEY_SECRET } from "#jobs/jquants/jquants-client.ts";
import { isTradingDay } from "#jobs/jquants/jquants-schemas.ts";
import type { BarRecord, BarStore } from "./bar-store.ts";
import type { DailyBarRow, DailyBarsSource } from "./bars-source.ts";
import { barsStore } from "./bars-table.ts";
import {
  BARS_DESCRIPTION,
  BARS_ITEMS,
  BARS_MESSAGES,
  BARS_SKIP_REASONS,
  BARS_STAGES,
} from "./daily-bars-words.ts";
import { logicalDate } from "./logical-date.ts";

export const DAILY_BARS_JOB = "jquants.daily_bars";

/** J-Quants issue codes: 5 characters (common stock ends in 0), or the 4-character short form. */
const CODE = /^[0-9A-Z]{4,5}$/;

export const dailyBarsParameters = z.strictObject({
  /** The trading day (YYYY-MM-DD); the run's logical date in JST when omitted. */
  date: z.optional(z.iso.date()),
  /** Only these issues (e.g. 72030 or 7203); every issue when omitted. */
  codes: z.optional(
    z
      .array(z.string().check(z.regex(CODE, "must be a 4- or 5-character issue code such as 72030")))
      .check(z.minLength(1), z.maxLength(500)),
  ),
  /** Fetch and compare, write nothing. */
  dry_run: z._default(z.boolean(), false),
});
export type DailyBarsParams = z.output<typeof dailyBarsParameters>;

/** The value fields of a bar: a stored bar differing in one of them is "updated". */
export const BAR_VALUE_FIELDS = [
  "open",
  "high",
  "low",
  "close",
  "upper_limit",
  "lower_limit",
  "volume",
  "turnover_value",
  "adj_factor",
  "adj_open",
  "adj_high",
  "adj_low",
  "adj_close",
  "adj_volume",
] as const satisfies readonly (keyof BarRecord)[];

export function toBarRecord(row: DailyBarRow, runId: string, at: string): BarRecord {
  return {
    code: row.Code,
    date: row.Date,
    open: row.O ?? null,
    high: row.H ?? null,
    low: row.L ?? null,
    close: row.C ?? null,
    upper_limit: row.UL ?? null,
    lower_limit: row.LL ?? null,
    volume: row.Vo ?? null,
    turnover_value: row.Va ?? null,
    adj_factor: row.AdjFactor ?? null,
    adj_open: row.AdjO ?? null,
    adj_high: row.AdjH ?? null,
    adj_low: row.AdjL ?? null,
    adj_close: row.AdjC ?? null,
    adj_volume: row.AdjVo ?? null,
    fetched_run: runId,
    updated_at: at,
  };
}

/** J-Quants records a day without trades with null prices: there is no bar to keep. */
export function hasTrades(row: DailyBarRow): boolean {
  return [row.O, row.H, row.L, row.C].some((v) => v !== null && v !== undefined);
}

/** Whether `row` is one of the requested `codes` (a 4-character code names its common stock, 5 characters ending in 0). */
export function matchesCodes(code: string, codes: readonly string[] | undefined): boolean {
  if (!codes) return true;
  return codes.some((c) => c === code || (c.length === 4 && `${c}0` === code));
}

export type BarsPlan = {
  /** New and changed bars, to write. */
  toWrite: BarRecord[];
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows with null prices: not written. */
  noTrades: number;
  /** Rows whose code appeared earlier in the answer (the last one wins). */
  duplicates: number;
  /** Requested codes with no row that day. */
  missingCodes: string[];
};

/**
 * Pure comparison of the day's rows (already limited to the requested codes) with the day's stored
 * bars. The categories are disjoint: inserted + updated + unchanged + noTrades + duplicates = rows.
 */
export function planBars(
  rows: readonly DailyBarRow[],
  stored: readonly BarRecord[],
  opts: { runId: string; at: string; codes?: readonly string[] },
): BarsPlan {
  const byCode = new Map<string, DailyBarRow>();
  let duplicates = 0;
  for (const r of rows) {
    if (byCode.has(r.Code)) {
      duplicates++;
      byCode.delete(r.Code);
    }
    byCode.set(r.Code, r);
  }
  const old = new Map(stored.map((b) => [b.code, b]));
  const plan: BarsPlan = {
    toWrite: [],
    inserted: 0,
    updated: 0,
    unchanged: 0,
    noTrades: 0,
    duplicates,
    missingCodes: (opts.codes ?? []).filter((c) => ![...byCode.keys()].some((k) => matchesCodes(k, [c]))),
  };
  for (const row of byCode.values()) {
    if (!hasTrades(row)) {
      plan.noTrades++;
      continue;
    }
    const next = toBarRecord(row, opts.runId, opts.at);
    const before = old.get(row.Code);
    if (!before) {
      plan.inserted++;
      plan.toWrite.push(next);
    } else if (BAR_VALUE_FIELDS.some((f) => (before[f] ?? null) !== next[f])) {
      plan.updated++;
      plan.toWrite.push(next);
    } else plan.unchanged++;
  }
  return plan;
}

/** The ctx the sync needs: any JobContext of these params. */
export type DailyBarsContext = Pick<
  JobContext<DailyBarsParams>,
  | "params"
  | "executionUuid"
  | "scheduledFor"
  | "logger"
  | "progress"
  | "stage"
  | "item"
  | "count"
  | "throwIfCancelled"
  | "skip"
>;

/** The whole run over a source and a store (the job's run wires J-Quants and its table in). */
export async function syncDailyBars(
  ctx: DailyBarsContext,
  deps: { source: DailyBarsSource; store: BarStore; now?: () => Date },
): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const { codes, dry_run: dryRun } = ctx.params;
  const date = ctx.params.date ?? logicalDate(ctx);
  ctx.logger.info("daily bars", { date, codes: codes?.length ?? null, dry_run: dryRun });

  ctx.stage("calendar");
  ctx.progress({ message: { key: "checking_calendar", params: { date } } });
  const days = await deps.source.calendar({ from: date, to: date });
  const day = days.find((d) => d.Date === date);
  if (!day) {
    // Published about a year ahead: a missing day is a date out of its range, not a holiday.
    throw new Error(
      `J-Quants' trading calendar has no entry for ${date}; cannot tell whether the market was open`,
    );
  }
  if (!isTradingDay(day)) {
    ctx.progress({ message: { key: "market_holiday", params: { date } } });
    ctx.skip("market_holiday", `${date} is not a trading day (J-Quants calendar HolDiv ${day.HolDiv})`);
    return;
  }
  ctx.throwIfCancelled();

  ctx.stage("fetch");
  ctx.progress({ message: { key: "fetching", params: { date } } });
  const all = await deps.source.dailyBars({ date });
  if (all.length === 0) {
    // A trading day always has bars once they are published: an empty answer is "not yet", not "none".
    throw new Error(
      `J-Quants returned no bars for trading day ${date}: not published yet (after about 16:30 JST; ` +
        "the Free plan delays data by 12 weeks)",
    );
  }
  const rows = all.filter((r) => r.Date === date && matchesCodes(r.Code, codes));
  ctx.count.input(rows.length);
  ctx.progress({
    current: rows.length,
    total: rows.length,
    message: { key: "fetched", params: { count: rows.length } },
  });
  ctx.throwIfCancelled();

  ctx.stage("compare");
  ctx.progress({ message: { key: "reading_stored", params: { date } } });
  const stored = await deps.store.readDay(date);
  ctx.throwIfCancelled();
  const plan = planBars(rows, stored, { runId: ctx.executionUuid, at: now().toISOString(), codes });
  if (plan.inserted) ctx.count.inserted(plan.inserted);
  if (plan.updated) ctx.count.updated(plan.updated);
  if (plan.unchanged) ctx.count.skipped("unchanged", plan.unchanged);
  if (plan.noTrades) ctx.count.skipped("no_trades", plan.noTrades);
  if (plan.duplicates) ctx.count.skipped("duplicate_code", plan.duplicates);
  ctx.logger.info("bars plan", {
    date,
    stored: stored.length,
    inserted: plan.inserted,
    updated: plan.updated,
    unchanged: plan.unchanged,
    no_trades: plan.noTrades,
    duplicates: plan.duplicates,
    missing_codes: plan.missingCodes,
  });
  ctx.progress({
    message: {
      key: "plan",
      params: {
        inserted: plan.inserted,
        updated: plan.updated,
        unchanged: plan.unchanged,
        no_trades: plan.noTrades,
      },
    },
  });
  if (plan.missingCodes.length) {
    const n = plan.missingCodes.length;
    ctx.item("missing_codes", { current: n, total: n, status: "done" });
    ctx.progress({ message: { key: "codes_missing", params: { count: n, date } } });
  }
  ctx.throwIfCancelled();

  ctx.stage("write");
  const total = plan.toWrite.length;
  if (dryRun) {
    ctx.progress({ current: 0, total, message: { key: "dry_run_write", params: { count: total } } });
    return;
  }
  ctx.item("bars", { current: 0, total });
  ctx.progress({ current: 0, total, message: { key: "writing", params: { total } } });
  if (total > 0) {
    await deps.store.putMany(plan.toWrite, (written) => {
      ctx.item("bars", { current: written, total });
      ctx.progress({
        current: written,
        total,
        message: { key: "written_progress", params: { written, total } },
      });
    });
  }
  ctx.item("bars", { current: total, total, status: "done" });
  ctx.progress({ current: total, total, message: { key: "written", params: { total } } });
}

/** How the job's run reaches J-Quants (the real client; a test may pass its own). */
export type BarsSourceOpener = (
  ctx: Pick<JobContext<DailyBarsParams>, "secret" | "signal" | "logger">,
) => Promise<DailyBarsSource>;

export function makeDailyBarsJob(openSource: BarsSourceOpener) {
  return defineJob({
    name: DAILY_BARS_JOB,
    description: BARS_DESCRIPTION,
    category: "market_data",
    data_sources: ["jquants_daily_bars", "jquants_calendar"],
    parameters: dailyBarsParameters,
    // One run at a time: J-Quants' rate limit is per account, and a backfill then fills its days in turn.
    concurrency: "job",
    // A day is a few requests; on the Free plan (5 a minute) with 429 waits that is still minutes.
    timeout_seconds: 600,
    // No second attempt: the client already retries 429s, 5xx and timeouts with backoff; what is
    // left (a rejected key, bars not published yet, a changed answer) is not mended a minute later.
    // The next weekday fire, or a rerun (idempotent), covers the day.
    retry: { attempts: 1 },
    stages: BARS_STAGES,
    messages: BARS_MESSAGES,
    skip_reasons: BARS_SKIP_REASONS,
    item_labels: BARS_ITEMS,
    // Weekdays after the close (15:00 JST) and J-Quants' publication of the day's bars; holidays
    // that fall on a weekday end SKIPPED market_holiday. No description: the expression says it.
    default_schedules: [{ schedule_expression: "cron(30 18 ? * MON-FRI *)", timezone: "Asia/Tokyo" }],
    // The J-Quants API key: JQUANTS_API_KEY locally, the Secrets Manager secret in AWS.
    secrets: { jquants_api_key: JQUANTS_API_KEY_SECRET },
    stores: { bars: barsStore },
    async run(ctx) {
      const source = await openSource(ctx);
      await syncDailyBars(ctx, { source, store: ctx.stores.bars });
    },
  });
}
