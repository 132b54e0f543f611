/** What a job's workflow execution receives (same shape from the API and, later, from a schedule). */
export type WorkflowInput = {
  job_name: string;
  execution_uuid?: string;
  params: Record<string, unknown>;
  trigger_source: string;
  triggered_by?: string | null;
  schedule_id?: string | null;
  schedule_name?: string | null;
  scheduled_time?: string | null;
  /** Issue 16: a backfill's run: its logical time and its backfill. */
  scheduled_for?: string | null;
  backfill_id?: string | null;
};

export type StartedExecution = { executionArn: string; startDate: string };

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "UNKNOWN";

/** Starts / stops / describes a job's workflow execution (Step Functions or the local interpreter). */
export interface WorkflowStarter {
  /** `name` is the execution_uuid, so a retried start never runs twice. */
  start(jobName: string, name: string, input: WorkflowInput): Promise<StartedExecution>;
  /**
   * The ARN the execution `name` of `jobName` has (or will have): known before the start answers, so
   * a cancel that comes before the workflow recorded its ARN still stops it.
   */
  executionArnFor(jobName: string, name: string): string;
  stop(executionArn: string, cause: string): Promise<void>;
  describe(executionArn: string): Promise<ExecutionStatus>;
  /** Deep links for operators (null when there is no console, e.g. locally). */
  links(executionArn: string, executionUuid: string): { console_url: string | null; logs_url: string | null };
}
