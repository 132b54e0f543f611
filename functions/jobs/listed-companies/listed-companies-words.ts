// What listed_companies.sync says, in both languages of the admin page (issue 14 part C): its
// description, stages, progress messages (keys with `{values}`) and skip reasons.
import type { StageSpec } from "#jobs/define-job.ts";

export const LISTED_DESCRIPTION = {
  ja: "上場企業一覧を J-Quants API v2 の /equities/master と毎日フル同期します（キー未設定時は同梱のサンプル）。ソースから消えた銘柄は非アクティブにします。",
  en: "Daily full sync of the listed-company master with J-Quants API v2 /equities/master (the bundled sample when no key is set); companies missing from the source are deactivated.",
};

export const LISTED_STAGES = [
  { name: "fetch", label: { ja: "取得", en: "Fetch" } },
  { name: "compare", label: { ja: "比較", en: "Compare" } },
  { name: "upsert", label: { ja: "書き込み", en: "Write" } },
  { name: "deactivate", label: { ja: "非アクティブ化", en: "Deactivate" } },
] as const satisfies readonly StageSpec[];

export const LISTED_MESSAGES = {
  fetching: { ja: "上場企業データを取得しています", en: "Fetching listed info" },
  fetched: { ja: "{count} 件を取得しました", en: "Fetched {count} records" },
  fetched_page: {
    ja: "J-Quants から {page} ページ目まで取得（計 {count} 件）",
    en: "Fetched page {page} from J-Quants ({count} records so far)",
  },
  fetched_jquants: {
    ja: "J-Quants から {count} 件を取得しました",
    en: "Fetched {count} records from J-Quants",
  },
  reading_stored: { ja: "保存済みの企業を読み込んでいます", en: "Reading stored companies" },
  plan: {
    ja: "新規 {inserted} 件・変更 {updated} 件・再開 {reactivated} 件・変更なし {unchanged} 件・非アクティブ化予定 {deactivated} 件",
    en: "New {inserted}, changed {updated}, reactivated {reactivated}, unchanged {unchanged}, to deactivate {deactivated}",
  },
  dry_run_write: { ja: "ドライラン: {count} 件を書き込む予定です", en: "Dry run: would write {count}" },
  writing: { ja: "{total} 社を書き込みます", en: "Writing {total} companies" },
  written_progress: { ja: "{written} / {total} 件を書き込み済み", en: "Written {written} / {total}" },
  written: { ja: "{total} 社を書き込みました", en: "Wrote {total} companies" },
  deactivating: { ja: "非アクティブ化 {written} / {total} 件", en: "Deactivating {written} / {total}" },
  dry_run_deactivate: {
    ja: "ドライラン: {count} 件を非アクティブにする予定です",
    en: "Dry run: would deactivate {count}",
  },
  deactivated: { ja: "{count} 件を非アクティブにしました", en: "Deactivated {count}" },
};

export const LISTED_SKIP_REASONS = {
  unchanged: { ja: "変更なし", en: "Unchanged" },
  duplicate_code: { ja: "コードの重複", en: "Duplicate code" },
};

export const LISTED_ITEMS = {
  deactivated: { ja: "非アクティブ化", en: "Deactivated" },
};
