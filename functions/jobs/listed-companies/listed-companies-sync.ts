// Daily full sync of the listed-company master: J-Quants API v2 GET /equities/master (issue 17), or
// the committed fixture (the v1 /listed/info shape) for offline demos and tests. Its words, in
// both languages of the admin page, are in listed-companies-words.ts.
// Full sync: every source record is compared with the stored one; only new, changed, reactivated
// and deactivated companies are written. Companies missing from the source are deactivated.

import { readFile } from "node:fs/promises";
import * as z from "zod/mini";
import { type HostEnv, hostEnv } from "#config/env-contract.ts";
import type { JobContext } from "#domain/jobs/job-definition.ts";
import { findDataFile, LISTED_INFO_FILE } from "#jobs/data-files.ts";
import { defineJob } from "#jobs/define-job.ts";
import {
  createJQuantsClient,
  JQUANTS_API_KEY_SECRET,
  type JQuantsClient,
  jquantsSettings,
} from "#jobs/jquants/jquants-client.ts";
import type { MasterRow } from "#jobs/jquants/jquants-schemas.ts";
import { companiesStore } from "./companies-table.ts";
import type { CompanyRecord } from "./company-store.ts";
import {
  LISTED_DESCRIPTION,
  LISTED_ITEMS,
  LISTED_MESSAGES,
  LISTED_SKIP_REASONS,
  LISTED_STAGES,
} from "./listed-companies-words.ts";

/** Environment variable naming a JSON file (same shape as /listed/info) that replaces the fixture. */
export const LISTED_INFO_PATH_ENV = "JOBDECK_LISTED_INFO_PATH";

const optText = z.optional(z.nullable(z.string()));

/** One record of the J-Quants /listed/info response (fields the sync uses; others are ignored). */
export const ListedInfoRecordSchema = z.object({
  Date: optText,
  Code: z.string().check(z.minLength(1)),
  CompanyName: z.string(),
  CompanyNameEnglish: optText,
  Sector17Code: optText,
  Sector17CodeName: optText,
  Sector33Code: optText,
  Sector33CodeName: optText,
  ScaleCategory: optText,
  MarketCode: optText,
  MarketCodeName: optText,
  MarginCode: optText,
  MarginCodeName: optText,
});
export type ListedInfoRecord = z.infer<typeof ListedInfoRecordSchema>;

export const ListedInfoResponseSchema = z.object({ info: z.array(ListedInfoRecordSchema) });

/** A company as the source describes it: a CompanyRecord without the sync bookkeeping. */
export type SourceCompany = Omit<CompanyRecord, "active" | "last_seen_run" | "updated_at">;

/**
 * Fields whose change makes a stored company "updated". `listed_date` (J-Quants `Date`, the date
 * the information applies to) is left out on purpose: it moves every day for every company.
 */
export const COMPARED_FIELDS = [
  "company_name",
  "company_name_english",
  "sector17_code",
  "sector17_code_name",
  "sector33_code",
  "sector33_code_name",
  "scale_category",
  "market_code",
  "market_code_name",
] as const satisfies readonly (keyof SourceCompany)[];

export function toSourceCompany(r: ListedInfoRecord): SourceCompany {
  return {
    code: r.Code,
    company_name: r.CompanyName,
    company_name_english: r.CompanyNameEnglish ?? "",
    sector17_code: r.Sector17Code ?? "",
    sector17_code_name: r.Sector17CodeName ?? "",
    sector33_code: r.Sector33Code ?? "",
    sector33_code_name: r.Sector33CodeName ?? "",
    scale_category: r.ScaleCategory ?? "",
    market_code: r.MarketCode ?? "",
    market_code_name: r.MarketCodeName ?? "",
    listed_date: r.Date ?? "",
  };
}

/** A company of J-Quants v2 /equities/master, as the sync compares it. */
export function masterToSourceCompany(r: MasterRow): SourceCompany {
  return {
    code: r.Code,
    company_name: r.CoName,
    company_name_english: r.CoNameEn ?? "",
    sector17_code: r.S17 ?? "",
    sector17_code_name: r.S17Nm ?? "",
    sector33_code: r.S33 ?? "",
    sector33_code_name: r.S33Nm ?? "",
    scale_category: r.ScaleCat ?? "",
    market_code: r.Mkt ?? "",
    market_code_name: r.MktNm ?? "",
    listed_date: r.Date ?? "",
  };
}

export type SyncPlan = {
  /** Records to write: upserts (active) first, then deactivations (active = false). */
  toWrite: CompanyRecord[];
  /** Codes not stored before. */
  inserted: number;
  /** Stored and active, with a changed field. */
  updated: number;
  /** Stored and active, nothing changed: not written. */
  unchanged: number;
  /** Stored and active, missing from the source: written with active = false. */
  deactivated: number;
  /** Stored but inactive, present again in the source: written with active = true. */
  reactivated: number;
  /** Source records whose code appeared earlier in the source (the last one wins). */
  duplicates: number;
};

/**
 * Pure comparison of the source with what is stored. The categories are disjoint:
 * `inserted + updated + unchanged + reactivated + duplicates` = source records,
 * and `toWrite.length` = `inserted + updated + reactivated + deactivated`.
 */
export function planSync(
  source: readonly SourceCompany[],
  existing: readonly CompanyRecord[],
  runId: string,
  now: Date | string,
): SyncPlan {
  const at = typeof now === "string" ? now : now.toISOString();
  const bySourceCode = new Map<string, SourceCompany>();
  let duplicates = 0;
  for (const s of source) {
    if (bySourceCode.has(s.code)) {
      duplicates++;
      bySourceCode.delete(s.code); // keep source order of the last occurrence
    }
    bySourceCode.set(s.code, s);
  }
  const stored = new Map(existing.map((r) => [r.code, r]));

  const upserts: CompanyRecord[] = [];
  const deactivations: CompanyRecord[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  let reactivated = 0;
  let deactivated = 0;

  for (const s of bySourceCode.values()) {
    const old = stored.get(s.code);
    const next: CompanyRecord = { ...s, active: true, last_seen_run: runId, updated_at: at };
    if (!old) {
      inserted++;
      upserts.push(next);
    } else if (!old.active) {
      reactivated++;
      upserts.push(next);
    } else if (COMPARED_FIELDS.some((f) => (old[f] ?? "") !== s[f])) {
      updated++;
      upserts.push(next);
    } else {
      unchanged++;
    }
  }
  for (const old of existing) {
    if (old.active && !bySourceCode.has(old.code)) {
      deactivated++;
      // last_seen_run keeps naming the last run that saw the company.
      deactivations.push({ ...old, active: false, updated_at: at });
    }
  }
  return {
    toWrite: [...upserts, ...deactivations],
    inserted,
    updated,
    unchanged,
    deactivated,
    reactivated,
    duplicates,
  };
}

/**
 * The source records: the file named by JOBDECK_LISTED_INFO_PATH if set, else the fixture, read at
 * run time (next to the Lambda bundle, or in the project; see data-files.ts), never bundled.
 */
export async function loadListedInfo(env: HostEnv = hostEnv()): Promise<ListedInfoRecord[]> {
  const path = env[LISTED_INFO_PATH_ENV] || findDataFile(LISTED_INFO_FILE, env);
  const raw: unknown = JSON.parse(await readFile(path, "utf8"));
  const parsed = ListedInfoResponseSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `listed info (${path}) is not in the /listed/info shape: ` +
        `${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim(),
    );
  }
  return parsed.data.info;
}

/** Where a run's companies come from. */
export const LISTED_SOURCES = ["auto", "jquants", "fixture"] as const;

type FetchContext = Pick<JobContext<unknown>, "secret" | "signal" | "logger" | "progress" | "count">;

/**
 * The source's companies. "auto" is J-Quants when a key is configured (JQUANTS_API_KEY locally,
 * the secret jobdeck/jquants-api-key in AWS) and the fixture otherwise, so a fresh deployment syncs
 * its demo data until someone sets the key. Each page fetched counts as input and moves the progress.
 */
export async function fetchCompanies(
  ctx: FetchContext,
  source: (typeof LISTED_SOURCES)[number],
  opts: { env?: HostEnv; client?: (apiKey: string) => JQuantsClient } = {},
): Promise<{ used: "jquants" | "fixture"; companies: SourceCompany[] }> {
  const key = source === "fixture" ? null : await ctx.secret("jquants_api_key");
  if (source === "jquants" && !key) {
    throw new Error(
      `source "jquants" needs a J-Quants API key: set ${JQUANTS_API_KEY_SECRET.env} locally, or create ` +
        `the secret ${JQUANTS_API_KEY_SECRET.name} in AWS (source "fixture" syncs the committed sample)`,
    );
  }
  if (!key) {
    if (source === "auto") ctx.logger.info("no J-Quants API key configured: syncing the fixture");
    const records = await loadListedInfo(opts.env);
    ctx.count.input(records.length);
    return { used: "fixture", companies: records.map(toSourceCompany) };
  }
  const env = opts.env ?? hostEnv();
  const settings = jquantsSettings(env);
  ctx.logger.info("fetching the listed-company master from J-Quants", {
    base_url: settings.baseUrl,
    plan: settings.plan,
    requests_per_minute: settings.requestsPerMinute,
  });
  const client =
    opts.client?.(key) ??
    createJQuantsClient({
      apiKey: key,
      baseUrl: settings.baseUrl,
      requestsPerMinute: settings.requestsPerMinute,
      signal: ctx.signal,
      onRetry: (r) =>
        ctx.logger.warn("J-Quants answer retried", {
          status: r.status,
          retry: r.retry,
          wait_ms: r.delayMs,
          retry_after: r.retryAfter,
          url: r.url,
        }),
      onPage: (p) => {
        ctx.count.input(p.rows);
        ctx.progress({
          current: p.page,
          total: null,
          message: { key: "fetched_page", params: { page: p.page, count: p.total } },
        });
      },
    });
  const rows = await client.masterAll();
  return { used: "jquants", companies: rows.map(masterToSourceCompany) };
}

export const listedCompaniesSync = defineJob({
  name: "listed_companies.sync",
  description: LISTED_DESCRIPTION,
  category: "master_data",
  data_sources: ["jquants_equities_master"],
  secrets: { jquants_api_key: JQUANTS_API_KEY_SECRET },
  parameters: z.strictObject({
    /**
     * Where the records come from: "jquants" (J-Quants API v2 /equities/master), "fixture" (the
     * committed sample, offline) or "auto" (J-Quants when a key is configured, else the fixture).
     */
    source: z._default(z.enum(LISTED_SOURCES), "auto"),
    /** Compare and count, write nothing. */
    dry_run: z._default(z.boolean(), false),
  }),
  concurrency: "job",
  timeout_seconds: 300,
  // A rejected J-Quants key is rejected again 5 s later: fail at once, saying where the key goes.
  retry: { attempts: 2, backoff_seconds: 5, backoff_rate: 2, non_retryable_errors: ["JQuantsAuthError"] },
  stages: LISTED_STAGES,
  messages: LISTED_MESSAGES,
  skip_reasons: LISTED_SKIP_REASONS,
  item_labels: LISTED_ITEMS,
  // No description: the schedule's expression says it in the operator's language (and follows edits).
  default_schedules: [{ schedule_expression: "cron(30 11 * * ? *)", timezone: "Asia/Tokyo" }],
  // Seed 001's "今すぐ同期" fetches the same full list the daily fire would: a fire within the hour
  // after it only spends J-Quants quota for the same data. One hour, so a manual sync made hours
  // earlier never costs the day its scheduled sync.
  cooldown_seconds_after_manual: 3600,
  stores: { companies: companiesStore },
  async run(ctx) {
    const { dry_run: dryRun } = ctx.params;
    const store = ctx.stores.companies;

    ctx.stage("fetch");
    ctx.progress({ message: { key: "fetching" } });
    const { used, companies } = await fetchCompanies(ctx, ctx.params.source);
    if (companies.length === 0) {
      // A full sync of nothing would deactivate every company: far more likely a broken source.
      throw new Error(
        `${used === "jquants" ? "J-Quants /equities/master" : "listed info"} is empty; refusing to deactivate every company`,
      );
    }
    ctx.progress({
      current: companies.length,
      total: companies.length,
      message: {
        key: used === "jquants" ? "fetched_jquants" : "fetched",
        params: { count: companies.length },
      },
    });
    ctx.throwIfCancelled();

    ctx.stage("compare");
    ctx.progress({ message: { key: "reading_stored" } });
    const existing = await store.scanAll();
    ctx.throwIfCancelled();
    const plan = planSync(companies, existing, ctx.executionUuid, new Date());
    const upserts = plan.toWrite.filter((r) => r.active);
    const deactivations = plan.toWrite.filter((r) => !r.active);
    if (plan.inserted) ctx.count.inserted(plan.inserted);
    if (plan.updated + plan.reactivated + plan.deactivated) {
      ctx.count.updated(plan.updated + plan.reactivated + plan.deactivated);
    }
    if (plan.unchanged) ctx.count.skipped("unchanged", plan.unchanged);
    if (plan.duplicates) ctx.count.skipped("duplicate_code", plan.duplicates);
    const summary = {
      stored: existing.length,
      inserted: plan.inserted,
      updated: plan.updated,
      reactivated: plan.reactivated,
      unchanged: plan.unchanged,
      deactivated: plan.deactivated,
      duplicates: plan.duplicates,
    };
    ctx.logger.info("sync plan", { ...summary, dry_run: dryRun });
    ctx.progress({
      message: {
        key: "plan",
        params: {
          inserted: plan.inserted,
          updated: plan.updated,
          reactivated: plan.reactivated,
          unchanged: plan.unchanged,
          deactivated: plan.deactivated,
        },
      },
    });
    ctx.throwIfCancelled();

    ctx.stage("upsert");
    if (dryRun) {
      ctx.progress({
        current: 0,
        total: upserts.length,
        message: { key: "dry_run_write", params: { count: upserts.length } },
      });
    } else {
      const total = upserts.length;
      ctx.progress({ current: 0, total, message: { key: "writing", params: { total } } });
      if (total > 0) {
        await store.putMany(upserts, (written) =>
          ctx.progress({
            current: written,
            total,
            message: { key: "written_progress", params: { written, total } },
          }),
        );
      }
      ctx.progress({ current: total, total, message: { key: "written", params: { total } } });
    }
    ctx.throwIfCancelled();

    ctx.stage("deactivate");
    const n = deactivations.length;
    if (!dryRun && n > 0) {
      await store.putMany(deactivations, (written) =>
        ctx.progress({
          current: written,
          total: n,
          message: { key: "deactivating", params: { written, total: n } },
        }),
      );
    }
    ctx.item("deactivated", { current: n, total: n, status: "done" });
    ctx.progress({
      current: n,
      total: n,
      message: { key: dryRun ? "dry_run_deactivate" : "deactivated", params: { count: n } },
    });
  },
});
