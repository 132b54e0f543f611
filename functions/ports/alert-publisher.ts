/** What operators are told when a run ends FAILURE or TIMED_OUT (built by domain/runs/failure-alerts.ts). */
export type FailureAlert = {
  /** ≤ 100 characters (SNS's subject limit) */
  subject: string;
  message: string;
  job_name: string;
  status: string;
  execution_uuid: string;
  run_url: string | null;
  /** "anomaly" for a run flagged by its counters (issue 16 part 3); absent = a failure. */
  kind?: "failure" | "anomaly";
};

/** Where failure alerts go: the alarm topic (SNS) in AWS, one log line locally. */
export interface AlertPublisher {
  publish(alert: FailureAlert): Promise<void>;
}
