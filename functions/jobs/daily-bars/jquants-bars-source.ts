// DailyBarsSource over J-Quants v2: the day's bars and the calendar, every pagination_key page.
// Interim: built on http-json directly until the shared J-Quants client (jquants/jquants-client.ts)
// lands; then this file only adapts that client.
import { hostEnv } from "#config/env-contract.ts";
import { createHttpJson, type HttpJson } from "#jobs/http/http-json.ts";
import type { CalendarRow, DailyBarRow, DailyBarsSource } from "./bars-source.ts";
import type { BarsSourceOpener } from "./daily-bars.ts";

const DEFAULT_BASE_URL = "https://api.jquants.com/v2";

async function allPages<T>(http: HttpJson, path: string, query: Record<string, string>): Promise<T[]> {
  const rows: T[] = [];
  let key: string | undefined;
  do {
    const page = (await http.getJson(path, { ...query, pagination_key: key })) as {
      data?: T[];
      pagination_key?: string;
    };
    rows.push(...(page.data ?? []));
    key = page.pagination_key || undefined;
  } while (key);
  return rows;
}

export const openJQuantsBarsSource: BarsSourceOpener = async (ctx) => {
  const key = await ctx.secret("jquants_api_key");
  if (!key) {
    throw new Error(
      "the J-Quants API key is not configured: set JQUANTS_API_KEY locally, or the secret " +
        "jobdeck/jquants-api-key in AWS Secrets Manager",
    );
  }
  const http = createHttpJson({
    baseUrl: hostEnv().JOBDECK_JQUANTS_BASE_URL || DEFAULT_BASE_URL,
    headers: { "x-api-key": key },
    signal: ctx.signal,
  });
  const source: DailyBarsSource = {
    dailyBars: ({ date }) => allPages<DailyBarRow>(http, "/equities/bars/daily", { date }),
    calendar: ({ from, to }) => allPages<CalendarRow>(http, "/markets/calendar", { from, to }),
  };
  return source;
};
