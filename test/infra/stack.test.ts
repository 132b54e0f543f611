// What the synthesized CloudFormation template must hold (issue "AWS deployment", acceptance).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLES } from "#adapters/table-definitions.ts";
import { ROUTES, routeKey } from "#api/routes.ts";
import { RUN_JOB_ASL } from "#cdk/constructs/workflows.ts";
import { PROJECT_ROOT } from "#cdk/functions.ts";
import {
  API_LAMBDAS,
  DEFAULT_SCHEDULES_LAMBDA,
  RECONCILER_LAMBDA,
  RUN_SWEEPER_LAMBDA,
  WORKFLOW_STEPS_LAMBDA,
  workerLambda,
} from "#cdk/lambda-catalog.ts";
import { cdkVariables } from "#config/env-contract.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { alwaysFails } from "#test/helpers/test-jobs.ts";
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
  s = await synthJobdeck();
});
afterAll(removeSynthOutputs);

/** `${Name}` placeholders of the ASL template: the substitutions each state machine must supply. */
const ASL_PLACEHOLDERS = [
  ...new Set(
    [...readFileSync(join(PROJECT_ROOT, RUN_JOB_ASL), "utf8").matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!),
  ),
].sort();

const stateMachines = () => resourcesOf(s.json, "AWS::StepFunctions::StateMachine");
/** Jobs with a worker function (a fargate job runs as an ECS task instead: test/infra/fargate.test.ts). */
const LAMBDA_JOBS = JOBS.filter((j) => j.runtime !== "fargate");
const isLambdaMachine = (r: any) =>
  LAMBDA_JOBS.some((j) => expectedMachineNames([j])[0] === r.Properties.StateMachineName);
const expectedMachineNames = (jobs = JOBS) =>
  jobs.map((j) => `Jobdeck-${j.name.replace(/[^A-Za-z0-9_-]/g, "-")}`);

describe("data", () => {
  const tableFor = (def: (typeof TABLES)[number]) => {
    const key = [
      { AttributeName: def.partitionKey.name, KeyType: "HASH" },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: "RANGE" }] : []),
    ];
    const found = resourcesOf(s.json, "AWS::DynamoDB::GlobalTable").filter(
      ([, r]) => JSON.stringify(r.Properties.KeySchema) === JSON.stringify(key),
    );
    expect(found, `one table keyed like ${def.id}`).toHaveLength(1);
    return found[0]![1];
  };

  it("has exactly the core tables of table-definitions.ts and one per store the jobs declare", () => {
    const stores = new Set(JOBS.flatMap((j) => Object.values(j.stores ?? {}).map((st) => st.name)));
    expect(stores.size).toBeGreaterThan(0);
    expect(resourcesOf(s.json, "AWS::DynamoDB::GlobalTable")).toHaveLength(TABLES.length + stores.size);
  });

  it("builds the runs table: key execution_uuid, the GSIs, TTL, PITR, on-demand, AWS-managed key, RETAIN", () => {
    const runs = tableFor(TABLES.find((t) => t.id === "runs")!);
    expect(runs.Properties.KeySchema).toEqual([{ AttributeName: "execution_uuid", KeyType: "HASH" }]);
    const gsis = runs.Properties.GlobalSecondaryIndexes.map((g: any) => [g.IndexName, g.KeySchema]);
    expect(gsis).toContainEqual([
      "by_job_started",
      [
        { AttributeName: "job_name", KeyType: "HASH" },
        { AttributeName: "started_at", KeyType: "RANGE" },
      ],
    ]);
    expect(gsis).toContainEqual([
      "by_feed_started",
      [
        { AttributeName: "feed_bucket", KeyType: "HASH" },
        { AttributeName: "started_at", KeyType: "RANGE" },
      ],
    ]);
    expect(runs.Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expires_at", Enabled: true });
    expect(runs.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(runs.Properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(runs.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: "KMS" });
    expect(runs.DeletionPolicy).toBe("Retain");
    expect(runs.UpdateReplacePolicy).toBe("Retain");
  });

  it("builds every table from its definition (same keys, same indexes, same TTL)", () => {
    for (const def of TABLES) {
      const table = tableFor(def);
      const indexes = (table.Properties.GlobalSecondaryIndexes ?? []).map((g: any) => g.IndexName);
      expect(indexes, def.id).toEqual(def.globalIndexes.map((i) => i.indexName));
      expect(table.Properties.TimeToLiveSpecification?.AttributeName, def.id).toBe(def.ttlAttribute);
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(
        true,
      );
      expect(table.DeletionPolicy, def.id).toBe("Retain");
    }
  });
});

describe("workflows", () => {
  it("has one Standard state machine per registered job, named from the registry, logging ALL, X-Ray on", () => {
    const machines = stateMachines();
    expect(machines).toHaveLength(JOBS.length);
    expect(machines.map(([, r]) => r.Properties.StateMachineName).sort()).toEqual(
      expectedMachineNames().sort(),
    );
    for (const [, r] of machines) {
      expect(r.Properties.StateMachineType).toBe("STANDARD");
      expect(r.Properties.LoggingConfiguration.Level).toBe("ALL");
      expect(r.Properties.LoggingConfiguration.IncludeExecutionData).toBe(true);
      expect(r.Properties.TracingConfiguration).toEqual({ Enabled: true });
      if (!isLambdaMachine(r)) continue; // a fargate job's definition is rendered (fargate.test.ts)
      // fromFile: the ASL is an asset, substituted with the steps function and this job's worker
      expect(r.Properties.DefinitionS3Location).toBeDefined();
      expect(Object.keys(r.Properties.DefinitionSubstitutions).sort()).toEqual(ASL_PLACEHOLDERS);
    }
  });

  it("gives each job its own worker, and each state machine invokes only the steps function and that worker", () => {
    const functions = Object.fromEntries(resourcesOf(s.json, "AWS::Lambda::Function"));
    const workerOf = new Map<string, string>();
    for (const [id, fn] of Object.entries(functions)) {
      const job = fn.Properties.Environment?.Variables?.JOBDECK_JOB_NAME;
      if (job) workerOf.set(job, id);
    }
    expect([...workerOf.keys()].sort()).toEqual(LAMBDA_JOBS.map((j) => j.name).sort());
    for (const job of LAMBDA_JOBS) {
      const fn = functions[workerOf.get(job.name)!];
      expect(fn.Properties.Timeout).toBe(workerLambda(job.name, job.timeout_seconds).timeoutSeconds);
    }
    for (const [id, machine] of stateMachines().filter(([, r]) => isLambdaMachine(r))) {
      const steps = machine.Properties.DefinitionSubstitutions.StepsFunctionArn["Fn::GetAtt"][0];
      const worker = machine.Properties.DefinitionSubstitutions.WorkerFunctionArn["Fn::GetAtt"][0];
      const job = functions[worker].Properties.Environment.Variables.JOBDECK_JOB_NAME;
      expect(machine.Properties.StateMachineName, id).toBe(
        expectedMachineNames(JOBS.filter((j) => j.name === job))[0],
      );
      const roleId = machine.Properties.RoleArn["Fn::GetAtt"][0];
      const invoke = policyStatements(s.json)
        .filter(({ owner }) => s.json.Resources[owner]!.Properties.Roles?.some((r: any) => r.Ref === roleId))
        .filter(({ statement }) => asList(statement.Action).some((a: string) => a.startsWith("lambda:")));
      const resources = invoke.flatMap(({ statement }) => asList(statement.Resource).map(flat)).sort();
      expect(resources).toEqual(
        [`<${steps}.Arn>`, `<${steps}.Arn>:*`, `<${worker}.Arn>`, `<${worker}.Arn>:*`].sort(),
      );
    }
  });

  it("sends FAILED / TIMED_OUT / ABORTED executions of exactly these state machines to the reconciler", () => {
    const rules = resourcesOf(s.json, "AWS::Events::Rule").filter(([, r]) => r.Properties.EventPattern);
    expect(rules).toHaveLength(1);
    const rule = rules[0]![1];
    const pattern = rule.Properties.EventPattern;
    expect(pattern.source).toEqual(["aws.states"]);
    expect(pattern["detail-type"]).toEqual(["Step Functions Execution Status Change"]);
    expect([...pattern.detail.status].sort()).toEqual(["ABORTED", "FAILED", "TIMED_OUT"]);
    const arns = pattern.detail.stateMachineArn.map(flat).map((a: string) => a.split(":stateMachine:")[1]);
    expect(arns.sort()).toEqual(expectedMachineNames().sort());
    const target = rule.Properties.Targets[0];
    expect(flat(target.Arn)).toMatch(/^<WorkflowsExecutionReconciler\w+\.Arn>$/);
    expect(target.DeadLetterConfig).toBeDefined();
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
  });

  it("sweeps every minute with a function that may stop job executions, and alarms on missed fires", () => {
    const rules = resourcesOf(s.json, "AWS::Events::Rule").filter(([, r]) => r.Properties.ScheduleExpression);
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties.ScheduleExpression).toBe("rate(1 minute)");
    expect(flat(rules[0]![1].Properties.Targets[0].Arn)).toMatch(/^<WorkflowsRunSweeper\w+\.Arn>$/);
    const policies = resourcesOf(s.json, "AWS::IAM::Policy").filter(([id]) =>
      id.startsWith("WorkflowsRunSweeper"),
    );
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const stop = statements.find((st: { Action: unknown }) => st.Action === "states:StopExecution");
    expect(stop.Resource.map(flat).join(" ")).toMatch(/execution:Jobdeck-listed_companies-sync:\*/);
    const alarms = resourcesOf(s.json, "AWS::CloudWatch::Alarm").filter(([id]) =>
      id.includes("MissedFiresAlarm"),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({ MetricName: "MissedFires", Threshold: 1 });
    expect(alarms[0]![1].Properties.AlarmActions.map(flat)[0]).toMatch(/^<AlarmsAlarmTopic\w+>$/);
  });

  it("lets the sweeper reconcile schedules: the scheduling environment, exactly the scheduler grants, drift alarms", () => {
    const [, fn] = resourcesOf(s.json, "AWS::Lambda::Function").find(([id]) =>
      /^WorkflowsRunSweeper[0-9A-F]{8}$/.test(id),
    )!;
    const env = fn.Properties.Environment.Variables;
    expect(flat(env.SCHEDULE_GROUP_NAME)).toBe("Jobdeck-schedules");
    expect(flat(env.SCHEDULER_ROLE_ARN)).toMatch(/^<SchedulesSchedulerRole\w+\.Arn>$/);
    expect(flat(env.SCHEDULE_DLQ_ARN)).toMatch(/^<SchedulesDeadLetterQueue\w+\.Arn>$/);
    expect(Object.keys(JSON.parse(flat(env.STATE_MACHINE_ARNS))).sort()).toEqual(
      JOBS.map((j) => j.name).sort(),
    );

    const statements = resourcesOf(s.json, "AWS::IAM::Policy")
      .filter(([id]) => id.startsWith("WorkflowsRunSweeper"))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const scheduling = statements
      .filter((st: { Action: string | string[] }) =>
        asList(st.Action).some((a: string) => a.startsWith("scheduler:") || a === "iam:PassRole"),
      )
      .map((st: { Action: string | string[]; Resource: unknown }) => ({
        actions: asList(st.Action).sort(),
        resources: asList(st.Resource).map(flat),
      }));
    // What EventBridgeScheduleBackend.reconcile calls, on this group's schedules, and nothing else of Scheduler.
    expect(scheduling).toEqual(
      expect.arrayContaining([
        {
          actions: [
            "scheduler:CreateSchedule",
            "scheduler:DeleteSchedule",
            "scheduler:GetSchedule",
            "scheduler:UpdateSchedule",
          ],
          resources: ["arn:aws:scheduler:ap-northeast-1:<AWS::AccountId>:schedule/Jobdeck-schedules/*"],
        },
        { actions: ["scheduler:ListSchedules"], resources: ["*"] },
        {
          actions: ["iam:PassRole"],
          resources: [expect.stringMatching(/^<SchedulesSchedulerRole\w+\.Arn>$/)],
        },
      ]),
    );
    expect(scheduling).toHaveLength(3);

    const alarms = resourcesOf(s.json, "AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
    for (const metric of ["ScheduleDriftRepaired", "ScheduleReconcileFailures"]) {
      const alarm = alarms.find((a) => a.MetricName === metric);
      expect(alarm, metric).toMatchObject({ Namespace: "jobdeck", Threshold: 1, Statistic: "Sum" });
      expect(alarm?.Dimensions, metric).toBeUndefined();
    }
  });

  it("lets the functions that end runs publish failure alerts to the alarm topic, with a link to the page", () => {
    const functions = resourcesOf(s.json, "AWS::Lambda::Function");
    for (const id of ["WorkflowSteps", "ExecutionReconciler", "RunSweeper"]) {
      const [, fn] = functions.find(([fid]) => new RegExp(`^Workflows${id}[0-9A-F]{8}$`).test(fid))!;
      expect(flat(fn.Properties.Environment.Variables.ALERT_TOPIC_ARN), id).toMatch(
        /^<AlarmsAlarmTopic\w+>$/,
      );
      expect(flat(fn.Properties.Environment.Variables.SITE_URL), id).toMatch(
        /^https:\/\/<AdminSite\w+\.DomainName>$/,
      );
      const policy = resourcesOf(s.json, "AWS::IAM::Policy").find(([pid]) =>
        pid.startsWith(`Workflows${id}`),
      )!;
      const actions = policy[1].Properties.PolicyDocument.Statement.flatMap(
        (st: { Action: string | string[] }) => [st.Action].flat(),
      );
      expect(actions, id).toContain("sns:Publish");
      expect(actions, id).toContain("kms:GenerateDataKey*");
    }
    // The API functions never publish.
    for (const [fid, fn] of functions.filter(([fid]) => fid.startsWith("ApiApi")))
      expect(fn.Properties.Environment.Variables.ALERT_TOPIC_ARN, fid).toBeUndefined();
  });

  it("follows the registry: a job added to the list gets its state machine, worker and alarm with no lib/ change", async () => {
    const more = await synthJobdeck({ jobs: [...JOBS, alwaysFails] });
    const machines = resourcesOf(more.json, "AWS::StepFunctions::StateMachine");
    expect(machines).toHaveLength(JOBS.length + 1);
    expect(machines.map(([, r]) => r.Properties.StateMachineName)).toContain("Jobdeck-test-always_fails");
    const workers = resourcesOf(more.json, "AWS::Lambda::Function").filter(
      ([, r]) => r.Properties.Environment?.Variables?.JOBDECK_JOB_NAME === "test.always_fails",
    );
    expect(workers).toHaveLength(1);
    const alarms = resourcesOf(more.json, "AWS::CloudWatch::Alarm").filter(([, r]) =>
      (r.Properties.Dimensions ?? []).some(
        (d: any) => d.Name === "job_name" && d.Value === "test.always_fails",
      ),
    );
    expect(alarms).toHaveLength(1);
    const start = policyStatements(more.json).find(
      ({ statement }) =>
        asList(statement.Action).includes("states:StartExecution") &&
        statement.Sid === "StartJobStateMachines",
    )!;
    expect(asList(start.statement.Resource).map(flat)).toContainEqual(
      expect.stringMatching(/:stateMachine:Jobdeck-test-always_fails$/),
    );
  });

  it("hard-codes no job in lib/ (no registered job name appears in its sources)", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk(join(PROJECT_ROOT, "lib"));
    for (const file of files.filter((f) => !f.includes(`${join("lib", "local")}`))) {
      const text = readFileSync(file, "utf8");
      for (const job of JOBS) expect(text.includes(job.name), `${file} names ${job.name}`).toBe(false);
    }
  });
});

describe("api", () => {
  it("has one route per ROUTES entry, each integrated with its area's function", () => {
    const routes = resourcesOf(s.json, "AWS::ApiGatewayV2::Route");
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
    const integrations = Object.fromEntries(resourcesOf(s.json, "AWS::ApiGatewayV2::Integration"));
    for (const [, r] of routes) {
      const route = ROUTES.find((x) => routeKey(x) === r.Properties.RouteKey)!;
      const integration = integrations[flat(r.Properties.Target).replace(/^integrations\/<(\w+)>$/, "$1")];
      expect(flat(integration.Properties.IntegrationUri), route.path).toMatch(
        new RegExp(`^<Api${API_LAMBDAS[route.lambda].id}\\w+\\.Arn>$`),
      );
    }
  });

  it("puts the Cognito JWT authorizer on every route but GET /healthz", () => {
    const [authorizerId, authorizer] = resourcesOf(s.json, "AWS::ApiGatewayV2::Authorizer")[0]!;
    expect(authorizer.Properties.AuthorizerType).toBe("JWT");
    expect(flat(authorizer.Properties.JwtConfiguration.Issuer)).toMatch(
      /^https:\/\/cognito-idp\.ap-northeast-1\.amazonaws\.com\/<ApiUserPool\w+>$/,
    );
    expect(authorizer.Properties.JwtConfiguration.Audience.map(flat)).toEqual([
      expect.stringMatching(/^<ApiUserPoolAdminPageClient\w+>$/),
    ]);
    for (const [, r] of resourcesOf(s.json, "AWS::ApiGatewayV2::Route")) {
      const key = r.Properties.RouteKey;
      if (key === "GET /healthz") {
        expect(r.Properties.AuthorizationType ?? "NONE").toBe("NONE");
      } else {
        expect(r.Properties.AuthorizationType, key).toBe("JWT");
        expect(r.Properties.AuthorizerId, key).toEqual({ Ref: authorizerId });
      }
    }
  });

  it("logs access, throttles by default and allows CORS for the admin page origin only", () => {
    const [, stage] = resourcesOf(s.json, "AWS::ApiGatewayV2::Stage")[0]!;
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
    const [, api] = resourcesOf(s.json, "AWS::ApiGatewayV2::Api")[0]!;
    expect(api.Properties.CorsConfiguration.AllowOrigins.map(flat)).toEqual([
      expect.stringMatching(/^https:\/\/<AdminSiteDistribution\w+\.DomainName>$/),
    ]);
    // The page on CloudFront calls the API cross-origin: conditional writes need If-Match sent,
    // and the page must be able to read ETag, Retry-After and Location.
    expect(api.Properties.CorsConfiguration.AllowHeaders).toEqual(
      expect.arrayContaining([
        "authorization",
        "content-type",
        "idempotency-key",
        "if-match",
        "if-none-match",
      ]),
    );
    expect(api.Properties.CorsConfiguration.ExposeHeaders).toEqual(
      expect.arrayContaining(["etag", "retry-after", "location", "idempotent-replayed"]),
    );
  });

  it("has a user pool without self sign-up, groups admin and viewer, optional TOTP MFA, a PKCE client", () => {
    const [, pool] = resourcesOf(s.json, "AWS::Cognito::UserPool")[0]!;
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties.MfaConfiguration).toBe("OPTIONAL");
    expect(pool.Properties.EnabledMfas).toEqual(["SOFTWARE_TOKEN_MFA"]);
    const groups = resourcesOf(s.json, "AWS::Cognito::UserPoolGroup").map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(["admin", "viewer"]);
    const [, client] = resourcesOf(s.json, "AWS::Cognito::UserPoolClient")[0]!;
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.AllowedOAuthFlows).toEqual(["code"]);
    const callbacks = client.Properties.CallbackURLs.map(flat);
    expect(callbacks[0]).toMatch(/^https:\/\/<AdminSiteDistribution\w+\.DomainName>\/$/);
    expect(callbacks.slice(1).every((u: string) => u.startsWith("http://localhost"))).toBe(true);
    expect(client.Properties.LogoutURLs.map(flat)).toEqual(callbacks);
  });
});

describe("functions", () => {
  const ours = () =>
    resourcesOf(s.json, "AWS::Lambda::Function").filter(
      ([id]) => !id.startsWith("CustomCDKBucketDeployment"), // CDK's Python function (runtime not settable)
    );

  it("runs every function on Node.js 22 and arm64 (BucketDeployment's Python function: arm64)", () => {
    const all = resourcesOf(s.json, "AWS::Lambda::Function");
    for (const [id, fn] of all) expect(fn.Properties.Architectures, id).toEqual(["arm64"]);
    for (const [id, fn] of ours()) expect(fn.Properties.Runtime, id).toBe("nodejs22.x");
    expect(all.length - ours().length).toBe(1);
  });

  it("gives each catalog function exactly its catalog variables plus the Powertools ones", () => {
    const specs = [
      ...Object.values(API_LAMBDAS),
      WORKFLOW_STEPS_LAMBDA,
      RECONCILER_LAMBDA,
      RUN_SWEEPER_LAMBDA,
      DEFAULT_SCHEDULES_LAMBDA,
      ...LAMBDA_JOBS.map((j) => workerLambda(j.name, j.timeout_seconds)),
    ];
    const functions = resourcesOf(s.json, "AWS::Lambda::Function");
    for (const spec of specs) {
      const matches = functions.filter(([id]) => new RegExp(`^\\w*${spec.id}[0-9A-F]{8}$`).test(id));
      expect(matches, spec.id).toHaveLength(1);
      const fn = matches[0]![1];
      // exactly the variables the function's kind reads (the env contract), all of them set
      // (the sweeper's JOBDECK_CLUSTER_ARN exactly when a job runs on fargate: there is a cluster)
      const hasCluster = resourcesOf(s.json, "AWS::ECS::Cluster").length > 0;
      expect(Object.keys(fn.Properties.Environment.Variables).sort(), spec.id).toEqual(
        cdkVariables(spec.kind)
          .map((v) => v.name)
          .filter((name) => name !== "JOBDECK_CLUSTER_ARN" || hasCluster)
          .sort(),
      );
      expect(fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe("INFO");
      expect(fn.Properties.Timeout, spec.id).toBe(spec.timeoutSeconds);
      expect(fn.Properties.MemorySize, spec.id).toBe(spec.memoryMb);
      expect(fn.Properties.TracingConfig, spec.id).toEqual({ Mode: "Active" });
      expect(fn.Properties.LoggingConfig?.LogGroup, spec.id).toBeDefined();
      if (cdkVariables(spec.kind).some((v) => v.name === "LOGS_INSIGHTS_GROUPS")) {
        // a run's logs_url searches every jobdeck function's log group
        const groups = JSON.parse(flat(fn.Properties.Environment.Variables.LOGS_INSIGHTS_GROUPS)) as string[];
        const catalogGroups = specs.map((other) => {
          const [, f] = functions.find(([id]) => new RegExp(`^\\w*${other.id}[0-9A-F]{8}$`).test(id))!;
          return flat(f.Properties.LoggingConfig.LogGroup);
        });
        // and the fargate jobs' task log groups (issue 15)
        const taskGroups = resourcesOf(s.json, "AWS::ECS::TaskDefinition").map(([, td]) =>
          flat(td.Properties.ContainerDefinitions[0].LogConfiguration.Options["awslogs-group"]),
        );
        expect(groups.sort(), spec.id).toEqual([...catalogGroups, ...taskGroups].sort());
        expect(groups, spec.id).toHaveLength(specs.length + taskGroups.length);
      }
    }
  });
});

describe("IAM", () => {
  const tableIds = () => resourcesOf(s.json, "AWS::DynamoDB::GlobalTable").map(([id]) => id);

  it("has no statement with Action '*' (or service:*)", () => {
    for (const { owner, statement } of policyStatements(s.json)) {
      for (const action of asList(statement.Action)) {
        expect(action, owner).not.toBe("*");
        expect(action, owner).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
    }
  });

  it("grants tables and their indexes by exact ARN (no wildcard on any table)", () => {
    let tableStatements = 0;
    for (const { owner, statement } of policyStatements(s.json)) {
      const resources = asList(statement.Resource).map(flat);
      const onTables = resources.filter((r) => tableIds().some((t) => r.includes(`<${t}.Arn>`)));
      if (onTables.length === 0) continue;
      tableStatements++;
      for (const r of onTables) expect(r, owner).not.toContain("*");
      if (asList(statement.Action).some((a: string) => a.startsWith("dynamodb:"))) {
        expect(resources, owner).not.toContain("*");
      }
    }
    expect(tableStatements).toBeGreaterThan(0);
    for (const { owner, statement } of policyStatements(s.json)) {
      if (asList(statement.Action).some((a: string) => a.startsWith("dynamodb:"))) {
        expect(asList(statement.Resource).map(flat), owner).not.toContain("*");
      }
    }
  });

  it("lets the scheduler role start exactly the jobs' state machines, and nothing else but its DLQ", () => {
    const [roleId, role] = resourcesOf(s.json, "AWS::IAM::Role").find(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes("scheduler.amazonaws.com"),
    )!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain("aws:SourceAccount");
    const statements = policyStatements(s.json).filter(({ owner }) =>
      s.json.Resources[owner]!.Properties.Roles?.some((r: any) => r.Ref === roleId),
    );
    const actions = statements.flatMap(({ statement }) => asList(statement.Action)).sort();
    expect(actions).toEqual(["sqs:SendMessage", "states:StartExecution"]);
    const start = statements.find(({ statement }) =>
      asList(statement.Action).includes("states:StartExecution"),
    )!;
    const names = asList(start.statement.Resource)
      .map(flat)
      .map((arn) => {
        expect(arn).toMatch(/^arn:aws:states:ap-northeast-1:<AWS::AccountId>:stateMachine:[\w-]+$/);
        return arn.split(":stateMachine:")[1];
      });
    expect(names.sort()).toEqual(
      stateMachines()
        .map(([, r]) => r.Properties.StateMachineName)
        .sort(),
    );
  });

  it("lets the schedules functions manage only this group's schedules and pass only the scheduler role", () => {
    const schedulerStatements = policyStatements(s.json).filter(({ statement }) =>
      asList(statement.Action).some((a: string) => a.startsWith("scheduler:")),
    );
    expect(schedulerStatements.length).toBeGreaterThan(0);
    for (const { owner, statement } of schedulerStatements) {
      const resources = asList(statement.Resource).map(flat);
      if (asList(statement.Action).includes("scheduler:ListSchedules")) {
        expect(asList(statement.Action), owner).toEqual(["scheduler:ListSchedules"]);
        continue;
      }
      expect(resources, owner).toEqual([
        "arn:aws:scheduler:ap-northeast-1:<AWS::AccountId>:schedule/Jobdeck-schedules/*",
      ]);
    }
    for (const { owner, statement } of policyStatements(s.json)) {
      if (!asList(statement.Action).includes("iam:PassRole")) continue;
      // a fargate job's state machine passes its task's two roles to ECS (test/infra/fargate.test.ts)
      if (statement.Condition?.StringEquals?.["iam:PassedToService"] === "ecs-tasks.amazonaws.com") {
        expect(asList(statement.Resource).map(flat).sort(), owner).toEqual([
          expect.stringMatching(/^<WorkflowsFargate\w+TaskExecutionRole\w+\.Arn>$/),
          expect.stringMatching(/^<WorkflowsFargate\w+TaskRole\w+\.Arn>$/),
        ]);
        continue;
      }
      expect(asList(statement.Resource).map(flat), owner).toEqual([
        expect.stringMatching(/^<SchedulesSchedulerRole\w+\.Arn>$/),
      ]);
      expect(statement.Condition, owner).toEqual({
        StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" },
      });
    }
  });
});

describe("schedules", () => {
  it("creates default schedules through the custom resource, never as CloudFormation schedules", () => {
    expect(resourcesOf(s.json, "AWS::Scheduler::Schedule")).toHaveLength(0);
    expect(resourcesOf(s.json, "AWS::Scheduler::ScheduleGroup")).toHaveLength(1);
    const [, custom] = resourcesOf(s.json, "Custom::JobdeckDefaultSchedules")[0]!;
    expect(custom.Properties.jobs).toEqual(JOBS.map((j) => j.name));
    expect(custom.Properties.defaultSchedulesHash).toMatch(/^[0-9a-f]{64}$/);
    const machines = stateMachines().map(([id]) => id);
    for (const id of machines) expect(custom.DependsOn).toContain(id);
  });
});

describe("admin site", () => {
  it("blocks every public access to the site bucket", () => {
    for (const [id, bucket] of resourcesOf(s.json, "AWS::S3::Bucket")) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it("lets only CloudFront (origin access control, this distribution) read the site bucket", () => {
    const [siteId] = resourcesOf(s.json, "AWS::S3::Bucket").find(([id]) =>
      id.startsWith("AdminSiteSiteBucket"),
    )!;
    const [, policy] = resourcesOf(s.json, "AWS::S3::BucketPolicy").find(
      ([, p]) => p.Properties.Bucket.Ref === siteId,
    )!;
    const allows = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Effect === "Allow");
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ Service: "cloudfront.amazonaws.com" });
    expect(allows[0].Action).toBe("s3:GetObject");
    expect(flat(allows[0].Condition.StringEquals["AWS:SourceArn"])).toMatch(
      /^arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution\/<AdminSiteDistribution\w+>$/,
    );
    const [, distribution] = resourcesOf(s.json, "AWS::CloudFront::Distribution")[0]!;
    const config = distribution.Properties.DistributionConfig;
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe("");
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
    expect(config.DefaultRootObject).toBe("index.html");
    const denies = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Effect === "Deny");
    expect(denies[0].Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("sends security headers", () => {
    const [, policy] = resourcesOf(s.json, "AWS::CloudFront::ResponseHeadersPolicy")[0]!;
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
    expect(headers.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(headers.FrameOptions.FrameOption).toBe("DENY");
    expect(headers.ContentTypeOptions.Override).toBe(true);
    expect(headers.ReferrerPolicy.ReferrerPolicy).toBeDefined();
  });

  it("deploys config.json with the API URL, Cognito domain and client, region and display time zone", () => {
    const deployments = resourcesOf(s.json, "Custom::CDKBucketDeployment");
    expect(deployments).toHaveLength(1);
    const props = deployments[0]![1].Properties;
    expect(props.RetainOnDelete).toBe(false);
    expect(flat(props.DistributionId)).toMatch(/^<AdminSiteDistribution\w+>$/);
    const i = props.SourceObjectKeys.findIndex((key: string) =>
      existsSync(join(s.outdir, `asset.${key.replace(/\.zip$/, "")}`, "config.json")),
    );
    expect(i).toBeGreaterThanOrEqual(0);
    let text = readFileSync(
      join(s.outdir, `asset.${props.SourceObjectKeys[i].replace(/\.zip$/, "")}`, "config.json"),
      "utf8",
    );
    for (const [marker, value] of Object.entries(props.SourceMarkers[i] as Record<string, unknown>)) {
      text = text.replaceAll(marker, flat(value));
    }
    expect(JSON.parse(text)).toEqual({
      auth: "cognito",
      apiUrl: expect.stringMatching(/^<ApiHttpApi\w+\.ApiEndpoint>$/),
      region: "ap-northeast-1",
      cognitoDomain: expect.stringMatching(
        /^https:\/\/<ApiUserPoolDomain\w+>\.auth\.ap-northeast-1\.amazoncognito\.com$/,
      ),
      clientId: expect.stringMatching(/^<ApiUserPoolAdminPageClient\w+>$/),
      userPoolId: expect.stringMatching(/^<ApiUserPool[0-9A-F]{8}>$/),
      displayTimeZone: "Asia/Tokyo",
    });
  });
});

describe("observability", () => {
  it("alarms on failed runs of every job and on the dead-letter queues, to an encrypted SSL-only topic", () => {
    const alarms = resourcesOf(s.json, "AWS::CloudWatch::Alarm");
    for (const job of JOBS) {
      const mine = alarms.filter(([, a]) =>
        (a.Properties.Dimensions ?? []).some((d: any) => d.Name === "job_name" && d.Value === job.name),
      );
      expect(mine, job.name).toHaveLength(1);
      const alarm = mine[0]![1].Properties;
      expect(alarm.Namespace).toBe("jobdeck");
      expect(alarm.MetricName).toBe("RunFailures");
      expect(alarm.Dimensions).toEqual([{ Name: "job_name", Value: job.name }]);
      expect(alarm.Threshold).toBe(1);
      expect(alarm.ComparisonOperator).toBe("GreaterThanOrEqualToThreshold");
      expect(alarm.AlarmActions).toHaveLength(1);
    }
    expect(alarms.filter(([, a]) => a.Properties.Namespace === "AWS/SQS")).toHaveLength(2);
    const [, topic] = resourcesOf(s.json, "AWS::SNS::Topic")[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    expect(resourcesOf(s.json, "AWS::SNS::Subscription")).toHaveLength(0); // no alarmEmail in cdk.json
    const dashboards = resourcesOf(s.json, "AWS::CloudWatch::Dashboard");
    expect(dashboards).toHaveLength(1);
    const body = flat(dashboards[0]![1].Properties.DashboardBody);
    for (const metric of ["RunsFinished", "RunDurationSeconds", "RunInsertedCount", "RunFailures"]) {
      expect(body).toContain(metric);
    }
    for (const job of JOBS) expect(body).toContain(job.name);
  });

  it("subscribes alarmEmail and creates the first admin user when the context says so", async () => {
    const withEmails = await synthJobdeck({
      context: { alarmEmail: "ops@example.com", adminEmail: "admin@example.com" },
    });
    withEmails.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
    });
    withEmails.template.hasResourceProperties("AWS::Cognito::UserPoolUser", {
      Username: "admin@example.com",
    });
    withEmails.template.hasResourceProperties("AWS::Cognito::UserPoolUserToGroupAttachment", {
      GroupName: "admin",
    });
  });
});
