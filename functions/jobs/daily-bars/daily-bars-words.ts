// What jquants.daily_bars says, in both languages of the admin page: its description, stages,
// progress messages (keys with `{values}`), skip reasons and item labels.
import type { StageSpec } from "#jobs/define-job.ts";

export const BARS_DESCRIPTION = {
  ja: "J-Quants の日足（/equities/bars/daily）を 1 営業日分、全上場銘柄について取得し保存します。日付は実行の論理日（スケジュールの発火時刻の日本時間の日付）。休場日はスキップします。",
  en: "Fetches one trading day's daily bars (J-Quants /equities/bars/daily) for every listed company and stores them. The date is the run's logical date (the schedule's fire time, as a JST date); market holidays are skipped.",
};

export const BARS_STAGES = [
  { name: "calendar", label: { ja: "営業日確認", en: "Check calendar" } },
  { name: "fetch", label: { ja: "取得", en: "Fetch" } },
  { name: "compare", label: { ja: "比較", en: "Compare" } },
  { name: "write", label: { ja: "書き込み", en: "Write" } },
] as const satisfies readonly StageSpec[];

export const BARS_MESSAGES = {
  checking_calendar: {
    ja: "{date} が営業日か確認しています",
    en: "Checking whether {date} is a trading day",
  },
  market_holiday: { ja: "{date} は休場日です", en: "{date} is a market holiday" },
  fetching: { ja: "{date} の日足を取得しています", en: "Fetching the daily bars of {date}" },
  fetched: { ja: "{count} 件の日足を取得しました", en: "Fetched {count} bars" },
  reading_stored: {
    ja: "{date} の保存済みの日足を読み込んでいます",
    en: "Reading the stored bars of {date}",
  },
  plan: {
    ja: "新規 {inserted} 件・変更 {updated} 件・変更なし {unchanged} 件・取引なし {no_trades} 件",
    en: "New {inserted}, changed {updated}, unchanged {unchanged}, no trades {no_trades}",
  },
  codes_missing: {
    ja: "指定された銘柄のうち {count} 件は {date} の日足にありません",
    en: "{count} of the requested codes have no bar on {date}",
  },
  dry_run_write: { ja: "ドライラン: {count} 件を書き込む予定です", en: "Dry run: would write {count} bars" },
  writing: { ja: "{total} 件の日足を書き込みます", en: "Writing {total} bars" },
  written_progress: { ja: "{written} / {total} 件を書き込み済み", en: "Written {written} / {total}" },
  written: { ja: "{total} 件の日足を書き込みました", en: "Wrote {total} bars" },
};

export const BARS_SKIP_REASONS = {
  /** A run on a day the market is closed (the run ends SKIPPED). */
  market_holiday: { ja: "休場日", en: "Market holiday" },
  /** A bar whose prices are all null: the issue did not trade that day (J-Quants records nulls). */
  no_trades: { ja: "取引なし", en: "No trades" },
  /** Stored already with the same values: not written again. */
  unchanged: { ja: "変更なし", en: "Unchanged" },
  /** The same code twice in the day's answer: the last one is kept. */
  duplicate_code: { ja: "コードの重複", en: "Duplicate code" },
};

export const BARS_ITEMS = {
  bars: { ja: "日足", en: "Bars" },
  missing_codes: { ja: "日足のない指定銘柄", en: "Requested codes without a bar" },
};
