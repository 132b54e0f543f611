// Runs bin/local.ts (what `npm start` runs) as a child process, for tests that kill it.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "#local/dynamodb-local.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type ChildStack = { proc: ChildProcess; url: string; output: () => string; startupMs: number };

export async function startChildStack(
  dataDir: string,
  port?: number,
  env: Record<string, string> = {},
  opts: { detached?: boolean } = {},
): Promise<ChildStack> {
  const p = port ?? (await freePort());
  const started = Date.now();
  const proc = spawn(process.execPath, ["--import", "tsx", "bin/local.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      JOBDECK_DATA_DIR: dataDir,
      PORT: String(p),
      HOST: "127.0.0.1",
      JOBDECK_LOG_LEVEL: "error",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // detached: a process group of its own, as a terminal gives `npm start` (a test sends the
    // terminal's Ctrl-C with process.kill(-pid, "SIGINT")).
    detached: opts.detached ?? false,
  });
  let out = "";
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const url = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`local stack exited early:\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return { proc, url, output: () => out, startupMs: Date.now() - started };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill("SIGKILL");
  throw new Error(`/healthz not served within 30 s:\n${out}`);
}

export async function waitExit(proc: ChildProcess, timeoutMs = 10_000): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  return await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("process did not exit")), timeoutMs);
    proc.once("exit", (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** Headers of an admin on a child stack: a token from its own POST /local/token. */
export async function adminHeaders(url: string, sub = "ops"): Promise<Record<string, string>> {
  const res = await fetch(`${url}/local/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub, groups: ["admin"] }),
  });
  const { token } = (await res.json()) as { token: string };
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}
