// `npm start`: the whole of jobdeck on one machine, offline (spec/local.md).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { LOCAL_STOP_SUMMARY, startLocalStack } from "./local/local-stack.ts";

/**
 * JOBDECK_EXTRA_JOBS=path/a.ts,path/b.ts registers the job definitions those modules export beside
 * the registry: try a job locally before adding it to functions/jobs/all-jobs.ts (the tests use it
 * for their fault-making jobs).
 */
async function withExtraJobs(): Promise<JobDefinition[]> {
  const extra: JobDefinition[] = [];
  for (const file of (process.env.JOBDECK_EXTRA_JOBS ?? "").split(",").filter(Boolean)) {
    const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      const job = v as Partial<JobDefinition> | null;
      if (job && typeof job.name === "string" && typeof job.run === "function" && job.parameters) {
        if (![...JOBS, ...extra].some((j) => j.name === job.name)) extra.push(job as JobDefinition);
      }
    }
  }
  return [...JOBS, ...extra];
}

// Node 20 is supported here; the SDK's notice about its future Node 22 floor is noise for operators.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const started = Date.now();
const stack = await startLocalStack({ print: (line) => console.log(line), jobs: await withExtraJobs() });

console.log(`jobdeck local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`  admin page  ${stack.url}/`);
console.log(
  `  API         ${stack.url}/v1   (OpenAPI: ${stack.url}/v1/openapi.json, health: ${stack.url}/healthz)`,
);
console.log(
  `  log in      curl -s -XPOST ${stack.url}/local/token -H 'content-type: application/json' -d '{"sub":"dev","groups":["admin"]}'`,
);
console.log(
  `  jobs        ${stack.deps.registry
    .list()
    .map((j) => j.name)
    .join(", ")}`,
);
if (stack.reconciledAtStart) {
  console.log(
    `  reconciled  ${stack.reconciledAtStart} run(s) left running by the previous stop: FAILURE (${LOCAL_STOP_SUMMARY})`,
  );
}

if (stack.resumedAtStart) {
  console.log(
    `  resumed     ${stack.resumedAtStart} queued run(s) of the previous stop, in their queue order`,
  );
}

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(
    `\n${signal}: stopping — no new work; running runs get 5 s to finish, queued runs stay queued; DynamoDB Local stops last…`,
  );
  try {
    await stack.stop({ graceMs: 5000 });
  } finally {
    process.exit(0);
  }
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

// A job's stray promise must not take the whole stack (and every other run) down with it.
process.on("unhandledRejection", (reason) => {
  console.error(
    "[jobdeck] unhandled rejection (kept running):",
    reason instanceof Error ? reason.message : reason,
  );
});
