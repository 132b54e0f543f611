// Full sync of the listed-company fixture into an empty companies table: the job's own work
// (executeJob in process, real progress writes to a RUNNING run) against a raw BatchWrite loop
// of exactly the same items, plus the end-to-end duration of a run triggered over HTTP.
import { randomUUID } from "node:crypto";
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoRunStore } from "#adapters/dynamo-run-store.ts";
import { RunsTable } from "#adapters/table-definitions.ts";
import { BATCH_SIZE } from "#jobs/dynamo-batch.ts";
import { companiesStore } from "#jobs/listed-companies/companies-table.ts";
import type { CompanyRecord, CompanyStore } from "#jobs/listed-companies/company-store.ts";
import { DynamoCompanyStore } from "#jobs/listed-companies/dynamo-company-store.ts";
import {
  listedCompaniesSync,
  loadListedInfo,
  planSync,
  toSourceCompany,
} from "#jobs/listed-companies/listed-companies-sync.ts";
import type { Run } from "#schemas/run.ts";
import { type BenchEnv, httpClient } from "./bench-env.ts";
import { benchJobRun } from "./bench-job-run.ts";
import { fmtInt, fmtMs, fmtRatio, fmtS, median } from "./stats.ts";

/** The store's default batches in flight; the raw loop uses the same. */
export const SYNC_CONCURRENCY = 8;

/** Plain BatchWrite loop: chunks of 25, `concurrency` in flight, unprocessed items sent again. */
export async function rawBatchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next * BATCH_SIZE < items.length) {
      const start = next++ * BATCH_SIZE;
      let requests = items.slice(start, start + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  const batches = Math.ceil(items.length / BATCH_SIZE);
  await Promise.all(Array.from({ length: Math.min(concurrency, batches) }, worker));
}

/** Where one sync's time went: the store's calls, progress writes, and the rest (parse, plan). */
export type SyncSplit = { totalMs: number; scanMs: number; putMs: number; progressWrites: number };

/** Wraps a CompanyStore to time its calls (the wrapper itself adds nothing measurable). */
function timedStore(store: CompanyStore, split: SyncSplit): CompanyStore {
  return {
    async scanAll() {
      const t0 = performance.now();
      try {
        return await store.scanAll();
      } finally {
        split.scanMs += performance.now() - t0;
      }
    },
    async putMany(records, onProgress) {
      const t0 = performance.now();
      try {
        await store.putMany(records, onProgress);
      } finally {
        split.putMs += performance.now() - t0;
      }
    },
  };
}

export type SyncResult = {
  records: number;
  syncMs: number[];
  rawMs: number[];
  sync: number;
  raw: number;
  ratio: number;
  /** Medians over the timed repetitions. */
  split: SyncSplit;
  e2e: { durationSeconds: number; wallMs: number; status: string } | null;
};

export async function runSyncBench(
  env: BenchEnv,
  opts: { repetitions?: number; e2e?: boolean; log: (line: string) => void },
): Promise<SyncResult> {
  const reps = opts.repetitions ?? 3;
  const log = opts.log;
  const runsTable = "benchsync-runs";
  await env.createTable(RunsTable, runsTable);
  const runs = new DynamoRunStore(env.doc, runsTable);

  // The exact items the job writes into an empty table (same mapping, same order).
  const records = await loadListedInfo();
  const items: CompanyRecord[] = planSync(records.map(toSourceCompany), [], randomUUID(), new Date()).toWrite;
  log(`sync: fixture has ${fmtInt(records.length)} records → ${fmtInt(items.length)} items to write`);

  let seq = 0;
  const splits: SyncSplit[] = [];
  const syncOnce = async (): Promise<number> => {
    const table = `benchsync-${++seq}-companies`;
    await env.createTable(companiesStore.table, table);
    const split: SyncSplit = { totalMs: 0, scanMs: 0, putMs: 0, progressWrites: 0 };
    const companies = timedStore(new DynamoCompanyStore(env.doc, table), split);
    const { ms, result } = await benchJobRun(
      runs,
      listedCompaniesSync,
      { source: "fixture", dry_run: false },
      { stores: { companies }, onProgress: () => split.progressWrites++ },
    );
    split.totalMs = ms;
    splits.push(split);
    if (result.counts.inserted_count !== items.length) {
      throw new Error(`sync inserted ${result.counts.inserted_count}, expected ${items.length}`);
    }
    const stored = await env.countItems(table);
    if (stored !== items.length) throw new Error(`sync left ${stored} items, expected ${items.length}`);
    await env.deleteTable(table);
    return ms;
  };
  const rawOnce = async (): Promise<number> => {
    const table = `benchsync-${++seq}-companies`;
    await env.createTable(companiesStore.table, table);
    const t0 = performance.now();
    await rawBatchWrite(env.doc, table, items, SYNC_CONCURRENCY);
    const ms = performance.now() - t0;
    const stored = await env.countItems(table);
    if (stored !== items.length) throw new Error(`raw write left ${stored} items, expected ${items.length}`);
    await env.deleteTable(table);
    return ms;
  };

  const warmSync = await syncOnce();
  const warmRaw = await rawOnce();
  log(`sync: warm-up sync ${fmtS(warmSync)}, raw ${fmtS(warmRaw)}`);
  const syncMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    syncMs.push(await syncOnce());
    rawMs.push(await rawOnce());
    log(
      `sync: rep ${i + 1}: sync ${fmtS(syncMs[i]!)} (putMany ${fmtS(splits.at(-1)!.putMs)}), raw ${fmtS(rawMs[i]!)}`,
    );
  }
  const timedSplits = splits.slice(1); // not the warm-up
  const split: SyncSplit = {
    totalMs: median(timedSplits.map((x) => x.totalMs)),
    scanMs: median(timedSplits.map((x) => x.scanMs)),
    putMs: median(timedSplits.map((x) => x.putMs)),
    progressWrites: median(timedSplits.map((x) => x.progressWrites)),
  };
  const sync = median(syncMs);
  const raw = median(rawMs);
  log(`sync: median sync ${fmtS(sync)}, raw ${fmtS(raw)}, ratio ${fmtRatio(sync / raw)}`);
  log(
    `sync: split (medians) putMany ${fmtS(split.putMs)}, scanAll ${fmtMs(split.scanMs)}, ` +
      `rest ${fmtMs(split.totalMs - split.putMs - split.scanMs)}, ${split.progressWrites} progress writes`,
  );
  await env.deleteTable(runsTable);

  let e2e: SyncResult["e2e"] = null;
  if (opts.e2e !== false) e2e = await runEndToEnd(env, log);
  return {
    records: items.length,
    syncMs,
    rawMs,
    sync,
    raw,
    ratio: sync / raw,
    split,
    e2e,
  };
}

/** Trigger over HTTP on a fresh stack and wait for the run to finish; its duration includes the workflow. */
async function runEndToEnd(
  env: BenchEnv,
  log: (line: string) => void,
): Promise<{ durationSeconds: number; wallMs: number; status: string }> {
  const stack = await env.startStack("benche2e");
  try {
    const http = await httpClient(stack.url);
    const t0 = performance.now();
    const res = await http.post("/v1/trigger", { job_name: listedCompaniesSync.name });
    if (res.status !== 202) throw new Error(`POST /v1/trigger → ${res.status} ${JSON.stringify(res.body)}`);
    const id: string = res.body.execution_uuid;
    const deadline = Date.now() + 120_000;
    let run: Run | null = null;
    while (Date.now() < deadline) {
      run = (await http.get(`/v1/runs/${id}`)).body as Run;
      if (run.status !== "RUNNING" && run.status !== "QUEUED") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const wallMs = performance.now() - t0;
    if (run?.status !== "SUCCESS") {
      throw new Error(`end-to-end run did not succeed: ${run?.status} ${run?.error_summary ?? ""}`);
    }
    log(
      `sync: end-to-end run ${run.status} duration_seconds ${run.duration_seconds} ` +
        `(trigger → observed SUCCESS ${fmtS(wallMs)}, inserted ${fmtInt(run.inserted_count)})`,
    );
    return { durationSeconds: run.duration_seconds ?? Number.NaN, wallMs, status: run.status };
  } finally {
    await stack.stop({ graceMs: 2000 });
  }
}
