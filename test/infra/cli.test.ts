// The real CDK CLI as an operator runs it: `npx cdk synth` offline, and `npx cdk deploy` without
// credentials failing at once with CDK's own message. Where the machine allows it (root, util-linux
// `unshare`), both run in a network namespace with no interface at all, so "offline" is proven.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JOBS } from "#jobs/all-jobs.ts";
import { PROJECT_ROOT } from "../../lib/functions.ts";

const OFFLINE = spawnSync("unshare", ["-n", "true"]).status === 0;
const temp = mkdtempSync(join(tmpdir(), "jobdeck-cli-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

type Run = { code: number | null; ms: number; out: string };

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  const [cmd, ...rest] = OFFLINE ? ["unshare", "-n", "npx", ...args] : ["npx", ...args];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, ms: Date.now() - started, out });
    });
  });
}

/** The environment without any AWS setting: no keys, no profile, no region, no config files, no IMDS. */
function withoutAws(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith("AWS_") && !k.startsWith("CDK_")) env[k] = v;
  const config = join(temp, "empty-aws-config");
  const credentials = join(temp, "empty-aws-credentials");
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

describe(`cdk CLI${OFFLINE ? " (no network: unshare -n)" : ""}`, () => {
  it("`npx cdk synth` exits 0 in under 30 s, bundling every function, with no notices", async () => {
    const outdir = join(temp, "synth");
    const result = await run(["cdk", "synth", "--quiet", "-o", outdir], withoutAws(), 90_000);
    expect(result.code, result.out.slice(-3000)).toBe(0);
    expect(result.ms).toBeLessThan(30_000);
    expect(result.out).not.toMatch(/NOTICES|telemetry|newer version/i);

    const template = JSON.parse(readFileSync(join(outdir, "Jobdeck.template.json"), "utf8")) as {
      Resources: Record<string, { Type: string; Properties: any; Metadata?: Record<string, string> }>;
    };
    const workers = Object.values(template.Resources).filter(
      (r) => r.Type === "AWS::Lambda::Function" && r.Properties.Environment?.Variables?.JOBDECK_JOB_NAME,
    );
    expect(workers).toHaveLength(JOBS.length);
    for (const worker of workers) {
      const asset = worker.Metadata?.["aws:asset:path"];
      expect(asset).toBeDefined();
      const dir = join(outdir, asset!);
      expect(existsSync(join(dir, "index.js"))).toBe(true);
      // functions/jobs/data-files.ts: copied next to the bundle by the afterBundling hook
      const dataFiles = join(PROJECT_ROOT, "functions", "jobs", "data-files.ts");
      if (existsSync(dataFiles)) {
        const { JOB_DATA_FILES } = (await import(dataFiles)) as { JOB_DATA_FILES: { target: string }[] };
        for (const f of JOB_DATA_FILES) expect(existsSync(join(dir, f.target)), f.target).toBe(true);
      }
    }
  });

  it("`npx cdk deploy` without credentials fails within 60 s with CDK's own message", async () => {
    const result = await run(
      ["cdk", "deploy", "--require-approval", "never", "-o", join(temp, "deploy")],
      withoutAws(),
      90_000,
    );
    expect(result.code, result.out.slice(-3000)).not.toBe(0);
    expect(result.ms).toBeLessThan(60_000);
    expect(result.out).toContain(
      "Unable to resolve AWS account to use. It must be either configured when you define your CDK Stack, or through the environment",
    );
    expect(result.out).not.toMatch(/Jobdeck: deploying|CREATE_IN_PROGRESS/);
  });
});
