// clone.ai_stub's whole "model": a fixed list of what an AI ingestion would propose. Seed 000 lists
// run_ai_ingestion_stub as a manual stub; this keeps it one (no model, no network) while it writes
// real candidates through the same planning and store, so its history rows mean something.
import type { IncomingCandidate } from "./candidates.ts";

export const AI_STUB_SOURCE = "ai_stub";

const S: readonly (readonly [string, string, string, string])[] = [
  // [id, name, address, reason the "model" gives]
  [
    "ai-0001",
    "株式会社みらい観光開発",
    "北海道札幌市中央区北一条西2丁目",
    "観光需要の回復に関する記事で言及",
  ],
  ["ai-0002", "青葉フードサービス株式会社", "宮城県仙台市青葉区一番町3丁目", "新店舗の出店計画を公表"],
  ["ai-0003", "合同会社ときわデザイン", "東京都渋谷区神南1丁目", "採用ページの新設を検出"],
  ["ai-0004", "瑞穂精機株式会社", "愛知県豊田市元城町2丁目", "設備投資のプレスリリース"],
  ["ai-0005", "株式会社浪速ロジスティクス", "大阪府大阪市港区築港3丁目", "物流拠点の新設を検出"],
  ["ai-0006", "白樺ヘルスケア株式会社", "長野県松本市中央1丁目", "介護事業への参入記事"],
  ["ai-0007", "株式会社港南マリンテック", "神奈川県横須賀市本町2丁目", "官公庁の入札結果に掲載"],
  ["ai-0008", "旭日エナジー株式会社", "福岡県北九州市小倉北区浅野1丁目", "再エネ設備の導入計画"],
  ["ai-0009", "株式会社菊水ブルワリー", "新潟県新潟市中央区万代1丁目", "クラウドファンディング開始"],
  ["ai-0010", "光陽ソフトウェア株式会社", "京都府京都市下京区烏丸通四条下ル", "資金調達のニュース"],
  [
    "ai-0011",
    "株式会社ひかり保育サービス",
    "埼玉県さいたま市大宮区桜木町1丁目",
    "自治体の保育施設一覧に新規掲載",
  ],
  ["ai-0012", "若葉農産合同会社", "熊本県熊本市中央区水前寺6丁目", "農産物の輸出開始"],
];

/** The stub's candidates, always the same ones in the same order. */
export const AI_STUB_CANDIDATES: readonly IncomingCandidate[] = S.map(([id, name, address, reason]) => ({
  source: AI_STUB_SOURCE,
  external_id: id,
  name,
  address,
  attributes: { reason, model: "stub" },
}));
