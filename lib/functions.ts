// Builds every jobdeck Lambda function from its catalog entry (lib/lambda-catalog.ts): the same
// entry, timeout, memory and esbuild options everywhere, and exactly the environment variables its
// kind reads (functions/config/env-contract.ts): a required one left unset fails the synthesis with
// its name, a variable the kind does not read cannot be set. Node.js 22 on arm64, X-Ray active
// tracing, its own log group with retention, its own role (logs of that group only).
import { existsSync } from "node:fs";
import { isAbsolute, join, normalize, posix, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Duration, Lazy, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { DEFAULTS } from "#config/defaults.ts";
import { cdkVariables, type EnvName, FUNCTION_ENV } from "#config/env-contract.ts";
import { BUNDLING, type LambdaSpec } from "./lambda-catalog.ts";
import { acknowledge, REASONS } from "./nag.ts";
import { type JobdeckSettings, logRetentionFor } from "./settings.ts";

export const PROJECT_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** A data file a job's worker reads next to its bundle (functions/jobs/data-files.ts). */
export type JobDataFile = { source: string; target: string };

/**
 * `JOB_DATA_FILES` of functions/jobs/data-files.ts, or [] while that module does not exist.
 * Loaded dynamically so that the app synthesizes with or without it.
 */
export async function loadJobDataFiles(root: string = PROJECT_ROOT): Promise<JobDataFile[]> {
  const file = join(root, "functions", "jobs", "data-files.ts");
  if (!existsSync(file)) return [];
  const mod = (await import(pathToFileURL(file).href)) as { JOB_DATA_FILES?: readonly JobDataFile[] };
  return checkDataFiles(root, mod.JOB_DATA_FILES ?? []);
}

function checkDataFiles(root: string, files: readonly JobDataFile[]): JobDataFile[] {
  for (const f of files) {
    const source = isAbsolute(f.source) ? f.source : join(root, f.source);
    if (!existsSync(source)) throw new Error(`JOB_DATA_FILES: source ${f.source} does not exist`);
    const target = posix.normalize(f.target.replaceAll("\\", "/"));
    if (target.startsWith("../") || target === ".." || posix.isAbsolute(target)) {
      throw new Error(`JOB_DATA_FILES: target ${f.target} must stay inside the bundle directory`);
    }
  }
  return [...files];
}

/** IAM descriptions allow Latin-1 only: "…" → "...", "→" → "->". */
export const ascii = (s: string) =>
  s
    .replaceAll("…", "...")
    .replaceAll("→", "->")
    .replace(/[^\t\n\r\x20-\x7e\xa1-\xff]/g, "?");

const shellQuote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;

/** esbuild hook commands that copy the data files into a worker's bundle output. */
export function dataFileCommands(
  files: readonly JobDataFile[],
  inputDir: string,
  outputDir: string,
): string[] {
  return files.flatMap((f) => {
    const source = isAbsolute(f.source) ? f.source : posix.join(inputDir, f.source);
    const target = posix.join(outputDir, posix.normalize(f.target.replaceAll("\\", "/")));
    return [
      `mkdir -p ${shellQuote(posix.dirname(target))}`,
      `cp ${shellQuote(source)} ${shellQuote(target)}`,
    ];
  });
}

/** A pool of values by variable name; each function takes the ones its kind reads. */
export type EnvValues = Partial<Record<EnvName, string>>;

/**
 * What a table binding needs (lib/constructs/data.ts): who gets the grants, and where the variable
 * naming the table goes. A Lambda function (MadeFunction) or a fargate job's task (JobTask).
 */
export interface Bindable {
  readonly grantee: iam.IGrantable;
  setEnv(name: EnvName, value: string): void;
}

export class MadeFunction implements Bindable {
  private readonly env = new Map<EnvName, string>();

  constructor(
    readonly spec: LambdaSpec,
    readonly fn: NodejsFunction,
    readonly logGroup: logs.LogGroup,
    readonly role: iam.Role,
  ) {
    // Checked at synthesis, once every construct had its chance to bind what the function reads.
    fn.node.addValidation({
      validate: () =>
        cdkVariables(spec.kind)
          .filter((v) => v.required && !this.env.has(v.name))
          .map((v) => `${spec.id} (${spec.kind}): no value for environment variable ${v.name}`),
    });
  }

  get grantee(): iam.IGrantable {
    return this.fn;
  }

  /** Sets a variable the function's kind reads (a table binding, an ARN); any other name is a bug. */
  setEnv(name: EnvName, value: string): void {
    if (!(FUNCTION_ENV[this.spec.kind] as readonly EnvName[]).includes(name)) {
      throw new Error(`${this.spec.id}: a ${this.spec.kind} function does not read ${name}`);
    }
    this.env.set(name, value);
    this.fn.addEnvironment(name, value);
  }

  /** The variables set so far (tests, the deploy-shaped checks). */
  environment(): ReadonlyMap<EnvName, string> {
    return this.env;
  }
}

export class LambdaFactory {
  /** Every function made so far, in order (observability and LOGS_INSIGHTS_GROUPS read it). */
  readonly made: MadeFunction[] = [];
  /** Log groups of code that runs outside Lambda (fargate jobs' tasks), also searched by logs_url. */
  private readonly otherLogGroups: logs.ILogGroup[] = [];

  constructor(
    private readonly settings: JobdeckSettings,
    private readonly jobDataFiles: readonly JobDataFile[] = [],
  ) {}

  /**
   * JSON array of every jobdeck function's log group name, resolved at synthesis when all functions
   * exist (a run's logs_url searches them in CloudWatch Logs Insights for its execution_uuid).
   */
  private logsInsightsGroups(scope: Construct): string {
    return Lazy.string({
      produce: () =>
        Stack.of(scope).toJsonString([
          ...this.made.map((m) => m.logGroup.logGroupName),
          ...this.otherLogGroups.map((g) => g.logGroupName),
        ]),
    });
  }

  /** A log group a run's lines may be in besides the functions' own (a fargate job's task). */
  addRunLogGroup(group: logs.ILogGroup): void {
    this.otherLogGroups.push(group);
  }

  /**
   * The values every kind may take from the factory (Powertools, settings, LOGS_INSIGHTS_GROUPS),
   * under `values`: what a Lambda function gets, and what a fargate job's container gets the same way.
   */
  envPool(scope: Construct, values: EnvValues): EnvValues {
    return {
      POWERTOOLS_SERVICE_NAME: DEFAULTS.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: DEFAULTS.serviceName,
      POWERTOOLS_LOG_LEVEL: this.settings.logLevel,
      DISPLAY_TIMEZONE: this.settings.displayTimeZone,
      RETENTION_DAYS: String(this.settings.retentionDays),
      LOGS_INSIGHTS_GROUPS: this.logsInsightsGroups(scope),
      ...values,
    };
  }

  create(
    scope: Construct,
    spec: LambdaSpec,
    values: EnvValues,
    options: { withJobDataFiles?: boolean } = {},
  ): MadeFunction {
    const pool = this.envPool(scope, values);

    const logGroup = new logs.LogGroup(scope, `${spec.id}Logs`, {
      retention: logRetentionFor(this.settings.retentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${spec.id}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: ascii(`jobdeck ${spec.id}: ${spec.description}`).slice(0, 1000),
    });
    logGroup.grantWrite(role);

    const entry = join(PROJECT_ROOT, normalize(spec.entry));
    const dataFiles = options.withJobDataFiles ? this.jobDataFiles : [];
    const fn = new NodejsFunction(scope, spec.id, {
      entry,
      handler: "handler",
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      description: ascii(spec.description).slice(0, 256),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, "package-lock.json"),
      bundling: {
        format: BUNDLING.format === "cjs" ? OutputFormat.CJS : OutputFormat.ESM,
        platform: BUNDLING.platform,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        // NodejsFunction leaves @aws-sdk/* out by default on nodejs18.x and later: say no.
        externalModules: [...BUNDLING.external],
        mainFields: [...BUNDLING.mainFields],
        forceDockerBundling: false,
        ...(dataFiles.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  dataFileCommands(dataFiles, inputDir, outputDir),
              },
            }
          : {}),
      },
    });
    acknowledge(role, "AwsSolutions-IAM5[Resource::*]", REASONS.xray);
    acknowledge(fn, "AwsSolutions-L1", REASONS.nodeRuntime);

    const made = new MadeFunction(spec, fn, logGroup, role);
    for (const { name } of cdkVariables(spec.kind)) {
      const value = pool[name];
      if (value !== undefined) made.setEnv(name, value);
    }
    this.made.push(made);
    return made;
  }
}
