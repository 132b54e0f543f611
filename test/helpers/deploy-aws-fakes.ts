// The AWS endpoints the deployed bundles talk to in the deploy suite, on one local HTTP port:
// DynamoDB through a recording proxy in front of DynamoDB Local (the real thing), and recording
// fakes speaking just enough of Step Functions (JSON 1.0), EventBridge Scheduler (REST-JSON),
// SNS (Query/XML), Secrets Manager and CloudWatch Logs FilterLogEvents (JSON 1.1). Every call is recorded as IAM sees it (caller,
// action, resource ARN, condition context) and authorized first against the caller's role: a call
// the role would refuse is answered AccessDeniedException, as AWS would, and kept in `refused`.
// The caller is the SigV4 access key id: each function's process signs with its logical id.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ACCOUNT } from "./deploy-template.ts";

export type AwsCall = {
  caller: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
};

export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type SfnBackend = {
  startExecution(
    caller: string,
    stateMachineArn: string,
    name: string,
    input: string,
  ): { executionArn: string; startDate: number };
  stopExecution(executionArn: string, cause: string): void;
  describeExecution(executionArn: string): Record<string, unknown>;
  /** Issue 15: a fargate task's SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. */
  sendTask(op: string, input: Record<string, unknown>): Record<string, unknown>;
  /** The state machine whose state a task token belongs to (IAM's resource of SendTask*), if any waits on it. */
  stateMachineOfToken(token: string): string | undefined;
};

/** Issue 15: the ECS calls the sweeper makes (ListTasks, DescribeTasks with tags, StopTask). */
export type EcsBackend = {
  listTasks(cluster: string): string[];
  describeTasks(cluster: string, arns: string[]): Record<string, unknown>[];
  stopTask(cluster: string, arn: string, reason: string): Record<string, unknown>;
};

export type StoredSchedule = { Name: string; GroupName: string; Arn: string; body: Record<string, any> };

const read = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

function callerOf(req: IncomingMessage): string {
  const m = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""));
  return m?.[1] ?? "anonymous";
}

/** DynamoDB: the IAM actions and resources of one request (batch and transact items each count). */
export function dynamoCalls(region: string, op: string, body: any): { action: string; resource: string }[] {
  const arn = (table: string, index?: string) =>
    `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${table}${index ? `/index/${index}` : ""}`;
  if (op === "BatchWriteItem" || op === "BatchGetItem")
    return Object.keys(body.RequestItems ?? {}).map((t) => ({ action: `dynamodb:${op}`, resource: arn(t) }));
  if (op === "TransactWriteItems" || op === "TransactGetItems") {
    const verb: Record<string, string> = {
      Put: "PutItem",
      Update: "UpdateItem",
      Delete: "DeleteItem",
      ConditionCheck: "ConditionCheckItem",
      Get: "GetItem",
    };
    return (body.TransactItems ?? []).flatMap((item: Record<string, any>) =>
      Object.entries(item).map(([k, v]) => ({
        action: `dynamodb:${verb[k] ?? k}`,
        resource: arn(v.TableName),
      })),
    );
  }
  return [{ action: `dynamodb:${op}`, resource: arn(body.TableName, body.IndexName) }];
}

export class RecordingAws {
  readonly calls: AwsCall[] = [];
  readonly refused: AwsCall[] = [];
  readonly schedules = new Map<string, StoredSchedule>();
  readonly published: { topicArn: string; subject?: string; message: string; caller: string }[] = [];
  /** Per caller, the SDK packages and versions its requests' user agents name (`api/dynamodb#3.…`). */
  readonly sdkVersions = new Map<string, Set<string>>();
  /** Requests no fake speaks (a service the deployed code calls that the suite does not model). */
  readonly unknown: string[] = [];
  private server: Server | undefined;
  endpoint = "";

  constructor(
    private readonly opts: {
      region: string;
      dynamoEndpoint: string;
      sfn: SfnBackend;
      ecs?: EcsBackend;
      secrets: Record<string, string>;
      /** IAM: whether the caller's role allows the call. */
      authorize: (call: AwsCall) => boolean;
    },
  ) {}

  /**
   * A SecretId as IAM sees it: an ARN as given; a name (issue 17: jobs' secrets are asked by name)
   * resolves to the ARN of the secret of that name (name + "-" + 6 characters), or, when there is
   * none, to the bare name's ARN — what the caller must be allowed to be told ResourceNotFound.
   */
  secretArn(secretId: string): string {
    if (secretId.startsWith("arn:")) return secretId;
    const prefix = `arn:aws:secretsmanager:${this.opts.region}:${ACCOUNT}:secret:${secretId}`;
    return (
      Object.keys(this.opts.secrets).find(
        (a) => /^-[A-Za-z0-9]{6}$/.test(a.slice(prefix.length)) && a.startsWith(prefix),
      ) ?? prefix
    );
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ __type: "InternalFailure", message: String(e) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Records the calls; false (and `refused`) when one of them is denied. */
  record(calls: AwsCall[]): boolean {
    let ok = true;
    for (const call of calls) {
      this.calls.push(call);
      if (!this.opts.authorize(call)) {
        this.refused.push(call);
        ok = false;
      }
    }
    return ok;
  }

  /** SDK v3's user agent: `aws-sdk-js/<core version> … api/<service>#<client version> …`. */
  private noteUserAgent(caller: string, userAgent: string) {
    const seen = this.sdkVersions.get(caller) ?? new Set<string>();
    for (const m of userAgent.matchAll(/(?:^|\s)(aws-sdk-js\/[\w.-]+|api\/[\w.-]+#[\w.-]+)/g))
      seen.add(m[1]!);
    this.sdkVersions.set(caller, seen);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const body = await read(req);
    const caller = callerOf(req);
    this.noteUserAgent(caller, String(req.headers["user-agent"] ?? ""));
    const target = String(req.headers["x-amz-target"] ?? "");
    const json = (status: number, value: unknown, type = "application/x-amz-json-1.0", extra = {}) => {
      res.writeHead(status, { "content-type": type, "x-amzn-requestid": randomUUID(), ...extra });
      res.end(JSON.stringify(value));
    };
    const jsonError = (e: AwsError, type: string) =>
      json(e.status, { __type: e.type, message: e.message }, type, { "x-amzn-errortype": e.type });
    const denied = (call: AwsCall) =>
      new AwsError(
        "AccessDeniedException",
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/${caller} is not authorized to perform: ${call.action} on resource: ${call.resource}`,
      );

    if (target.startsWith("DynamoDB_20120810.")) {
      const op = target.slice("DynamoDB_20120810.".length);
      const calls = dynamoCalls(this.opts.region, op, JSON.parse(body.toString("utf8") || "{}")).map((c) => ({
        ...c,
        caller,
      }));
      if (!this.record(calls)) return jsonError(denied(this.refused.at(-1)!), "application/x-amz-json-1.0");
      return this.forwardToDynamo(req, body, res);
    }

    if (target.startsWith("AWSStepFunctions.")) {
      const op = target.slice("AWSStepFunctions.".length);
      const input = JSON.parse(body.toString("utf8") || "{}");
      const token = typeof input.taskToken === "string" ? input.taskToken : undefined;
      // SendTask*: IAM's resource is the state machine the token's state belongs to.
      const resource =
        input.stateMachineArn ??
        input.executionArn ??
        (token ? (this.opts.sfn.stateMachineOfToken(token) ?? "*") : "*");
      const call = { caller, action: `states:${op}`, resource };
      if (!this.record([call])) return jsonError(denied(call), "application/x-amz-json-1.0");
      try {
        if (op === "StartExecution")
          return json(
            200,
            this.opts.sfn.startExecution(caller, input.stateMachineArn, input.name, input.input ?? "{}"),
          );
        if (op === "StopExecution") {
          this.opts.sfn.stopExecution(input.executionArn, input.cause ?? "");
          return json(200, { stopDate: Date.now() / 1000 });
        }
        if (op === "DescribeExecution") return json(200, this.opts.sfn.describeExecution(input.executionArn));
        if (op.startsWith("SendTask")) return json(200, this.opts.sfn.sendTask(op, input));
        throw new AwsError("UnknownOperationException", `the fake does not speak ${op}`);
      } catch (e) {
        if (e instanceof AwsError) return jsonError(e, "application/x-amz-json-1.0");
        throw e;
      }
    }

    // ECS (JSON 1.1), issue 15: the sweeper lists the cluster's tasks and stops orphaned ones.
    if (target.startsWith("AmazonEC2ContainerServiceV20141113.")) {
      const op = target.slice("AmazonEC2ContainerServiceV20141113.".length);
      const input = JSON.parse(body.toString("utf8") || "{}");
      const type = "application/x-amz-json-1.1";
      const ecs = this.opts.ecs;
      const cluster = String(input.cluster ?? "default");
      const clusterArn = cluster.startsWith("arn:")
        ? cluster
        : `arn:aws:ecs:${this.opts.region}:${ACCOUNT}:cluster/${cluster}`;
      const context = { "ecs:cluster": clusterArn };
      const arns: string[] =
        op === "DescribeTasks" ? (input.tasks ?? []) : op === "StopTask" ? [input.task] : [];
      // ListTasks authorizes on container instances ("*"), narrowed by the cluster condition.
      const calls =
        op === "ListTasks"
          ? [{ caller, action: "ecs:ListTasks", resource: "*", context }]
          : arns.map((a) => ({ caller, action: `ecs:${op}`, resource: a, context }));
      if (!this.record(calls)) return jsonError(denied(this.refused.at(-1)!), type);
      if (!ecs) return jsonError(new AwsError("ClusterNotFoundException", "no cluster"), type);
      if (op === "ListTasks") return json(200, { taskArns: ecs.listTasks(clusterArn) }, type);
      if (op === "DescribeTasks")
        return json(200, { tasks: ecs.describeTasks(clusterArn, arns), failures: [] }, type);
      if (op === "StopTask")
        return json(
          200,
          { task: ecs.stopTask(clusterArn, String(input.task), String(input.reason ?? "")) },
          type,
        );
      return jsonError(new AwsError("UnknownOperationException", `the fake does not speak ${op}`), type);
    }

    // CloudWatch Logs (JSON 1.1): the runs area reads a run's log lines (GET /v1/runs/{id}/logs).
    if (target.startsWith("Logs_20140328.")) {
      const op = target.slice("Logs_20140328.".length);
      const input = JSON.parse(body.toString("utf8") || "{}");
      const group = input.logGroupName ?? String(input.logGroupIdentifier ?? "*");
      const resource = group.startsWith("arn:")
        ? group
        : `arn:aws:logs:${this.opts.region}:${ACCOUNT}:log-group:${group}`;
      const call = { caller, action: `logs:${op}`, resource };
      if (!this.record([call])) return jsonError(denied(call), "application/x-amz-json-1.1");
      if (op !== "FilterLogEvents")
        return jsonError(
          new AwsError("UnknownOperationException", `the fake does not speak ${op}`),
          "application/x-amz-json-1.1",
        );
      // The deployed functions' own lines are not shipped anywhere here: a run's search finds none.
      return json(200, { events: [], searchedLogStreams: [] }, "application/x-amz-json-1.1");
    }

    if (target.startsWith("secretsmanager.")) {
      const op = target.slice("secretsmanager.".length);
      const input = JSON.parse(body.toString("utf8") || "{}");
      const arn = this.secretArn(String(input.SecretId ?? ""));
      const call = { caller, action: `secretsmanager:${op}`, resource: arn };
      if (!this.record([call])) return jsonError(denied(call), "application/x-amz-json-1.1");
      const value = this.opts.secrets[arn];
      if (op !== "GetSecretValue" || value === undefined)
        return jsonError(
          new AwsError("ResourceNotFoundException", `no secret ${input.SecretId}`),
          "application/x-amz-json-1.1",
        );
      return json(
        200,
        {
          ARN: arn,
          Name: arn.split(":")[6]?.replace(/-[A-Za-z0-9]{6}$/, ""),
          SecretString: value,
          VersionId: "v1",
        },
        "application/x-amz-json-1.1",
      );
    }

    const form = new URLSearchParams(body.toString("utf8"));
    if (String(req.headers["content-type"] ?? "").includes("x-www-form-urlencoded") && form.get("Action")) {
      const op = form.get("Action")!;
      const topicArn = form.get("TopicArn") ?? "*";
      const call = { caller, action: `sns:${op}`, resource: topicArn };
      const xml = (status: number, text: string) => {
        res.writeHead(status, { "content-type": "text/xml" });
        res.end(text);
      };
      if (!this.record([call]) || op !== "Publish") {
        const e =
          op === "Publish" ? denied(call) : new AwsError("InvalidAction", `the fake does not speak ${op}`);
        return xml(
          403,
          `<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>${e.message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      }
      this.published.push({
        topicArn,
        subject: form.get("Subject") ?? undefined,
        message: form.get("Message") ?? "",
        caller,
      });
      return xml(
        200,
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    }

    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/schedules" || url.pathname.startsWith("/schedules/"))
      return this.scheduler(req.method ?? "GET", url, body, caller, res);

    this.unknown.push(`${caller}: ${req.method} ${req.url} ${target}`);
    json(404, { __type: "UnknownService", message: `${req.method} ${req.url} (${target})` });
  }

  private scheduler(method: string, url: URL, body: Buffer, caller: string, res: ServerResponse) {
    const send = (status: number, value: unknown, errorType?: string) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "x-amzn-requestid": randomUUID(),
        ...(errorType ? { "x-amzn-errortype": errorType } : {}),
      });
      res.end(JSON.stringify(value));
    };
    const fail = (status: number, type: string, message: string) => send(status, { Message: message }, type);
    const input = body.length ? JSON.parse(body.toString("utf8")) : {};
    const scheduleArn = (group: string, name: string) =>
      `arn:aws:scheduler:${this.opts.region}:${ACCOUNT}:schedule/${group}/${name}`;

    if (url.pathname === "/schedules") {
      const call = { caller, action: "scheduler:ListSchedules", resource: "*" };
      if (!this.record([call])) return fail(403, "AccessDeniedException", `not authorized: ${call.action}`);
      const group = url.searchParams.get("ScheduleGroup");
      const prefix = url.searchParams.get("NamePrefix") ?? "";
      const list = [...this.schedules.values()]
        .filter((s) => (!group || s.GroupName === group) && s.Name.startsWith(prefix))
        .map((s) => ({
          Name: s.Name,
          GroupName: s.GroupName,
          Arn: s.Arn,
          State: s.body.State ?? "ENABLED",
          Target: { Arn: s.body.Target?.Arn },
        }));
      return send(200, { Schedules: list });
    }
    const name = decodeURIComponent(url.pathname.slice("/schedules/".length));
    const group =
      (method === "GET" || method === "DELETE" ? url.searchParams.get("groupName") : input.GroupName) ??
      "default";
    const action = {
      POST: "CreateSchedule",
      PUT: "UpdateSchedule",
      GET: "GetSchedule",
      DELETE: "DeleteSchedule",
    }[method];
    if (!action) return fail(400, "ValidationException", `no ${method} on schedules`);
    const arn = scheduleArn(group, name);
    const calls: AwsCall[] = [{ caller, action: `scheduler:${action}`, resource: arn }];
    // The target's role is passed to Scheduler: IAM checks iam:PassRole at this call.
    if (input.Target?.RoleArn)
      calls.push({
        caller,
        action: "iam:PassRole",
        resource: input.Target.RoleArn,
        context: { "iam:PassedToService": "scheduler.amazonaws.com" },
      });
    if (!this.record(calls))
      return fail(403, "AccessDeniedException", `not authorized: ${calls.map((c) => c.action).join(", ")}`);
    const key = `${group}/${name}`;
    const existing = this.schedules.get(key);
    const now = Date.now() / 1000;
    if (method === "POST") {
      if (existing) return fail(409, "ConflictException", `Schedule ${name} already exists.`);
      this.schedules.set(key, {
        Name: name,
        GroupName: group,
        Arn: arn,
        body: { ...input, CreationDate: now, LastModificationDate: now },
      });
      return send(200, { ScheduleArn: arn });
    }
    if (!existing) return fail(404, "ResourceNotFoundException", `Schedule ${name} does not exist.`);
    if (method === "PUT") {
      this.schedules.set(key, {
        ...existing,
        body: { ...input, CreationDate: existing.body.CreationDate, LastModificationDate: now },
      });
      return send(200, { ScheduleArn: arn });
    }
    if (method === "DELETE") {
      this.schedules.delete(key);
      return send(200, {});
    }
    const { ClientToken: _t, ...stored } = existing.body;
    return send(200, { ...stored, Name: name, GroupName: group, Arn: arn, State: stored.State ?? "ENABLED" });
  }

  private forwardToDynamo(req: IncomingMessage, body: Buffer, res: ServerResponse) {
    const target = new URL(this.opts.dynamoEndpoint);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", (e) => {
      res.writeHead(500);
      res.end(String(e));
    });
    upstream.end(body);
  }
}
