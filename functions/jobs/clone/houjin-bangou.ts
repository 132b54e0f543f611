// The 国税庁 法人番号システム Web-API (v4): what the job asks and how it reads the answer.
//   GET {base}/num?id=<アプリケーションID>&number=<n1,n2,…≤10>&type=02&history=0
//   GET {base}/diff?id=<アプリケーションID>&from=YYYY-MM-DD&to=YYYY-MM-DD&type=02&divide=<n>
// type=02 answers Unicode CSV: a first line `最終更新年月日,総件数,分割番号,分割数`, then one line
// per corporation in the 30 columns below, without a header line. A diff larger than one answer is
// split: `divide` = 1..分割数. (XML, type=12, carries the same fields; CSV needs no XML parser.)
import type { IncomingCandidate } from "./candidates.ts";
import { parseCsvRows } from "./clone-csv.ts";

export const HOUJIN_SOURCE = "houjin_bangou_api";
export const HOUJIN_DEFAULT_BASE_URL = "https://api.houjin-bangou.nta.go.jp/4";
/** The API takes at most 10 numbers per /num request. */
export const HOUJIN_NUMBERS_PER_REQUEST = 10;

export const HOUJIN_COLUMNS = [
  "sequenceNumber",
  "corporateNumber",
  "process",
  "correct",
  "updateDate",
  "changeDate",
  "name",
  "nameImageId",
  "kind",
  "prefectureName",
  "cityName",
  "streetNumber",
  "addressImageId",
  "prefectureCode",
  "cityCode",
  "postCode",
  "addressOutside",
  "addressOutsideImageId",
  "closeDate",
  "closeCause",
  "successorCorporateNumber",
  "changeCause",
  "assignmentDate",
  "latest",
  "enName",
  "enPrefectureName",
  "enCityName",
  "enAddressOutside",
  "furigana",
  "hihyoji",
] as const;
export type HoujinRow = Record<(typeof HOUJIN_COLUMNS)[number], string>;

export type HoujinAnswer = {
  lastUpdateDate: string;
  count: number;
  divideNumber: number;
  divideSize: number;
  rows: HoujinRow[];
};

/** Reads one type=02 answer; a malformed first line or row is an error naming the line. */
export function parseHoujinCsv(text: string): HoujinAnswer {
  const [head, ...lines] = parseCsvRows(text);
  if (!head || head.length < 4 || !/^\d+$/.test(head[1] ?? "")) {
    throw new Error(
      `法人番号 API answer: the first line is not 最終更新年月日,総件数,分割番号,分割数 (${(head ?? []).slice(0, 4).join(",")})`,
    );
  }
  const rows = lines.map((fields, i) => {
    if (fields.length < 24 || !/^\d{13}$/.test(fields[1] ?? "")) {
      throw new Error(
        `法人番号 API answer: line ${i + 2} is not a corporation row (${fields.length} fields)`,
      );
    }
    return Object.fromEntries(HOUJIN_COLUMNS.map((c, k) => [c, fields[k] ?? ""])) as HoujinRow;
  });
  return {
    lastUpdateDate: head[0] ?? "",
    count: Number(head[1]),
    divideNumber: Number(head[2] ?? 1),
    divideSize: Number(head[3] ?? 1),
    rows,
  };
}

/** The day before YYYY-MM-DD (a corporation closed on D is valid up to D − 1). */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function houjinCandidate(r: HoujinRow): IncomingCandidate {
  return {
    source: HOUJIN_SOURCE,
    external_id: r.corporateNumber,
    name: r.name,
    ...(r.furigana ? { name_kana: r.furigana } : {}),
    corporate_number: r.corporateNumber,
    address: `${r.prefectureName}${r.cityName}${r.streetNumber}` || r.addressOutside,
    // 登記記録の閉鎖等年月日: a closed corporation is no one to review.
    ...(r.closeDate ? { valid_until: dayBefore(r.closeDate) } : {}),
    attributes: {
      kind: r.kind,
      process: r.process,
      update_date: r.updateDate,
      post_code: r.postCode,
      ...(r.enName ? { en_name: r.enName } : {}),
    },
  };
}
