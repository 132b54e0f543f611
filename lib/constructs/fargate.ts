// Fargate jobs (issue 15): made only when some job has runtime "fargate". A VPC of public subnets
// in explicitly named zones with no NAT gateway (a task reaches ECR Public, S3 and the AWS APIs
// through its own public IP; nothing reaches it: its security group has no ingress), one ECS cluster
// with FARGATE and FARGATE_SPOT capacity, and per job an ARM64 task definition whose container
// `job` runs functions/lambda/workflow/task-main.ts. No Docker anywhere: the image is a public Node 22
// base pinned by digest, the job's code is one esbuild bundle (the Lambdas' options) uploaded as an
// S3 file asset, fetched at start by a bootstrap that uses the image's own AWS SDK.
import { join } from "node:path";
import {
  ArnFormat,
  AssetHashType,
  BundlingOutput,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
} from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3assets from "aws-cdk-lib/aws-s3-assets";
import { Construct } from "constructs";
import { buildSync } from "esbuild";
import { cdkVariables, type EnvName, FUNCTION_ENV } from "#config/env-contract.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { FARGATE_CONTAINER_NAME } from "#workflow/run-job-asl.ts";
import { ascii, type Bindable, type EnvValues, type LambdaFactory, PROJECT_ROOT } from "../functions.ts";
import { acknowledgeControl } from "../guard.ts";
import { BUNDLING } from "../lambda-catalog.ts";
import { acknowledge, iam5ResourceId } from "../nag.ts";
import { jobConstructId, stateMachineArn, stateMachineName } from "../names.ts";
import { type JobdeckSettings, logRetentionFor } from "../settings.ts";
import { CORE_TABLE_ACCESS } from "../table-access.ts";
import type { JobdeckData } from "./data.ts";

/**
 * AWS's Lambda base image for Node.js 22 (Amazon Linux 2023, multi-arch), pinned by digest so that a
 * deploy never picks up a different image by itself; it carries the AWS SDK v3 the bootstrap uses
 * (/var/runtime/node_modules). The digest is the one public repositories pin (found by code search:
 * a smoke-check script runs `public.ecr.aws/lambda/nodejs:22@sha256:c71939cd…` on both linux/arm64
 * and linux/amd64, i.e. the multi-arch index); this machine cannot reach ECR to re-check it. To move
 * to a newer one: `docker buildx imagetools inspect public.ecr.aws/lambda/nodejs:22` → its Digest.
 */
export const TASK_IMAGE =
  "public.ecr.aws/lambda/nodejs:22@sha256:c71939cdffffb125e6255fdb284ccde3c748bcba60658c7efc6d3a2241b2398b";

/** The container's entry (one bundle for every fargate job: JOBDECK_JOB_NAME says which job). */
export const TASK_ENTRY = "functions/lambda/workflow/task-main.ts";
const BUNDLE_FILE = "task.js";

/** Where the bootstrap finds the bundle: set on the container, read only by the bootstrap. */
export const BUNDLE_ENV = { bucket: "JOBDECK_BUNDLE_BUCKET", key: "JOBDECK_BUNDLE_KEY" } as const;

/**
 * `node -e` program of the container: fetch the bundle with the image's own S3 client into /tmp (the
 * only writable path, as on Lambda) and require it (a CommonJS bundle: it runs on load). A failure
 * exits 1, which ECS reports as the task's exit code and Step Functions as the attempt's failure.
 */
export const BOOTSTRAP = `const { S3Client, GetObjectCommand } = require("/var/runtime/node_modules/@aws-sdk/client-s3");
const env = process.env;
const file = "/tmp/jobdeck-${BUNDLE_FILE}";
new S3Client({})
  .send(new GetObjectCommand({ Bucket: env.${BUNDLE_ENV.bucket}, Key: env.${BUNDLE_ENV.key} }))
  .then((o) => o.Body.transformToByteArray())
  .then((bytes) => {
    require("node:fs").writeFileSync(file, bytes);
    require(file);
  })
  .catch((e) => {
    console.error("jobdeck bootstrap: cannot load the job bundle", e);
    process.exit(1);
  });`;

/** Why the cluster has no Container Insights (cdk-nag ECS4, Control Tower CT.ECS.PR.2: lib/guard.ts). */
export const CONTAINER_INSIGHTS_OFF =
  "Container Insights bills its metrics per cluster and task family; a run already records its progress, " +
  "counts and the task's stop reason (OOM, exit code) and links the task's log stream. Turn it on per account if wanted.";

/** The node binary of the Lambda base image (its ENTRYPOINT is the Lambda runtime interface). */
const NODE = "/var/lang/bin/node";

/**
 * The container's user: not root (Control Tower CT.ECS.PR.3). A uid needs no passwd entry; the
 * image's /tmp (1777) is where it writes, as on Lambda. The root file system stays writable: a
 * read-only one would need a volume at /tmp, and ECS mounts those root-owned, unwritable by this user.
 */
const TASK_USER = "65534:65534";

/** One fargate job's task: its definition, roles, log group, and the variables of kind "task". */
export class JobTask implements Bindable {
  private readonly env = new Map<EnvName, string>();

  constructor(
    readonly job: JobDefinition,
    readonly taskDefinition: ecs.FargateTaskDefinition,
    readonly container: ecs.ContainerDefinition,
    readonly taskRole: iam.Role,
    readonly executionRole: iam.Role,
    readonly logGroup: logs.LogGroup,
  ) {
    taskDefinition.node.addValidation({
      validate: () =>
        cdkVariables("task")
          .filter((v) => v.required && !this.env.has(v.name))
          .map((v) => `${job.name} (task): no value for environment variable ${v.name}`),
    });
  }

  get grantee(): iam.IGrantable {
    return this.taskRole;
  }

  /** As MadeFunction.setEnv: only a variable the "task" kind reads. */
  setEnv(name: EnvName, value: string): void {
    if (!(FUNCTION_ENV.task as readonly EnvName[]).includes(name)) {
      throw new Error(`${this.job.name}: a task does not read ${name}`);
    }
    this.env.set(name, value);
    this.container.addEnvironment(name, value);
  }

  environment(): ReadonlyMap<EnvName, string> {
    return this.env;
  }
}

export type FargateProps = { settings: JobdeckSettings; factory: LambdaFactory; data: JobdeckData };

export class JobdeckFargate extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.ISubnet[];
  readonly securityGroup: ec2.SecurityGroup;
  readonly cluster: ecs.Cluster;
  /** The one task bundle (an S3 file asset). */
  readonly bundle: s3assets.Asset;
  readonly tasks: JobTask[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: FargateProps,
  ) {
    super(scope, id);
    const { settings } = props;
    const zones = settings.fargateAvailabilityZones;
    if (zones.length === 0) {
      throw new Error(
        `a job runs on fargate: name the VPC's zones of ${settings.region} with ` +
          `-c fargateAvailabilityZones=<az>,<az> (lib/settings.ts DEFAULT_AVAILABILITY_ZONES has none for it)`,
      );
    }
    const flowLogs = new logs.LogGroup(this, "FlowLogs", {
      retention: logRetentionFor(settings.retentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.42.0.0/16"),
      availabilityZones: zones,
      natGateways: 0,
      subnetConfiguration: [
        // tasks ask for their public IP in RunTask (AssignPublicIp ENABLED), nothing else gets one
        { name: "Public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      ],
      // Nothing uses the default security group (tasks name theirs); restricting it would take a
      // custom-resource Lambda function in the stack for no gain.
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        All: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    this.subnets = this.vpc.publicSubnets;
    for (const subnet of this.subnets) {
      acknowledge(
        subnet,
        "CloudFormation-Validate::W3010",
        "Zones are named on purpose (setting fargateAvailabilityZones): synthesis must never look them up, " +
          "and Fn::GetAZs would move subnets when the account's zone list changes.",
      );
    }

    this.securityGroup = new ec2.SecurityGroup(this, "TaskSecurityGroup", {
      vpc: this.vpc,
      description: "jobdeck fargate job tasks: no ingress; HTTPS out (image pull, job bundle, AWS APIs)",
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      "HTTPS: ECR Public image layers, the job bundle in S3, DynamoDB, Step Functions, CloudWatch Logs",
    );

    this.cluster = new ecs.Cluster(this, "Cluster", {
      vpc: this.vpc,
      enableFargateCapacityProviders: true,
    });
    acknowledge(this.cluster, "AwsSolutions-ECS4", CONTAINER_INSIGHTS_OFF);
    // here, not in CONTROL_TOWER_ACKNOWLEDGEMENTS: that table's entries must each select a resource of every app
    acknowledgeControl(this.cluster, "CT.ECS.PR.2", CONTAINER_INSIGHTS_OFF);

    this.bundle = new s3assets.Asset(this, "TaskBundle", {
      path: join(PROJECT_ROOT, "functions"),
      // the bundle's own bytes: a change of any source or of the locked SDK makes a new object
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // never used: local bundling below always succeeds (esbuild is a dependency), no Docker
        image: DockerImage.fromRegistry("scratch"),
        outputType: BundlingOutput.SINGLE_FILE,
        local: {
          tryBundle: (outputDir: string) => {
            buildSync({
              entryPoints: [join(PROJECT_ROOT, TASK_ENTRY)],
              outfile: join(outputDir, BUNDLE_FILE),
              bundle: true,
              format: BUNDLING.format,
              platform: BUNDLING.platform,
              target: BUNDLING.target,
              minify: BUNDLING.minify,
              sourcemap: BUNDLING.sourcemap,
              external: [...BUNDLING.external],
              mainFields: [...BUNDLING.mainFields],
              logLevel: "warning",
            });
            return true;
          },
        },
      },
    });
  }

  /** The task definition, roles and log group of `job`, its tables bound, its variables set. */
  addJob(job: JobDefinition, values: EnvValues): JobTask {
    const fargate = job.fargate;
    if (job.runtime !== "fargate" || !fargate) throw new Error(`${job.name} does not run on fargate`);
    const { settings, factory, data } = this.props;
    const jid = jobConstructId(job.name);

    const logGroup = new logs.LogGroup(this, `${jid}TaskLogs`, {
      retention: logRetentionFor(settings.retentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const taskRole = new iam.Role(this, `${jid}TaskRole`, {
      assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
      description: ascii(`jobdeck task of job ${job.name}: its run, its stores, its state's task token`),
    });
    const executionRole = new iam.Role(this, `${jid}TaskExecutionRole`, {
      assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
      description: ascii(`jobdeck task of job ${job.name}: ECS agent (log stream of its log group)`),
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, `${jid}TaskDefinition`, {
      family: stateMachineName(this, job.name),
      cpu: fargate.cpu,
      memoryLimitMiB: fargate.memory_mb,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskRole,
      executionRole,
    });
    const container = taskDefinition.addContainer("Job", {
      containerName: FARGATE_CONTAINER_NAME,
      image: ecs.ContainerImage.fromRegistry(TASK_IMAGE),
      entryPoint: [NODE, "-e", BOOTSTRAP],
      essential: true,
      user: TASK_USER,
      // the container may use all of the task's memory, and no more (an OOM stops it: exit 137)
      memoryLimitMiB: fargate.memory_mb,
      stopTimeout: Duration.seconds(fargate.stop_timeout_seconds),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: "task" }),
      environment: {
        [BUNDLE_ENV.bucket]: this.bundle.s3BucketName,
        [BUNDLE_ENV.key]: this.bundle.s3ObjectKey,
      },
    });
    acknowledgeControl(
      taskDefinition,
      "CT.ECS.PR.6",
      "Jobs write scratch files to /tmp as on Lambda; a read-only root needs a volume there, which ECS mounts " +
        "root-owned and unwritable by the task's non-root user (CT.ECS.PR.3), and the image is AWS's, unmodified.",
    );
    acknowledge(
      taskDefinition,
      "AwsSolutions-ECS2",
      "The variables are table names, the job name, log settings and the bundle's S3 location, written by CDK " +
        "as for the Lambda functions; no secret is among them (the run and task token come per run, in RunTask).",
    );

    // The bundle object only: the bootstrap's one GetObject.
    iam.Grant.addToPrincipal({
      grantee: taskRole,
      actions: ["s3:GetObject"],
      resourceArns: [this.bundle.bucket.arnForObjects(this.bundle.s3ObjectKey)],
    });
    // Ends its own state and keeps it alive: the task token belongs to this job's state machine.
    taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "ReportToOwnStateMachine",
        actions: ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"],
        resources: [stateMachineArn(this, job.name)],
      }),
    );

    const task = new JobTask(job, taskDefinition, container, taskRole, executionRole, logGroup);
    // AWS_REGION: Lambda sets it, ECS does not (the SDK would otherwise ask the metadata endpoint)
    const pool = factory.envPool(this, { ...values, JOBDECK_JOB_NAME: job.name });
    task.setEnv("AWS_REGION", Stack.of(this).region);
    data.bindCore(task, CORE_TABLE_ACCESS.task);
    data.bindJobStores(task, job);
    data.bindJobSecrets(task, job);
    for (const { name } of cdkVariables("task")) {
      const value = pool[name];
      if (value !== undefined && !task.environment().has(name)) task.setEnv(name, value);
    }
    factory.addRunLogGroup(logGroup);
    this.tasks.push(task);
    return task;
  }

  /** ARN of the cluster's tasks (`task/<cluster>/<id>`), for StopTask / DescribeTasks. */
  tasksArn(): string {
    return Stack.of(this).formatArn({
      service: "ecs",
      resource: "task",
      resourceName: `${this.cluster.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** Acknowledges the IAM5 finding of `arn` on `policy` with `reason`. */
  acknowledgeWildcard(policy: Construct, arn: string, reason: string): void {
    acknowledge(policy, iam5ResourceId(this, arn), reason);
  }
}
