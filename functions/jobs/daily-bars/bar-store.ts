// The bars jquants.daily_bars keeps: one item per issue and trading day (key code + date).

/** A stored daily bar: J-Quants' values under readable names, plus which run wrote it. */
export type BarRecord = {
  code: string;
  /** YYYY-MM-DD, the trading day. */
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  upper_limit: string | null;
  lower_limit: string | null;
  volume: number | null;
  turnover_value: number | null;
  adj_factor: number | null;
  adj_open: number | null;
  adj_high: number | null;
  adj_low: number | null;
  adj_close: number | null;
  adj_volume: number | null;
  /** The run that last wrote the bar, and when. */
  fetched_run: string;
  updated_at: string;
};

export interface BarStore {
  /** Every stored bar of `date` (one Query of the by-date index). */
  readDay(date: string): Promise<BarRecord[]>;
  /** Puts every bar (insert or replace by code + date), reporting the count written so far. */
  putMany(bars: readonly BarRecord[], onProgress?: (written: number) => void): Promise<void>;
}
