// clone.corporate_number (seed 000: companies.tasks.run_corporate_number_import_task): corporations
// from the 法人番号システム Web-API into review candidates. With `company_ids` (法人番号) it asks
// for exactly those (/num, 10 a request); without, the changes of the day before the run's logical
// day (/diff, every `divide` part). The application id is a job secret; without one the run fails
// saying how to set it, unless `allow_missing_token` — then it loads the bundled sample answer
// (seed 000's "サンプルデータ投入"), marking each candidate `sample: true`.
import { readFile } from "node:fs/promises";
import * as z from "zod/mini";
import { cloneSourceBaseUrl, type HostEnv, hostEnv } from "#config/env-contract.ts";
import { findDataFile, HOUJIN_SAMPLE_FILE } from "#jobs/data-files.ts";
import { defineJob, type JobContext } from "#jobs/define-job.ts";
import type { CloneStores } from "./candidate-batch.ts";
import { compareAndWrite, jstDay } from "./candidate-batch.ts";
import { cloneCandidatesStore } from "./candidate-store.ts";
import type { IncomingCandidate } from "./candidates.ts";
import {
  CLONE_ITEMS,
  CLONE_MESSAGES,
  CLONE_SKIP_REASONS,
  CLONE_STAGES,
  CORPORATE_NUMBER_DESCRIPTION,
} from "./clone-words.ts";
import { isCorporateNumber } from "./corporate-number.ts";
import {
  dayBefore,
  HOUJIN_DEFAULT_BASE_URL,
  HOUJIN_NUMBERS_PER_REQUEST,
  HOUJIN_SOURCE,
  type HoujinRow,
  houjinCandidate,
  parseHoujinCsv,
} from "./houjin-bangou.ts";
import { type HttpJson, openSourceHttp } from "./source-http.ts";

export const HOUJIN_APP_ID_SECRET = { env: "HOUJIN_BANGOU_APP_ID", name: "jobdeck/houjin-bangou-app-id" };

/** A 法人番号, as a string or (seed 000's `[123, 456]` style) a number. */
export const CorporateNumberId = z
  .pipe(
    z.union([z.string(), z.int()]),
    z.transform((v) => String(v).trim()),
  )
  .check(
    z.refine(isCorporateNumber, {
      message: "must be a 13-digit corporate number (法人番号) with a valid check digit",
    }),
  );

export const CorporateNumberParams = z.strictObject({
  /** Only these corporations (法人番号); absent: the previous day's changes. */
  company_ids: z.optional(z.array(CorporateNumberId).check(z.minLength(1), z.maxLength(500))),
  /** Without an application id: load the bundled sample instead of failing. */
  allow_missing_token: z._default(z.boolean(), false),
});
export type CorporateNumberParams = z.output<typeof CorporateNumberParams>;

/** The run could not ask the API: no application id, and the sample was not allowed. */
export class MissingAppIdError extends Error {
  override name = "MissingAppIdError";
  constructor() {
    super(
      "no application id for the 法人番号 Web-API: set HOUJIN_BANGOU_APP_ID locally or the secret " +
        "jobdeck/houjin-bangou-app-id in AWS, or run with allow_missing_token: true to load the bundled sample",
    );
  }
}

export type CorporateNumberDeps = {
  /** The application id, or null when not configured. */
  appId: string | null;
  /** The client for the API (made from the base URL when absent). */
  http?: HttpJson;
  env?: HostEnv;
  /** Overrides the source's request spacing (tests: 0, none). */
  requestsPerMinute?: number;
};

function* chunks<T>(xs: readonly T[], n: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += n) yield xs.slice(i, i + n);
}

async function fetchRows(
  ctx: JobContext<CorporateNumberParams, CloneStores>,
  http: HttpJson,
  appId: string,
): Promise<HoujinRow[]> {
  const rows: HoujinRow[] = [];
  const ids = ctx.params.company_ids;
  if (ids) {
    const parts = [...chunks(ids, HOUJIN_NUMBERS_PER_REQUEST)];
    for (const [i, part] of parts.entries()) {
      ctx.throwIfCancelled();
      const text = await http.getText("/num", { id: appId, number: part.join(","), type: "02", history: 0 });
      const answer = parseHoujinCsv(text);
      rows.push(...answer.rows);
      ctx.progress({
        current: i + 1,
        total: parts.length,
        message: {
          key: "fetched_page",
          params: { source: HOUJIN_SOURCE, page: i + 1, pages: parts.length, count: answer.rows.length },
        },
      });
    }
    return rows;
  }
  // The day before the logical day: a 02:00 run (or a backfill for that day) takes the whole of it.
  const day = dayBefore(jstDay(ctx.scheduledFor));
  let divide = 1;
  let size = 1;
  do {
    ctx.throwIfCancelled();
    const text = await http.getText("/diff", { id: appId, from: day, to: day, type: "02", divide });
    const answer = parseHoujinCsv(text);
    rows.push(...answer.rows);
    size = answer.divideSize;
    ctx.progress({
      current: divide,
      total: size,
      message: {
        key: "fetched_page",
        params: { source: HOUJIN_SOURCE, page: divide, pages: size, count: answer.rows.length },
      },
    });
    divide++;
  } while (divide <= size);
  return rows;
}

/** The job's work, with its source and secret passed in (unit tests pass a fake client). */
export async function runCorporateNumber(
  ctx: JobContext<CorporateNumberParams, CloneStores>,
  deps: CorporateNumberDeps,
): Promise<void> {
  ctx.stage("fetch");
  ctx.item(HOUJIN_SOURCE, { status: "running" });
  let rows: HoujinRow[];
  let sample = false;
  if (deps.appId) {
    ctx.progress({ message: { key: "fetching", params: { source: HOUJIN_SOURCE } } });
    const http =
      deps.http ??
      openSourceHttp({
        baseUrl: cloneSourceBaseUrl("JOBDECK_HOUJIN_BANGOU_BASE_URL", deps.env) ?? HOUJIN_DEFAULT_BASE_URL,
        signal: ctx.signal,
        // The API asks for restraint, not a number: one request a second is far below any complaint.
        requestsPerMinute: deps.requestsPerMinute ?? 60,
        onRetry: (r) =>
          ctx.logger.warn("houjin api retry", { status: r.status, retry: r.retry, delay_ms: r.delayMs }),
      });
    rows = await fetchRows(ctx, http, deps.appId);
  } else if (ctx.params.allow_missing_token) {
    sample = true;
    const all = parseHoujinCsv(
      await readFile(findDataFile(HOUJIN_SAMPLE_FILE, deps.env ?? hostEnv()), "utf8"),
    ).rows;
    const ids = ctx.params.company_ids ? new Set(ctx.params.company_ids) : null;
    rows = ids ? all.filter((r) => ids.has(r.corporateNumber)) : all;
    ctx.logger.warn("no application id: loading the bundled sample", { records: rows.length });
    ctx.progress({ message: { key: "sample_no_token", params: { count: rows.length } } });
  } else {
    throw new MissingAppIdError();
  }
  ctx.count.input(rows.length);
  ctx.item(HOUJIN_SOURCE, { current: rows.length, total: rows.length, status: "done" });
  ctx.progress({
    current: rows.length,
    total: rows.length,
    message: { key: "fetched", params: { count: rows.length } },
  });
  ctx.throwIfCancelled();

  ctx.stage("parse");
  const incoming: IncomingCandidate[] = rows.map(houjinCandidate);
  await compareAndWrite(ctx, incoming, { sample });
}

export const corporateNumberJob = defineJob({
  name: "clone.corporate_number",
  description: CORPORATE_NUMBER_DESCRIPTION,
  category: "clone",
  data_sources: [HOUJIN_SOURCE],
  parameters: CorporateNumberParams,
  concurrency: "job",
  // One attempt: the HTTP client already retries what is transient (429, 5xx, dropped connections);
  // what is left (a missing id, a 400/403) would fail the same way again.
  timeout_seconds: 600,
  stages: CLONE_STAGES,
  messages: CLONE_MESSAGES,
  skip_reasons: CLONE_SKIP_REASONS,
  item_labels: CLONE_ITEMS,
  secrets: { app_id: HOUJIN_APP_ID_SECRET },
  stores: { candidates: cloneCandidatesStore },
  async run(ctx) {
    await runCorporateNumber(ctx, { appId: await ctx.secret("app_id") });
  },
});
