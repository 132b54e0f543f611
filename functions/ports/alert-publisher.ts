import type { FailureAlert } from "#domain/runs/failure-alerts.ts";

/** Where failure alerts go: the alarm topic (SNS) in AWS, one log line locally. */
export interface AlertPublisher {
  publish(alert: FailureAlert): Promise<void>;
}
