// JobLogger and run metrics on Powertools for AWS Lambda.
// Logs: one JSON object per line; the extra fields of a call (execution_uuid, job_name, …) are
// top-level keys, so a Logs Insights `filter execution_uuid = "…"` finds every line of a run.
// Metrics: CloudWatch EMF lines on stdout (no PutMetricData call, no middleware needed).

import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DEFAULTS } from "#config/defaults.ts";
import { hostEnv } from "#config/env-contract.ts";
import type { JobLogger } from "#domain/jobs/job-definition.ts";
import type { Run, RunStatus } from "#schemas/run.ts";

export const DEFAULT_SERVICE_NAME = DEFAULTS.serviceName;
export const DEFAULT_METRICS_NAMESPACE = DEFAULTS.serviceName;

type Env = Record<string, string | undefined>;

/** A JobLogger writing through a Powertools Logger (exposed for addContext / appendKeys). */
export class PowertoolsJobLogger implements JobLogger {
  constructor(readonly powertools: Logger) {}

  debug(message: string, extra?: Record<string, unknown>): void {
    if (extra) this.powertools.debug(message, extra);
    else this.powertools.debug(message);
  }
  info(message: string, extra?: Record<string, unknown>): void {
    if (extra) this.powertools.info(message, extra);
    else this.powertools.info(message);
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    if (extra) this.powertools.warn(message, extra);
    else this.powertools.warn(message);
  }
  error(message: string, extra?: Record<string, unknown>): void {
    if (extra) this.powertools.error(message, extra);
    else this.powertools.error(message);
  }
}

/**
 * Service name from POWERTOOLS_SERVICE_NAME (default "jobdeck"); level from POWERTOOLS_LOG_LEVEL
 * (Powertools' own variable), else JOBDECK_LOG_LEVEL, else INFO.
 */
export function createPowertoolsLogger(env: Env = hostEnv()): PowertoolsJobLogger {
  const level = env.POWERTOOLS_LOG_LEVEL || env.AWS_LAMBDA_LOG_LEVEL ? undefined : env.JOBDECK_LOG_LEVEL;
  return new PowertoolsJobLogger(
    new Logger({
      serviceName: env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE_NAME,
      ...(level ? { logLevel: level.toUpperCase() as "INFO" } : {}),
    }),
  );
}

/**
 * Metrics in POWERTOOLS_METRICS_NAMESPACE (default "jobdeck"), without Powertools' default
 * `service` dimension: run ends are counted by several functions (workflow steps, reconciler) and
 * must land in the same series.
 */
export function createMetrics(env: Env = hostEnv()): Metrics {
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE_NAME,
  });
  metrics.clearDefaultDimensions();
  return metrics;
}

const FAILED: readonly RunStatus[] = ["FAILURE", "TIMED_OUT"];

/**
 * The `onRunFinished` hook: per run end, two EMF records, published at once.
 * - dimensions {job_name, status}: RunsFinished (Count, 1)
 * - dimensions {job_name}: RunDurationSeconds (Seconds), RunInsertedCount (Count),
 *   RunFailures (Count, 1 for FAILURE / TIMED_OUT, else 0)
 * A metrics failure is logged, never thrown: it must not fail the workflow step that ended the run.
 */
export function runFinishedMetrics(metrics: Metrics, logger?: JobLogger): (run: Run) => void {
  return (run) => {
    try {
      metrics.addDimension("job_name", run.job_name);
      metrics.addDimension("status", run.status);
      metrics.addMetric("RunsFinished", MetricUnit.Count, 1);
      metrics.publishStoredMetrics();

      metrics.addDimension("job_name", run.job_name);
      if (typeof run.duration_seconds === "number") {
        metrics.addMetric("RunDurationSeconds", MetricUnit.Seconds, run.duration_seconds);
      }
      metrics.addMetric("RunInsertedCount", MetricUnit.Count, run.inserted_count);
      metrics.addMetric("RunFailures", MetricUnit.Count, FAILED.includes(run.status) ? 1 : 0);
      metrics.addMetadata("execution_uuid", run.execution_uuid);
      metrics.publishStoredMetrics();
    } catch (e) {
      metrics.clearMetrics();
      metrics.clearDimensions();
      metrics.clearMetadata();
      logger?.warn("run metrics not published", {
        execution_uuid: run.execution_uuid,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  };
}
