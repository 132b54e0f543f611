// ECS, as the deploy suite needs it for fargate jobs (issue 15): a rendered state machine's
// `ecs:runTask.sync` state becomes a RunTask authorized as Step Functions would make it (the state
// machine's role: ecs:RunTask on the task definition, iam:PassRole of the task and execution roles
// to ecs-tasks, the managed rule's events:PutTargets/PutRule/DescribeRule), and the task's
// container a Node process running the task bundle from the cloud assembly (the S3 file asset the
// container's bootstrap would fetch) with the task definition's environment, the RunTask
// container override, and its task role as its identity (its calls are recorded and authorized
// against that role). The container ends its state through SendTaskSuccess / SendTaskFailure and
// keeps it alive with SendTaskHeartbeat (the recording fakes route them here); a task that exits
// without reporting fails the state with `States.TaskFailed` and ECS's task description as Cause,
// and stopping the execution stops the task (SIGTERM, SIGKILL after the container's stopTimeout),
// as Step Functions does for .sync.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { AwsError } from "./deploy-aws-fakes.ts";
import { ACCOUNT, type DeployedTemplate } from "./deploy-template.ts";

/** The managed rule Step Functions puts for ECS .sync integrations. */
export const ECS_SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule";

type TaskDefinitionInfo = {
  id: string;
  arn: string;
  family: string;
  taskRoleId: string;
  executionRoleId: string;
  container: { name: string; environment: Record<string, string>; stopTimeoutSeconds: number };
  bundleFile: string;
};

export type EcsTask = {
  arn: string;
  taskDefinitionArn: string;
  clusterArn: string;
  tags: Record<string, string>;
  pid: number;
  startedAt: string;
  lastStatus: "RUNNING" | "STOPPED";
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number | null;
  signal?: string | null;
  heartbeats: number;
  log: string;
};

type Waiting = {
  task: EcsTask;
  resolve: (output: unknown) => void;
  reject: (e: Error) => void;
  child: ChildProcess;
  stopTimeoutMs: number;
};

/** An error of a Task state as the interpreter should record it (its name is the ASL error). */
export class StateError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export class DeployedEcs {
  readonly tasks: EcsTask[] = [];
  /** RunTask requests as Step Functions sent them (Parameters resolved). */
  readonly runTaskRequests: Record<string, any>[] = [];
  private readonly waiting = new Map<string, Waiting>();
  private metadata: Server | undefined;
  private metadataUrl = "";
  private seq = 0;

  constructor(
    private readonly t: DeployedTemplate,
    private readonly scratch: string,
    private readonly endpoint: () => string,
    /** IAM: records the calls and answers whether the role allows them all. */
    private readonly record: (
      calls: { caller: string; action: string; resource: string; context?: Record<string, string> }[],
    ) => boolean,
    /** Lets a task's process be known as its role to the recording fakes. */
    private readonly registerCaller: (caller: string, roleId: string) => void,
  ) {}

  async start(): Promise<void> {
    // The ECS task metadata endpoint v4: /task answers the task's ARN, cluster and the container's log options.
    this.metadata = createServer((req, res) => {
      const token = (req.url ?? "").split("/")[1] ?? "";
      const task = this.tasks.find((x) => x.arn.endsWith(`/${token}`));
      if (!task) {
        res.writeHead(404).end();
        return;
      }
      const path = (req.url ?? "").slice(token.length + 1);
      const container = {
        Name: "job",
        LogDriver: "awslogs",
        LogOptions: {
          "awslogs-group": "/deploy-suite/task-logs",
          "awslogs-region": this.t.region,
          "awslogs-stream": `task/job/${task.arn.split("/").pop()}`,
        },
      };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          path === "/task"
            ? {
                Cluster: task.clusterArn,
                TaskARN: task.arn,
                Family: task.taskDefinitionArn.split("/").pop()?.split(":")[0],
                Containers: [container],
                LaunchType: "FARGATE",
                AvailabilityZone: `${this.t.region}a`,
              }
            : container,
        ),
      );
    });
    await new Promise<void>((r) => this.metadata!.listen(0, "127.0.0.1", r));
    this.metadataUrl = `http://127.0.0.1:${(this.metadata.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.waiting.values()) w.child.kill("SIGKILL");
    this.metadata?.closeAllConnections();
    await new Promise<void>((r) => (this.metadata ? this.metadata.close(() => r()) : r()));
  }

  /** The task definitions of the template whose container is the jobdeck task. */
  taskDefinition(arn: string): TaskDefinitionInfo {
    for (const [id, r] of this.t.ofType("AWS::ECS::TaskDefinition")) {
      if (this.t.ref(id) !== arn) continue;
      const p = r.Properties;
      const [c] = p.ContainerDefinitions as any[];
      const environment = Object.fromEntries(
        (this.t.resolve(c.Environment ?? []) as { Name: string; Value: string }[]).map((e) => [
          e.Name,
          String(e.Value),
        ]),
      );
      return {
        id,
        arn,
        family: p.Family,
        taskRoleId: this.t.resolve(p.TaskRoleArn).split("/").pop(),
        executionRoleId: this.t.resolve(p.ExecutionRoleArn).split("/").pop(),
        container: { name: c.Name, environment, stopTimeoutSeconds: Number(c.StopTimeout ?? 30) },
        bundleFile: this.bundleOf(environment),
      };
    }
    throw new AwsError("ClientException", `Unable to find task definition ${arn}`);
  }

  /** The bundle the container's bootstrap fetches: the file asset its JOBDECK_BUNDLE_KEY names. */
  private bundleOf(env: Record<string, string>): string {
    const key = env.JOBDECK_BUNDLE_KEY;
    if (!key)
      throw new Error(
        "the task's container has no JOBDECK_BUNDLE_KEY: how would its bootstrap find the bundle?",
      );
    const hash = key.replace(/\.[^.]+$/, "");
    const found = readdirSync(this.t.assembly).find((f) => f.startsWith(`asset.${hash}`));
    if (!found) throw new Error(`no asset ${key} in the cloud assembly`);
    const path = join(this.t.assembly, found);
    return existsSync(join(path, "task.js")) ? join(path, "task.js") : path;
  }

  /**
   * The `ecs:runTask.sync` Task of `roleId`'s state machine: RunTask, then wait until the container
   * reports (its output) or stops without reporting (States.TaskFailed), or `signal` stops it.
   */
  async runTaskSync(
    roleId: string,
    stateMachineArn: string,
    params: any,
    signal: AbortSignal,
    heartbeatSeconds: number,
  ): Promise<unknown> {
    this.runTaskRequests.push(params);
    const def = this.taskDefinition(String(params.TaskDefinition));
    const sync = (action: string) => ({
      caller: roleId,
      action,
      resource: `arn:aws:events:${this.t.region}:${ACCOUNT}:rule/${ECS_SYNC_RULE}`,
    });
    const clusterArn = String(params.Cluster);
    const onCluster = { "ecs:cluster": clusterArn };
    const id = `${(++this.seq).toString(16).padStart(8, "0")}deploysuite${Date.now().toString(16)}`;
    const taskArn = `arn:aws:ecs:${this.t.region}:${ACCOUNT}:task/${clusterArn.split("/").pop()}/${id}`;
    const calls = [
      { caller: roleId, action: "ecs:RunTask", resource: def.arn, context: onCluster },
      // RunTask with tags: ECS authorizes tagging the new task separately.
      ...(params.Tags?.length
        ? [
            {
              caller: roleId,
              action: "ecs:TagResource",
              resource: taskArn,
              context: { "ecs:CreateAction": "RunTask" },
            },
          ]
        : []),
      ...[def.taskRoleId, def.executionRoleId].map((r) => ({
        caller: roleId,
        action: "iam:PassRole",
        resource: this.t.getAtt(r, "Arn"),
        context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      })),
      sync("events:PutTargets"),
      sync("events:PutRule"),
      sync("events:DescribeRule"),
    ];
    if (!this.record(calls))
      throw new StateError("ECS.AccessDeniedException", `${roleId} may not run ${def.arn}`);
    const override = (params.Overrides?.ContainerOverrides ?? []).find(
      (c: any) => c.Name === def.container.name,
    );
    if (!override)
      throw new StateError(
        "ECS.InvalidParameterException",
        `no override for container ${def.container.name}`,
      );
    const overrideEnv = Object.fromEntries(
      (override.Environment ?? []).map((e: any) => [e.Name, String(e.Value)]),
    );
    // ECS's limit on all overrides of one RunTask.
    const overrideBytes = Buffer.byteLength(JSON.stringify(params.Overrides));
    if (overrideBytes > 8192)
      throw new StateError(
        "ECS.InvalidParameterException",
        `Container Overrides length must be at most 8192 (${overrideBytes})`,
      );

    const task: EcsTask = {
      arn: taskArn,
      taskDefinitionArn: def.arn,
      clusterArn,
      tags: Object.fromEntries((params.Tags ?? []).map((x: any) => [x.Key, String(x.Value)])),
      pid: 0,
      startedAt: new Date().toISOString(),
      lastStatus: "RUNNING",
      heartbeats: 0,
      log: "",
    };
    // The container: the bundle copied outside the project (nothing but it can be loaded, as in the
    // image, whose own SDK only the bootstrap uses), run as its task role.
    const dir = mkdtempSync(join(this.scratch, "task-"));
    const bundle = join(dir, "task.js");
    copyFileSync(def.bundleFile, bundle);
    const caller = `${def.taskRoleId}`;
    this.registerCaller(caller, def.taskRoleId);
    const endpoint = this.endpoint();
    const child = spawn(process.execPath, [bundle], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        TZ: "UTC",
        HOME: dir,
        ...def.container.environment,
        ...overrideEnv,
        AWS_ACCESS_KEY_ID: caller,
        AWS_SECRET_ACCESS_KEY: "deploy-suite",
        AWS_SESSION_TOKEN: "deploy-suite",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        AWS_ENDPOINT_URL: endpoint,
        ECS_CONTAINER_METADATA_URI_V4: `${this.metadataUrl}/${id}`,
      },
    });
    task.pid = child.pid ?? 0;
    const keep = (d: Buffer) => {
      task.log = (task.log + d.toString("utf8")).slice(-200_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.tasks.push(task);
    const token = `deploy-token-${id}`;
    return new Promise((resolve, reject) => {
      const w: Waiting = {
        task,
        child,
        stopTimeoutMs: def.container.stopTimeoutSeconds * 1000,
        resolve: (output) => {
          this.waiting.delete(token);
          resolve(output);
        },
        reject: (e) => {
          this.waiting.delete(token);
          reject(e);
        },
      };
      // The token is what the override carries: the state machine passes $$.Task.Token.
      const key = overrideEnv.JOBDECK_TASK_TOKEN ?? token;
      this.waiting.set(key, w);
      this.stateMachineByToken.set(key, stateMachineArn);
      if (heartbeatSeconds > 0) {
        // HeartbeatSeconds: no SendTaskHeartbeat for that long fails the state (and ECS's task is stopped).
        let seen = task.heartbeats;
        const watch = setInterval(() => {
          if (!this.waiting.has(key)) return clearInterval(watch);
          if (task.heartbeats !== seen) {
            seen = task.heartbeats;
            return;
          }
          clearInterval(watch);
          w.reject(new StateError("States.HeartbeatTimeout", ""));
          child.kill("SIGKILL");
        }, heartbeatSeconds * 1000);
        watch.unref();
      }
      child.once("exit", (code, sig) => {
        task.lastStatus = "STOPPED";
        task.exitCode = sig === "SIGKILL" ? 137 : sig === "SIGTERM" ? 143 : code;
        task.signal = sig;
        task.stopCode ??= "EssentialContainerExited";
        task.stoppedReason ??= "Essential container in task exited";
        this.detached.delete(task.arn);
        // Reported already: ECS's stop is just the end of the container.
        if (![...this.waiting.values()].includes(w)) return;
        w.reject(new StateError("States.TaskFailed", JSON.stringify(this.describe(task))));
      });
      signal.addEventListener(
        "abort",
        () => {
          if (this.keepTasksOnStop) {
            this.detached.set(task.arn, child);
            w.reject(new StateError("States.Runtime", "execution stopped"));
            return;
          }
          // StopExecution: Step Functions stops the task (StopTask → SIGTERM, SIGKILL after stopTimeout).
          task.stopCode = "UserInitiated";
          task.stoppedReason = "Task stopped by Step Functions (execution stopped)";
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), w.stopTimeoutMs).unref();
        },
        { once: true },
      );
    });
  }

  /** ECS's DescribeTasks task, in the PascalCase Step Functions puts in its output and causes. */
  describe(task: EcsTask): Record<string, unknown> {
    return {
      TaskArn: task.arn,
      ClusterArn: task.clusterArn,
      TaskDefinitionArn: task.taskDefinitionArn,
      LastStatus: task.lastStatus,
      DesiredStatus: "STOPPED",
      StopCode: task.stopCode,
      StoppedReason: task.stoppedReason,
      Containers: [{ Name: "job", LastStatus: task.lastStatus, ExitCode: task.exitCode ?? null }],
      Tags: Object.entries(task.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }

  /** SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat from a task (routed by the recording fakes). */
  sendTask(op: string, input: any): Record<string, unknown> {
    const w = this.waiting.get(String(input.taskToken));
    if (!w) throw new AwsError("TaskTimedOut", "Task Timed Out: the state no longer waits for this token");
    if (op === "SendTaskHeartbeat") {
      w.task.heartbeats++;
      return {};
    }
    if (op === "SendTaskSuccess") {
      w.resolve(JSON.parse(String(input.output)));
      return {};
    }
    if (op === "SendTaskFailure") {
      w.reject(new StateError(String(input.error ?? "States.TaskFailed"), String(input.cause ?? "")));
      return {};
    }
    throw new AwsError("UnknownOperationException", `the fake does not speak ${op}`);
  }

  /** The state machine a task token belongs to (IAM's resource of SendTask*). */
  stateMachineOf(token: string): string | undefined {
    return this.stateMachineByToken.get(token);
  }

  private readonly stateMachineByToken = new Map<string, string>();

  // ---- the ECS API the sweeper calls (EcsBackend of the recording fakes) ----

  listTasks(clusterArn: string): string[] {
    return this.tasks
      .filter((x) => x.clusterArn === clusterArn && x.lastStatus === "RUNNING")
      .map((x) => x.arn);
  }

  /** DescribeTasks as the ECS API answers it (camelCase, tags when asked). */
  describeTasks(clusterArn: string, arns: string[]): Record<string, unknown>[] {
    return this.tasks
      .filter((x) => x.clusterArn === clusterArn && arns.includes(x.arn))
      .map((x) => ({
        taskArn: x.arn,
        clusterArn: x.clusterArn,
        taskDefinitionArn: x.taskDefinitionArn,
        lastStatus: x.lastStatus,
        desiredStatus: x.lastStatus,
        startedAt: Date.parse(x.startedAt) / 1000,
        createdAt: Date.parse(x.startedAt) / 1000,
        tags: Object.entries(x.tags).map(([key, value]) => ({ key, value })),
      }));
  }

  /** StopTask: SIGTERM, SIGKILL after the container's stop timeout. */
  stopTask(clusterArn: string, arn: string, reason: string): Record<string, unknown> {
    const task = this.tasks.find((x) => x.clusterArn === clusterArn && x.arn === arn);
    if (!task) throw new AwsError("InvalidParameterException", `The referenced task was not found: ${arn}`);
    const w = [...this.waiting.values()].find((x) => x.task === task);
    const child = w?.child ?? this.detached.get(task.arn);
    if (task.lastStatus === "RUNNING" && child) {
      task.stopCode = "UserInitiated";
      task.stoppedReason = reason;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), w?.stopTimeoutMs ?? 30_000).unref();
    }
    return {
      taskArn: task.arn,
      lastStatus: task.lastStatus,
      desiredStatus: "STOPPED",
      stoppedReason: reason,
    };
  }

  /**
   * Orphans on purpose: while set, stopping an execution does not stop its task (as when the stop
   * reached Step Functions but StopTask failed), so the sweeper's clean-up can be shown.
   */
  keepTasksOnStop = false;
  private readonly detached = new Map<string, ChildProcess>();
}
