// states:StartExecution on exactly the jobs' state machines: the API areas that start runs (trigger,
// rerun) and, since backfills (issue 16 part 2), every function that ends runs, because ending a
// backfill's run starts its next pending time (functions/domain/backfills/backfill-advancer.ts).
import * as iam from "aws-cdk-lib/aws-iam";
import type { IConstruct } from "constructs";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { stateMachineArn } from "./names.ts";

export function startJobExecutions(
  scope: IConstruct,
  jobs: readonly Pick<JobDefinition, "name">[],
): iam.PolicyStatement {
  // an execution is named by its run's execution_uuid
  return new iam.PolicyStatement({
    sid: "StartJobExecutions",
    actions: ["states:StartExecution"],
    resources: jobs.map((j) => stateMachineArn(scope, j.name)),
  });
}
