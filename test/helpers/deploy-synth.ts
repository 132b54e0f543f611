// Vitest globalSetup of the deploy project: one real `npx cdk synth` (esbuild bundling on, as an
// operator deploys) into node_modules/.cache/jobdeck/deploy-synth/<hash of the sources>, reused by
// every file and by later runs while lib/, functions/, statemachines/, bin/app.ts, cdk.json and the
// lockfile are unchanged. It sits under the project's node_modules on purpose: the bundles leave
// `@aws-sdk/*` and `@smithy/*` external, and a bundle run from there resolves them (require and the
// two dynamic `import()`s alike) from the project's locked node_modules by Node's parent lookup,
// where Lambda would use the runtime's own SDK (issue 13, point 4).
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { TestProject } from "vitest/node";
import { PROJECT_ROOT } from "#cdk/functions.ts";
import { runNpx, withoutAws } from "#test/helpers/cdk-cli.ts";

export const DEPLOY_SYNTH_ROOT = join(PROJECT_ROOT, "node_modules", ".cache", "jobdeck", "deploy-synth");
const SOURCES = ["lib", "functions", "statemachines", "bin/app.ts", "cdk.json", "package-lock.json"];

function filesUnder(path: string, out: string[]): string[] {
  const full = join(PROJECT_ROOT, path);
  if (!existsSync(full)) return out;
  if (statSync(full).isFile()) out.push(path);
  else for (const name of readdirSync(full).sort()) filesUnder(join(path, name), out);
  return out;
}

/** A hash of every source a synth reads (file names and contents). */
export function sourcesHash(): string {
  const hash = createHash("sha256");
  for (const root of SOURCES)
    for (const file of filesUnder(root, []))
      hash.update(`${file}\0`).update(readFileSync(join(PROJECT_ROOT, file)));
  return hash.digest("hex").slice(0, 16);
}

/** The cloud assembly of the current sources, synthesized once (about 10 s) and cached. */
export async function deploySynth(): Promise<string> {
  const dir = join(DEPLOY_SYNTH_ROOT, sourcesHash());
  if (existsSync(join(dir, "Jobdeck.template.json"))) return dir;
  mkdirSync(DEPLOY_SYNTH_ROOT, { recursive: true });
  const work = mkdtempSync(join(DEPLOY_SYNTH_ROOT, "tmp-"));
  const scratch = mkdtempSync(join(tmpdir(), "jobdeck-deploy-synth-"));
  try {
    const out = join(work, "cdk.out");
    const result = await runNpx(["cdk", "synth", "--quiet", "-o", out], withoutAws(scratch), 170_000);
    if (result.code !== 0)
      throw new Error(`npx cdk synth failed (${result.code}):\n${result.out.slice(-4000)}`);
    // Older assemblies go (each holds CDK's 22 MB AWS CLI layer), unless made in the last 10
    // minutes: another run (a scratch copy's, another checkout state) may still be using it.
    for (const old of readdirSync(DEPLOY_SYNTH_ROOT)) {
      const path = join(DEPLOY_SYNTH_ROOT, old);
      if (path !== work && Date.now() - statSync(path).mtimeMs > 10 * 60_000)
        rmSync(path, { recursive: true, force: true });
    }
    renameSync(out, dir);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function setup(project: TestProject) {
  const dir = await deploySynth();
  project.provide("deployAssembly", relative(PROJECT_ROOT, dir));
}

declare module "vitest" {
  export interface ProvidedContext {
    deployAssembly: string;
  }
}
