// Issue 15, the CDK side of fargate jobs: with a fargate job registered the stack gains a VPC
// without NAT, a cluster and the job's ARM64 task definition; the job's state machine runs the
// task with `ecs:runTask.sync` and exactly the IAM that needs; the task role has the worker's
// grants plus SendTask* on its own state machine; the sweeper may list and stop the cluster's
// tasks. Without one, none of that exists and the lambda jobs' state machines are unchanged.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { type App, CfnResource } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOTSTRAP, BUNDLE_ENV, TASK_IMAGE } from "#cdk/constructs/fargate.ts";
import { ECS_SYNC_RULE } from "#cdk/constructs/workflows.ts";
import { PROJECT_ROOT } from "#cdk/functions.ts";
import { controlTowerChecks, GUARD_PLUGIN_NAME } from "#cdk/guard.ts";
import { settingsFromContext } from "#cdk/settings.ts";
import { cdkVariables } from "#config/env-contract.ts";
import {
  ECS_RUN_TASK_SYNC,
  FARGATE_CONTAINER_NAME,
  readRunJobTemplates,
  renderRunJobDefinition,
  substitutionNames,
} from "#workflow/run-job-asl.ts";
import { fargateJob, JOBS_WITH_FARGATE, LAMBDA_JOBS } from "./fargate-job.ts";
import {
  asList,
  coversPath,
  flat,
  policyStatements,
  Recorder,
  recordedAcknowledgements,
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthJobdeck,
} from "./synth.ts";

let lambdaOnly: Synthesized;
let withFargate: Synthesized;
beforeAll(async () => {
  lambdaOnly = await synthJobdeck({ jobs: LAMBDA_JOBS });
  withFargate = await synthJobdeck({ jobs: JOBS_WITH_FARGATE });
});
afterAll(removeSynthOutputs);

const FARGATE_TYPES = /^AWS::(EC2|ECS)::/;
const only = <T>(list: T[], what: string): T => {
  expect(list, what).toHaveLength(1);
  return list[0]!;
};
const idOf = (json: Synthesized["json"], type: string) => only(resourcesOf(json, type), type)[0];

const machineOf = (json: Synthesized["json"], jobName: string) =>
  only(
    resourcesOf(json, "AWS::StepFunctions::StateMachine").filter(
      ([, r]) => r.Properties.StateMachineName === `Jobdeck-${jobName.replace(/[^A-Za-z0-9_-]/g, "-")}`,
    ),
    jobName,
  );

/** Statements of the policies attached to the role `roleId`. */
const statementsOfRole = (json: Synthesized["json"], roleId: string) =>
  policyStatements(json)
    .filter(({ owner }) => {
      const r = json.Resources[owner]!;
      return owner === roleId || r.Properties.Roles?.some((x: any) => x.Ref === roleId);
    })
    .map(({ statement }) => statement);

const taskDefinition = () => only(resourcesOf(withFargate.json, "AWS::ECS::TaskDefinition"), "task def");
const container = () => only(taskDefinition()[1].Properties.ContainerDefinitions as any[], "container");

describe("a stack whose jobs all run on Lambda", () => {
  it("has no VPC, cluster or task definition, and the sweeper no cluster", () => {
    const types = Object.values(lambdaOnly.json.Resources).map((r) => r.Type);
    expect(types.filter((t) => FARGATE_TYPES.test(t))).toEqual([]);
    const [, sweeper] = only(
      resourcesOf(lambdaOnly.json, "AWS::Lambda::Function").filter(([id]) =>
        /^WorkflowsRunSweeper[0-9A-F]{8}$/.test(id),
      ),
      "sweeper",
    );
    expect(sweeper.Properties.Environment.Variables.JOBDECK_CLUSTER_ARN).toBeUndefined();
  });
});

describe("lambda jobs beside a fargate job", () => {
  it("keep their state machines byte for byte: the file itself, the same substitutions", () => {
    const asl = readFileSync(join(PROJECT_ROOT, "statemachines/run-job.asl.json"), "utf8");
    for (const job of LAMBDA_JOBS) {
      const [, before] = machineOf(lambdaOnly.json, job.name);
      const [, after] = machineOf(withFargate.json, job.name);
      expect(after.Properties.DefinitionS3Location, job.name).toEqual(before.Properties.DefinitionS3Location);
      expect(after.Properties.DefinitionString, job.name).toBeUndefined();
      expect(after.Properties.DefinitionSubstitutions, job.name).toEqual(
        before.Properties.DefinitionSubstitutions,
      );
      const key = String(after.Properties.DefinitionS3Location.Key);
      expect(readFileSync(join(withFargate.outdir, `asset.${key}`), "utf8"), job.name).toBe(asl);
    }
  });

  it("keep one worker function each; the fargate job has none", () => {
    const workers = resourcesOf(withFargate.json, "AWS::Lambda::Function")
      .map(([, r]) => r.Properties.Environment?.Variables?.JOBDECK_JOB_NAME)
      .filter(Boolean);
    expect(workers.sort()).toEqual(LAMBDA_JOBS.map((j) => j.name).sort());
  });
});

describe("the zones (setting fargateAvailabilityZones)", () => {
  const context = (c: Record<string, unknown>) => ({ tryGetContext: (k: string) => c[k] });

  it("defaults to Tokyo's three, refuses a zone of another region, and has no default elsewhere", () => {
    expect(settingsFromContext(context({})).fargateAvailabilityZones).toEqual([
      "ap-northeast-1a",
      "ap-northeast-1c",
      "ap-northeast-1d",
    ]);
    expect(() => settingsFromContext(context({ fargateAvailabilityZones: "us-east-1a" }))).toThrow(
      /us-east-1a is not an availability zone of ap-northeast-1/,
    );
    expect(settingsFromContext(context({ region: "eu-west-1" })).fargateAvailabilityZones).toEqual([]);
  });

  it("must be named in a region without a default once a job runs on fargate (only then)", async () => {
    await expect(synthJobdeck({ jobs: JOBS_WITH_FARGATE, context: { region: "eu-west-1" } })).rejects.toThrow(
      /-c fargateAvailabilityZones=/,
    );
    const named = await synthJobdeck({
      jobs: JOBS_WITH_FARGATE,
      context: { region: "eu-west-1", fargateAvailabilityZones: "eu-west-1a,eu-west-1b" },
    });
    const subnets = resourcesOf(named.json, "AWS::EC2::Subnet").map(([, r]) => r.Properties.AvailabilityZone);
    expect(subnets.sort()).toEqual(["eu-west-1a", "eu-west-1b"]);
    const [, m] = machineOf(named.json, fargateJob.name);
    expect(
      JSON.parse(m.Properties.DefinitionString).States.RunWorker.Parameters.NetworkConfiguration,
    ).toEqual(
      expect.objectContaining({
        AwsvpcConfiguration: expect.objectContaining({ Subnets: [0, 1].map((i) => `\${Subnet${i}}`) }),
      }),
    );
  });
});

describe("the fargate network", () => {
  it("is one VPC in the named zones with public subnets only and no NAT gateway", () => {
    const json = withFargate.json;
    expect(resourcesOf(json, "AWS::EC2::VPC")).toHaveLength(1);
    expect(resourcesOf(json, "AWS::EC2::NatGateway")).toHaveLength(0);
    expect(resourcesOf(json, "AWS::EC2::EIP")).toHaveLength(0);
    const subnets = resourcesOf(json, "AWS::EC2::Subnet");
    expect(subnets.map(([, s]) => s.Properties.AvailabilityZone).sort()).toEqual([
      "ap-northeast-1a",
      "ap-northeast-1c",
      "ap-northeast-1d",
    ]);
    const igw = idOf(json, "AWS::EC2::InternetGateway");
    const routes = resourcesOf(json, "AWS::EC2::Route").map(([, r]) => r.Properties);
    for (const [id, subnet] of subnets) {
      // public: its route table sends 0.0.0.0/0 to the internet gateway; no address unless asked for
      expect(subnet.Properties.MapPublicIpOnLaunch, id).toBe(false);
      const tables = resourcesOf(json, "AWS::EC2::SubnetRouteTableAssociation")
        .filter(([, a]) => a.Properties.SubnetId.Ref === id)
        .map(([, a]) => a.Properties.RouteTableId.Ref);
      const out = routes.filter((r) => tables.includes(r.RouteTableId.Ref));
      expect(out, id).toEqual([
        expect.objectContaining({ DestinationCidrBlock: "0.0.0.0/0", GatewayId: { Ref: igw } }),
      ]);
    }
    expect(resourcesOf(json, "AWS::EC2::FlowLog")).toHaveLength(1);
  });

  it("gives tasks a security group with no ingress and HTTPS egress only", () => {
    const [, sg] = only(resourcesOf(withFargate.json, "AWS::EC2::SecurityGroup"), "security group");
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(resourcesOf(withFargate.json, "AWS::EC2::SecurityGroupIngress")).toHaveLength(0);
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", IpProtocol: "tcp", FromPort: 443, ToPort: 443 }),
    ]);
  });

  it("has one cluster with FARGATE and FARGATE_SPOT capacity", () => {
    const cluster = idOf(withFargate.json, "AWS::ECS::Cluster");
    const [, assoc] = only(
      resourcesOf(withFargate.json, "AWS::ECS::ClusterCapacityProviderAssociations"),
      "capacity providers",
    );
    expect(assoc.Properties.Cluster).toEqual({ Ref: cluster });
    expect([...assoc.Properties.CapacityProviders].sort()).toEqual(["FARGATE", "FARGATE_SPOT"]);
  });
});

describe("the fargate job's task definition", () => {
  it("is ARM64 Fargate, sized by the job, its container `job` on the pinned image, stopped within the job's stop timeout", () => {
    const [, td] = taskDefinition();
    expect(td.Properties).toMatchObject({
      RequiresCompatibilities: ["FARGATE"],
      NetworkMode: "awsvpc",
      Cpu: String(fargateJob.fargate!.cpu),
      Memory: String(fargateJob.fargate!.memory_mb),
      RuntimePlatform: { CpuArchitecture: "ARM64", OperatingSystemFamily: "LINUX" },
      Family: "Jobdeck-test-long_haul",
    });
    const c = container();
    expect(c.Name).toBe(FARGATE_CONTAINER_NAME);
    expect(c.Image).toBe(TASK_IMAGE);
    expect(c.Image).toMatch(/^public\.ecr\.aws\/lambda\/nodejs:22@sha256:[0-9a-f]{64}$/);
    expect(c.StopTimeout).toBe(45);
    expect(c.Memory).toBe(6144);
    expect(c.User).not.toMatch(/^(0|root)(:|$)/);
    expect(c.EntryPoint).toEqual(["/var/lang/bin/node", "-e", BOOTSTRAP]);
  });

  it("logs with awslogs to its own log group, kept as long as the settings say", () => {
    const c = container();
    expect(c.LogConfiguration.LogDriver).toBe("awslogs");
    const group = c.LogConfiguration.Options["awslogs-group"].Ref as string;
    expect(withFargate.json.Resources[group]!.Type).toBe("AWS::Logs::LogGroup");
    expect(withFargate.json.Resources[group]!.Properties.RetentionInDays).toBe(90);
    // written by the execution role only
    const [, td] = taskDefinition();
    const exec = statementsOfRole(withFargate.json, td.Properties.ExecutionRoleArn["Fn::GetAtt"][0]);
    expect(exec.flatMap((s: any) => asList(s.Action)).sort()).toEqual([
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]);
    expect(exec.flatMap((s: any) => asList(s.Resource).map(flat))).toEqual([`<${group}.Arn>`]);
  });

  it("carries exactly the task kind's CDK variables, the region and the bundle's location", () => {
    const env = Object.fromEntries(
      (container().Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
    );
    expect(Object.keys(env).sort()).toEqual(
      [...cdkVariables("task").map((v) => v.name), "AWS_REGION", BUNDLE_ENV.bucket, BUNDLE_ENV.key].sort(),
    );
    expect(env.JOBDECK_JOB_NAME).toBe(fargateJob.name);
    expect(env.AWS_REGION).toBe("ap-northeast-1");
    expect(flat(env.JOBDECK_JOB_TABLES)).toMatch(/^\{"notes":"<DataTestNotesTable\w+>"\}$/);
    // a variable the task kind does not read cannot be set (as for a Lambda kind)
    const task = withFargate.stack.workflows.fargate!.tasks[0]!;
    expect(() => task.setEnv("STATE_MACHINE_ARNS", "{}")).toThrow(/a task does not read STATE_MACHINE_ARNS/);
    // the run and the task token come per run, in the RunTask override, never in the definition
    expect(env.JOBDECK_RUN).toBeUndefined();
    expect(env.JOBDECK_TASK_TOKEN).toBeUndefined();
    // a run's logs_url searches the task's lines too
    const group = container().LogConfiguration.Options["awslogs-group"].Ref;
    expect(flat(env.LOGS_INSIGHTS_GROUPS)).toContain(`<${group}>`);
  });

  it("has a task role with the worker's table grants, its own stores, SendTask* on its own state machine, the bundle object", () => {
    const [, td] = taskDefinition();
    const statements = statementsOfRole(withFargate.json, td.Properties.TaskRoleArn["Fn::GetAtt"][0]);
    const byResource: Record<string, string[]> = {};
    for (const s of statements) {
      expect(s.Effect).toBe("Allow");
      for (const r of asList(s.Resource).map(flat)) {
        byResource[r] = [...(byResource[r] ?? []), ...asList<string>(s.Action)].sort();
      }
    }
    const [, runs] = only(
      resourcesOf(withFargate.json, "AWS::DynamoDB::GlobalTable").filter(([id]) =>
        id.startsWith("DataRunsTable"),
      ),
      "runs table",
    );
    expect(runs).toBeDefined();
    const table = (prefix: string) =>
      Object.keys(byResource).find((r) => new RegExp(`^<${prefix}\\w+\\.Arn>$`).test(r))!;
    expect(byResource[table("DataRunsTable")]).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(byResource[table("DataTestNotesTable")]).toEqual(["dynamodb:GetItem", "dynamodb:PutItem"]);
    const machine = "arn:aws:states:ap-northeast-1:<AWS::AccountId>:stateMachine:Jobdeck-test-long_haul";
    expect(byResource[machine]).toEqual([
      "states:SendTaskFailure",
      "states:SendTaskHeartbeat",
      "states:SendTaskSuccess",
    ]);
    const bundleKey = flat(
      (container().Environment as { Name: string; Value: unknown }[]).find((e) => e.Name === BUNDLE_ENV.key)!
        .Value,
    );
    const bundle = Object.keys(byResource).find((r) => r.startsWith("arn:aws:s3:::"))!;
    expect(bundle).toMatch(
      new RegExp(`^arn:aws:s3:::cdk-\\w+-assets-\\$\\{AWS::AccountId\\}-ap-northeast-1/${bundleKey}$`),
    );
    expect(byResource[bundle]).toEqual(["s3:GetObject"]);
    // nothing else: no control table item, no other state machine, no wildcard
    expect(Object.keys(byResource)).toHaveLength(4);
  });
});

describe("the fargate job's state machine", () => {
  const machine = () => machineOf(withFargate.json, fargateJob.name);

  it("is the rendered definition: RunWorker is ecs:runTask.sync with the job's heartbeat, timeout and capacity", () => {
    const [, m] = machine();
    const definition = JSON.parse(m.Properties.DefinitionString);
    expect(definition).toEqual(renderRunJobDefinition(readRunJobTemplates(PROJECT_ROOT), fargateJob, 3));
    const worker = definition.States.RunWorker;
    expect(worker.Resource).toBe(ECS_RUN_TASK_SYNC);
    expect(worker.HeartbeatSeconds).toBe(300);
    expect(worker.TimeoutSeconds).toBe(7200);
    expect(worker.Parameters.CapacityProviderStrategy).toEqual([
      { CapacityProvider: "FARGATE_SPOT", Weight: 1 },
    ]);
    // the definition substitutions `${Subnet0}`..`${Subnet2}`, one per zone
    expect(worker.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(
      [0, 1, 2].map((i) => `\${Subnet${i}}`),
    );
  });

  it("substitutes the cluster, this job's task definition, the security group and the subnets", () => {
    const [, m] = machine();
    const subs = m.Properties.DefinitionSubstitutions;
    expect(Object.keys(subs).sort()).toEqual(
      ["StepsFunctionArn", ...substitutionNames(fargateJob, 3)].sort(),
    );
    expect(flat(subs.ClusterArn)).toBe(`<${idOf(withFargate.json, "AWS::ECS::Cluster")}.Arn>`);
    expect(subs.TaskDefinitionArn).toEqual({ Ref: taskDefinition()[0] });
    expect(flat(subs.TaskSecurityGroupId)).toBe(
      `<${idOf(withFargate.json, "AWS::EC2::SecurityGroup")}.GroupId>`,
    );
    const subnets = resourcesOf(withFargate.json, "AWS::EC2::Subnet").map(([id]) => id);
    expect([0, 1, 2].map((i) => subs[`Subnet${i}`].Ref).sort()).toEqual(subnets.sort());
  });

  it("may do exactly what runTask.sync needs, besides invoking the steps function and its logs and X-Ray", () => {
    const [, m] = machine();
    const statements = statementsOfRole(withFargate.json, m.Properties.RoleArn["Fn::GetAtt"][0]);
    const cluster = idOf(withFargate.json, "AWS::ECS::Cluster");
    const [taskDefId, td] = taskDefinition();
    expect(taskDefId).toBeDefined();
    const tasks = `arn:aws:ecs:ap-northeast-1:<AWS::AccountId>:task/<${cluster}>/*`;
    const onCluster = { ArnEquals: { "ecs:cluster": { "Fn::GetAtt": [cluster, "Arn"] } } };
    const rest = statements.filter((s: any) =>
      asList<string>(s.Action).some((a) => !a.startsWith("logs:") && !a.startsWith("xray:")),
    );
    const shown = rest.map((s: any) => ({
      actions: asList<string>(s.Action).sort(),
      resources: asList(s.Resource).map(flat).sort(),
      ...(s.Condition ? { condition: s.Condition } : {}),
    }));
    const steps = flat(m.Properties.DefinitionSubstitutions.StepsFunctionArn);
    expect(shown.sort((a: any, b: any) => a.actions[0].localeCompare(b.actions[0]))).toEqual([
      {
        actions: ["ecs:DescribeTasks", "ecs:StopTask"],
        resources: [tasks],
        condition: onCluster,
      },
      {
        actions: ["ecs:RunTask"],
        resources: ["arn:aws:ecs:ap-northeast-1:<AWS::AccountId>:task-definition/Jobdeck-test-long_haul:*"],
        condition: onCluster,
      },
      {
        actions: ["ecs:TagResource"],
        resources: [tasks],
        condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      },
      {
        actions: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
        resources: [`arn:aws:events:ap-northeast-1:<AWS::AccountId>:rule/${ECS_SYNC_RULE}`],
      },
      {
        actions: ["iam:PassRole"],
        resources: [flat(td.Properties.ExecutionRoleArn), flat(td.Properties.TaskRoleArn)].sort(),
        condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
      { actions: ["lambda:InvokeFunction"], resources: [steps, `${steps}:*`].sort() },
    ]);
  });
});

describe("the sweeper beside a fargate job", () => {
  it("knows the cluster and may list, describe and stop the cluster's tasks only", () => {
    const [sweeperId, sweeper] = only(
      resourcesOf(withFargate.json, "AWS::Lambda::Function").filter(([id]) =>
        /^WorkflowsRunSweeper[0-9A-F]{8}$/.test(id),
      ),
      "sweeper",
    );
    expect(sweeperId).toBeDefined();
    const cluster = idOf(withFargate.json, "AWS::ECS::Cluster");
    expect(flat(sweeper.Properties.Environment.Variables.JOBDECK_CLUSTER_ARN)).toBe(`<${cluster}.Arn>`);
    const statements = statementsOfRole(withFargate.json, sweeper.Properties.Role["Fn::GetAtt"][0]).filter(
      (s: any) => asList<string>(s.Action).some((a) => a.startsWith("ecs:")),
    );
    const onCluster = { ArnEquals: { "ecs:cluster": { "Fn::GetAtt": [cluster, "Arn"] } } };
    expect(
      statements.map((s: any) => ({
        actions: asList<string>(s.Action).sort(),
        resources: asList(s.Resource).map(flat),
        condition: s.Condition,
      })),
    ).toEqual([
      { actions: ["ecs:ListTasks"], resources: ["*"], condition: onCluster },
      {
        actions: ["ecs:DescribeTasks", "ecs:StopTask"],
        resources: [`arn:aws:ecs:ap-northeast-1:<AWS::AccountId>:task/<${cluster}>/*`],
        condition: onCluster,
      },
    ]);
  });

  it("lets the runs area read the task's log lines (RUN_LOG_GROUPS, FilterLogEvents)", () => {
    const group = container().LogConfiguration.Options["awslogs-group"].Ref as string;
    const [, runsFn] = only(
      resourcesOf(withFargate.json, "AWS::Lambda::Function").filter(([id]) =>
        /^ApiApiRuns[0-9A-F]{8}$/.test(id),
      ),
      "runs function",
    );
    const groups = JSON.parse(flat(runsFn.Properties.Environment.Variables.RUN_LOG_GROUPS)) as Record<
      string,
      string[]
    >;
    expect(groups[fargateJob.name]).toContain(`<${group}>`);
    const read = policyStatements(withFargate.json).find(
      ({ statement }) => statement.Sid === "ReadRunLogLines",
    )!;
    expect(asList(read.statement.Resource).map(flat)).toContain(
      `arn:aws:logs:ap-northeast-1:<AWS::AccountId>:log-group:<${group}>`,
    );
  });
});

describe("cdk-nag and the Control Tower checks with a fargate job", () => {
  let app: App | undefined;
  let stack: Synthesized["stack"] | undefined;
  let error: unknown;
  let guard: Recorder | undefined;
  beforeAll(async () => {
    try {
      const synthesized = await synthJobdeck({
        jobs: JOBS_WITH_FARGATE,
        plugins: (a) => {
          guard = new Recorder(controlTowerChecks(a));
          return [new AwsSolutionsChecks(a), guard];
        },
      });
      ({ app, stack } = synthesized);
    } catch (e) {
      error = e;
    }
  });

  it("synthesizes with both registered: every finding fixed or acknowledged", () => {
    expect(error === undefined ? "" : String(error)).toBe("");
  });

  it("has no cdk-nag acknowledgement in the fargate resources that matches no finding", () => {
    expect(app).toBeDefined();
    const blind = new AwsSolutionsChecks(app!);
    (blind as any).isAcknowledged = () => false;
    const findings = blind
      .validateScope(app!)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? "" })),
      );
    const fargatePaths = /\/Workflows\/(Fargate|RunSweeper|TestLongHaul)/;
    const acks = recordedAcknowledgements(app!)
      .map((a) => ({ ...a, id: a.id.replace(/^Annotation::/, "") }))
      .filter((a) => a.id.startsWith("AwsSolutions-") && fargatePaths.test(a.path));
    expect(acks.length).toBeGreaterThan(3);
    const unused = acks.filter((a) => !findings.some((f) => f.rule === a.id && coversPath(a.path, f.path)));
    expect(unused.map((a) => `${a.id} at ${a.path}`)).toEqual([]);
  });

  it("has no Control Tower acknowledgement in the fargate resources that matches no finding", () => {
    expect(stack).toBeDefined();
    const pathOf = new Map<string, string>();
    for (const c of stack!.node.findAll()) {
      if (CfnResource.isCfnResource(c)) pathOf.set(stack!.resolve(c.logicalId) as string, c.node.path);
    }
    const findings = (guard?.raw?.violations ?? []).flatMap((v) =>
      v.violatingResources.map((r) => ({
        rule: v.ruleName,
        path: pathOf.get(r.resourceLogicalId ?? "") ?? "",
      })),
    );
    const prefix = `${GUARD_PLUGIN_NAME}::`;
    const acks = recordedAcknowledgements(app!)
      .filter((a) => a.id.startsWith(prefix) && /\/Workflows\/Fargate\//.test(a.path))
      .map((a) => ({ ...a, rule: a.id.slice(prefix.length) }));
    expect(acks.length).toBeGreaterThanOrEqual(2);
    const unused = acks.filter((a) => !findings.some((f) => f.rule === a.rule && coversPath(a.path, f.path)));
    expect(unused.map((a) => `${a.rule} at ${a.path}`)).toEqual([]);
  });
});

describe("the container bootstrap", () => {
  /** Runs BOOTSTRAP in node with the image's S3 client replaced by a stand-in (a preload). */
  const run = (body: string | null) => {
    const preload = `
      const Module = require("node:module");
      const load = Module._load;
      Module._load = function (request, ...rest) {
        if (request !== "/var/runtime/node_modules/@aws-sdk/client-s3") return load.call(this, request, ...rest);
        class GetObjectCommand { constructor(input) { this.input = input; } }
        class S3Client {
          async send(cmd) {
            console.log("get " + cmd.input.Bucket + "/" + cmd.input.Key);
            const body = ${JSON.stringify(body)};
            if (body === null) throw new Error("AccessDenied");
            return { Body: { transformToByteArray: async () => new TextEncoder().encode(body) } };
          }
        }
        return { S3Client, GetObjectCommand };
      };`;
    const dir = mkdtempSync(join(tmpdir(), "jobdeck-bootstrap-"));
    writeFileSync(join(dir, "preload.cjs"), preload);
    return spawnSync(process.execPath, ["--require", join(dir, "preload.cjs"), "-e", BOOTSTRAP], {
      env: { PATH: process.env.PATH, [BUNDLE_ENV.bucket]: "assets-bucket", [BUNDLE_ENV.key]: "abc.js" },
      encoding: "utf8",
    });
  };

  it("compiles", () => {
    expect(() => new vm.Script(BOOTSTRAP)).not.toThrow();
  });

  it("fetches the bundle named by its variables and runs it", () => {
    const r = run('console.log("bundle ran, job " + (process.env.JOBDECK_BUNDLE_KEY));');
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("get assets-bucket/abc.js\nbundle ran, job abc.js\n");
    expect(r.status).toBe(0);
  });

  it("exits 1 with its reason when the bundle cannot be fetched", () => {
    const r = run(null);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("jobdeck bootstrap: cannot load the job bundle");
    expect(r.stderr).toContain("AccessDenied");
  });
});
