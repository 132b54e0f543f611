// The real CDK CLI as an operator runs it: `npx cdk synth` offline, and `npx cdk deploy` without
// credentials failing at once with CDK's own message. Where the machine allows it (root, util-linux
// `unshare`), both run in a network namespace with no interface at all, so "offline" is proven.
// How long they take is the bench's (`npm run bench -- --only cli`: synth ≤ 30 s, deploy's refusal
// ≤ 60 s), not this test's: a busy machine makes a slow synth, not a wrong one.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "#cdk/functions.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { OFFLINE, runNpx, withoutAws } from "#test/helpers/cdk-cli.ts";

const temp = mkdtempSync(join(tmpdir(), "jobdeck-cli-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe(`cdk CLI${OFFLINE ? " (no network: unshare -n)" : ""}`, () => {
  it("`npx cdk synth` exits 0, bundling every function, with no notices", async () => {
    const outdir = join(temp, "synth");
    const result = await runNpx(["cdk", "synth", "--quiet", "-o", outdir], withoutAws(temp), 90_000);
    expect(result.code, result.out.slice(-3000)).toBe(0);
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

  it("`npx cdk deploy` without credentials exits non-zero by itself (no hang) with CDK's own message", async () => {
    const result = await runNpx(
      ["cdk", "deploy", "--require-approval", "never", "-o", join(temp, "deploy")],
      withoutAws(temp),
      90_000,
    );
    // It exited on its own (not killed at 90 s while waiting on a network it cannot reach).
    expect(result.killed, result.out.slice(-3000)).toBe(false);
    expect(result.code, result.out.slice(-3000)).not.toBe(0);
    expect(result.code, result.out.slice(-3000)).not.toBeNull();
    expect(result.out).toContain(
      "Unable to resolve AWS account to use. It must be either configured when you define your CDK Stack, or through the environment",
    );
    expect(result.out).not.toMatch(/Jobdeck: deploying|CREATE_IN_PROGRESS/);
  });
});
