// Issue 17, job secrets in the template: each job's worker (its Lambda role, or its fargate task
// role) may GetSecretValue on exactly the secrets the job declares — by name plus Secrets Manager's
// six-character suffix, nothing wider — and learns their names in JOBDECK_JOB_SECRETS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretFargateJob, secretLambdaJob } from "#test/helpers/secret-job.ts";
import { LAMBDA_JOBS } from "./fargate-job.ts";
import {
  asList,
  flat,
  policyStatements,
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthJobdeck,
} from "./synth.ts";

let s: Synthesized;
beforeAll(async () => {
  s = await synthJobdeck({ jobs: [...LAMBDA_JOBS, secretLambdaJob, secretFargateJob] });
});
afterAll(removeSynthOutputs);

/** A secret's grant: its ARNs (name + Secrets Manager's 6 characters) and the bare name (not found → null). */
const arns = (name: string) => [
  `arn:aws:secretsmanager:ap-northeast-1:<AWS::AccountId>:secret:${name}`,
  `arn:aws:secretsmanager:ap-northeast-1:<AWS::AccountId>:secret:${name}-??????`,
];

/** role logical id → the resources it may GetSecretValue on. */
function secretReads(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { owner, statement } of policyStatements(s.json)) {
    if (!asList<string>(statement.Action).some((a) => a.startsWith("secretsmanager:"))) continue;
    expect(asList(statement.Action)).toEqual(["secretsmanager:GetSecretValue"]);
    const r = s.json.Resources[owner]!;
    const roles: string[] =
      r.Type === "AWS::IAM::Role" ? [owner] : asList<any>(r.Properties.Roles).map((x) => x.Ref);
    for (const role of roles)
      out.set(role, [...(out.get(role) ?? []), ...asList(statement.Resource).map(flat)].sort());
  }
  return out;
}

const workerRole = (job: string) => {
  const [, fn] = resourcesOf(s.json, "AWS::Lambda::Function").find(
    ([, r]) => r.Properties.Environment?.Variables?.JOBDECK_JOB_NAME === job,
  )!;
  return {
    role: asList<string>(fn.Properties.Role["Fn::GetAtt"])[0]!,
    env: fn.Properties.Environment.Variables,
  };
};

describe("a job's declared secrets", () => {
  it("are readable by its Lambda worker's role, exactly those", () => {
    const { role, env } = workerRole(secretLambdaJob.name);
    expect(secretReads().get(role)).toEqual(
      [...arns("test/lambda-api-key"), ...arns("test/lambda-token")].sort(),
    );
    expect(JSON.parse(flat(env.JOBDECK_JOB_SECRETS))).toEqual({
      api_key: "test/lambda-api-key",
      token: "test/lambda-token",
    });
  });

  it("are readable by its fargate task role, and named in the container's environment", () => {
    const [, td] = resourcesOf(s.json, "AWS::ECS::TaskDefinition")[0]!;
    const taskRole = asList<string>(td.Properties.TaskRoleArn["Fn::GetAtt"])[0]!;
    expect(secretReads().get(taskRole)).toEqual(arns("test/task-api-key"));
    const container = td.Properties.ContainerDefinitions[0];
    const env = Object.fromEntries(
      (container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, flat(e.Value)]),
    );
    expect(JSON.parse(env.JOBDECK_JOB_SECRETS!)).toEqual({ api_key: "test/task-api-key" });
  });

  it("are readable by no other role (the cursor key apart, which only the API reads)", () => {
    const lambdaRole = workerRole(secretLambdaJob.name).role;
    const [, td] = resourcesOf(s.json, "AWS::ECS::TaskDefinition")[0]!;
    const taskRole = asList<string>(td.Properties.TaskRoleArn["Fn::GetAtt"])[0]!;
    for (const [role, resources] of secretReads()) {
      if (role === lambdaRole || role === taskRole) continue;
      for (const r of resources) expect(r, role).not.toMatch(/^arn:aws:secretsmanager:.*:secret:test\//);
    }
  });

  it("listed_companies.sync: its worker may read the J-Quants key and nothing else of Secrets Manager", () => {
    const { role, env } = workerRole("listed_companies.sync");
    expect(secretReads().get(role)).toEqual(arns("jobdeck/jquants-api-key"));
    expect(JSON.parse(flat(env.JOBDECK_JOB_SECRETS))).toEqual({ jquants_api_key: "jobdeck/jquants-api-key" });
  });

  it("leave a job that declares none without a grant, with an empty JOBDECK_JOB_SECRETS", () => {
    const jobWithout = LAMBDA_JOBS.find((j) => !j.secrets)!;
    const { role, env } = workerRole(jobWithout.name);
    expect(secretReads().get(role)).toBeUndefined();
    expect(JSON.parse(flat(env.JOBDECK_JOB_SECRETS))).toEqual({});
  });
});
