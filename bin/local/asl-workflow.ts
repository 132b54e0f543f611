// Stands in for Step Functions: runs statemachines/*.asl.json with aws-local-stepfunctions.
// The definition is the very one CDK deploys (per job: run-job-asl.ts renders it); definition
// substitutions map each Task's FunctionName to a handler of this process instead of a Lambda ARN,
// and an ECS RunTask state's resource to the local fargate runner.
import "./polyfills.ts";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { StateMachine } from "aws-local-stepfunctions";
import type {
  ExecutionStatus,
  StartedExecution,
  WorkflowInput,
  WorkflowStarter,
} from "#ports/workflow-starter.ts";

/** The Task state a handler serves (an ECS task's runner reads its HeartbeatSeconds and TimeoutSeconds). */
export type LocalTaskState = { name: string; definition: AslTask };

export type LocalTaskHandler = (
  payload: unknown,
  signal: AbortSignal,
  state: LocalTaskState,
) => Promise<unknown>;

export type AslTask = {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
};
type AslDefinition = { States: Record<string, AslTask> };

export type ExecutionEnd = {
  jobName: string;
  name: string;
  arn: string;
  input: WorkflowInput;
  status: Exclude<ExecutionStatus, "RUNNING" | "UNKNOWN">;
  error?: string;
  /** What the execution took, from the interpreter's own event log (issue 16: bench, cost checks). */
  usage: ExecutionUsage;
};

/**
 * Step Functions bills a transition for each state entered and each retry of a state; a Task's
 * calls are its entries plus its retries, by the resource it calls (`local:steps`, the worker…).
 */
export type ExecutionUsage = { transitions: number; calls: Record<string, number> };

type Execution = {
  arn: string;
  name: string;
  jobName: string;
  input: string;
  parsedInput: WorkflowInput;
  status: ExecutionStatus;
  controller: AbortController;
  abort: () => void;
  done: Promise<void>;
  logged: Promise<void>;
  usage: ExecutionUsage;
};

export type LocalAslWorkflowOptions = {
  /** One definition for every job (a file)… */
  definitionFile?: string;
  /** …or each job's own (placeholders left for `substitutions`), e.g. renderRunJobDefinition's. */
  definitionFor?: (jobName: string) => object;
  /** Substitutions per job, e.g. { WorkerFunctionArn: "local:worker", StepsFunctionArn: "local:steps" } */
  substitutions: (jobName: string) => Record<string, string>;
  /** Handlers by the substituted FunctionName. */
  handlers: Record<string, LocalTaskHandler>;
  onEnd?: (end: ExecutionEnd) => void | Promise<void>;
  region?: string;
};

export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}

export class LocalAslWorkflow implements WorkflowStarter {
  private readonly machines = new Map<
    string,
    { machine: StateMachine; taskTargets: Map<string, string>; states: Record<string, AslTask> }
  >();
  private readonly executions = new Map<string, Execution>();
  private readonly template: string | null;
  /** Definitions already validated: every lambda job's is the same text, validated once. */
  private readonly validated = new Set<string>();

  constructor(private readonly opts: LocalAslWorkflowOptions) {
    if (!opts.definitionFile && !opts.definitionFor)
      throw new Error("LocalAslWorkflow needs definitionFile or definitionFor");
    this.template = opts.definitionFile ? readFileSync(opts.definitionFile, "utf8") : null;
  }

  /** Constructing a StateMachine validates the definition (~100 ms): one per job, cached. */
  private machineFor(jobName: string) {
    let entry = this.machines.get(jobName);
    if (!entry) {
      const template = this.template ?? JSON.stringify(this.opts.definitionFor?.(jobName));
      const text = substitute(template, this.opts.substitutions(jobName));
      const definition = JSON.parse(text) as AslDefinition;
      const taskTargets = new Map<string, string>();
      for (const [stateName, state] of Object.entries(definition.States)) {
        if (state.Type !== "Task") continue;
        // lambda:invoke names the function in Parameters; the direct form names it in Resource.
        const target = state.Parameters?.FunctionName ?? state.Resource;
        if (!target || !this.opts.handlers[target]) {
          throw new Error(
            `Task ${stateName} of ${jobName} calls ${target ?? "(none)"}, which has no local handler`,
          );
        }
        taskTargets.set(stateName, target);
      }
      // biome-ignore lint/suspicious/noExplicitAny: the library's definition type is narrower than parsed JSON
      const machine = new StateMachine(definition as any, {
        validationOptions: { noValidate: this.validated.has(text) },
      });
      this.validated.add(text);
      entry = { machine, taskTargets, states: definition.States };
      this.machines.set(jobName, entry);
    }
    return entry;
  }

  /**
   * Builds the state machines of `jobNames` ahead of their first run, one per macrotask so requests
   * in between are served: validating a definition costs 150–300 ms a job, which the first
   * trigger of each job used to wait for (issue 14: the first toast after `npm start`).
   */
  async prepare(jobNames: readonly string[]): Promise<void> {
    for (const name of jobNames) {
      await new Promise((r) => setImmediate(r));
      this.machineFor(name);
    }
  }

  /** Whether `jobName`'s state machine is built (by `prepare` or an earlier run). */
  isPrepared(jobName: string): boolean {
    return this.machines.has(jobName);
  }

  executionArnFor(jobName: string, name: string): string {
    return this.arnOf(jobName, name);
  }

  arnOf(jobName: string, name: string): string {
    const region = this.opts.region ?? "local";
    return `arn:aws:states:${region}:000000000000:execution:jobdeck-${jobName.replace(/[^A-Za-z0-9-_]/g, "-")}:${name}`;
  }

  async start(jobName: string, name: string, input: WorkflowInput): Promise<StartedExecution> {
    const arn = this.arnOf(jobName, name);
    const inputText = JSON.stringify(input);
    const existing = this.executions.get(arn);
    if (existing) {
      // As StartExecution: same name and input while running is idempotent; anything else is refused.
      if (existing.status === "RUNNING" && existing.input === inputText)
        return { executionArn: arn, startDate: new Date().toISOString() };
      throw Object.assign(new Error(`Execution ${name} already exists`), { name: "ExecutionAlreadyExists" });
    }
    const { machine, taskTargets, states } = this.machineFor(jobName);
    const controller = new AbortController();
    const overrides: Record<string, (i: unknown) => Promise<unknown>> = {};
    for (const [stateName, target] of taskTargets) {
      const handler = this.opts.handlers[target]!;
      const viaInvoke = target.startsWith("local:");
      const state: LocalTaskState = { name: stateName, definition: states[stateName]! };
      overrides[stateName] = (effectiveInput) => {
        // lambda:invoke answers with the { Payload } envelope (the override must build it);
        // a direct Lambda ARN resource gets the state input and answers with the result itself.
        const p = viaInvoke
          ? handler((effectiveInput as { Payload: unknown }).Payload, controller.signal, state).then(
              (Payload) => ({ Payload }),
            )
          : handler(effectiveInput, controller.signal, state);
        // If the interpreter stops waiting (timeout, abort) a later rejection must not crash the process.
        p.catch(() => {});
        return p;
      };
    }
    const startDate = new Date().toISOString();
    const execution = machine.run(input as never, {
      // biome-ignore lint/suspicious/noExplicitAny: overrides are typed on JSON values
      overrides: { taskResourceLocalHandlers: overrides as any },
      // The interpreter's context is one object per execution: one task token per execution, which
      // is enough as one Task state (the worker) waits on a token at a time.
      context: {
        Execution: { Id: arn, Name: name, StartTime: startDate, Input: input as never },
        Task: { Token: `local-task-token:${name}:${randomUUID()}` },
      } as never,
    });
    const record: Execution = {
      arn,
      name,
      jobName,
      input: inputText,
      parsedInput: input,
      status: "RUNNING",
      controller,
      abort: () => {
        controller.abort();
        execution.abort();
      },
      done: Promise.resolve(),
      logged: Promise.resolve(),
      usage: { transitions: 0, calls: {} },
    };
    record.logged = this.countEvents(execution.eventLogs as never, taskTargets, record.usage);
    record.done = execution.result.then(
      () => this.ended(record, "SUCCEEDED"),
      (e: unknown) => {
        const errName = (e as { name?: string })?.name ?? "";
        const status =
          errName === "ExecutionAbortedError"
            ? "ABORTED"
            : errName === "ExecutionTimeoutError"
              ? "TIMED_OUT"
              : "FAILED";
        return this.ended(record, status, e instanceof Error ? e.message : String(e));
      },
    );
    this.executions.set(arn, record);
    return { executionArn: arn, startDate };
  }

  /** Counts transitions and Task calls as the interpreter logs them (ends with the execution). */
  private async countEvents(
    events: AsyncGenerator<{ type: string; state?: { name: string } }>,
    taskTargets: Map<string, string>,
    usage: ExecutionUsage,
  ): Promise<void> {
    try {
      for await (const event of events) {
        if (event.type !== "StateEntered" && event.type !== "StateRetried") continue;
        usage.transitions++;
        const target = event.state ? taskTargets.get(event.state.name) : undefined;
        if (target) usage.calls[target] = (usage.calls[target] ?? 0) + 1;
      }
    } catch {
      // an aborted execution may end its log with an error: the counts so far stand
    }
  }

  private async ended(record: Execution, status: ExecutionEnd["status"], error?: string) {
    record.status = status;
    await record.logged;
    try {
      await this.opts.onEnd?.({
        jobName: record.jobName,
        name: record.name,
        arn: record.arn,
        input: record.parsedInput,
        status,
        error,
        usage: record.usage,
      });
    } catch (e) {
      console.error(`[jobdeck] after-execution hook failed for ${record.name}:`, e);
    }
  }

  async stop(executionArn: string, _cause?: string): Promise<void> {
    const e = this.executions.get(executionArn);
    if (e?.status !== "RUNNING") return;
    e.abort();
    await e.done;
  }

  /** What an execution took so far (transitions, Task calls), from the interpreter's event log. */
  usage(executionArn: string): ExecutionUsage | null {
    const e = this.executions.get(executionArn);
    return e ? { transitions: e.usage.transitions, calls: { ...e.usage.calls } } : null;
  }

  async describe(executionArn: string): Promise<ExecutionStatus> {
    return this.executions.get(executionArn)?.status ?? "UNKNOWN";
  }

  links(_arn?: string, _uuid?: string): { console_url: null; logs_url: null } {
    return { console_url: null, logs_url: null };
  }

  running(): number {
    let n = 0;
    for (const e of this.executions.values()) if (e.status === "RUNNING") n++;
    return n;
  }

  /** The executions still running, by ARN. */
  runningArns(): string[] {
    return [...this.executions.values()].filter((e) => e.status === "RUNNING").map((e) => e.arn);
  }

  /**
   * Waits for every execution to end (graceful shutdown), aborting them after `graceMs`;
   * `beforeAbort` learns which executions the grace ran out on before they are aborted.
   */
  async drain(graceMs: number, beforeAbort?: (arns: string[]) => void): Promise<void> {
    const pending = [...this.executions.values()].filter((e) => e.status === "RUNNING");
    if (!pending.length) return;
    const timer = setTimeout(() => {
      const left = pending.filter((e) => e.status === "RUNNING");
      beforeAbort?.(left.map((e) => e.arn));
      for (const e of left) e.abort();
    }, graceMs);
    await Promise.allSettled(pending.map((e) => e.done));
    clearTimeout(timer);
  }
}
