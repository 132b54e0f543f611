// The J-Quants API v2 answers the jobs read, as zod schemas (one per endpoint's row). Field names are
// v2's short ones (https://jpx-jquants.com/en/spec): /equities/master, /equities/bars/daily,
// /markets/calendar. Every answer is `{ data: [...], pagination_key? }`. Fields a job does not use
// are kept out of the schemas (zod drops them), and optional ones may be absent by plan (Mrgn is
// Standard+). Other helpers (jquants.daily_bars) may add the fields they read.
import * as z from "zod/mini";

const optText = z.optional(z.nullable(z.string()));
/** Prices and volumes: a number, or null on a day without trades. */
const num = z.optional(z.nullable(z.number()));

/** One company of GET /equities/master. */
export const MasterRowSchema = z.object({
  /** The date the information applies to (YYYY-MM-DD). */
  Date: optText,
  Code: z.string().check(z.minLength(1)),
  CoName: z.string(),
  CoNameEn: optText,
  S17: optText,
  S17Nm: optText,
  S33: optText,
  S33Nm: optText,
  ScaleCat: optText,
  Mkt: optText,
  MktNm: optText,
  /** Margin trading classification (Standard and Premium plans). */
  Mrgn: optText,
  MrgnNm: optText,
});
export type MasterRow = z.infer<typeof MasterRowSchema>;

/** One company's bar of GET /equities/bars/daily. */
export const DailyBarSchema = z.object({
  Date: z.string(),
  Code: z.string().check(z.minLength(1)),
  O: num,
  H: num,
  L: num,
  C: num,
  /** Volume and turnover value. */
  Vo: num,
  Va: num,
  AdjFactor: num,
  AdjO: num,
  AdjH: num,
  AdjL: num,
  AdjC: num,
  AdjVo: num,
});
export type DailyBar = z.infer<typeof DailyBarSchema>;

/** One day of GET /markets/calendar. */
export const CalendarDaySchema = z.object({
  Date: z.string(),
  /** 0 non-business day, 1 business day, 2 TSE half-day session, 3 non-business day with OSE holiday trading. */
  HolDiv: z.string(),
});
export type CalendarDay = z.infer<typeof CalendarDaySchema>;

/** Whether TSE equities trade that day (a full or a half-day session). */
export const isTradingDay = (day: CalendarDay): boolean => day.HolDiv === "1" || day.HolDiv === "2";

/** One page of an endpoint whose rows are `row`. */
export const pageSchema = <T extends z.ZodMiniType>(row: T) =>
  z.object({ data: z.array(row), pagination_key: z.optional(z.nullable(z.string())) });
