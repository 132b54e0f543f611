// The J-Quants stand-in's market data (issue 17, jquants.daily_bars): the trading calendar of 2026
// from JPX's published market holidays (committed below), and each trading day's daily bars of the
// committed listed-company fixture's issues, derived deterministically from code and date (the
// same request always gets the same bars; no randomness, nothing downloaded). Served in v2 shape with
// pagination_key by jquantsMarketRoutes (a page of `pageSize` rows; 4,411 issues are 5 pages).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./project-root.ts";
import type { StandInRoutes } from "./source-stand-in.ts";

/** JPX market holidays of 2026 besides weekends (jpx.co.jp, "Market Holidays"). */
export const MARKET_HOLIDAYS_2026: readonly string[] = [
  "2026-01-01",
  "2026-01-02",
  "2026-01-03",
  "2026-01-12", // 成人の日
  "2026-02-11", // 建国記念の日
  "2026-02-23", // 天皇誕生日
  "2026-03-20", // 春分の日
  "2026-04-29", // 昭和の日
  "2026-05-04", // みどりの日
  "2026-05-05", // こどもの日
  "2026-05-06", // 憲法記念日の振替休日
  "2026-07-20", // 海の日
  "2026-08-11", // 山の日
  "2026-09-21", // 敬老の日
  "2026-09-22", // 国民の休日
  "2026-09-23", // 秋分の日
  "2026-10-12", // スポーツの日
  "2026-11-03", // 文化の日
  "2026-11-23", // 勤労感謝の日
  "2026-12-31",
];

/** The calendar's published range: J-Quants answers no row outside it. */
export const CALENDAR_FROM = "2026-01-01";
export const CALENDAR_TO = "2026-12-31";

const DAY_MS = 86_400_000;
const toDay = (d: string) => Date.parse(`${d}T00:00:00Z`);
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
/** J-Quants accepts 20260105 as well as 2026-01-05. */
export const normalizeDate = (d: string) =>
  /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d;

/** HolDiv of `date`: "1" business day, "0" non-business day (weekend or holiday). */
export function holDiv(date: string): string {
  const weekday = new Date(toDay(date)).getUTCDay();
  return weekday === 0 || weekday === 6 || MARKET_HOLIDAYS_2026.includes(date) ? "0" : "1";
}

/** /markets/calendar rows for [from, to] (clamped to the published range). */
export function fixtureCalendar(from: string, to: string): { Date: string; HolDiv: string }[] {
  const start = Math.max(toDay(from), toDay(CALENDAR_FROM));
  const end = Math.min(toDay(to), toDay(CALENDAR_TO));
  const out: { Date: string; HolDiv: string }[] = [];
  for (let t = start; t <= end; t += DAY_MS) out.push({ Date: isoDay(t), HolDiv: holDiv(isoDay(t)) });
  return out;
}

/** FNV-1a: a stable number from a string (the same code and date give the same bar). */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

let codes: string[] | null = null;
/** The issues of the committed listed-company fixture (4,411), in its order. */
export function fixtureCodes(root = PROJECT_ROOT): string[] {
  codes ??= (
    JSON.parse(readFileSync(join(root, "functions/jobs/data/listed-info.json"), "utf8")) as {
      info: { Code: string }[];
    }
  ).info.map((r) => r.Code);
  return codes;
}

/** One issue's bar of `date`: about 1 in 80 issues did not trade (J-Quants' nulls). */
export function fixtureBar(code: string, date: string) {
  const base = 100 + (hash(code) % 9900);
  const h = hash(`${code}#${date}`);
  if (h % 80 === 0) {
    return {
      Date: date,
      Code: code,
      O: null,
      H: null,
      L: null,
      C: null,
      UL: "0",
      LL: "0",
      Vo: null,
      Va: null,
      AdjFactor: 1,
      AdjO: null,
      AdjH: null,
      AdjL: null,
      AdjC: null,
      AdjVo: null,
    };
  }
  const move = ((h >>> 8) % 201) - 100; // -100..100 → ±5 %
  const open = Math.round(base * (1 + move / 2000));
  const close = Math.round(open * (1 + (((h >>> 16) % 61) - 30) / 1000));
  const high = Math.max(open, close) + ((h >>> 4) % 7);
  const low = Math.max(1, Math.min(open, close) - ((h >>> 12) % 7));
  const volume = 100 * (1 + ((h >>> 3) % 5000));
  return {
    Date: date,
    Code: code,
    O: open,
    H: high,
    L: low,
    C: close,
    UL: "0",
    LL: "0",
    Vo: volume,
    Va: volume * close,
    AdjFactor: 1,
    AdjO: open,
    AdjH: high,
    AdjL: low,
    AdjC: close,
    AdjVo: volume,
  };
}

/** Every issue's bar of `date`; none on a non-business day (or outside the calendar). */
export function fixtureDailyBars(date: string) {
  if (date < CALENDAR_FROM || date > CALENDAR_TO || holDiv(date) !== "1") return [];
  return fixtureCodes().map((code) => fixtureBar(code, date));
}

/** A page of `rows` from the opaque pagination_key (an offset here), and the next key if any. */
function page<T>(
  rows: readonly T[],
  key: string | null,
  size: number,
): { data: T[]; pagination_key?: string } {
  const at = key ? Number.parseInt(Buffer.from(key, "base64url").toString(), 10) || 0 : 0;
  const next = at + size;
  return {
    data: rows.slice(at, next),
    ...(next < rows.length ? { pagination_key: Buffer.from(String(next)).toString("base64url") } : {}),
  };
}

/**
 * /equities/bars/daily (by date, optionally one code; J-Quants requires code or date) and
 * /markets/calendar (from/to), paged `pageSize` rows at a time.
 */
export function jquantsMarketRoutes(opts: { pageSize?: number } = {}): StandInRoutes {
  const size = opts.pageSize ?? 1000;
  return {
    "/equities/bars/daily": (req) => {
      const date = req.query.get("date");
      const code = req.query.get("code");
      if (!date && !code)
        return {
          status: 400,
          json: { message: "This API requires at least 1 parameter as follows; 'date','code'." },
        };
      if (!date) return { status: 400, json: { message: "the stand-in serves bars by date only" } };
      const rows = fixtureDailyBars(normalizeDate(date)).filter(
        (b) => !code || b.Code === code || (code.length === 4 && b.Code === `${code}0`),
      );
      return { json: page(rows, req.query.get("pagination_key"), size) };
    },
    "/markets/calendar": (req) => {
      const from = normalizeDate(req.query.get("from") ?? CALENDAR_FROM);
      const to = normalizeDate(req.query.get("to") ?? CALENDAR_TO);
      return { json: page(fixtureCalendar(from, to), req.query.get("pagination_key"), size) };
    },
  };
}
