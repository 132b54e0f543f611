// GET /v1/jobs and /v1/jobs/{name}; PUT /v1/jobs/{name}/enabled.
import * as z from "zod/mini";
import { FINISHED_STATUSES, type Run, type RunStatus, type RunSummary } from "../schemas/run.ts";
import type { CoreDeps } from "./deps.ts";
import type { JobDefinition } from "./job.ts";
import { computeStats, type RunStats } from "./stats.ts";

export type JobView = {
  name: string;
  description: string;
  category: string;
  data_sources: string[];
  enabled: boolean;
  parameter_schema: unknown;
  concurrency: string;
  timeout_seconds: number;
  retry: JobDefinition["retry"];
  stages: string[];
  schedules: unknown[];
  next_scheduled_for: string | null;
  last_run: RunSummary | null;
  active_runs: RunSummary[];
  stats_24h: RunStats;
};

export function summarize(run: Run): RunSummary {
  return {
    execution_uuid: run.execution_uuid,
    job_name: run.job_name,
    status: run.status,
    trigger_source: run.trigger_source,
    started_at: run.started_at,
    finished_at: run.finished_at,
    duration_seconds: run.duration_seconds,
    input_count: run.input_count,
    inserted_count: run.inserted_count,
    skipped_count: run.skipped_count,
    error_count: run.error_count,
    error_summary: run.error_summary,
    progress: run.progress,
  };
}

const schemaCache = new WeakMap<object, unknown>();

/** JSON Schema (draft 2020-12) of what a client may send, made from the job's own zod schema. */
export function parameterSchema(job: JobDefinition): unknown {
  let s = schemaCache.get(job.parameters);
  if (!s) {
    s = z.toJSONSchema(job.parameters, { io: "input", unrepresentable: "any" });
    schemaCache.set(job.parameters, s);
  }
  return s;
}

/** Upper bound on runs read for one job's 24 h stats; beyond it the stats say so by their total. */
const STATS_SCAN_LIMIT = 1000;

export class JobQueries {
  constructor(private readonly deps: CoreDeps) {}

  async list(): Promise<JobView[]> {
    const flags = await this.deps.control.listJobEnabled();
    const active = await this.deps.runs.listActive();
    return Promise.all(
      this.deps.registry.list().map((job) => this.view(job, flags.get(job.name) ?? true, active)),
    );
  }

  async get(name: string): Promise<JobView> {
    const job = this.deps.registry.get(name);
    const [enabled, active] = await Promise.all([
      this.deps.control.getJobEnabled(name),
      this.deps.runs.listActive(name),
    ]);
    return this.view(job, enabled, active);
  }

  async setEnabled(name: string, enabled: boolean, actor: string): Promise<JobView> {
    this.deps.registry.get(name);
    await this.deps.control.setJobEnabled(name, enabled, actor);
    this.deps.logger.info("job enabled flag set", { job_name: name, enabled, actor });
    return this.get(name);
  }

  async stats(jobName: string, since: Date): Promise<RunStats> {
    const runs: Run[] = [];
    let after = null;
    do {
      const page = await this.deps.runs.list(
        { job_name: jobName, started_after: since.toISOString() },
        100,
        after,
      );
      runs.push(...page.runs);
      after = page.next;
    } while (after && runs.length < STATS_SCAN_LIMIT);
    return computeStats(runs);
  }

  private async view(job: JobDefinition, enabled: boolean, active: Run[]): Promise<JobView> {
    const since = new Date(this.deps.clock.now().getTime() - 24 * 3600 * 1000);
    const [last, stats, next] = await Promise.all([
      this.deps.runs.list({ job_name: job.name, statuses: [...FINISHED_STATUSES] as RunStatus[] }, 1, null),
      this.stats(job.name, since),
      this.deps.nextFire.nextFor(job.name),
    ]);
    const lastRun = last.runs[0];
    return {
      name: job.name,
      description: job.description,
      category: job.category,
      data_sources: job.data_sources,
      enabled,
      parameter_schema: parameterSchema(job),
      concurrency: job.concurrency,
      timeout_seconds: job.timeout_seconds,
      retry: job.retry,
      stages: job.stages ?? [],
      schedules: [],
      next_scheduled_for: next,
      last_run: lastRun ? summarize(lastRun) : null,
      active_runs: active.filter((r) => r.job_name === job.name).map(summarize),
      stats_24h: stats,
    };
  }
}
