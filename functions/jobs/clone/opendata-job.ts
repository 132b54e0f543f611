// clone.opendata (seed 000: companies.tasks.run_opendata_ingestion_task): business candidates from
// municipal open-data CSVs, one file per `source_keys` key (default: every known municipality).
// A row that cannot be a candidate (no operator, no id) counts as an error and is logged; the run
// goes on with the others, and says how many.
import * as z from "zod/mini";
import { cloneSourceBaseUrl, type HostEnv } from "#config/env-contract.ts";
import { defineJob, type JobContext } from "#jobs/define-job.ts";
import type { CloneStores } from "./candidate-batch.ts";
import { compareAndWrite } from "./candidate-batch.ts";
import { cloneCandidatesStore } from "./candidate-store.ts";
import type { IncomingCandidate } from "./candidates.ts";
import { parseCsvObjects } from "./clone-csv.ts";
import {
  CLONE_ITEMS,
  CLONE_MESSAGES,
  CLONE_SKIP_REASONS,
  CLONE_STAGES,
  OPENDATA_DESCRIPTION,
} from "./clone-words.ts";
import {
  OPENDATA_KEYS,
  OPENDATA_SOURCES,
  type OpendataKey,
  opendataCandidate,
  opendataSourceName,
} from "./opendata-sources.ts";
import { type HttpJson, openSourceHttp } from "./source-http.ts";

export const OpendataParams = z.strictObject({
  /** Which municipalities' datasets (default: all of them). */
  source_keys: z.optional(z.array(z.enum(OPENDATA_KEYS)).check(z.minLength(1))),
});
export type OpendataParams = z.output<typeof OpendataParams>;

export type OpendataDeps = {
  /** The client for `key`'s file (tests pass fakes); made from the base URL when absent. */
  httpFor?: (key: OpendataKey) => { http: HttpJson; path: string };
  env?: HostEnv;
  /** Overrides the source's request spacing (tests: 0, none). */
  requestsPerMinute?: number;
};

/** Where `key`'s file is: the stand-in's `{base}/{key}/{file}` when the base is set, else its own URL. */
export function opendataLocation(key: OpendataKey, env?: HostEnv): { baseUrl: string; path: string } {
  const src = OPENDATA_SOURCES[key];
  const base = cloneSourceBaseUrl("JOBDECK_OPENDATA_BASE_URL", env);
  if (base) return { baseUrl: base, path: `${key}/${src.file}` };
  const url = new URL(src.url);
  return { baseUrl: url.origin, path: url.pathname };
}

export async function runOpendata(
  ctx: JobContext<OpendataParams, CloneStores>,
  deps: OpendataDeps = {},
): Promise<void> {
  const keys = [...new Set(ctx.params.source_keys ?? OPENDATA_KEYS)];
  ctx.stage("fetch");
  const texts: [OpendataKey, string][] = [];
  for (const key of keys) {
    ctx.throwIfCancelled();
    const name = opendataSourceName(key);
    ctx.item(name, { status: "running" });
    ctx.progress({ message: { key: "fetching", params: { source: name } } });
    const { http, path } =
      deps.httpFor?.(key) ??
      (() => {
        const at = opendataLocation(key, deps.env);
        const client = openSourceHttp({
          baseUrl: at.baseUrl,
          encoding: OPENDATA_SOURCES[key].encoding,
          signal: ctx.signal,
          requestsPerMinute: deps.requestsPerMinute ?? 30,
          onRetry: (r) =>
            ctx.logger.warn("opendata retry", { source: name, status: r.status, retry: r.retry }),
        });
        return { http: client, path: at.path };
      })();
    texts.push([key, await http.getText(path)]);
  }

  ctx.stage("parse");
  const incoming: IncomingCandidate[] = [];
  for (const [key, text] of texts) {
    const name = opendataSourceName(key);
    const rows = parseCsvObjects(text);
    ctx.count.input(rows.length);
    let problems = 0;
    for (const [i, row] of rows.entries()) {
      const r = opendataCandidate(key, row);
      if (r.ok) incoming.push(r.candidate);
      else {
        problems++;
        ctx.logger.warn("opendata row skipped", { source: name, line: i + 2, problem: r.problem });
      }
    }
    if (problems) {
      ctx.count.errors(problems);
      ctx.progress({ message: { key: "parse_problems", params: { count: problems } } });
    }
    ctx.item(name, { current: rows.length, total: rows.length, status: problems ? "failed" : "done" });
  }
  ctx.progress({
    current: incoming.length,
    total: incoming.length,
    message: { key: "fetched", params: { count: incoming.length } },
  });
  await compareAndWrite(ctx, incoming);
}

export const opendataJob = defineJob({
  name: "clone.opendata",
  description: OPENDATA_DESCRIPTION,
  category: "clone",
  data_sources: OPENDATA_KEYS.map(opendataSourceName),
  parameters: OpendataParams,
  concurrency: "job",
  timeout_seconds: 600,
  stages: CLONE_STAGES,
  messages: CLONE_MESSAGES,
  skip_reasons: CLONE_SKIP_REASONS,
  item_labels: CLONE_ITEMS,
  stores: { candidates: cloneCandidatesStore },
  async run(ctx) {
    await runOpendata(ctx);
  },
});
