// Issue 17: the whole listed_companies.sync from J-Quants — 4,411 companies over 3 pages of the
// J-Quants stand-in (a real HTTP server on 127.0.0.1), at the Premium plan's request spacing — into
// an empty companies table of DynamoDB Local, as the job runs it (executeJob, real progress writes).
import { randomUUID } from "node:crypto";
import { DynamoRunStore } from "#adapters/dynamo-run-store.ts";
import { RunsTable } from "#adapters/table-definitions.ts";
import { companiesStore } from "#jobs/listed-companies/companies-table.ts";
import { DynamoCompanyStore } from "#jobs/listed-companies/dynamo-company-store.ts";
import { listedCompaniesSync } from "#jobs/listed-companies/listed-companies-sync.ts";
import { startJQuantsStandIn } from "#local/jquants-stand-in.ts";
import type { BenchEnv } from "./bench-env.ts";
import { benchJobRun } from "./bench-job-run.ts";
import { fmtS, median } from "./stats.ts";

/**
 * What both J-Quants benches start from: a stand-in that wants a fresh key, the job's host pointed
 * at it at Premium spacing (the job reads these from its environment, env-contract.ts JOB_ENV), and
 * a runs table for the runs' progress writes.
 */
export async function jquantsBenchSetup(env: BenchEnv, runsTable: string) {
  const key = `bench-${randomUUID()}`;
  const standIn = await startJQuantsStandIn({ apiKey: key });
  process.env.JOBDECK_JQUANTS_BASE_URL = standIn.url;
  process.env.JOBDECK_JQUANTS_PLAN = "premium";
  delete process.env.JOBDECK_JQUANTS_RPM;
  await env.createTable(RunsTable, runsTable);
  return { key, standIn, runs: new DynamoRunStore(env.doc, runsTable) };
}

export type JQuantsBenchResult = { companies: number; pages: number; ms: number[]; median: number };

export async function runJQuantsSyncBench(
  env: BenchEnv,
  opts: { repetitions?: number; log: (line: string) => void },
): Promise<JQuantsBenchResult> {
  const reps = opts.repetitions ?? 3;
  const runsTable = "benchjq-runs";
  const { key, standIn, runs } = await jquantsBenchSetup(env, runsTable);
  let seq = 0;
  let pages = 0;
  let companies = 0;
  const once = async (): Promise<number> => {
    const table = `benchjq-${++seq}-companies`;
    await env.createTable(companiesStore.table, table);
    standIn.requests.length = 0;
    const { ms, result } = await benchJobRun(
      runs,
      listedCompaniesSync,
      { source: "jquants", dry_run: false },
      { stores: { companies: new DynamoCompanyStore(env.doc, table) }, secret: key },
    );
    pages = standIn.requests.filter((r) => r.status === 200).length;
    companies = result.counts.input_count;
    if (result.counts.inserted_count !== 4411 || (await env.countItems(table)) !== 4411) {
      throw new Error(`jquants sync inserted ${result.counts.inserted_count}, expected 4411`);
    }
    await env.deleteTable(table);
    return ms;
  };
  try {
    opts.log(`jquants: warm-up ${fmtS(await once())}`);
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) {
      ms.push(await once());
      opts.log(`jquants: rep ${i + 1}: ${fmtS(ms[i]!)} (${pages} pages)`);
    }
    return { companies, pages, ms, median: median(ms) };
  } finally {
    await env.deleteTable(runsTable);
    await standIn.close();
  }
}
