// What recap.pipeline says, in both languages of the admin page (issue 14 part C): its
// description, stages, progress messages (keys with `{values}`), skip reasons and genres.
import type { StageSpec } from "#jobs/define-job.ts";

export const RECAP_DESCRIPTION = {
  ja: "ニュース記事からジャンル別のダイジェストを作る 8 段階のパイプラインです（取得 → … → 保存）。",
  en: "Builds per-genre news digests in 8 stages (Fetch → … → Persist).",
};

export const RECAP_STAGE_WORDS = [
  { name: "Fetch", label: { ja: "取得", en: "Fetch" } },
  { name: "Preprocess", label: { ja: "前処理", en: "Preprocess" } },
  { name: "Dedup", label: { ja: "重複除去", en: "Dedup" } },
  { name: "Genre", label: { ja: "ジャンル分類", en: "Genre" } },
  { name: "Select", label: { ja: "選定", en: "Select" } },
  { name: "Evidence", label: { ja: "根拠抽出", en: "Evidence" } },
  { name: "Dispatch", label: { ja: "配信", en: "Dispatch" } },
  { name: "Persist", label: { ja: "保存", en: "Persist" } },
] as const satisfies readonly StageSpec[];

export const RECAP_MESSAGES = {
  fetching: { ja: "記事を取得しています", en: "Fetching articles" },
  fetched: { ja: "{count} 件の記事", en: "{count} articles" },
  normalized: { ja: "正規化 {current} / {total} 件", en: "Normalized {current} / {total}" },
  deduplicated: { ja: "重複確認 {current} / {total} 件", en: "Deduplicated {current} / {total}" },
  dedup_done: {
    ja: "重複 {duplicates} 件を除き、{unique} 件が残りました",
    en: "{duplicates} duplicates removed, {unique} unique articles",
  },
  classified: {
    ja: "{genres} ジャンルに分類しました（対象外 {out_of_scope} 件）",
    en: "Classified into {genres} genres, {out_of_scope} out of scope",
  },
  digests_made: { ja: "{date} のダイジェスト {count} 件", en: "{count} digests for {date}" },
  writing: { ja: "ダイジェスト {count} 件を書き込みます", en: "Writing {count} digests" },
  written: { ja: "ダイジェスト {count} 件を書き込みました", en: "{count} digests written" },
};

export const RECAP_SKIP_REASONS = {
  empty: { ja: "本文なし", en: "Empty" },
  duplicate: { ja: "重複", en: "Duplicate" },
  unclassified: { ja: "分類できず", en: "Unclassified" },
  out_of_scope: { ja: "対象外のジャンル", en: "Out of scope" },
  not_selected: { ja: "選ばれず", en: "Not selected" },
};

export const RECAP_GENRE_LABELS = {
  economy: { ja: "経済", en: "Economy" },
  tech: { ja: "テクノロジー", en: "Tech" },
  politics: { ja: "政治", en: "Politics" },
  sports: { ja: "スポーツ", en: "Sports" },
  culture: { ja: "文化", en: "Culture" },
  science: { ja: "科学", en: "Science" },
};
