// WorkflowStarter on AWS Step Functions (spec/architecture.md): one state machine per job.
//
// - `start` names the execution by the run's execution_uuid. Step Functions answers a repeated
//   StartExecution with the same name and the same input, while that execution runs, with the
//   first answer (an idempotent retry); the same name with another input, or after the execution
//   ended, fails with ExecutionAlreadyExists, which is rethrown under that name.
// - `links` are deep links for operators: the execution in the Step Functions console, and a
//   CloudWatch Logs Insights query of every log line carrying the run's execution_uuid.
import {
  DescribeExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ValidationError } from "#domain/errors.ts";
import type {
  ExecutionStatus,
  StartedExecution,
  WorkflowInput,
  WorkflowStarter,
} from "#ports/workflow-starter.ts";

export type SfnWorkflowStarterConfig = {
  /** job_name → state machine ARN. */
  stateMachineArns: Record<string, string>;
  region: string;
  /** Log groups searched by a run's logs_url; no groups, no logs_url. */
  logsInsightsGroups: string[];
  /** Clock of the logs_url time window (tests); default `new Date()`. */
  now?: () => Date;
};

/** StopExecution's `cause` limit. */
const MAX_CAUSE = 32_768;
/** The logs_url window: from shortly before the link is made (the run's start) to a day later. */
const LOGS_WINDOW_BEFORE_MS = 5 * 60_000;
const LOGS_WINDOW_AFTER_MS = 24 * 3_600_000;

const STATUS: Record<string, ExecutionStatus> = {
  RUNNING: "RUNNING",
  SUCCEEDED: "SUCCEEDED",
  FAILED: "FAILED",
  TIMED_OUT: "TIMED_OUT",
  ABORTED: "ABORTED",
  // failed, and a redrive has been asked for: it will run again
  PENDING_REDRIVE: "RUNNING",
};

function errorName(err: unknown): string | undefined {
  const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : undefined;
}

/** Step Functions refusing the request itself (not throttling, quotas or its own failures). */
const CLIENT_ERRORS = new Set([
  "ValidationException",
  "InvalidExecutionInput",
  "InvalidName",
  "InvalidDefinition",
  "InvalidInput",
  "MissingRequiredParameter",
]);

/**
 * A refused input is the client's to fix: a 400 with the service's own words (the params are the
 * only part of the input a client chooses), not a 500. Anything else passes on unchanged.
 */
function asClientError(err: unknown): unknown {
  const name = errorName(err);
  if (!name || !CLIENT_ERRORS.has(name)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const e = new ValidationError(`Step Functions refused the execution (${name}): ${message}`, [
    { field: "params", message },
  ]);
  e.cause = err;
  return e;
}

export class SfnWorkflowStarter implements WorkflowStarter {
  private readonly now: () => Date;

  constructor(
    private readonly client: SFNClient,
    private readonly config: SfnWorkflowStarterConfig,
  ) {
    this.now = config.now ?? (() => new Date());
  }

  /** arn:aws:states:<region>:<account>:execution:<state machine name>:<name>, as Step Functions forms it. */
  executionArnFor(jobName: string, name: string): string {
    return `${this.stateMachineArnFor(jobName).replace(":stateMachine:", ":execution:")}:${name}`;
  }

  stateMachineArnFor(jobName: string): string {
    const arn = Object.hasOwn(this.config.stateMachineArns, jobName)
      ? this.config.stateMachineArns[jobName]
      : undefined;
    if (!arn) {
      const known = Object.keys(this.config.stateMachineArns);
      throw new Error(
        `no state machine for job '${jobName}' (STATE_MACHINE_ARNS knows ${known.length ? known.join(", ") : "no job"})`,
      );
    }
    return arn;
  }

  async start(jobName: string, name: string, input: WorkflowInput): Promise<StartedExecution> {
    const stateMachineArn = this.stateMachineArnFor(jobName);
    try {
      const out = await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      if (!out.executionArn) throw new Error(`StartExecution of ${name} returned no executionArn`);
      return {
        executionArn: out.executionArn,
        startDate: (out.startDate ?? this.now()).toISOString(),
      };
    } catch (err) {
      if (errorName(err) === "ExecutionAlreadyExists") {
        // Same name, other input, or an execution that has ended: a second run must not start.
        throw Object.assign(
          new Error(
            `an execution named ${name} of job ${jobName} already exists with another input or has ended: ${(err as Error).message}`,
            { cause: err },
          ),
          { name: "ExecutionAlreadyExists" },
        );
      }
      throw asClientError(err);
    }
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause: cause.slice(0, MAX_CAUSE) }));
    } catch (err) {
      // Nothing to stop (same as the local interpreter).
      if (errorName(err) === "ExecutionDoesNotExist") return;
      throw err;
    }
  }

  async describe(executionArn: string): Promise<ExecutionStatus> {
    try {
      const out = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return STATUS[out.status ?? ""] ?? "UNKNOWN";
    } catch (err) {
      if (errorName(err) === "ExecutionDoesNotExist") return "UNKNOWN";
      throw err;
    }
  }

  links(
    executionArn: string,
    executionUuid: string,
  ): { console_url: string | null; logs_url: string | null } {
    const { region, logsInsightsGroups } = this.config;
    const now = this.now().getTime();
    return {
      console_url: `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`,
      logs_url: logsInsightsGroups.length
        ? logsInsightsUrl({
            region,
            logGroups: logsInsightsGroups,
            query: runLogsQuery(executionUuid),
            start: new Date(now - LOGS_WINDOW_BEFORE_MS),
            end: new Date(now + LOGS_WINDOW_AFTER_MS),
          })
        : null,
    };
  }
}

/** Every structured log line of one run, oldest first. */
export function runLogsQuery(executionUuid: string): string {
  const uuid = executionUuid.replace(/["\\]/g, ""); // stays one string literal
  return `fields @timestamp, level, message, execution_uuid | filter execution_uuid = "${uuid}" | sort @timestamp asc`;
}

type ConsoleValue = string | number | boolean | ConsoleValue[] | { [key: string]: ConsoleValue };

/** UTF-8 percent-encoding of everything but [A-Za-z0-9_.-], written with `*` instead of `%`. */
function consoleEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%/g, "*");
}

/**
 * The console's own serialization of the Logs Insights `queryDetail` (jsurl-like): objects
 * `~(key~value~key~value)`, arrays `~(~a~b)`, strings `~'` + percent-encoding with `%` → `*`,
 * numbers and booleans `~` + the literal.
 */
function consoleEncode(value: ConsoleValue): string {
  if (typeof value === "string") return `~'${consoleEscape(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `~${String(value)}`;
  if (Array.isArray(value)) return `~(${value.map(consoleEncode).join("")})`;
  return `~(${Object.entries(value)
    .map(([k, v]) => `${k}${consoleEncode(v)}`)
    .join("~")})`;
}

/**
 * A CloudWatch Logs Insights console URL that opens `query` over `logGroups` and the absolute
 * window [start, end]. The fragment is `logs-insights` + `?queryDetail=` + the serialized query,
 * percent-encoded twice in the console's way (`%` of the outer encoding written as `$`).
 */
export function logsInsightsUrl(opts: {
  region: string;
  logGroups: readonly string[];
  query: string;
  start: Date;
  end: Date;
}): string {
  const detail = consoleEncode({
    end: opts.end.toISOString(),
    start: opts.start.toISOString(),
    timeType: "ABSOLUTE",
    tz: "UTC",
    editorString: opts.query,
    isLiveTail: false,
    source: [...opts.logGroups],
  });
  // escape()-style first pass: after consoleEscape only the structure's ~ ( ) ' need it
  const escaped = detail.replace(/[~()']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const fragment = encodeURIComponent(`?queryDetail=${escaped}`).replace(/%/g, "$");
  return `https://${opts.region}.console.aws.amazon.com/cloudwatch/home?region=${opts.region}#logsV2:logs-insights${fragment}`;
}
