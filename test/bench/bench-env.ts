// Shared bench environment: one temp folder, one DynamoDB Local on disk in it (as `npm start` runs
// it), a document client on it, helpers for fresh tables and local stacks, and cleanup of it all.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type DynamoDbLocal, LOCAL_AWS, startDynamoDbLocal } from "#local/dynamodb-local.ts";
import { createTableInput } from "#local/dynamodb-tables.ts";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "#local/local-stack.ts";
import type { TableShape } from "#ports/table-shape.ts";

export type BenchEnv = {
  root: string;
  dynamo: DynamoDbLocal;
  client: DynamoDBClient;
  /** Marshalls like the local stack's own client (removeUndefinedValues). */
  doc: DynamoDBDocumentClient;
  /** A local stack on the shared DynamoDB Local, its own data folder, no static page. */
  startStack(name: string, opts?: Partial<LocalStackOptions>): Promise<LocalStack>;
  /** Creates one table from a definition (waits nothing: DynamoDB Local creates at once). */
  createTable(def: TableShape, name: string): Promise<void>;
  deleteTable(name: string): Promise<void>;
  /** Item count by a full Scan (Select COUNT): for sanity checks outside timed regions. */
  countItems(name: string): Promise<number>;
  close(): Promise<void>;
};

export async function openBenchEnv(log: (line: string) => void): Promise<BenchEnv> {
  const root = mkdtempSync(join(tmpdir(), "jobdeck-bench-"));
  const stacks = new Set<LocalStack>();
  let dynamo: DynamoDbLocal | null = null;
  let client: DynamoDBClient | null = null;
  const close = async () => {
    for (const s of stacks) await s.stop({ graceMs: 2000 }).catch(() => {});
    stacks.clear();
    client?.destroy();
    await dynamo?.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const t0 = performance.now();
    dynamo = await startDynamoDbLocal({ dataDir: join(root, "dynamodb") });
    log(`DynamoDB Local on disk (${root}) ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  } catch (e) {
    await close();
    throw e;
  }
  const c = client;
  const doc = DynamoDBDocumentClient.from(c, { marshallOptions: { removeUndefinedValues: true } });
  const endpoint = dynamo.endpoint;

  return {
    root,
    dynamo,
    client: c,
    doc,
    async startStack(name, opts = {}) {
      const dataDir = join(root, `stack-${name}`);
      mkdirSync(dataDir, { recursive: true });
      const stack = await startLocalStack({
        port: 0,
        dataDir,
        dynamoEndpoint: endpoint,
        tablePrefix: name,
        staticDir: null,
        ...opts,
      });
      stacks.add(stack);
      const stop = stack.stop.bind(stack);
      stack.stop = async (o) => {
        stacks.delete(stack);
        await stop(o);
      };
      return stack;
    },
    async createTable(def, name) {
      await c.send(new CreateTableCommand(createTableInput(def, name)));
    },
    async deleteTable(name) {
      await c.send(new DeleteTableCommand({ TableName: name }));
    },
    async countItems(name) {
      let count = 0;
      let start: Record<string, never> | undefined;
      do {
        const out = await c.send(
          new ScanCommand({ TableName: name, Select: "COUNT", ExclusiveStartKey: start }),
        );
        count += out.Count ?? 0;
        start = out.LastEvaluatedKey as typeof start;
      } while (start);
      return count;
    },
    close,
  };
}

/** Talks to a local stack over real HTTP with a real token from POST /local/token. */
export type HttpClient = {
  url: string;
  /** GET with the admin token; the body is read fully; throws on a non-200 answer. */
  get(path: string): Promise<{ ms: number; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
};

export async function httpClient(url: string): Promise<HttpClient> {
  const res = await fetch(`${url}/local/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: "bench", groups: ["admin"], email: "bench@example.test" }),
  });
  if (res.status !== 200) throw new Error(`POST /local/token → ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  const authorization = `Bearer ${token}`;
  return {
    url,
    async get(path) {
      const t0 = performance.now();
      const r = await fetch(`${url}${path}`, { headers: { authorization } });
      const text = await r.text();
      const ms = performance.now() - t0;
      if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${text.slice(0, 300)}`);
      return { ms, body: JSON.parse(text) };
    },
    async post(path, body) {
      const r = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
  };
}
