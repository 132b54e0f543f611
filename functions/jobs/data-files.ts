// Data files jobs read at run time instead of carrying them in every Lambda bundle (esbuild would
// inline an imported JSON file: the listed-info fixture is 1.6 MB, the recap articles ~94 KB once
// escaped). The CDK worker function copies each `source` (relative to the project root) into its
// bundle folder as `target` (NodejsFunction bundling commandHooks); there the job finds it next to
// the handler (LAMBDA_TASK_ROOT). From the source tree (local stack, tests) it reads `source`.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type HostEnv, hostEnv } from "#config/env-contract.ts";

export type JobDataFile = {
  /** Path relative to the project root. */
  source: string;
  /** File name next to the bundled handler. */
  target: string;
};

export const LISTED_INFO_FILE: JobDataFile = {
  source: "functions/jobs/data/listed-info.json",
  target: "listed-info.json",
};

export const RECAP_ARTICLES_FILE: JobDataFile = {
  source: "functions/jobs/data/recap-articles.json",
  target: "recap-articles.json",
};

// issue 17 CLONE: what clone.corporate_number loads without an application id (allow_missing_token),
// and the pages clone.facebook_sync follows.
export const HOUJIN_SAMPLE_FILE: JobDataFile = {
  source: "functions/jobs/data/clone/houjin-diff.csv",
  target: "clone-houjin-diff.csv",
};
export const FACEBOOK_PAGES_FILE: JobDataFile = {
  source: "functions/jobs/data/clone/facebook-pages.json",
  target: "clone-facebook-pages.json",
};

/** Every file a worker bundle must carry. */
export const JOB_DATA_FILES: readonly JobDataFile[] = [
  LISTED_INFO_FILE,
  RECAP_ARTICLES_FILE,
  HOUJIN_SAMPLE_FILE,
  FACEBOOK_PAGES_FILE,
];

/**
 * Where `file` may be, in this order: next to the Lambda bundle (LAMBDA_TASK_ROOT; the bundle's own
 * folder), then in the project, resolved from this module when it runs from source.
 */
export function dataFileCandidates(file: JobDataFile, env: HostEnv = hostEnv()): string[] {
  const out: string[] = [];
  if (env.LAMBDA_TASK_ROOT) out.push(join(env.LAMBDA_TASK_ROOT, file.target));
  if (typeof __dirname === "string") out.push(join(__dirname, file.target));
  try {
    // `import.meta` is empty in a CommonJS bundle (new URL then throws): only the source tree has
    // a project path. (Inside try, esbuild does not warn about it either.)
    out.push(fileURLToPath(new URL(`../../${file.source}`, import.meta.url)));
  } catch {
    // bundled: the candidates above apply
  }
  return out;
}

/** The first existing candidate of `file`, or an error naming every place looked at. */
export function findDataFile(file: JobDataFile, env: HostEnv = hostEnv()): string {
  const candidates = dataFileCandidates(file, env);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `data file ${file.target} not found (looked at ${candidates.join(", ") || "no path"}); ` +
        "a worker bundle must carry JOB_DATA_FILES (functions/jobs/data-files.ts)",
    );
  }
  return found;
}
