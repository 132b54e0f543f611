import type { Anomaly, Progress, Run, RunCost, RunCounts, RunStatus, TriggerSource } from "#schemas/run.ts";

export type RunFilter = {
  job_name?: string;
  statuses?: RunStatus[];
  /** inclusive bounds on started_at, UTC ISO */
  started_after?: string;
  started_before?: string;
  data_source?: string;
  trigger_source?: TriggerSource;
  /** lower-case start of the execution_uuid (history's run-id search) */
  execution_prefix?: string;
  /** true: only runs flagged with anomalies; false: only runs not flagged (issue 16 part 3) */
  anomaly?: boolean;
};

/** How many runs match a filter, counted up to a cap: `capped` means "at least `count`". */
export type RunCount = { count: number; capped: boolean };

/** Position after the last item returned: enough to resume a newest-first walk. */
export type RunPosition = { execution_uuid: string; started_at: string; job_name: string };

export type RunStorePage = { runs: Run[]; next: RunPosition | null };

export type FinishUpdate = {
  status: RunStatus;
  finished_at: string;
  duration_seconds: number;
  error_summary: string | null;
  next_scheduled_for: string | null;
  counts?: RunCounts;
  progress?: Progress | null;
  /** epoch seconds for DynamoDB TTL, null = keep forever */
  expires_at: number | null;
  /** The run's anomaly flags (run-anomalies.ts), written with its final record; absent = left as is. */
  anomalies?: Anomaly[] | null;
  /** The run's cost when the workflow did not record one (an end outside it: run-cost.ts estimate); absent = left as is. */
  cost?: RunCost;
};

export type ProgressUpdate = { progress: Progress; counts: RunCounts; attempt: number };

/** What may change on a run while it is active (patchActive). */
export type ActivePatch = Partial<
  Pick<
    Run,
    | "attempt"
    | "attempts"
    | "retry_at"
    | "max_attempts"
    | "workflow_execution_arn"
    | "task"
    | "console_url"
    | "logs_url"
    | "status"
    | "cost"
  >
>;

export interface RunStore {
  /** Creates the run; false if a run with this execution_uuid exists already. */
  create(run: Run): Promise<boolean>;
  /**
   * Bookkeeping for a run written elsewhere (in one transaction with its slot, see
   * ControlStore.acquireSlot): keeps the all-jobs feed aware of the run's month.
   */
  noteCreated(run: Run): Promise<void>;
  get(executionUuid: string): Promise<Run | null>;
  /** Newest first. `limit` results at most after filtering. */
  list(filter: RunFilter, limit: number, after: RunPosition | null): Promise<RunStorePage>;
  /**
   * How many runs match `filter` (the list's whole filter), counting no further than `cap`: on
   * DynamoDB a COUNT query over the list's key range, whose cost grows with what it reads.
   */
  count(filter: RunFilter, cap: number): Promise<RunCount>;
  /** Runs whose status is RUNNING or QUEUED (optionally of one job). */
  listActive(jobName?: string): Promise<Run[]>;
  /**
   * Moves the run to a finished status if it is currently in one of `from`.
   * Returns the updated run, or null if the run was not in `from` (e.g. already finished).
   */
  finish(executionUuid: string, from: RunStatus[], update: FinishUpdate): Promise<Run | null>;
  /**
   * Writes progress and counters while RUNNING (and clears retry_at: the attempt is under way);
   * returns false if the run is no longer RUNNING.
   */
  writeProgress(executionUuid: string, update: ProgressUpdate): Promise<boolean>;
  /** Sets fields while the run is active (e.g. attempt, execution arn). Returns false if not active. */
  patchActive(executionUuid: string, patch: ActivePatch): Promise<boolean>;
  /**
   * The final counts of an attempt that was cancelled (issue 15): a cancel ends the run's record
   * where it lands and refuses the worker's later progress, so the counts the job reached after its
   * last progress write would be lost. Writes `counts` only (never stages or progress: the record
   * keeps the stage the cancel found), only on a CANCELLED run, and once per run; false otherwise.
   */
  writeCancelledCounts(executionUuid: string, counts: RunCounts): Promise<boolean>;
}
