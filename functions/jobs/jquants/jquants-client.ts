// A J-Quants API v2 client for jobs (https://jpx-jquants.com/en/spec): `x-api-key` authentication,
// pagination_key followed to the end, the plan's rate limit kept (https://jpx-jquants.com/en/spec/rate-limits:
// Free 5, Light 60, Standard 120, Premium 500 requests/min) and 429/5xx retried with Retry-After
// (http-json.ts). A rejected key (401/403) becomes JQuantsAuthError, whose message names where the key
// comes from and never the key. The key itself is the job's secret (ctx.secret), masked everywhere.
import type * as z from "zod/mini";
import type { HostEnv } from "#config/env-contract.ts";
import { createHttpJson, type HttpJson, HttpStatusError, type RetryInfo } from "#jobs/http/http-json.ts";
import {
  type CalendarDay,
  CalendarDaySchema,
  type DailyBar,
  DailyBarSchema,
  type MasterRow,
  MasterRowSchema,
  pageSchema,
} from "./jquants-schemas.ts";

export const JQUANTS_DEFAULT_BASE_URL = "https://api.jquants.com/v2";

/** The plans' request limits per minute (J-Quants' published basic values). */
export const JQUANTS_PLAN_RPM = { free: 5, light: 60, standard: 120, premium: 500 } as const;
export type JQuantsPlan = keyof typeof JQUANTS_PLAN_RPM;

/** The job secret that holds the key: JQUANTS_API_KEY locally, jobdeck/jquants-api-key in AWS. */
export const JQUANTS_API_KEY_SECRET = { env: "JQUANTS_API_KEY", name: "jobdeck/jquants-api-key" } as const;

/** The host's J-Quants settings (variables documented in env-contract.ts, issue 17 JQ). */
export type JQuantsSettings = { baseUrl: string; requestsPerMinute: number; plan: JQuantsPlan | null };

/**
 * Reads JOBDECK_JQUANTS_BASE_URL, JOBDECK_JQUANTS_RPM and JOBDECK_JQUANTS_PLAN. Without either
 * limit the Free plan's 5/min is kept: slow, but never over any plan's limit. A bad value throws
 * naming the variable (a run that would hammer the API is worse than one that does not start).
 */
export function jquantsSettings(env: HostEnv): JQuantsSettings {
  const baseUrl = env.JOBDECK_JQUANTS_BASE_URL?.trim() || JQUANTS_DEFAULT_BASE_URL;
  if (!/^https?:\/\//.test(baseUrl)) {
    throw new Error(`JOBDECK_JQUANTS_BASE_URL must be an http(s) URL, got '${baseUrl}'`);
  }
  const planText = env.JOBDECK_JQUANTS_PLAN?.trim().toLowerCase() || null;
  if (planText !== null && !(planText in JQUANTS_PLAN_RPM)) {
    throw new Error(
      `JOBDECK_JQUANTS_PLAN must be one of ${Object.keys(JQUANTS_PLAN_RPM).join(", ")}, got '${planText}'`,
    );
  }
  const plan = planText as JQuantsPlan | null;
  const rpmText = env.JOBDECK_JQUANTS_RPM?.trim();
  if (rpmText !== undefined && rpmText !== "" && !/^\d+$/.test(rpmText)) {
    throw new Error(`JOBDECK_JQUANTS_RPM must be a whole number of requests per minute, got '${rpmText}'`);
  }
  const rpm = rpmText ? Number(rpmText) : plan ? JQUANTS_PLAN_RPM[plan] : JQUANTS_PLAN_RPM.free;
  if (rpm < 1) throw new Error("JOBDECK_JQUANTS_RPM must be at least 1");
  return { baseUrl, requestsPerMinute: rpm, plan };
}

/** J-Quants refused the key: not retried, said plainly (the run's error summary). */
export class JQuantsAuthError extends Error {
  override name = "JQuantsAuthError";
  constructor(readonly status: number) {
    super(
      `J-Quants rejected the API key (${status}): check JQUANTS_API_KEY locally, or the secret ` +
        `${JQUANTS_API_KEY_SECRET.name} in AWS, and that the plan covers this endpoint`,
    );
  }
}

/** An answer not in the endpoint's v2 shape (the API changed, or the base URL is not J-Quants). */
export class JQuantsShapeError extends Error {
  override name = "JQuantsShapeError";
}

export type JQuantsPage = { endpoint: string; page: number; rows: number; total: number };

export type JQuantsClientOptions = {
  apiKey: string;
  baseUrl?: string;
  requestsPerMinute?: number;
  signal?: AbortSignal;
  retries?: number;
  timeoutMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** After each page is read (progress: pages as they come). */
  onPage?: (page: JQuantsPage) => void;
  /** Before each retry's wait (a job logs it). */
  onRetry?: (info: RetryInfo) => void;
  /** Tests: the transport (else http-json over fetch). */
  http?: HttpJson;
};

export interface JQuantsClient {
  /** Every listed company (GET /equities/master), optionally as of `date` or for one `code`. */
  masterAll(q?: { date?: string; code?: string }): Promise<MasterRow[]>;
  /** Daily bars (GET /equities/bars/daily): all companies on `date`, or one `code` over from..to. */
  dailyBars(q: { date?: string; code?: string; from?: string; to?: string }): Promise<DailyBar[]>;
  /** The trading calendar (GET /markets/calendar) over from..to. */
  calendar(q: { from?: string; to?: string; hol_div?: string }): Promise<CalendarDay[]>;
}

/** A loop guard: no real pull of one endpoint needs this many pages. */
const MAX_PAGES = 10_000;

export function createJQuantsClient(opts: JQuantsClientOptions): JQuantsClient {
  const http =
    opts.http ??
    createHttpJson({
      baseUrl: opts.baseUrl ?? JQUANTS_DEFAULT_BASE_URL,
      headers: { "x-api-key": opts.apiKey },
      requestsPerMinute: opts.requestsPerMinute,
      retries: opts.retries,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      sleep: opts.sleep,
      onRetry: opts.onRetry,
    });

  async function all<T extends z.ZodMiniType>(
    endpoint: string,
    row: T,
    query: Record<string, string | undefined>,
  ): Promise<z.output<T>[]> {
    const schema = pageSchema(row);
    const out: z.output<T>[] = [];
    const seen = new Set<string>();
    let key: string | undefined;
    for (let page = 1; page <= MAX_PAGES; page++) {
      let raw: unknown;
      try {
        raw = await http.getJson(endpoint, { ...query, pagination_key: key });
      } catch (e) {
        if (e instanceof HttpStatusError && (e.status === 401 || e.status === 403)) {
          throw new JQuantsAuthError(e.status);
        }
        throw e;
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new JQuantsShapeError(
          `J-Quants ${endpoint} page ${page} is not in the v2 shape: ` +
            `${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim(),
        );
      }
      out.push(...(parsed.data.data as z.output<T>[]));
      opts.onPage?.({ endpoint, page, rows: parsed.data.data.length, total: out.length });
      const next = parsed.data.pagination_key ?? undefined;
      if (!next) return out;
      if (seen.has(next)) throw new JQuantsShapeError(`J-Quants ${endpoint} repeated a pagination_key`);
      seen.add(next);
      key = next;
    }
    throw new JQuantsShapeError(`J-Quants ${endpoint} had more than ${MAX_PAGES} pages`);
  }

  return {
    masterAll: (q = {}) => all("/equities/master", MasterRowSchema, q),
    dailyBars: (q) => all("/equities/bars/daily", DailyBarSchema, q),
    calendar: (q) => all("/markets/calendar", CalendarDaySchema, q),
  };
}
