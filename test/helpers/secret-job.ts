// Jobs that declare secrets, for the infra tests: one on Lambda with two secrets, one on Fargate with
// one, so the grants of each worker role can be told apart.
import * as z from "zod/mini";
import { defineJob } from "#jobs/define-job.ts";

export const secretLambdaJob = defineJob({
  name: "test.secret_lambda",
  description: { ja: "秘密を読みます", en: "reads its secrets" },
  category: "test",
  data_sources: ["test"],
  parameters: z.object({}),
  secrets: {
    api_key: { env: "TEST_API_KEY", name: "test/lambda-api-key" },
    token: { env: "TEST_TOKEN", name: "test/lambda-token" },
  },
  async run(ctx) {
    ctx.count.input((await ctx.secret("api_key")) ? 1 : 0);
  },
});

export const secretFargateJob = defineJob({
  name: "test.secret_fargate",
  description: { ja: "Fargate で秘密を読みます", en: "reads its secret on Fargate" },
  category: "test",
  data_sources: ["test"],
  parameters: z.object({}),
  runtime: "fargate",
  secrets: { api_key: { env: "TEST_TASK_KEY", name: "test/task-api-key" } },
  async run(ctx) {
    ctx.count.input((await ctx.secret("api_key")) ? 1 : 0);
  },
});
