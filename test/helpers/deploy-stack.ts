// The synthesized app, "deployed" offline for the deploy suite: the template's DynamoDB tables in
// DynamoDB Local, every project Lambda bundle in its own process (deploy-lambdas.ts), the AWS
// endpoints they call recorded and authorized against their roles (deploy-aws-fakes.ts), the
// rendered state machines (definition + DefinitionSubstitutions) on aws-local-stepfunctions with
// their Task ARNs mapped to those processes, EventBridge rules matched against the events AWS would
// send, and API Gateway's route → integration → function path with the invoke permissions checked.
import "#local/polyfills.ts";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { StateMachine } from "aws-local-stepfunctions";
import { ECS_RUN_TASK_SYNC } from "#workflow/run-job-asl.ts";
import { type AwsCall, AwsError, RecordingAws, type SfnBackend } from "./deploy-aws-fakes.ts";
import { LambdaError, LambdaProcess, lambdaEnv, writeRunner } from "./deploy-lambdas.ts";
import { DeployedEcs } from "./deploy-tasks.ts";
import { ACCOUNT, allows, DeployedTemplate, type Statement, wildcardMatch } from "./deploy-template.ts";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

type Execution = {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  error?: string;
  cause?: string;
  output?: string;
  abort: () => void;
  done: Promise<void>;
  /** The deliveries of its status-change event (the reconciler's invocations). */
  deliveries: Promise<unknown>[];
};

type Machine = {
  id: string;
  arn: string;
  name: string;
  roleId: string;
  definition: any;
  machine: StateMachine;
};

export type ApiResponse = { status: number; headers: Record<string, string>; body: any; function: string };

/** An "aws.states" execution status change, shaped like the samples in AWS's documentation. */
export function statusChangeEvent(region: string, e: Execution) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    account: ACCOUNT,
    time: new Date().toISOString(),
    region,
    resources: [e.arn],
    detail: {
      executionArn: e.arn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: Math.round(e.startDate * 1000),
      stopDate: e.stopDate === undefined ? null : Math.round(e.stopDate * 1000),
      input: e.input,
      output: e.output ?? null,
      inputDetails: { included: true },
      outputDetails: e.output === undefined ? null : { included: true },
      error: e.error ?? null,
      cause: e.cause ?? null,
    },
  };
}

/** EventBridge's pattern match (literal lists, prefix, anything-but, exists, nested objects). */
export function matchesPattern(pattern: any, event: any): boolean {
  for (const [key, want] of Object.entries(pattern as Record<string, any>)) {
    const have = event?.[key];
    if (Array.isArray(want)) {
      const values = Array.isArray(have) ? have : [have];
      const ok = want.some((w) => {
        if (w !== null && typeof w === "object") {
          if ("prefix" in w) return values.some((v) => typeof v === "string" && v.startsWith(w.prefix));
          if ("exists" in w) return w.exists === (have !== undefined);
          if ("anything-but" in w) {
            const no = Array.isArray(w["anything-but"]) ? w["anything-but"] : [w["anything-but"]];
            return have !== undefined && values.every((v) => !no.includes(v));
          }
          throw new Error(`unsupported pattern ${JSON.stringify(w)}`);
        }
        return values.includes(w);
      });
      if (!ok) return false;
    } else if (want !== null && typeof want === "object") {
      if (!matchesPattern(want, have)) return false;
    } else throw new Error(`bad pattern value at ${key}`);
  }
  return true;
}

export class DeployedStack implements SfnBackend {
  readonly template: DeployedTemplate;
  readonly aws: RecordingAws;
  /** Issue 15: ECS for fargate jobs (their RunWorker's runTask.sync, the sweeper's ListTasks/StopTask). */
  readonly ecs: DeployedEcs;
  readonly lambdas = new Map<string, LambdaProcess>();
  readonly machines = new Map<string, Machine>();
  readonly executions = new Map<string, Execution>();
  /** Lambda invocations by principal: who invoked which function (checked against permissions/roles). */
  readonly invocations: { principal: string; function: string; sourceArn?: string }[] = [];
  private readonly scratch = mkdtempSync(join(tmpdir(), "jobdeck-deploy-"));
  private readonly dynamo: DynamoDBClient;
  private readonly roleOfCaller = new Map<string, string>();
  private readonly statementCache = new Map<string, Statement[]>();

  constructor(
    assembly: string,
    dynamoEndpoint: string,
    private readonly options: {
      /** Variables added to a function's template environment, by its logical id or its job's name. */
      extraEnv?: Record<string, Record<string, string>>;
      /** Issue 17: secrets made by hand before the deploy (`aws secretsmanager create-secret`), by name → value. */
      secrets?: Record<string, string>;
    } = {},
  ) {
    this.template = new DeployedTemplate(assembly, `deploy${process.pid}-${randomBytes(3).toString("hex")}-`);
    this.dynamo = new DynamoDBClient({
      endpoint: dynamoEndpoint,
      region: this.template.region,
      credentials: { accessKeyId: "deploysuite", secretAccessKey: "x" },
    });
    const secrets: Record<string, string> = {};
    for (const [id] of this.template.ofType("AWS::SecretsManager::Secret"))
      secrets[this.template.ref(id)] = randomBytes(32).toString("hex");
    // a secret's ARN is its name, a dash and 6 characters Secrets Manager picks
    for (const [name, value] of Object.entries(options.secrets ?? {}))
      secrets[`arn:aws:secretsmanager:${this.template.region}:${ACCOUNT}:secret:${name}-Qx7Zp2`] = value;
    this.ecs = new DeployedEcs(
      this.template,
      this.scratch,
      () => this.aws.endpoint,
      (calls) => this.aws.record(calls),
      (caller, roleId) => this.roleOfCaller.set(caller, roleId),
    );
    this.aws = new RecordingAws({
      region: this.template.region,
      dynamoEndpoint,
      sfn: this,
      ecs: this.ecs,
      secrets,
      authorize: (call) => this.authorize(call),
    });
  }

  /** The role a caller acts as: a function's execution role, or a role itself (state machines, Scheduler). */
  roleOf(caller: string): string {
    const role =
      this.roleOfCaller.get(caller) ??
      (this.template.json.Resources[caller]?.Type === "AWS::IAM::Role" ? caller : undefined);
    if (!role) throw new Error(`unknown caller ${caller}`);
    return role;
  }

  statements(roleId: string): Statement[] {
    let s = this.statementCache.get(roleId);
    if (!s) {
      s = this.template.statementsOf(roleId);
      this.statementCache.set(roleId, s);
    }
    return s;
  }

  authorize(call: AwsCall): boolean {
    return allows(this.statements(this.roleOf(call.caller)), call.action, call.resource, call.context);
  }

  async start(): Promise<void> {
    const t = this.template;
    await Promise.all(
      [...t.ofType("AWS::DynamoDB::GlobalTable"), ...t.ofType("AWS::DynamoDB::Table")].map(([id, r]) =>
        this.dynamo.send(
          new CreateTableCommand({
            TableName: t.tableName(id),
            AttributeDefinitions: r.Properties.AttributeDefinitions,
            KeySchema: r.Properties.KeySchema,
            BillingMode: "PAY_PER_REQUEST",
            GlobalSecondaryIndexes: r.Properties.GlobalSecondaryIndexes?.map((g: any) => ({
              IndexName: g.IndexName,
              KeySchema: g.KeySchema,
              Projection: g.Projection,
            })),
          }),
        ),
      ),
    );
    const endpoint = await this.aws.start();
    await this.ecs.start();
    const runner = writeRunner(this.scratch);
    for (const fn of t.functions()) {
      this.roleOfCaller.set(fn.id, fn.roleId);
      const timeout = Number(t.resource(fn.id).Properties.Timeout ?? 3) * 1000;
      const extra = this.options.extraEnv?.[fn.id] ?? this.options.extraEnv?.[fn.env.JOBDECK_JOB_NAME ?? ""];
      const env = lambdaEnv(fn, t.region, endpoint, extra);
      this.lambdas.set(fn.id, new LambdaProcess(fn, env, runner, timeout));
    }
    for (const [id, r] of t.ofType("AWS::StepFunctions::StateMachine")) {
      const arn = t.ref(id);
      const definition = JSON.parse(this.renderDefinition(id));
      for (const [stateName, state] of Object.entries(definition.States as Record<string, any>)) {
        if (state.Type !== "Task") continue;
        if (state.Resource === ECS_RUN_TASK_SYNC) {
          // a fargate job's worker: the task definition must be the template's own
          this.ecs.taskDefinition(String(state.Parameters.TaskDefinition));
          continue;
        }
        const target = state.Parameters?.FunctionName ?? state.Resource;
        if (!t.functionIdOf(target) || !this.lambdas.has(t.functionIdOf(target)!))
          throw new Error(
            `state machine ${id}: Task ${stateName} calls ${target}, not a function of the template`,
          );
      }
      this.machines.set(arn, {
        id,
        arn,
        name: r.Properties.StateMachineName,
        roleId: r.Properties.RoleArn["Fn::GetAtt"][0],
        definition,
        machine: new StateMachine(definition),
      });
    }
  }

  /** The definition as Step Functions receives it: the asset (or DefinitionString) with substitutions applied. */
  renderDefinition(id: string): string {
    const t = this.template;
    const p = t.resource(id).Properties;
    let text: string;
    if (p.DefinitionString) text = t.resolve(p.DefinitionString);
    else {
      const key = String(p.DefinitionS3Location.Key);
      text = readFileSync(join(t.assembly, `asset.${key}`), "utf8");
    }
    const subs = t.resolve(p.DefinitionSubstitutions ?? {}) as Record<string, string>;
    return text.replace(/\$\{(\w+)\}/g, (m, k: string) => (k in subs ? subs[k]! : m));
  }

  async stop(): Promise<void> {
    for (const e of this.executions.values()) if (e.status === "RUNNING") e.abort();
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
    await Promise.all([...this.lambdas.values()].map((l) => l.stop()));
    await this.ecs.stop();
    await this.aws.stop();
    const t = this.template;
    await Promise.allSettled(
      [...t.ofType("AWS::DynamoDB::GlobalTable"), ...t.ofType("AWS::DynamoDB::Table")].map(([id]) =>
        this.dynamo.send(new DeleteTableCommand({ TableName: t.tableName(id) })),
      ),
    );
    this.dynamo.destroy();
    rmSync(this.scratch, { recursive: true, force: true });
  }

  lambda(id: string): LambdaProcess {
    const l = this.lambdas.get(id);
    if (!l) throw new Error(`no function ${id}`);
    return l;
  }

  /** The function whose logical id starts with `prefix` (ids end in CDK's hash). */
  fnId(prefix: string): string {
    const ids = [...this.lambdas.keys()].filter((id) => id.startsWith(prefix));
    if (ids.length !== 1) throw new Error(`${ids.length} functions start with ${prefix}`);
    return ids[0]!;
  }

  /** Invokes a function as `principal` would: a service principal needs a resource permission. */
  async invokeAs(
    principal: string,
    functionId: string,
    event: unknown,
    sourceArn?: string,
  ): Promise<unknown> {
    this.invocations.push({ principal, function: functionId, sourceArn });
    if (principal.endsWith(".amazonaws.com")) {
      const fnArn = this.template.getAtt(functionId, "Arn");
      const permitted = this.template.ofType("AWS::Lambda::Permission").some(([, r]) => {
        const p = this.template.resolve(r.Properties);
        const fn = String(p.FunctionName);
        return (
          p.Action === "lambda:InvokeFunction" &&
          p.Principal === principal &&
          (fn === fnArn || fn === functionId) &&
          (p.SourceArn === undefined || (sourceArn !== undefined && wildcardMatch(p.SourceArn, sourceArn)))
        );
      });
      if (!permitted)
        throw new Error(
          `${principal} may not invoke ${functionId} from ${sourceArn}: no AWS::Lambda::Permission`,
        );
    } else {
      const call = {
        caller: principal,
        action: "lambda:InvokeFunction",
        resource: this.template.getAtt(functionId, "Arn"),
      };
      if (!this.aws.record([call]))
        throw new LambdaError("Lambda.AWSLambdaException", `AccessDenied: ${principal} → ${functionId}`);
    }
    return this.lambda(functionId).invoke(event);
  }

  // ---- Step Functions ----

  startExecution(_caller: string, stateMachineArn: string, name: string, input: string) {
    const m = this.machines.get(stateMachineArn);
    if (!m)
      throw new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${stateMachineArn}'`);
    const arn = `arn:aws:states:${this.template.region}:${ACCOUNT}:execution:${m.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === "RUNNING" && existing.input === input)
        return { executionArn: arn, startDate: existing.startDate };
      throw new AwsError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
    }
    const startDate = Date.now() / 1000;
    const overrides: Record<string, (i: any) => Promise<unknown>> = {};
    const stopped = new AbortController();
    for (const [stateName, state] of Object.entries(m.definition.States as Record<string, any>)) {
      if (state.Type !== "Task") continue;
      if (state.Resource === ECS_RUN_TASK_SYNC) {
        overrides[stateName] = (effective) => {
          const p = this.ecs.runTaskSync(
            m.roleId,
            m.arn,
            effective,
            stopped.signal,
            Number(state.HeartbeatSeconds ?? 0),
          );
          // after a stop the interpreter no longer waits: a later rejection must not go unhandled
          p.catch(() => {});
          return p;
        };
        continue;
      }
      const viaInvoke = state.Resource === "arn:aws:states:::lambda:invoke";
      const target = viaInvoke ? state.Parameters.FunctionName : state.Resource;
      const fnId = this.template.functionIdOf(target)!;
      overrides[stateName] = async (effective) => {
        // lambda:invoke answers { Payload, StatusCode, … }; the direct ARN form answers the result itself.
        const result = await this.invokeAs(m.roleId, fnId, viaInvoke ? effective.Payload : effective);
        return viaInvoke ? { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 } : result;
      };
    }
    const run = m.machine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: overrides as any },
      context: {
        // $$.Task.Token: one per execution here (one Task state waits for a token at a time)
        Task: { Token: `deploy-token-${name}` },
        Execution: {
          Id: arn,
          Name: name,
          StartTime: new Date(startDate * 1000).toISOString(),
          Input: JSON.parse(input),
          RoleArn: this.template.getAtt(m.roleId, "Arn"),
        },
      } as any,
    });
    const e: Execution = {
      arn,
      name,
      stateMachineArn,
      input,
      status: "RUNNING",
      startDate,
      abort: () => {
        stopped.abort();
        run.abort();
      },
      done: Promise.resolve(),
      deliveries: [],
    };
    e.done = run.result.then(
      (output) => this.ended(e, "SUCCEEDED", { output: JSON.stringify(output) }),
      (err: any) => {
        const status: ExecutionStatus =
          err?.name === "ExecutionAbortedError"
            ? "ABORTED"
            : err?.name === "ExecutionTimeoutError"
              ? "TIMED_OUT"
              : "FAILED";
        const cause = err?.cause as { name?: string; message?: string } | undefined;
        return this.ended(
          e,
          status,
          status === "FAILED" ? { error: cause?.name, cause: cause?.message } : {},
        );
      },
    );
    this.executions.set(arn, e);
    return { executionArn: arn, startDate };
  }

  private ended(
    e: Execution,
    status: ExecutionStatus,
    extra: { output?: string; error?: string; cause?: string },
  ) {
    if (e.status !== "RUNNING") return;
    Object.assign(e, extra, { status, stopDate: Date.now() / 1000 });
    e.deliveries.push(...this.putEvent(statusChangeEvent(this.template.region, e)));
  }

  sendTask(op: string, input: Record<string, unknown>): Record<string, unknown> {
    return this.ecs.sendTask(op, input);
  }

  stateMachineOfToken(token: string): string | undefined {
    return this.ecs.stateMachineOf(token);
  }

  stopExecution(executionArn: string, cause: string): void {
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    if (e.status !== "RUNNING") return;
    e.cause = cause;
    e.abort();
  }

  /** Ends a running execution the way Step Functions itself would (e.g. its own TIMED_OUT), with its event. */
  forceEnd(executionArn: string, status: "TIMED_OUT" | "FAILED", error = "States.Timeout", cause = "") {
    const e = this.executions.get(executionArn);
    if (e?.status !== "RUNNING") throw new Error(`${executionArn} is not running`);
    this.ended(e, status, { error, cause });
    e.abort();
  }

  describeExecution(executionArn: string): Record<string, unknown> {
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    return {
      executionArn: e.arn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      stopDate: e.stopDate,
      input: e.input,
      output: e.output,
      error: e.error,
      cause: e.cause,
    };
  }

  /** Waits for an execution's end and for the delivery of its status-change event. */
  async settled(executionArn: string): Promise<Execution> {
    const e = this.executions.get(executionArn);
    if (!e) throw new Error(`no execution ${executionArn}`);
    await e.done;
    await Promise.allSettled(e.deliveries);
    return e;
  }

  // ---- EventBridge ----

  /** Delivers an event to every rule whose pattern matches it; returns the targets' invocations. */
  putEvent(event: unknown): Promise<unknown>[] {
    const out: Promise<unknown>[] = [];
    for (const [id, r] of this.template.ofType("AWS::Events::Rule")) {
      if (!r.Properties.EventPattern || r.Properties.State === "DISABLED") continue;
      if (!matchesPattern(this.template.resolve(r.Properties.EventPattern), event)) continue;
      for (const target of r.Properties.Targets) {
        const fnId = this.template.functionIdOf(this.template.resolve(target.Arn));
        if (!fnId) throw new Error(`rule ${id} targets ${JSON.stringify(target.Arn)}, not a function`);
        out.push(this.invokeAs("events.amazonaws.com", fnId, event, this.template.getAtt(id, "Arn")));
      }
    }
    return out;
  }

  /** The rules whose pattern matches `event`. */
  matchingRules(event: unknown): string[] {
    return this.template
      .ofType("AWS::Events::Rule")
      .filter(
        ([, r]) =>
          r.Properties.EventPattern &&
          matchesPattern(this.template.resolve(r.Properties.EventPattern), event),
      )
      .map(([id]) => id);
  }

  /** A scheduled rule's fire (the sweeper's every minute), as EventBridge sends it. */
  async fireScheduledRule(idPrefix: string): Promise<unknown[]> {
    const rules = this.template
      .ofType("AWS::Events::Rule")
      .filter(([id, r]) => id.startsWith(idPrefix) && r.Properties.ScheduleExpression);
    if (rules.length !== 1) throw new Error(`${rules.length} scheduled rules start with ${idPrefix}`);
    const [id, r] = rules[0]!;
    const ruleArn = this.template.getAtt(id, "Arn");
    const event = {
      version: "0",
      id: randomUUID(),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: this.template.region,
      resources: [ruleArn],
      detail: {},
    };
    return Promise.all(
      r.Properties.Targets.map((target: any) =>
        this.invokeAs(
          "events.amazonaws.com",
          this.template.functionIdOf(this.template.resolve(target.Arn))!,
          event,
          ruleArn,
        ),
      ),
    );
  }

  /** EventBridge Scheduler fires a stored schedule: StartExecution as the schedule's role, with its input. */
  fireSchedule(name: string): { executionArn: string } {
    const s = [...this.aws.schedules.values()].find((x) => x.Name === name);
    if (!s) throw new Error(`no schedule ${name} in the Scheduler fake`);
    const target = s.body.Target;
    const roleId = String(target.RoleArn).split("/").pop()!;
    const input = String(target.Input ?? "{}")
      .replaceAll("<aws.scheduler.scheduled-time>", new Date().toISOString().replace(/\.\d+Z$/, "Z"))
      .replaceAll("<aws.scheduler.execution-id>", randomUUID())
      .replaceAll("<aws.scheduler.schedule-arn>", s.Arn)
      .replaceAll("<aws.scheduler.attempt-number>", "1");
    const call = { caller: roleId, action: "states:StartExecution", resource: target.Arn };
    if (!this.aws.record([call]))
      throw new Error(`the schedule's role ${roleId} may not start ${target.Arn}`);
    return this.startExecution(roleId, target.Arn, randomUUID(), input);
  }

  // ---- API Gateway (HTTP API, payload 2.0) ----

  /** Calls the API as API Gateway would: the template's route, its integration's function, its permission. */
  async api(
    method: string,
    path: string,
    opts: {
      groups?: string[] | null;
      body?: unknown;
      query?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse> {
    const t = this.template;
    const [apiId] = t.ofType("AWS::ApiGatewayV2::Api").map(([id]) => t.ref(id));
    let found: { routeKey: string; params: Record<string, string>; route: any } | undefined;
    for (const [, r] of t.ofType("AWS::ApiGatewayV2::Route")) {
      const [m, template] = String(r.Properties.RouteKey).split(" ") as [string, string];
      if (m !== method) continue;
      const names: string[] = [];
      const re = new RegExp(
        `^${template.replace(/\{(\w+)\}/g, (_x, n: string) => {
          names.push(n);
          return "([^/]+)";
        })}$`,
      );
      const hit = re.exec(path);
      if (hit)
        found = {
          routeKey: r.Properties.RouteKey,
          params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(hit[i + 1]!)])),
          route: r.Properties,
        };
    }
    if (!found) return { status: 404, headers: {}, body: { message: "Not Found" }, function: "" };
    const integrationId = t.resolve(found.route.Target).replace(/^integrations\//, "");
    const integration = t.resource(integrationId).Properties;
    if (integration.IntegrationType !== "AWS_PROXY" || integration.PayloadFormatVersion !== "2.0")
      throw new Error(
        `route ${found.routeKey}: integration ${integrationId} is not an AWS_PROXY 2.0 integration`,
      );
    const fnId = t.functionIdOf(t.resolve(integration.IntegrationUri));
    if (!fnId)
      throw new Error(
        `route ${found.routeKey}: integration ${integrationId} names no function of the template`,
      );
    const jwt = found.route.AuthorizationType === "JWT";
    if (jwt && !opts.groups)
      return { status: 401, headers: {}, body: { message: "Unauthorized" }, function: fnId };
    const claims: Record<string, string> = jwt
      ? {
          sub: "user-1",
          email: "user@example.com",
          "cognito:groups": `[${opts.groups!.join(" ")}]`,
          token_use: "access",
        }
      : {};
    const query = opts.query ?? {};
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const now = new Date();
    const event = {
      version: "2.0",
      routeKey: found.routeKey,
      rawPath: path,
      rawQueryString: new URLSearchParams(query).toString(),
      headers: {
        "content-type": "application/json",
        host: `${apiId}.execute-api.${t.region}.amazonaws.com`,
        ...opts.headers,
      },
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: Object.keys(found.params).length ? found.params : undefined,
      body,
      isBase64Encoded: false,
      requestContext: {
        accountId: ACCOUNT,
        apiId,
        domainName: `${apiId}.execute-api.${t.region}.amazonaws.com`,
        domainPrefix: apiId,
        http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.1", userAgent: "deploy-suite" },
        requestId: randomUUID(),
        routeKey: found.routeKey,
        stage: "$default",
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        ...(jwt ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
    };
    const [, template] = found.routeKey.split(" ") as [string, string];
    const sourceArn = `arn:aws:execute-api:${t.region}:${ACCOUNT}:${apiId}/$default/${method}${template}`;
    let result: any;
    try {
      result = await this.invokeAs("apigateway.amazonaws.com", fnId, event, sourceArn);
    } catch (e) {
      if (!(e instanceof LambdaError)) throw e;
      return {
        status: 500,
        headers: {},
        body: { message: "Internal Server Error", error: e.errorMessage },
        function: fnId,
      };
    }
    if (typeof result !== "object" || result === null || !("statusCode" in result))
      return { status: 200, headers: { "content-type": "application/json" }, body: result, function: fnId };
    const text = result.isBase64Encoded
      ? Buffer.from(result.body ?? "", "base64").toString("utf8")
      : (result.body ?? "");
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: result.statusCode, headers: result.headers ?? {}, body: parsed, function: fnId };
  }
}
