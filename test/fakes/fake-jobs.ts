// Small jobs for the domain's unit tests: their bodies never run here (no worker), only their
// definitions (parameters, concurrency, retry, timeout) matter.
import * as z from "zod/mini";
import { defineJob } from "#jobs/define-job.ts";

/** One run at a time for the whole job (concurrency "job"). */
export const demoJob = defineJob({
  name: "demo.sync",
  description: "a job with one slot",
  category: "demo",
  data_sources: ["demo_api"],
  parameters: z.strictObject({ limit: z._default(z.number().check(z.int(), z.minimum(1)), 10) }),
  retry: { attempts: 3, backoff_seconds: 5, backoff_rate: 2 },
  timeout_seconds: 300,
  async run() {},
});

/** One run per distinct params (concurrency "params"). */
export const perParamsJob = defineJob({
  name: "demo.per_params",
  description: "a slot per params",
  category: "demo",
  data_sources: ["demo_api"],
  concurrency: "params",
  parameters: z.strictObject({ key: z.string() }),
  async run() {},
});

export const FAKE_JOBS = [demoJob, perParamsJob];
