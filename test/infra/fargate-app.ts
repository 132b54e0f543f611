// The CDK app of bin/app.ts with a fargate job registered, for `cdk synth --app` in
// test/infra/cli.test.ts (the registry may not hold a fargate job; this app always does).
import { jobdeckApp } from "#cdk/app.ts";
import { JOBS_WITH_FARGATE } from "./fargate-job.ts";

(await jobdeckApp({ jobs: JOBS_WITH_FARGATE })).synth();
