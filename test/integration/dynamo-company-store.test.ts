// DynamoCompanyStore / DynamoRecapStore against DynamoDB Local (in memory), with the full fixture.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { batchPutAll } from "#jobs/dynamo-batch.ts";
import { companiesStore } from "#jobs/listed-companies/companies-table.ts";
import type { CompanyRecord } from "#jobs/listed-companies/company-store.ts";
import { DynamoCompanyStore } from "#jobs/listed-companies/dynamo-company-store.ts";
import {
  LISTED_INFO_PATH_ENV,
  listedCompaniesSync,
  loadListedInfo,
  toSourceCompany,
} from "#jobs/listed-companies/listed-companies-sync.ts";
import { DynamoRecapStore } from "#jobs/recap/dynamo-recap-store.ts";
import { recapsStore } from "#jobs/recap/recaps-table.ts";
import { type DynamoDbLocal, startDynamoDbLocal } from "#local/dynamodb-local.ts";
import { ensureTable } from "#local/dynamodb-tables.ts";
import { FakeJobContext } from "#test/helpers/fake-job-context.ts";

let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
type JobTables = { companies: string; recaps: string };
let names: JobTables;

/** The tables the two jobs declare, created from their declarations under a fresh prefix. */
async function jobTables(): Promise<JobTables> {
  const prefix = `it-${randomUUID().slice(0, 8)}`;
  const t = { companies: `${prefix}-companies`, recaps: `${prefix}-recaps` };
  await ensureTable(ddb.client, companiesStore.table, t.companies);
  await ensureTable(ddb.client, recapsStore.table, t.recaps);
  return t;
}
const dir = mkdtempSync(join(tmpdir(), "jobdeck-it-companies-"));

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ dataDir: null });
  names = await jobTables();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
}, 60_000);

afterAll(async () => {
  await ddb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const RUN = "33333333-3333-4333-8333-333333333333";

describe("DynamoCompanyStore", () => {
  it("writes the ~4,400 fixture companies in parallel batches and scans them back", async () => {
    const store = new DynamoCompanyStore(doc, names.companies);
    const now = new Date().toISOString();
    const records: CompanyRecord[] = (await loadListedInfo({})).map((r) => ({
      ...toSourceCompany(r),
      active: true,
      last_seen_run: RUN,
      updated_at: now,
    }));
    expect(records.length).toBeGreaterThan(4300);

    const progress: number[] = [];
    await store.putMany(records, (n) => progress.push(n));
    expect(progress.at(-1)).toBe(records.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const back = await store.scanAll();
    expect(back).toHaveLength(records.length);
    expect(new Set(back.map((r) => r.code))).toEqual(new Set(records.map((r) => r.code)));
    const byCode = new Map(back.map((r) => [r.code, r]));
    for (const r of [records[0]!, records[1234]!, records.at(-1)!]) expect(byCode.get(r.code)).toEqual(r);
  }, 60_000);

  it("collapses duplicate keys and does nothing for an empty list", async () => {
    const table = await jobTables();
    const store = new DynamoCompanyStore(doc, table.companies, { concurrency: 2 });
    const base = (await loadListedInfo({})).slice(0, 3).map((r) => ({
      ...toSourceCompany(r),
      active: true,
      last_seen_run: RUN,
      updated_at: "2025-07-10T00:00:00.000Z",
    }));
    await store.putMany([]);
    await store.putMany([base[0]!, base[1]!, { ...base[0]!, company_name: "後勝ち" }, base[2]!]);
    const back = await store.scanAll();
    expect(back).toHaveLength(3);
    expect(back.find((r) => r.code === base[0]!.code)?.company_name).toBe("後勝ち");
  }, 30_000);

  it("retries unprocessed items", async () => {
    // A client that leaves the second half of each first try unprocessed.
    let calls = 0;
    const flaky = {
      async send(cmd: BatchWriteCommand) {
        calls++;
        const requests = cmd.input.RequestItems?.[names.companies] ?? [];
        const first = calls % 2 === 1 && requests.length > 1;
        const take = first ? requests.slice(0, Math.ceil(requests.length / 2)) : requests;
        await doc.send(new BatchWriteCommand({ RequestItems: { [names.companies]: take } }));
        return { UnprocessedItems: first ? { [names.companies]: requests.slice(take.length) } : {} };
      },
    } as unknown as DynamoDBDocumentClient;
    const items = Array.from({ length: 60 }, (_, i) => ({
      code: `R${String(i).padStart(4, "0")}`,
      company_name: "x",
    }));
    const progress: number[] = [];
    await batchPutAll(flaky, names.companies, items, (i) => i.code, {
      concurrency: 1,
      baseDelayMs: 1,
      onProgress: (n) => progress.push(n),
    });
    expect(progress.at(-1)).toBe(60);
    expect(calls).toBe(6); // 3 batches × (partial + retry)
    const got = await doc.send(new GetCommand({ TableName: names.companies, Key: { code: "R0059" } }));
    expect(got.Item?.company_name).toBe("x");
  }, 30_000);
});

describe("listed_companies.sync on DynamoDB Local", () => {
  it("syncs, then deactivates records removed from the source", async () => {
    const table = await jobTables();
    const companies = new DynamoCompanyStore(doc, table.companies);
    const params = listedCompaniesSync.parameters.parse({});

    const first = new FakeJobContext(params, { stores: { companies } });
    // How long the full sync takes is the bench's (`npm run bench -- --only sync`, goal ≤ 5 s).
    await listedCompaniesSync.run(first);
    const info = await loadListedInfo({});
    expect(first.counts).toMatchObject({ input: info.length, inserted: info.length, updated: 0, skipped: 0 });

    const file = join(dir, "listed-info.json");
    writeFileSync(file, JSON.stringify({ info: info.slice(5) }));
    vi.stubEnv(LISTED_INFO_PATH_ENV, file);
    const second = new FakeJobContext(params, { stores: { companies } });
    await listedCompaniesSync.run(second);
    expect(second.counts).toMatchObject({
      input: info.length - 5,
      inserted: 0,
      updated: 5,
      skipBreakdown: { unchanged: info.length - 5 },
    });
    const all = await companies.scanAll();
    expect(all).toHaveLength(info.length);
    expect(
      all
        .filter((r) => !r.active)
        .map((r) => r.code)
        .sort(),
    ).toEqual(
      info
        .slice(0, 5)
        .map((r) => r.Code)
        .sort(),
    );
  }, 60_000);
});

describe("DynamoRecapStore", () => {
  it("writes digests keyed by date and genre; a rerun replaces them", async () => {
    const store = new DynamoRecapStore(doc, names.recaps);
    const digest = (genre: string, headline: string) => ({
      digest_date: "2025-07-10",
      genre,
      article_ids: ["art-0001"],
      headline,
      evidence: ["一文目。"],
      execution_uuid: RUN,
    });
    await store.putDigests([digest("tech", "v1"), digest("sports", "v1")]);
    await store.putDigests([digest("tech", "v2")]);
    const tech = await doc.send(
      new GetCommand({ TableName: names.recaps, Key: { digest_date: "2025-07-10", genre: "tech" } }),
    );
    const sports = await doc.send(
      new GetCommand({ TableName: names.recaps, Key: { digest_date: "2025-07-10", genre: "sports" } }),
    );
    expect(tech.Item).toMatchObject({ headline: "v2", article_ids: ["art-0001"] });
    expect(sports.Item?.headline).toBe("v1");
  }, 30_000);
});
