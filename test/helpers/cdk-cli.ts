// The real CDK CLI as an operator runs it, for test/infra/cli.test.ts (what it does) and the bench
// (how long it takes): `npx …` in a network namespace with no interface where the machine allows it
// (root, util-linux `unshare`), so "offline" is proven, and an environment without any AWS setting.
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "#cdk/functions.ts";

export const OFFLINE = spawnSync("unshare", ["-n", "true"]).status === 0;

/** `code` is null when the command was killed at `timeoutMs` (or by a signal) instead of exiting. */
export type NpxRun = { code: number | null; killed: boolean; ms: number; out: string };

export function runNpx(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<NpxRun> {
  const [cmd, ...rest] = OFFLINE ? ["unshare", "-n", "npx", ...args] : ["npx", ...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let killed = false;
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, killed, ms: performance.now() - started, out });
    });
  });
}

/** The environment without any AWS setting: no keys, no profile, no region, no config files, no IMDS. */
export function withoutAws(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith("AWS_") && !k.startsWith("CDK_")) env[k] = v;
  const config = join(dir, "empty-aws-config");
  const credentials = join(dir, "empty-aws-credentials");
  writeFileSync(config, "");
  writeFileSync(credentials, "");
  return {
    ...env,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_EC2_METADATA_DISABLED: "true",
    CDK_DISABLE_VERSION_CHECK: "true",
    ...extra,
  };
}
