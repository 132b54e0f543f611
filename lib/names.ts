// Physical names that several constructs must agree on before the resources exist. State machine
// ARNs are built from fixed names (not token references) so that the functions the state machines
// call can know every state machine's ARN without a dependency cycle.
import { ArnFormat, Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";

/** `my_area.some-job` → `MyAreaSomeJob`: construct ids of a job's resources. */
export function jobConstructId(jobName: string): string {
  return jobName.replace(/(^|[._-])(\w)/g, (_m, _s, c: string) => c.toUpperCase());
}

/** Step Functions names allow [A-Za-z0-9_-], at most 80 characters. */
export function stateMachineName(scope: IConstruct, jobName: string): string {
  const name = `${Stack.of(scope).stackName}-${jobName.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  if (name.length > 80) throw new Error(`state machine name ${name} is longer than 80 characters`);
  return name;
}

export function stateMachineArn(scope: IConstruct, jobName: string): string {
  return Stack.of(scope).formatArn({
    service: "states",
    resource: "stateMachine",
    resourceName: stateMachineName(scope, jobName),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Executions of a job's state machine (names are execution_uuids, known only at run time). */
export function executionArnPattern(scope: IConstruct, jobName: string): string {
  return Stack.of(scope).formatArn({
    service: "states",
    resource: "execution",
    resourceName: `${stateMachineName(scope, jobName)}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export function scheduleGroupName(scope: IConstruct): string {
  return `${Stack.of(scope).stackName}-schedules`;
}

/** Rejects a registry whose jobs would share a construct id or a state machine name. */
export function checkJobNames(scope: IConstruct, jobs: readonly JobDefinition[]): void {
  const ids = new Map<string, string>();
  const names = new Map<string, string>();
  for (const job of jobs) {
    for (const [seen, key] of [
      [ids, jobConstructId(job.name)],
      [names, stateMachineName(scope, job.name)],
    ] as const) {
      const other = seen.get(key);
      if (other) throw new Error(`jobs ${other} and ${job.name} would share the AWS name ${key}`);
      seen.set(key, job.name);
    }
  }
}
