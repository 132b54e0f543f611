// clone.facebook_sync (seed 000: companies.tasks.dispatch_facebook_sync, Celery Beat daily 02:00
// JST): the followed companies' Facebook page metrics into review candidates, one per page. The
// access token is a job secret, sent as a header. A company with two pages is one candidate: the
// second page counts as a duplicate (within this source: metrics are not a second company).
import { readFile } from "node:fs/promises";
import * as z from "zod/mini";
import { cloneSourceBaseUrl, type HostEnv, hostEnv } from "#config/env-contract.ts";
import { FACEBOOK_PAGES_FILE, findDataFile } from "#jobs/data-files.ts";
import { defineJob, type JobContext } from "#jobs/define-job.ts";
import type { CloneStores } from "./candidate-batch.ts";
import { compareAndWrite } from "./candidate-batch.ts";
import { cloneCandidatesStore } from "./candidate-store.ts";
import type { IncomingCandidate } from "./candidates.ts";
import {
  CLONE_ITEMS,
  CLONE_MESSAGES,
  CLONE_SKIP_REASONS,
  CLONE_STAGES,
  FACEBOOK_DESCRIPTION,
} from "./clone-words.ts";
import { CorporateNumberId } from "./corporate-number-job.ts";
import {
  FACEBOOK_DEFAULT_BASE_URL,
  FACEBOOK_FIELDS,
  FACEBOOK_IDS_PER_REQUEST,
  FACEBOOK_SOURCE,
  type FollowedPage,
  FollowedPageSchema,
  facebookCandidate,
  GraphPagesAnswerSchema,
} from "./facebook-graph.ts";
import { type HttpJson, openSourceHttp } from "./source-http.ts";

export const FACEBOOK_TOKEN_SECRET = {
  env: "FACEBOOK_GRAPH_ACCESS_TOKEN",
  name: "jobdeck/facebook-graph-access-token",
};

export const FacebookSyncParams = z.strictObject({
  /** Only the pages of these companies (法人番号); absent: every followed page. */
  company_ids: z.optional(z.array(CorporateNumberId).check(z.minLength(1), z.maxLength(500))),
});
export type FacebookSyncParams = z.output<typeof FacebookSyncParams>;

export class MissingGraphTokenError extends Error {
  override name = "MissingGraphTokenError";
  constructor() {
    super(
      "no Facebook Graph API access token: set FACEBOOK_GRAPH_ACCESS_TOKEN locally or the secret " +
        "jobdeck/facebook-graph-access-token in AWS",
    );
  }
}

export async function loadFollowedPages(env: HostEnv = hostEnv()): Promise<FollowedPage[]> {
  const raw: unknown = JSON.parse(await readFile(findDataFile(FACEBOOK_PAGES_FILE, env), "utf8"));
  return z.array(FollowedPageSchema).parse(raw);
}

export type FacebookDeps = {
  token: string | null;
  http?: HttpJson;
  pages?: FollowedPage[];
  env?: HostEnv;
  /** Overrides the Graph API request spacing (tests: 0, none). */
  requestsPerMinute?: number;
};

export async function runFacebookSync(
  ctx: JobContext<FacebookSyncParams, CloneStores>,
  deps: FacebookDeps,
): Promise<void> {
  if (!deps.token) throw new MissingGraphTokenError();
  ctx.stage("fetch");
  ctx.item(FACEBOOK_SOURCE, { status: "running" });
  ctx.progress({ message: { key: "fetching", params: { source: FACEBOOK_SOURCE } } });
  const all = deps.pages ?? (await loadFollowedPages(deps.env));
  const only = ctx.params.company_ids ? new Set(ctx.params.company_ids) : null;
  const pages = only ? all.filter((p) => p.corporate_number && only.has(p.corporate_number)) : all;
  const http =
    deps.http ??
    openSourceHttp({
      baseUrl: cloneSourceBaseUrl("JOBDECK_FACEBOOK_GRAPH_BASE_URL", deps.env) ?? FACEBOOK_DEFAULT_BASE_URL,
      headers: { authorization: `Bearer ${deps.token}` },
      signal: ctx.signal,
      // Graph's app rate limit is per hour and per user; one request every 2 s stays well inside it.
      requestsPerMinute: deps.requestsPerMinute ?? 30,
      onRetry: (r) => ctx.logger.warn("graph api retry", { status: r.status, retry: r.retry }),
    });
  const ids = [...new Set(pages.map((p) => p.id))];
  const answers = new Map<string, z.output<typeof GraphPagesAnswerSchema>[string]>();
  const parts = Math.ceil(ids.length / FACEBOOK_IDS_PER_REQUEST);
  for (let i = 0; i < parts; i++) {
    ctx.throwIfCancelled();
    const part = ids.slice(i * FACEBOOK_IDS_PER_REQUEST, (i + 1) * FACEBOOK_IDS_PER_REQUEST);
    const parsed = GraphPagesAnswerSchema.safeParse(
      await http.getJson("/", { ids: part.join(","), fields: FACEBOOK_FIELDS }),
    );
    if (!parsed.success)
      throw new Error(`Graph API answer is not an object of pages: ${parsed.error.issues[0]?.message ?? ""}`);
    for (const [id, page] of Object.entries(parsed.data)) answers.set(id, page);
    ctx.progress({
      current: i + 1,
      total: parts,
      message: {
        key: "fetched_page",
        params: { source: FACEBOOK_SOURCE, page: i + 1, pages: parts, count: part.length },
      },
    });
  }
  ctx.count.input(pages.length);
  const missing = pages.filter((p) => !answers.has(p.id));
  if (missing.length) {
    // A page the Graph API did not return (deleted, unpublished): an error the run reports, not a skip.
    ctx.count.errors(missing.length);
    ctx.logger.warn("pages missing from the Graph API answer", { page_ids: missing.map((p) => p.id) });
  }
  ctx.item(FACEBOOK_SOURCE, {
    current: pages.length,
    total: pages.length,
    status: missing.length ? "failed" : "done",
  });
  ctx.progress({
    current: pages.length,
    total: pages.length,
    message: { key: "fetched", params: { count: pages.length } },
  });

  ctx.stage("parse");
  const incoming: IncomingCandidate[] = pages.flatMap((p) => {
    const page = answers.get(p.id);
    return page ? [facebookCandidate(p, page)] : [];
  });
  await compareAndWrite(ctx, incoming, { scope: "own_source" });
}

export const facebookSyncJob = defineJob({
  name: "clone.facebook_sync",
  description: FACEBOOK_DESCRIPTION,
  category: "clone",
  data_sources: [FACEBOOK_SOURCE],
  parameters: FacebookSyncParams,
  concurrency: "job",
  timeout_seconds: 600,
  stages: CLONE_STAGES,
  messages: CLONE_MESSAGES,
  skip_reasons: CLONE_SKIP_REASONS,
  item_labels: CLONE_ITEMS,
  // Seed 000: the existing Celery Beat entry, daily at 02:00 JST.
  default_schedules: [{ schedule_expression: "cron(0 2 * * ? *)", timezone: "Asia/Tokyo" }],
  secrets: { access_token: FACEBOOK_TOKEN_SECRET },
  stores: { candidates: cloneCandidatesStore },
  async run(ctx) {
    await runFacebookSync(ctx, { token: await ctx.secret("access_token") });
  },
});
