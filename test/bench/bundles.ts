// Lambda bundles: every entry of lib/lambda-catalog.ts bundled with the catalog's BUNDLING options
// (the same esbuild options CDK's NodejsFunction uses: the locked AWS SDK inside), its minified size
// and what makes it up (metafile), and the cost of loading it: require() of the bundle in a fresh
// `node` with no node_modules in reach, against require() of the same entry bundled the other way
// (the SDK left external, loaded from node_modules as Lambda would load its runtime's copy), same
// method, median of `runs` (15). The ratio is what carrying the SDK costs (or saves) a cold start.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type BuildOptions, build, type Metafile } from "esbuild";
import {
  API_LAMBDAS,
  BUNDLING,
  DEFAULT_SCHEDULES_LAMBDA,
  type LambdaSpec,
  RECONCILER_LAMBDA,
  RUN_SWEEPER_LAMBDA,
  WORKFLOW_STEPS_LAMBDA,
  workerLambda,
} from "#cdk/lambda-catalog.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { median } from "./stats.ts";

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export type BundleResult = {
  entry: string;
  /** Catalog ids sharing this entry (one worker function per job). */
  ids: string[];
  bytes: number;
  /** Largest contributors by package (node_modules) or folder, bytes in the output. */
  top: { name: string; bytes: number }[];
  /** The same entry with the AWS SDK left external. */
  externalBytes: number;
  requireMs: number;
  externalRequireMs: number;
  /** requireMs / externalRequireMs */
  ratio: number;
  warnings: string[];
};

/** Every distinct entry of the catalog with the ids that use it. */
export function catalogEntries(): { entry: string; ids: string[] }[] {
  const specs: LambdaSpec[] = [
    ...Object.values(API_LAMBDAS),
    WORKFLOW_STEPS_LAMBDA,
    ...JOBS.map((j) => workerLambda(j.name, j.timeout_seconds)),
    RECONCILER_LAMBDA,
    RUN_SWEEPER_LAMBDA,
    DEFAULT_SCHEDULES_LAMBDA,
  ];
  const byEntry = new Map<string, string[]>();
  for (const s of specs) byEntry.set(s.entry, [...(byEntry.get(s.entry) ?? []), s.id]);
  return [...byEntry].map(([entry, ids]) => ({ entry, ids }));
}

/** Package of a path in node_modules ("@scope/name" or "name"), else its first two folders. */
function ownerOf(input: string): string {
  const i = input.lastIndexOf("node_modules/");
  if (i < 0) return input.split("/").slice(0, 2).join("/");
  const parts = input.slice(i + "node_modules/".length).split("/");
  return parts[0]?.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? input);
}

function analyse(meta: Metafile): BundleResult["top"] {
  const output = Object.values(meta.outputs)[0];
  if (!output) throw new Error("esbuild wrote no output");
  const by = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    by.set(ownerOf(input), (by.get(ownerOf(input)) ?? 0) + bytesInOutput);
  }
  return [...by]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4);
}

// Child script: time require() of the bundle.
const REQUIRE_BUNDLE = `
const t0 = process.hrtime.bigint();
require(process.argv[1]);
process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
`;

/** `withSdk`: node_modules in reach (the external variant), else nothing but the bundle. */
async function timeChild(outfile: string, withSdk: boolean): Promise<number> {
  const { stdout } = await run(process.execPath, ["-e", REQUIRE_BUNDLE, outfile], {
    cwd: dirname(outfile),
    env: {
      PATH: process.env.PATH ?? "",
      ...(withSdk ? { NODE_PATH: join(ROOT, "node_modules") } : {}),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    maxBuffer: 1 << 20,
  });
  return (JSON.parse(stdout) as { ms: number }).ms;
}

export async function runBundleBench(opts: {
  log: (line: string) => void;
  runs?: number;
}): Promise<BundleResult[]> {
  // 15 alternating rounds: with 5, medians on this 2-core VM moved ±0.1 between runs.
  const runs = opts.runs ?? 15;
  const dir = mkdtempSync(join(tmpdir(), "jobdeck-bundles-"));
  try {
    const results: BundleResult[] = [];
    for (const { entry, ids } of catalogEntries()) {
      const name = basename(entry, ".ts");
      const bundle = async (variant: "bundled" | "external", options: Partial<BuildOptions>) => {
        const outfile = join(dir, name, variant, "index.js");
        mkdirSync(dirname(outfile), { recursive: true });
        const built = await build({
          entryPoints: [join(ROOT, entry)],
          outfile,
          bundle: true,
          metafile: true,
          write: true,
          logLevel: "silent",
          ...BUNDLING,
          external: [...BUNDLING.external],
          mainFields: [...BUNDLING.mainFields],
          ...options,
        });
        return { outfile, built, bytes: statSync(outfile).size };
      };
      const mine = await bundle("bundled", {});
      const other = await bundle("external", { external: ["@aws-sdk/*", "@smithy/*"] });
      const warnings = mine.built.warnings.map((w) => `${w.id || "warning"}: ${w.text}`);

      // one untimed round each (file cache), then `runs` alternating rounds
      await timeChild(mine.outfile, false);
      await timeChild(other.outfile, true);
      const mineMs: number[] = [];
      const otherMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        mineMs.push(await timeChild(mine.outfile, false));
        otherMs.push(await timeChild(other.outfile, true));
      }
      const r: BundleResult = {
        entry,
        ids,
        bytes: mine.bytes,
        top: analyse(mine.built.metafile!),
        externalBytes: other.bytes,
        requireMs: median(mineMs),
        externalRequireMs: median(otherMs),
        ratio: median(mineMs) / median(otherMs),
        warnings,
      };
      opts.log(
        `bundle ${name}: ${(r.bytes / 1024).toFixed(1)} KB, require ${r.requireMs.toFixed(1)} ms ` +
          `vs SDK external ${r.externalRequireMs.toFixed(1)} ms`,
      );
      results.push(r);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
