// A job that runs on Fargate, for the infra tests only (the example fargate job lives in the
// registry): an odd size and settings, so that each one shows up where it belongs in the template,
// and a store of its own, so that the task role's table grants can be checked.
import * as z from "zod/mini";
import { JOBS } from "#jobs/all-jobs.ts";
import { defineJob } from "#jobs/define-job.ts";
import { notesStore } from "#test/helpers/own-store-job.ts";

export const fargateJob = defineJob({
  name: "test.long_haul",
  description: { ja: "Fargate で長時間動きます", en: "runs for hours on Fargate" },
  category: "test",
  data_sources: ["clock"],
  parameters: z.object({}),
  runtime: "fargate",
  resources: { cpu: 2048, memory_mb: 6144 },
  spot: true,
  timeout_seconds: 7200,
  heartbeat_seconds: 300,
  stop_timeout_seconds: 45,
  stores: { notes: notesStore },
  async run(ctx) {
    ctx.count.input(1);
  },
});

/** The registry plus the fargate job: the app an operator has once a job moves to Fargate. */
/** The registry's jobs that run on Lambda: the app before any job moves to Fargate. */
export const LAMBDA_JOBS = JOBS.filter((j) => j.runtime !== "fargate");

/**
 * The lambda jobs plus the test fargate job: one fargate job whose every setting is odd, so each
 * shows up where it belongs (the registry's own fargate example is synthesized by cli.test.ts and
 * run by the deploy suite).
 */
export const JOBS_WITH_FARGATE = [...LAMBDA_JOBS, fargateJob];
