// What jquants.daily_bars needs from J-Quants: one day's bars of every issue and the trading
// calendar, each with pagination_key followed to the end (the J-Quants client does that). Narrow on
// purpose: the job is tested against a fake of exactly this; the shared client fits it as is.
import type { CalendarDay, DailyBar } from "#jobs/jquants/jquants-schemas.ts";

/** One row of GET /equities/bars/daily (v2 field names). Prices are null on a day without trades. */
export type DailyBarRow = DailyBar;

/** One row of GET /markets/calendar. */
export type CalendarRow = CalendarDay;

export interface DailyBarsSource {
  dailyBars(q: { date: string }): Promise<readonly DailyBarRow[]>;
  calendar(q: { from: string; to: string }): Promise<readonly CalendarRow[]>;
}
