// A job with runtime "fargate" for the domain's unit tests of issue 15 (outcomes of a task, the
// container override's size): its body never runs here, only its definition matters.
import * as z from "zod/mini";
import { defineJob } from "#jobs/define-job.ts";

export const fargateJob = defineJob({
  name: "demo.long_ingest",
  description: "a long job on Fargate",
  category: "demo",
  data_sources: ["demo_api"],
  runtime: "fargate",
  resources: { cpu: 1024, memory_mb: 2048 },
  heartbeat_seconds: 600,
  stop_timeout_seconds: 30,
  timeout_seconds: 3600,
  retry: { attempts: 2, backoff_seconds: 5, backoff_rate: 2 },
  parameters: z.strictObject({ note: z._default(z.string(), "") }),
  async run() {},
});
