// The only list of jobs. Adding a job = one module in this folder + one line here;
// the CDK app, the local stack, the API schemas and the admin page all follow from it.
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { bulkIngest } from "./bulk-ingest/bulk-ingest.ts";
import { CLONE_JOBS } from "./clone/clone-jobs.ts";
import { jquantsDailyBars } from "./daily-bars/jquants-daily-bars.ts";
import { listedCompaniesSync } from "./listed-companies/listed-companies-sync.ts";
import { recapPipeline } from "./recap/recap-pipeline.ts";

export const JOBS: readonly JobDefinition[] = [
  listedCompaniesSync,
  recapPipeline,
  bulkIngest,
  jquantsDailyBars,
  ...CLONE_JOBS,
];
