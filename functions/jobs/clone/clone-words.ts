// What the four Clone batches say, in both languages of the admin page: their descriptions, the
// stages they share, progress messages, skip reasons and item labels (seed 000's columns:
// 取得 / 投入 / スキップ and the skip breakdown).
import type { StageSpec } from "#jobs/define-job.ts";

export const CORPORATE_NUMBER_DESCRIPTION = {
  ja: "国税庁 法人番号システム Web-API から法人を取得し、レビュー候補に投入します（company_ids 指定時はその法人番号のみ、未指定時は前日の差分）。",
  en: "Fetches corporations from the National Tax Agency's corporate-number Web-API into review candidates (only the given company_ids, else the previous day's changes).",
};
export const OPENDATA_DESCRIPTION = {
  ja: "各自治体のオープンデータ CSV（介護サービス事業所一覧・食品等営業許可一覧）から事業者の候補を生成します。",
  en: "Builds business candidates from municipal open-data CSVs (care-service offices, food business permits).",
};
export const FACEBOOK_DESCRIPTION = {
  ja: "Facebook Graph API から企業ページのメトリクス（いいね・フォロワー数）を同期し、レビュー候補を更新します。",
  en: "Syncs company pages' metrics (likes, followers) from the Facebook Graph API into review candidates.",
};
export const AI_STUB_DESCRIPTION = {
  ja: "AI 連携のスタブです。モデルは呼ばず、同梱のサンプルから毎回同じ候補を書き込みます（手動実行のみ）。",
  en: "AI-ingestion stub: calls no model, writes the same candidates from a bundled sample every time (manual only).",
};

export const CLONE_STAGES = [
  { name: "fetch", label: { ja: "取得", en: "Fetch" } },
  { name: "parse", label: { ja: "解析", en: "Parse" } },
  { name: "compare", label: { ja: "照合", en: "Compare" } },
  { name: "write", label: { ja: "候補へ投入", en: "Write candidates" } },
] as const satisfies readonly StageSpec[];

export const CLONE_MESSAGES = {
  fetching: { ja: "{source} から取得しています", en: "Fetching from {source}" },
  fetched_page: {
    ja: "{source}: {page} / {pages} ページ目を取得（{count} 件）",
    en: "{source}: page {page} / {pages} ({count} records)",
  },
  fetched: { ja: "{count} 件を取得しました", en: "Fetched {count} records" },
  sample_no_token: {
    ja: "アプリケーションID が未設定のため、同梱のサンプル（{count} 件）で実行します",
    en: "No application id configured: running on the bundled sample ({count} records)",
  },
  parse_problems: { ja: "{count} 行を読めませんでした", en: "{count} rows could not be read" },
  reading_stored: { ja: "登録済みの候補を読み込んでいます", en: "Reading stored candidates" },
  plan: {
    ja: "新規 {inserted} 件・更新 {updated} 件・重複 {duplicate} 件・更新不要 {not_modified} 件・期限切れ {expired} 件",
    en: "New {inserted}, updated {updated}, duplicate {duplicate}, not modified {not_modified}, expired {expired}",
  },
  writing: { ja: "{written} / {total} 件の候補を書き込み済み", en: "Written {written} / {total} candidates" },
  written: { ja: "{total} 件の候補を書き込みました", en: "Wrote {total} candidates" },
  stub: {
    ja: "スタブ: サンプルの {count} 件を候補として扱います",
    en: "Stub: treating {count} sample records as candidates",
  },
};

export const CLONE_SKIP_REASONS = {
  duplicate: { ja: "重複", en: "Duplicate" },
  not_modified: { ja: "更新不要", en: "Not modified" },
  expired: { ja: "期限切れ", en: "Expired" },
};

export const CLONE_ITEMS = {
  houjin_bangou_api: { ja: "法人番号 API", en: "Corporate-number API" },
  opendata_tokyo: { ja: "東京都", en: "Tokyo" },
  opendata_osaka: { ja: "大阪市", en: "Osaka City" },
  opendata_yokohama: { ja: "横浜市", en: "Yokohama" },
  facebook_graph: { ja: "Facebook ページ", en: "Facebook pages" },
  ai_stub: { ja: "AI スタブ", en: "AI stub" },
};
