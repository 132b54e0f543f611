// Dashboard figures (spec/api.md "Dashboard"): per-job and overall stats over a window, from the
// runs started in that window (one index query per job, never a table scan), and live progress.

import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobProgressAnswer, JobStatsAnswer } from "#schemas/answers.ts";
import type { StatsWindow } from "#schemas/dashboard.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import { FINISHED_STATUSES } from "#schemas/run.ts";
import { computeStats } from "./run-stats.ts";
import { summarize } from "./run-summary.ts";

/** Seconds in each window the API offers (StatsWindowSchema). */
export const WINDOWS: Record<StatsWindow, number> = {
  "1h": 3600,
  "24h": 86_400,
  "7d": 7 * 86_400,
  "30d": 30 * 86_400,
};

/** Runs read per job and window; beyond it the answer says `truncated`. */
export const MAX_RUNS_PER_JOB = 5000;

export class DashboardService {
  constructor(private readonly deps: CoreDeps) {}

  private async runsSince(jobName: string, since: string): Promise<{ runs: Run[]; truncated: boolean }> {
    const runs: Run[] = [];
    let after = null;
    do {
      const page = await this.deps.runs.list({ job_name: jobName, started_after: since }, 100, after);
      runs.push(...page.runs);
      after = page.next;
    } while (after && runs.length < MAX_RUNS_PER_JOB);
    return { runs, truncated: after !== null };
  }

  async jobStats(window: StatsWindow): Promise<JobStatsAnswer> {
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - WINDOWS[window] * 1000).toISOString();
    const jobs = this.deps.registry.list();
    const perJob = await Promise.all(
      jobs.map(async (j) => ({ job: j.name, ...(await this.runsSince(j.name, since)) })),
    );
    const all = perJob.flatMap((p) => p.runs);
    const durations: JobStatsAnswer["durations"] = {};
    for (const p of perJob) {
      durations[p.job] = p.runs
        .filter((r) => r.duration_seconds !== null && r.status !== "SKIPPED")
        .map((r) => ({
          started_at: r.started_at,
          duration_seconds: r.duration_seconds as number,
          status: r.status,
        }))
        .reverse();
    }
    return {
      window,
      since,
      generated_at: now.toISOString(),
      overall: computeStats(all),
      jobs: perJob.map((p) => ({ job_name: p.job, truncated: p.truncated, ...computeStats(p.runs) })),
      durations,
      flagged: flaggedRuns(all),
    };
  }

  async jobProgress(): Promise<JobProgressAnswer> {
    const [active, recent] = await Promise.all([
      this.deps.runs.listActive(),
      this.deps.runs.list({ statuses: [...FINISHED_STATUSES] as RunStatus[] }, 10, null),
    ]);
    return {
      active: active.sort((a, b) => (a.started_at < b.started_at ? 1 : -1)),
      recent: recent.runs.map(summarize),
      generated_at: this.deps.clock.now().toISOString(),
    };
  }
}

/** The window's runs flagged with anomalies (issue 16 part 3): how many, and the newest 10. */
function flaggedRuns(runs: Run[]): JobStatsAnswer["flagged"] {
  const flagged = runs
    .filter((r) => r.anomalies?.length)
    .sort((a, b) => (a.started_at < b.started_at ? 1 : -1));
  return {
    count: flagged.length,
    runs: flagged.slice(0, 10).map((r) => ({
      execution_uuid: r.execution_uuid,
      job_name: r.job_name,
      started_at: r.started_at,
      anomalies: r.anomalies ?? [],
    })),
  };
}
