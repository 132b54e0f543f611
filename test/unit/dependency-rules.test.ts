// The folder boundaries in .dependency-cruiser.cjs bite: the real tree passes them, and a small tree laid
// out like the repository (in a temp dir, never in the real source folders) fails them as soon as
// functions/ imports lib/, two modules import each other, or the domain imports the AWS SDK.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cruise, type ICruiseOptions, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SOURCES = ["functions", "lib", "bin", "web/src", "test"];

let options: ICruiseOptions;
let tsConfig: ReturnType<typeof extractTSConfig>;
const temps: string[] = [];

beforeAll(async () => {
  options = await extractDepcruiseOptions(join(ROOT, ".dependency-cruiser.cjs"));
  tsConfig = extractTSConfig(join(ROOT, "tsconfig.json"));
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Runs the project's rules over `paths` (relative to `baseDir`) and answers the violations as rule: from → to. */
async function violations(baseDir: string, paths: string[]): Promise<string[]> {
  const { output } = await cruise(paths, { ...options, baseDir, outputType: "json" }, {}, { tsConfig });
  const result: ICruiseResult = typeof output === "string" ? JSON.parse(output) : output;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

/**
 * A throwaway tree with the repository's layout: its package.json carries the real `imports` aliases and
 * node_modules links to the real one, so `#domain/…` and `@aws-sdk/…` resolve as they do in the project.
 */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdeck-deps-"));
  temps.push(dir);
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "fixture", type: "module", imports: pkg.imports }),
  );
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("dependency rules (.dependency-cruiser.cjs)", () => {
  it("the real tree has no violations", async () => {
    expect(await violations(ROOT, SOURCES)).toEqual([]);
  }, 30_000);

  it("a legal little tree passes (the fixtures below fail for their one reason only)", async () => {
    const dir = tree({
      "functions/domain/runs/thing.ts":
        'import type { Port } from "#ports/port.ts";\nexport const f = (p: Port) => p;\n',
      "functions/ports/port.ts": "export interface Port { go(): void }\n",
      "functions/domain/runs/zone.ts":
        'import { DEFAULTS } from "#config/defaults.ts";\nexport const z = DEFAULTS;\n',
      "functions/config/defaults.ts": 'export const DEFAULTS = { zone: "Asia/Tokyo" };\n',
      "lib/stack.ts": 'import { f } from "../functions/domain/runs/thing.ts";\nexport const g = f;\n',
    });
    expect(await violations(dir, ["functions", "lib"])).toEqual([]);
  });

  it("fails when functions/ imports the CDK app in lib/", async () => {
    const dir = tree({
      "functions/lambda/entry.ts": 'import { NAME } from "../../lib/names.ts";\nexport const name = NAME;\n',
      // the same reach through the package.json alias
      "functions/lambda/aliased.ts": 'import { NAME } from "#cdk/names.ts";\nexport const other = NAME;\n',
      "lib/names.ts": 'export const NAME = "jobdeck";\n',
    });
    expect(await violations(dir, ["functions", "lib"])).toEqual([
      "functions-not-to-cdk: functions/lambda/aliased.ts → lib/names.ts",
      "functions-not-to-cdk: functions/lambda/entry.ts → lib/names.ts",
    ]);
  });

  it("fails on a two-file cycle, type-only imports included", async () => {
    const dir = tree({
      "functions/domain/runs/a.ts":
        'import type { B } from "#domain/runs/b.ts";\nexport type A = { b?: B };\n',
      "functions/domain/runs/b.ts":
        'import type { A } from "#domain/runs/a.ts";\nexport type B = { a?: A };\n',
    });
    // One report per cycle, from whichever of its modules the cruise met first.
    expect(await violations(dir, ["functions"])).toEqual([
      expect.stringMatching(/^no-circular: functions\/domain\/runs\/(a\.ts → .*b\.ts|b\.ts → .*a\.ts)$/),
    ]);
  });

  it("fails when the domain reads the environment contract (only the plain DEFAULTS are open to it)", async () => {
    const dir = tree({
      "functions/domain/runs/zone.ts":
        'import { readEnv } from "#config/env-contract.ts";\nexport const z = readEnv;\n',
      "functions/config/env-contract.ts": "export const readEnv = () => process.env;\n",
    });
    expect(await violations(dir, ["functions"])).toEqual([
      "domain-host-free: functions/domain/runs/zone.ts → functions/config/env-contract.ts",
    ]);
  });

  it("fails when the domain imports the AWS SDK", async () => {
    const dir = tree({
      "functions/domain/runs/store.ts":
        'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";\nexport const client = () => new DynamoDBClient({});\n',
    });
    const found = await violations(dir, ["functions"]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^domain-host-free: functions\/domain\/runs\/store\.ts → .*@aws-sdk\/client-dynamodb\//,
    );
  });
});
