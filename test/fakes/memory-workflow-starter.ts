// WorkflowStarter in memory: records each execution it was asked to start, stop or describe.
// Like Step Functions, a start is named by the execution_uuid: the same name with the same input
// answers the same execution; with another input it is refused (ExecutionAlreadyExists).
import type {
  ExecutionStatus,
  StartedExecution,
  WorkflowInput,
  WorkflowStarter,
} from "#ports/workflow-starter.ts";

export type FakeExecution = {
  arn: string;
  jobName: string;
  name: string;
  input: WorkflowInput;
  status: ExecutionStatus;
  startDate: string;
  stopCause: string | null;
};

export const executionArn = (jobName: string, name: string) =>
  `arn:aws:states:ap-northeast-1:123456789012:execution:jobdeck-${jobName.replace(/\W/g, "-")}:${name}`;

export class MemoryWorkflowStarter implements WorkflowStarter {
  readonly executions = new Map<string, FakeExecution>();
  private startFailures: Error[] = [];
  private stopFailures: Error[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The next start throws `error` (the workflow service refused or was unreachable). */
  failNextStart(error: Error = new Error("workflow service unavailable")): void {
    this.startFailures.push(error);
  }

  failNextStop(error: Error = new Error("stop refused")): void {
    this.stopFailures.push(error);
  }

  /** Ends an execution (as Step Functions would report it). */
  end(arn: string, status: Exclude<ExecutionStatus, "RUNNING">): void {
    const e = this.executions.get(arn);
    if (!e) throw new Error(`no execution ${arn}`);
    e.status = status;
  }

  executionArnFor(jobName: string, name: string): string {
    return executionArn(jobName, name);
  }

  started(): FakeExecution[] {
    return [...this.executions.values()];
  }

  async start(jobName: string, name: string, input: WorkflowInput): Promise<StartedExecution> {
    const failure = this.startFailures.shift();
    if (failure) throw failure;
    const arn = executionArn(jobName, name);
    const existing = this.executions.get(arn);
    if (existing) {
      if (JSON.stringify(existing.input) !== JSON.stringify(input) || existing.status !== "RUNNING") {
        throw Object.assign(new Error(`an execution named ${name} already exists`), {
          name: "ExecutionAlreadyExists",
        });
      }
      return { executionArn: arn, startDate: existing.startDate };
    }
    const startDate = this.now().toISOString();
    this.executions.set(arn, {
      arn,
      jobName,
      name,
      input: structuredClone(input),
      status: "RUNNING",
      startDate,
      stopCause: null,
    });
    return { executionArn: arn, startDate };
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    const failure = this.stopFailures.shift();
    if (failure) throw failure;
    const e = this.executions.get(executionArn);
    if (e?.status !== "RUNNING") return;
    e.status = "ABORTED";
    e.stopCause = cause;
  }

  async describe(executionArn: string): Promise<ExecutionStatus> {
    return this.executions.get(executionArn)?.status ?? "UNKNOWN";
  }

  links(executionArn: string, executionUuid: string) {
    return {
      console_url: `https://console.example/${executionArn}`,
      logs_url: `https://logs.example/${executionUuid}`,
    };
  }
}
