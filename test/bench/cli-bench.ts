// The operator's commands, timed: `npx cdk synth` (offline where `unshare -n` works), `npx cdk
// deploy` refusing to run without credentials, and `npm start` (bin/local.ts) from launch to a
// served /healthz on a fresh data folder, then again on the same folder, each with its first Run now. These were wall-clock
// assertions of test/infra/cli.test.ts and test/integration/local-restart.test.ts; the tests keep
// what the commands do, the bench keeps how long they take.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NpxRun, OFFLINE, runNpx, withoutAws } from "#test/helpers/cdk-cli.ts";
import { adminHeaders, startChildStack, waitExit } from "#test/helpers/child-stack.ts";

export type StartupRun = {
  ms: number;
  /** The first POST /v1/trigger after /healthz answered: what the first Run-now toast waits for. */
  firstTriggerMs: number;
  error: string | null;
};

export type CliBench = {
  offline: boolean;
  synth: NpxRun;
  deploy: NpxRun;
  /** `npm start` on an empty data folder (creates DynamoDB Local's tables), then on the same one. */
  startup: { first: StartupRun; again: StartupRun };
};

async function startOnce(dataDir: string): Promise<StartupRun> {
  try {
    const child = await startChildStack(dataDir);
    try {
      const headers = await adminHeaders(child.url);
      const started = performance.now();
      const r = await fetch(`${child.url}/v1/trigger`, {
        method: "POST",
        headers,
        body: JSON.stringify({ job_name: "recap.pipeline", options: { stage_delay_ms: 0 } }),
      });
      const firstTriggerMs = performance.now() - started;
      if (r.status !== 202) throw new Error(`the first trigger answered ${r.status}`);
      return { ms: child.startupMs, firstTriggerMs, error: null };
    } finally {
      child.proc.kill("SIGTERM");
      await waitExit(child.proc, 30_000).catch(() => child.proc.kill("SIGKILL"));
    }
  } catch (e) {
    const error = e instanceof Error ? e.message.split("\n")[0]! : String(e);
    return { ms: Number.NaN, firstTriggerMs: Number.NaN, error };
  }
}

export async function runCliBench({ log }: { log: (line: string) => void }): Promise<CliBench> {
  const temp = mkdtempSync(join(tmpdir(), "jobdeck-bench-cli-"));
  try {
    log(`cli: npx cdk synth${OFFLINE ? " (unshare -n)" : ""}…`);
    const synth = await runNpx(
      ["cdk", "synth", "--quiet", "-o", join(temp, "synth")],
      withoutAws(temp),
      180_000,
    );
    log("cli: npx cdk deploy without credentials…");
    const deploy = await runNpx(
      ["cdk", "deploy", "--require-approval", "never", "-o", join(temp, "deploy")],
      withoutAws(temp),
      180_000,
    );
    log("cli: npm start to /healthz…");
    const dataDir = join(temp, "local");
    const first = await startOnce(dataDir);
    const again = await startOnce(dataDir);
    return { offline: OFFLINE, synth, deploy, startup: { first, again } };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** The deploy's refusal as the test expects it: exited by itself, non-zero, with CDK's message. */
export function deployRefused(r: NpxRun): boolean {
  return (
    !r.killed && r.code !== null && r.code !== 0 && r.out.includes("Unable to resolve AWS account to use.")
  );
}

/** The first line of a failed command's output that names an error (for the bench's table). */
export function firstError(out: string): string {
  const line = out.split("\n").find((l) => /error/i.test(l)) ?? out.trim().split("\n").at(-1) ?? "";
  return line.trim().slice(0, 100);
}
