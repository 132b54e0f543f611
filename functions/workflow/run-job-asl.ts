// The state machine of one job, for both hosts (CDK deploys it, the local interpreter runs it):
// statemachines/run-job.asl.json as written for a Lambda job; for a job with runtime "fargate" the
// same file with its RunWorker state replaced by statemachines/run-worker-fargate.state.json
// (issue 15: one ASL file and a generated variant, never a hand-copied second state machine).
// What differs per job is rendered here as numbers and arrays; the ARNs stay `${...}` definition
// substitutions (CDK's definitionSubstitutions, the local stack's own values).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";

export const RUN_JOB_ASL_FILE = "statemachines/run-job.asl.json";
export const FARGATE_WORKER_STATE_FILE = "statemachines/run-worker-fargate.state.json";

/** The state every variant replaces; the rest of the file is shared by all jobs. */
export const WORKER_STATE = "RunWorker";

/** The Task resource of a fargate job's RunWorker state. */
export const ECS_RUN_TASK_SYNC = "arn:aws:states:::ecs:runTask.sync";

/** The name of the container the task definition runs and the override addresses. */
export const FARGATE_CONTAINER_NAME = "job";

/** The tag that names a task's run: the sweeper finds orphaned tasks by it. */
export const EXECUTION_UUID_TAG = "jobdeck:execution_uuid";

export type AslState = Record<string, unknown> & { Type: string };
export type AslDefinition = { Comment?: string; StartAt: string; States: Record<string, AslState> };

type RunJobJob = Pick<JobDefinition, "name" | "runtime" | "fargate" | "timeout_seconds">;

/** The substitution names of a job's definition, besides StepsFunctionArn. */
export function substitutionNames(job: Pick<JobDefinition, "runtime">, subnetCount: number): string[] {
  if (job.runtime !== "fargate") return ["WorkerFunctionArn"];
  return [
    "ClusterArn",
    "TaskDefinitionArn",
    "TaskSecurityGroupId",
    ...Array.from({ length: subnetCount }, (_, i) => subnetSubstitution(i)),
  ];
}

export const subnetSubstitution = (i: number) => `Subnet${i}`;

/** Reads both files from `projectRoot` (CDK: the app's root; local: the checkout). */
export function readRunJobTemplates(projectRoot: string): { template: string; fargateWorker: string } {
  return {
    template: readFileSync(join(projectRoot, RUN_JOB_ASL_FILE), "utf8"),
    fargateWorker: readFileSync(join(projectRoot, FARGATE_WORKER_STATE_FILE), "utf8"),
  };
}

/**
 * The definition of `job`'s state machine, placeholders left for the host. `subnetCount`: how many
 * subnets a fargate task may be placed in (each becomes `${Subnet<i>}`); ignored for lambda jobs.
 */
export function renderRunJobDefinition(
  templates: { template: string; fargateWorker: string },
  job: RunJobJob,
  subnetCount: number,
): AslDefinition {
  const definition = JSON.parse(templates.template) as AslDefinition;
  if (job.runtime !== "fargate") return definition;
  const fargate = job.fargate;
  if (!fargate) throw new Error(`${job.name}: runtime "fargate" without its fargate settings`);
  if (subnetCount < 1) throw new Error(`${job.name}: a fargate task needs at least one subnet`);
  const lambdaWorker = definition.States[WORKER_STATE];
  if (!lambdaWorker) throw new Error(`${RUN_JOB_ASL_FILE} has no ${WORKER_STATE} state`);
  const state = JSON.parse(templates.fargateWorker) as AslState & {
    Parameters: {
      CapacityProviderStrategy: { CapacityProvider: string; Weight: number }[];
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: string[] } };
    };
  };
  // Step Functions cannot read TimeoutSecondsPath under Parameters in the local interpreter, and
  // the budget is the job's anyway: rendered, per job.
  state.TimeoutSeconds = job.timeout_seconds;
  state.HeartbeatSeconds = fargate.heartbeat_seconds;
  state.Parameters.CapacityProviderStrategy = [
    { CapacityProvider: fargate.spot ? "FARGATE_SPOT" : "FARGATE", Weight: 1 },
  ];
  state.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets = Array.from(
    { length: subnetCount },
    (_, i) => `\${${subnetSubstitution(i)}}`,
  );
  // The shared file's Catch and Next decide where the attempt goes: the variant keeps them.
  state.Catch = lambdaWorker.Catch;
  state.Next = lambdaWorker.Next;
  definition.States[WORKER_STATE] = state;
  definition.Comment = `${definition.Comment ?? ""} (RunWorker: ECS Fargate task, ${FARGATE_WORKER_STATE_FILE})`;
  return definition;
}
