// A J-Quants API v2 stand-in over committed data, for integration tests, the bench and offline demos
// (`npm run stand-ins`): GET /equities/master (the listed-info fixture's 4,411 companies in v2 field
// names), /equities/bars/daily (bars made up per code and date, the same on every call) and
// /markets/calendar (JPX business days of 2026–2027 with Japan's holidays), each paginated with
// `pagination_key` as the real API does. The key is checked from `x-api-key` (401 missing, 403
// wrong); rate-limit 429s and flaky 503s are the source stand-in's modes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findDataFile, LISTED_INFO_FILE } from "#jobs/data-files.ts";
import { PROJECT_ROOT } from "./project-root.ts";
import { type StandIn, type StandInAnswer, type StandInRoutes, startStandIn } from "./source-stand-in.ts";

/** Rows per page: 4,411 companies come in 3 pages, as a multi-page pull must be exercised. */
export const JQUANTS_STAND_IN_PAGE_SIZE = 1500;

/** The committed calendar: every day of 2026 and 2027, HolDiv "1" on JPX business days, "0" otherwise. */
export const JQUANTS_CALENDAR_FILE = join(
  PROJECT_ROOT,
  "bin",
  "local",
  "stand-in-data",
  "jquants-calendar.json",
);

type Row = Record<string, string | number | null>;

/** The listed-info fixture (v1 /listed/info names) in v2 /equities/master names. */
export function fixtureMaster(): Row[] {
  const raw = JSON.parse(readFileSync(findDataFile(LISTED_INFO_FILE), "utf8")) as {
    info: Record<string, string>[];
  };
  return raw.info.map((r) => ({
    Date: r.Date ?? "",
    Code: r.Code ?? "",
    CoName: r.CompanyName ?? "",
    CoNameEn: r.CompanyNameEnglish ?? "",
    S17: r.Sector17Code ?? "",
    S17Nm: r.Sector17CodeName ?? "",
    S33: r.Sector33Code ?? "",
    S33Nm: r.Sector33CodeName ?? "",
    ScaleCat: r.ScaleCategory ?? "",
    Mkt: r.MarketCode ?? "",
    MktNm: r.MarketCodeName ?? "",
    Mrgn: r.MarginCode ?? "",
    MrgnNm: r.MarginCodeName ?? "",
  }));
}

export function fixtureCalendar(): { Date: string; HolDiv: string }[] {
  return (
    JSON.parse(readFileSync(JQUANTS_CALENDAR_FILE, "utf8")) as { data: { Date: string; HolDiv: string }[] }
  ).data;
}

/** FNV-1a: a stable number per text (the same bar for the same code and date on every run). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One company's bar on one day, made up but plausible: H ≥ max(O, C), L ≤ min(O, C), volume in 100s. */
export function standInBar(code: string, date: string): Row {
  const base = 100 + (hash(code) % 9900);
  const h = hash(`${code}|${date}`);
  const o = Math.round(base * (0.9 + (h % 2000) / 10_000));
  const c = Math.round(o * (0.97 + ((h >>> 11) % 600) / 10_000));
  const hi = Math.max(o, c) + ((h >>> 3) % 7);
  const lo = Math.max(1, Math.min(o, c) - ((h >>> 7) % 7));
  const vo = 100 * (1 + ((h >>> 5) % 5000));
  return {
    Date: date,
    Code: code,
    O: o,
    H: hi,
    L: lo,
    C: c,
    UL: "0",
    LL: "0",
    Vo: vo,
    Va: vo * c,
    AdjFactor: 1,
    AdjO: o,
    AdjH: hi,
    AdjL: lo,
    AdjC: c,
    AdjVo: vo,
  };
}

/** YYYYMMDD or YYYY-MM-DD → YYYY-MM-DD (J-Quants takes both). */
const isoDay = (v: string | null): string | null =>
  v === null ? null : /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}` : v;

const codeMatches = (code: string, asked: string) =>
  code === asked || (asked.length === 4 && code.startsWith(asked));

/** A page of `rows` from the request's pagination_key. */
function page(rows: Row[], key: string | null, size: number): StandInAnswer {
  const offset =
    key === null
      ? 0
      : Number(
          Buffer.from(key, "base64url")
            .toString("utf8")
            .replace(/^offset:/, ""),
        );
  if (!Number.isInteger(offset) || offset < 0 || offset > rows.length) {
    return { status: 400, json: { message: "pagination_key is invalid" } };
  }
  const next = offset + size;
  return {
    json: {
      data: rows.slice(offset, next),
      ...(next < rows.length ? { pagination_key: Buffer.from(`offset:${next}`).toString("base64url") } : {}),
    },
  };
}

export type JQuantsRouteOptions = {
  pageSize?: number;
  /** The companies /equities/master answers (default: the fixture's 4,411). */
  master?: Row[];
};

export function jquantsRoutes(opts: JQuantsRouteOptions = {}): StandInRoutes {
  const size = opts.pageSize ?? JQUANTS_STAND_IN_PAGE_SIZE;
  const master = opts.master ?? fixtureMaster();
  const calendar = fixtureCalendar();
  const trading = new Set(calendar.filter((d) => d.HolDiv === "1" || d.HolDiv === "2").map((d) => d.Date));
  return {
    "/equities/master": (req) => {
      const code = req.query.get("code");
      const date = isoDay(req.query.get("date"));
      let rows = code ? master.filter((r) => codeMatches(String(r.Code), code)) : master;
      if (date) rows = rows.map((r) => ({ ...r, Date: date }));
      return page(rows, req.query.get("pagination_key"), size);
    },
    "/equities/bars/daily": (req) => {
      const code = req.query.get("code");
      const date = isoDay(req.query.get("date"));
      if (!code && !date)
        return {
          status: 400,
          json: { message: "This API requires at least 1 parameter as follows; 'date','code'." },
        };
      let days: string[];
      if (date) days = trading.has(date) ? [date] : [];
      else {
        const from = isoDay(req.query.get("from")) ?? "0000-00-00";
        const to = isoDay(req.query.get("to")) ?? "9999-99-99";
        days = [...trading].filter((d) => d >= from && d <= to).sort();
      }
      const codes = master.map((r) => String(r.Code)).filter((c) => !code || codeMatches(c, code));
      const rows = days.flatMap((d) => codes.map((c) => standInBar(c, d)));
      return page(rows, req.query.get("pagination_key"), size);
    },
    "/markets/calendar": (req) => {
      const from = isoDay(req.query.get("from")) ?? "0000-00-00";
      const to = isoDay(req.query.get("to")) ?? "9999-99-99";
      const div = req.query.get("hol_div");
      const rows = calendar.filter((d) => d.Date >= from && d.Date <= to && (!div || d.HolDiv === div));
      return page(rows, req.query.get("pagination_key"), size);
    },
  };
}

/** The J-Quants stand-in on 127.0.0.1 under /v2, requiring `apiKey` in x-api-key. */
export function startJQuantsStandIn(
  opts: JQuantsRouteOptions & { apiKey: string; port?: number },
): Promise<StandIn> {
  return startStandIn(jquantsRoutes(opts), {
    port: opts.port,
    basePath: "/v2",
    modes: [{ mode: "require_header", header: "x-api-key", value: opts.apiKey }],
  });
}
