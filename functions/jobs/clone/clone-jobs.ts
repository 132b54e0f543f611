// Seed 000's Clone batches, in the seed's order (all-jobs.ts lists them with one line).
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { aiStubJob } from "./ai-stub-job.ts";
import { corporateNumberJob } from "./corporate-number-job.ts";
import { facebookSyncJob } from "./facebook-sync-job.ts";
import { opendataJob } from "./opendata-job.ts";

export const CLONE_JOBS: readonly JobDefinition[] = [
  corporateNumberJob,
  opendataJob,
  facebookSyncJob,
  aiStubJob,
];
