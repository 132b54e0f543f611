// What jquants.daily_bars needs from J-Quants: one day's bars of every issue and the trading
// calendar, each with pagination_key followed to the end (the J-Quants client does that). Narrow on
// purpose: the job is tested against a fake of exactly this, and any client with these two methods fits.

/** One row of GET /equities/bars/daily (v2 field names). Prices are null on a day without trades. */
export type DailyBarRow = {
  Date: string;
  Code: string;
  O?: number | null;
  H?: number | null;
  L?: number | null;
  C?: number | null;
  /** "1" when the price hit the daily upper / lower limit. */
  UL?: string | null;
  LL?: string | null;
  Vo?: number | null;
  Va?: number | null;
  AdjFactor?: number | null;
  AdjO?: number | null;
  AdjH?: number | null;
  AdjL?: number | null;
  AdjC?: number | null;
  AdjVo?: number | null;
};

/** One row of GET /markets/calendar. */
export type CalendarRow = { Date: string; HolDiv: string };

export interface DailyBarsSource {
  dailyBars(q: { date: string }): Promise<readonly DailyBarRow[]>;
  calendar(q: { from: string; to: string }): Promise<readonly CalendarRow[]>;
}

/**
 * J-Quants' holiday divisions (HolDiv): "0" non-business day, "1" business day, "2" TSE half-day
 * session, "3" non-business day with OSE holiday trading (derivatives only: no equity bars).
 */
export const TRADING_HOL_DIVS: readonly string[] = ["1", "2"];
