// What opendata.bulk_ingest says, in both languages of the admin page: its description, stages,
// progress messages (keys with `{values}`) and skip reasons.
import type { StageSpec } from "#jobs/define-job.ts";

export const BULK_INGEST_DESCRIPTION = {
  ja: "オープンデータの大きなファイル群を取得・解析し、テーブルへ一括で取り込んで索引を作り直します（Fargate で数時間かかる長時間ジョブの例。所要時間は duration_seconds で指定）。",
  en: "Downloads and parses a large open-data file set, bulk-loads it and rebuilds the index (an example of a long job that runs for hours on Fargate; its length is duration_seconds).",
};

export const BULK_INGEST_STAGES = [
  { name: "Download", label: { ja: "ダウンロード", en: "Download" } },
  { name: "Parse", label: { ja: "解析", en: "Parse" } },
  { name: "Load", label: { ja: "取り込み", en: "Load" } },
  { name: "Index", label: { ja: "索引作成", en: "Index" } },
] as const satisfies readonly StageSpec[];

export const BULK_INGEST_MESSAGES = {
  downloading: {
    ja: "{file} をダウンロードしています（{current} / {total} ファイル）",
    en: "Downloading {file} ({current} / {total} files)",
  },
  downloaded: { ja: "{files} ファイル・{mb} MB を取得しました", en: "Downloaded {files} files, {mb} MB" },
  parsing: {
    ja: "{file} を解析しています（{records} 件、{current} / {total} ファイル）",
    en: "Parsing {file} ({records} records, {current} / {total} files)",
  },
  parsed: {
    ja: "{records} 件を解析しました（不正な行 {invalid} 件）",
    en: "Parsed {records} records ({invalid} invalid rows)",
  },
  loading: {
    ja: "取り込み {current} / {total} 件（新規 {inserted}・更新 {updated}）",
    en: "Loaded {current} / {total} records ({inserted} new, {updated} changed)",
  },
  loaded: {
    ja: "新規 {inserted} 件・更新 {updated} 件・変更なし {unchanged} 件・重複 {duplicates} 件",
    en: "{inserted} new, {updated} changed, {unchanged} unchanged, {duplicates} duplicates",
  },
  indexing: {
    ja: "索引を作成しています（{current} / {total} 分割）",
    en: "Indexing ({current} / {total} partitions)",
  },
  indexed: { ja: "{partitions} 分割の索引を作成しました", en: "Indexed {partitions} partitions" },
};

export const BULK_INGEST_SKIP_REASONS = {
  invalid_row: { ja: "不正な行", en: "Invalid row" },
  duplicate: { ja: "重複", en: "Duplicate" },
  unchanged: { ja: "変更なし", en: "Unchanged" },
};
