// Lambda bundles: every entry of lib/lambda-catalog.ts bundled with the catalog's BUNDLING options
// (the same esbuild options CDK's NodejsFunction uses), its minified size and what makes it up
// (metafile), and the cost of loading it: require() of the bundle in a fresh `node` against
// require() of just the AWS SDK packages that bundle loads (the SDK is external, the Lambda runtime
// ships it), same method, median of `runs` (15).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
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
  /** AWS SDK packages the bundle imports (metafile externals). */
  sdk: string[];
  /** Of those, the ones require() of the bundle loads; the others are imported on first use. */
  sdkAtLoad: string[];
  requireMs: number;
  sdkMs: number;
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

const isSdk = (path: string) => path.startsWith("@aws-sdk/") || path.startsWith("@smithy/");

function analyse(meta: Metafile): { top: BundleResult["top"]; sdk: string[] } {
  const output = Object.values(meta.outputs)[0];
  if (!output) throw new Error("esbuild wrote no output");
  const by = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    by.set(ownerOf(input), (by.get(ownerOf(input)) ?? 0) + bytesInOutput);
  }
  const top = [...by]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4);
  const sdk = [
    ...new Set(output.imports.filter((i) => i.external && isSdk(i.path)).map((i) => i.path)),
  ].sort();
  return { top, sdk };
}

// Child scripts: time require() and tell which SDK packages ended up loaded.
const REQUIRE_BUNDLE = `
const t0 = process.hrtime.bigint();
require(process.argv[1]);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const loaded = new Set();
for (const k of Object.keys(require.cache)) {
  const m = k.match(/node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)[\\\\/][^]*$/);
  if (m) loaded.add(m[1].replace(/\\\\/g, "/"));
}
process.stdout.write(JSON.stringify({ ms, loaded: [...loaded] }));
`;
const REQUIRE_SDK = `
const mods = JSON.parse(process.argv[1]);
const t0 = process.hrtime.bigint();
for (const m of mods) require(m);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, loaded: [] }));
`;

async function timeChild(
  script: string,
  arg: string,
  cwd: string,
): Promise<{ ms: number; loaded: string[] }> {
  const { stdout } = await run(process.execPath, ["-e", script, arg], {
    cwd,
    // Both children resolve the SDK from the project's node_modules the same way.
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: join(ROOT, "node_modules"),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as { ms: number; loaded: string[] };
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
      const outdir = join(dir, name);
      mkdirSync(outdir);
      const outfile = join(outdir, "index.js");
      const built = await build({
        entryPoints: [join(ROOT, entry)],
        outfile,
        bundle: true,
        metafile: true,
        write: true,
        logLevel: "silent",
        ...BUNDLING,
        external: [...BUNDLING.external],
      });
      const bytes = statSync(outfile).size;
      const { top, sdk } = analyse(built.metafile);
      const warnings = built.warnings.map((w) => `${w.id || "warning"}: ${w.text}`);

      // one untimed round each (file cache), then `runs` alternating rounds
      const first = await timeChild(REQUIRE_BUNDLE, outfile, outdir);
      const sdkAtLoad = sdk.filter((p) => first.loaded.includes(p));
      const sdkArg = JSON.stringify(sdkAtLoad);
      await timeChild(REQUIRE_SDK, sdkArg, outdir);
      const bundleMs: number[] = [];
      const sdkMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        bundleMs.push((await timeChild(REQUIRE_BUNDLE, outfile, outdir)).ms);
        sdkMs.push((await timeChild(REQUIRE_SDK, sdkArg, outdir)).ms);
      }
      const r: BundleResult = {
        entry,
        ids,
        bytes,
        top,
        sdk,
        sdkAtLoad,
        requireMs: median(bundleMs),
        sdkMs: median(sdkMs),
        ratio: sdkAtLoad.length ? median(bundleMs) / median(sdkMs) : Number.NaN,
        warnings,
      };
      opts.log(
        `bundle ${name}: ${(bytes / 1024).toFixed(1)} KB, require ${r.requireMs.toFixed(1)} ms ` +
          `vs SDK ${r.sdkMs.toFixed(1)} ms`,
      );
      results.push(r);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
