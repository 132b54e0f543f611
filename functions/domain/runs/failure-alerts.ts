// Failure alerts: a run that ends FAILURE or TIMED_OUT tells the operators at once — job, status,
// a link to the run and its error summary — on the alarm topic in AWS, as one log line locally.

import type { JobLogger } from "#domain/jobs/job-definition.ts";
import type { AlertPublisher, FailureAlert } from "#ports/alert-publisher.ts";
import type { Run } from "#schemas/run.ts";
import { anomalyAlertFor } from "./run-anomalies.ts";

const ALERTING = new Set(["FAILURE", "TIMED_OUT"]);

/** The alert of a finished run, or null when its status does not alert. */
export function failureAlertFor(run: Run, siteUrl: string | null): FailureAlert | null {
  if (!ALERTING.has(run.status)) return null;
  const runUrl = siteUrl ? `${siteUrl.replace(/\/+$/, "")}/runs/${run.execution_uuid}` : null;
  const subject = `[jobdeck] ${run.job_name} ${run.status}`.slice(0, 100);
  const lines = [
    `${run.job_name} ended ${run.status} (attempt ${run.attempt}, ${run.trigger_source}${run.triggered_by ? ` by ${run.triggered_by}` : ""}).`,
    `Run: ${runUrl ?? run.execution_uuid}`,
    `Started: ${run.started_at}  Finished: ${run.finished_at ?? "-"}`,
    `Counts: fetched ${run.input_count}, inserted ${run.inserted_count}, skipped ${run.skipped_count}, errors ${run.error_count}`,
    `Error: ${run.error_summary ?? "(none recorded)"}`,
  ];
  if (run.logs_url) lines.push(`Logs: ${run.logs_url}`);
  return {
    subject,
    message: lines.join("\n"),
    job_name: run.job_name,
    status: run.status,
    execution_uuid: run.execution_uuid,
    run_url: runUrl,
  };
}

/**
 * An onRunFinished hook that alerts on failures. A publish that fails is logged, never thrown:
 * the run has ended either way and its record must not wait on the alert.
 */
export function alertOnFailure(publisher: AlertPublisher, siteUrl: string | null, logger: JobLogger) {
  return async (run: Run): Promise<void> => {
    // A run that ends flagged (issue 16 part 3) alerts on the same channel; this hook runs once per
    // run end (RunFinisher calls it only for the write that moved the run), so once per run.
    for (const alert of [failureAlertFor(run, siteUrl), anomalyAlertFor(run, siteUrl)]) {
      if (!alert) continue;
      try {
        await publisher.publish(alert);
      } catch (e) {
        logger.error(`${alert.kind ?? "failure"} alert not sent`, {
          execution_uuid: run.execution_uuid,
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  };
}

/** The local publisher: one log line per alert. */
export function logAlertPublisher(logger: JobLogger): AlertPublisher {
  return {
    async publish(a) {
      logger.error(`ALERT ${a.subject}: ${a.run_url ?? a.execution_uuid}`, {
        execution_uuid: a.execution_uuid,
        job_name: a.job_name,
        status: a.status,
        run_url: a.run_url,
        ...(a.kind ? { kind: a.kind } : {}),
        summary: a.message
          .split("\n")
          .find((l) => l.startsWith("Error: ") || l.startsWith("Anomaly: "))
          ?.replace(/^(Error|Anomaly): /, ""),
      });
    },
  };
}
