import type { RunLogLine } from "#schemas/run-logs.ts";

/** Where a page of log lines ends: the last line's time and the ids of the lines at that time. */
export type RunLogPosition = { ts: number; ids: string[] };

export type RunLogRequest = {
  execution_uuid: string;
  job_name: string;
  /** The run's window: lines outside it are not searched. */
  started_at: string;
  finished_at: string | null;
  limit: number;
  after: RunLogPosition | null;
};

export type RunLogPage = { lines: RunLogLine[]; next: RunLogPosition | null };

/** A run's own log lines (those carrying its execution_uuid), oldest first. */
export interface RunLogReader {
  read(request: RunLogRequest): Promise<RunLogPage>;
}
