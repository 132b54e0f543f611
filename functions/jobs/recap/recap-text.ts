// Recap text rules: the genres and their keywords, and the pure text helpers the pipeline's stages
// use (normalising, title similarity for Dedup, sentences for Evidence, keyword classification for
// Genre). Kept apart from the job so the rules can be read and tested on their own.

export const RECAP_GENRES = ["economy", "tech", "politics", "sports", "culture", "science"] as const;
export type RecapGenre = (typeof RECAP_GENRES)[number];

/** Titles at least this similar (Jaccard of character bigrams) are the same story. */
export const DUPLICATE_THRESHOLD = 0.6;

export type RecapArticle = {
  id: string;
  title: string;
  body: string;
  genre_hint: string | null;
  published_at: string;
  source: string;
};

/** Keywords per genre (matched on NFKC-normalized, lower-cased text). */
export const GENRE_KEYWORDS: Record<RecapGenre, readonly string[]> = {
  economy: [
    "決算",
    "利益",
    "売上",
    "株",
    "相場",
    "日経平均",
    "topix",
    "増益",
    "減益",
    "増収",
    "賃上げ",
    "設備投資",
    "株主還元",
    "値上げ",
    "業績",
    "アナリスト",
  ],
  tech: [
    "ai",
    "半導体",
    "クラウド",
    "5g",
    "ソフトウェア",
    "システム障害",
    "サイバー",
    "量子",
    "自動運転",
    "不正アクセス",
    "情報漏えい",
    "通信障害",
    "人材の争奪",
    "技術",
  ],
  politics: [
    "首相",
    "国会",
    "与党",
    "野党",
    "法案",
    "閣議",
    "衆院",
    "参院",
    "予算",
    "外相",
    "財務相",
    "官房長官",
    "選挙",
    "政府",
    "税制",
    "首脳会談",
  ],
  sports: [
    "選手",
    "投手",
    "試合",
    "勝ち",
    "負け",
    "リーグ",
    "本塁打",
    "ゴール",
    "優勝",
    "連勝",
    "主将",
    "合宿",
    "首位",
    "プロ野球",
  ],
  culture: [
    "映画",
    "小説",
    "作家",
    "俳優",
    "美術館",
    "博物館",
    "写真展",
    "ミュージカル",
    "アニメ",
    "ドラマ",
    "公演",
    "舞台",
    "劇場",
    "バンド",
    "文学賞",
    "作品",
  ],
  science: [
    "研究",
    "発見",
    "解析",
    "科学誌",
    "学術誌",
    "探査",
    "観測",
    "細胞",
    "生物",
    "超伝導",
    "小惑星",
    "ゲノム",
    "宇宙",
    "気候",
    "仮説",
  ],
};

// ---------------------------------------------------------------- text helpers (pure, exported for tests)

/** NFKC, trimmed, runs of whitespace collapsed to one space. */
export function normalizeText(s: string): string {
  return s.normalize("NFKC").replace(/\s+/gu, " ").trim();
}

/** Comparison key of a title: normalized, lower-cased, without spaces, punctuation or symbols. */
export function titleKey(s: string): string {
  return normalizeText(s)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, "");
}

export function bigrams(key: string): Set<string> {
  const out = new Set<string>();
  if (key.length === 1) out.add(key);
  for (let i = 0; i < key.length - 1; i++) out.add(key.slice(i, i + 2));
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const g of a) if (b.has(g)) inter++;
  return inter / (a.size + b.size - inter);
}

export function titleSimilarity(a: string, b: string): number {
  return jaccard(bigrams(titleKey(a)), bigrams(titleKey(b)));
}

/** Sentences ending in 。！？!? (or the end of the text); empty pieces dropped. */
export function splitSentences(text: string): string[] {
  return (text.match(/[^。！？!?]+[。！？!?]*/gu) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** How many of `genre`'s keywords `text` contains (text already normalised and lower-cased). */
export function keywordHits(text: string, genre: RecapGenre): number {
  let hits = 0;
  for (const k of GENRE_KEYWORDS[genre]) if (text.includes(k)) hits++;
  return hits;
}

/**
 * Keyword rules: a title hit weighs 2, a body hit 1, a valid `genre_hint` 3.
 * Returns null when nothing matches at all.
 */
export function classifyGenre(a: {
  title: string;
  body: string;
  genre_hint: string | null;
}): RecapGenre | null {
  const title = normalizeText(a.title).toLowerCase();
  const body = normalizeText(a.body).toLowerCase();
  let best: RecapGenre | null = null;
  let bestScore = 0;
  for (const g of RECAP_GENRES) {
    const score = 2 * keywordHits(title, g) + keywordHits(body, g) + (a.genre_hint === g ? 3 : 0);
    if (score > bestScore) {
      best = g;
      bestScore = score;
    }
  }
  return best;
}
