// The municipal open-data CSVs clone.opendata reads (自治体標準オープンデータセット layouts), by
// `source_keys` key, and how one CSV row becomes a review candidate.
import type { LocalizedText } from "#schemas/job.ts";
import type { IncomingCandidate } from "./candidates.ts";
import type { TextEncoding } from "./clone-csv.ts";

export type OpendataDataset = "care_services" | "food_permits";

export type OpendataSource = {
  label: LocalizedText;
  dataset: OpendataDataset;
  /**
   * Where the municipality publishes the file. Portals move files when a dataset is refreshed:
   * check the URL before a schedule relies on it (JOBDECK_OPENDATA_BASE_URL replaces the origin and
   * path with `{base}/{key}/{file}`, as the stand-in serves them).
   */
  url: string;
  file: string;
  encoding: TextEncoding;
};

export const OPENDATA_SOURCES = {
  tokyo: {
    label: { ja: "東京都 介護サービス事業所一覧", en: "Tokyo care-service offices" },
    dataset: "care_services",
    url: "https://www.opendata.metro.tokyo.lg.jp/fukushihoken/130001_care_services.csv",
    file: "care-services.csv",
    encoding: "auto",
  },
  osaka: {
    label: { ja: "大阪市 介護サービス事業所一覧", en: "Osaka City care-service offices" },
    dataset: "care_services",
    url: "https://www.city.osaka.lg.jp/contents/wdu020/opendata/271004_care_services.csv",
    file: "care-services.csv",
    encoding: "auto",
  },
  yokohama: {
    label: { ja: "横浜市 食品等営業許可一覧", en: "Yokohama food business permits" },
    dataset: "food_permits",
    url: "https://www.city.yokohama.lg.jp/kurashi/kenko-iryo/eiken/opendata/141003_food_permits.csv",
    file: "food-permits.csv",
    // Published in Shift_JIS (CP932), as many municipal CSVs still are.
    encoding: "shift_jis",
  },
} as const satisfies Record<string, OpendataSource>;

export type OpendataKey = keyof typeof OPENDATA_SOURCES;
export const OPENDATA_KEYS = Object.keys(OPENDATA_SOURCES) as [OpendataKey, ...OpendataKey[]];

/** The candidate's data source name: one per municipality, so the history can filter by it. */
export const opendataSourceName = (key: OpendataKey): string => `opendata_${key}`;

const corp = (s: string | undefined): string | undefined => (s && /^\d{13}$/.test(s) ? s : undefined);

/**
 * One CSV row (keyed by the header) → a candidate, or a reason it cannot be one. Column names follow
 * the standard dataset's item names; the record id is the office number / permit number, else NO.
 */
export function opendataCandidate(
  key: OpendataKey,
  row: Record<string, string>,
): { ok: true; candidate: IncomingCandidate } | { ok: false; problem: string } {
  const src = OPENDATA_SOURCES[key];
  const source = opendataSourceName(key);
  if (src.dataset === "care_services") {
    const office = row["介護サービス事業所名称"];
    const operator = row["法人の名称"] || office;
    const id = row["事業所番号"] || row.NO;
    if (!operator || !id) return { ok: false, problem: "介護サービス事業所名称 / 事業所番号 missing" };
    const corporate = corp(row["法人番号"]);
    return {
      ok: true,
      candidate: {
        source,
        external_id: id,
        name: operator,
        ...(corporate ? { corporate_number: corporate } : {}),
        address: row["住所"] ?? "",
        attributes: {
          office: office ?? "",
          service: row["実施サービス"] ?? "",
          phone: row["電話番号"] ?? "",
        },
      },
    };
  }
  const operator = row["営業者の氏名又は名称"];
  const id = row["許可番号"] || row.NO;
  if (!operator || !id) return { ok: false, problem: "営業者の氏名又は名称 / 許可番号 missing" };
  const corporate = corp(row["法人番号"]);
  const until = row["有効期間満了日"];
  return {
    ok: true,
    candidate: {
      source,
      external_id: id,
      name: operator,
      ...(corporate ? { corporate_number: corporate } : {}),
      address: row["施設の所在地"] ?? "",
      ...(until && /^\d{4}-\d{2}-\d{2}$/.test(until) ? { valid_until: until } : {}),
      attributes: {
        facility: row["施設の名称"] ?? "",
        trade: row["業種"] ?? "",
        permitted_on: row["許可年月日"] ?? "",
      },
    },
  };
}
